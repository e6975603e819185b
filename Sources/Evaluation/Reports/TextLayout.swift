import Foundation

/// Column padding and shortening for the text reports. Widths count characters, not bytes.
enum TextLayout {
    static func padLeft(_ s: String, _ width: Int) -> String {
        let n = s.count
        return n >= width ? s : String(repeating: " ", count: width - n) + s
    }

    static func padRight(_ s: String, _ width: Int) -> String {
        let n = s.count
        return n >= width ? s : s + String(repeating: " ", count: width - n)
    }

    /// One line: line breaks and tabs (which would break a table's layout) become spaces.
    static func oneLine(_ s: String) -> String {
        guard s.contains(where: { $0.isNewline || $0 == "\t" }) else { return s }
        return String(s.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }

    /// Cuts to at most `limit` characters, ending in `…` when anything was cut (at a word boundary
    /// when one is near); line breaks become spaces.
    static func truncate(_ s: String, _ limit: Int) -> String {
        let flat = s.split(whereSeparator: { $0.isNewline || $0 == "\t" }).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        guard flat.count > limit, limit > 1 else { return flat }
        var kept = flat.prefix(limit - 1)
        let next = flat[kept.endIndex]
        if next != " ", let space = kept.lastIndex(of: " "), kept.distance(from: space, to: kept.endIndex) <= 20 {
            kept = kept[..<space]
        }
        return kept.trimmingCharacters(in: .whitespaces) + "…"
    }

    /// A finding's other ids, at most `limit` of them, then `+N`: `USN-6409-1, UBUNTU-CVE-2023-4911 +2`.
    static func otherIDs(_ f: Finding, limit: Int = 2) -> String {
        let others = f.ids.filter { $0 != f.id }.map(oneLine)
        guard others.count > limit else { return others.joined(separator: ", ") }
        return others.prefix(limit).joined(separator: ", ") + " +\(others.count - limit)"
    }

    static func plural(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
}
