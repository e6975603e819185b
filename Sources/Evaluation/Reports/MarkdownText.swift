import Foundation

/// Escaping for GitHub-flavoured Markdown, where report text (advisory summaries, versions) may hold
/// pipes, HTML or backticks that would break a table or inject markup.
enum MarkdownText {
    /// Text safe in a heading, paragraph or table cell: one line, HTML neutralised, Markdown punctuation escaped.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case _ where c.isNewline || c == "\t": out.append(" ")
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\\", "`", "*", "_", "[", "]", "|", "#": out += "\\" + String(c)
            default: out.append(c)
            }
        }
        return out
    }

    /// Text safe in a table cell (the same rules: a cell is one line).
    static func cell(_ s: String) -> String { escape(s) }

    /// Inline code that no backtick in the text can close early: the fence is one longer than the
    /// longest run of backticks inside, with spaces when the text touches a backtick.
    static func code(_ s: String) -> String {
        let flat = TextLayout.oneLine(s)
        var longest = 0, run = 0
        for c in flat {
            run = c == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = longest > 0 ? " " : ""
        return fence + pad + flat + pad + fence
    }
}
