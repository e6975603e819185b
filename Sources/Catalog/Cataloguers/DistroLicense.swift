import Foundation
import SBOM

/// Licence fields of OS package databases (rpm `LICENSE`, apk `L:`, pacman `%LICENSE%`) as SPDX expressions.
/// Besides SPDX they carry each distribution's legacy short names (Fedora's `GPLv2+`, Arch's `GPL3`,
/// Alpine's `GPL2`) joined by `and`/`or`. Terms that map to nothing become `LicenseRef-…` one by one, so
/// the expression stays valid SPDX without losing the terms that did map.
enum DistroLicense {
    /// Legacy names SPDXLicense does not know; keys are lower case.
    private static let legacy: [String: String] = [
        // Arch and Alpine: version glued to the family name.
        "gpl2": "GPL-2.0-only", "gpl2+": "GPL-2.0-or-later", "gpl3": "GPL-3.0-only", "gpl3+": "GPL-3.0-or-later",
        "lgpl2": "LGPL-2.0-only", "lgpl2+": "LGPL-2.0-or-later", "lgpl2.1": "LGPL-2.1-only", "lgpl2.1+": "LGPL-2.1-or-later",
        "lgpl3": "LGPL-3.0-only", "lgpl3+": "LGPL-3.0-or-later", "agpl3": "AGPL-3.0-only", "agpl3+": "AGPL-3.0-or-later",
        "fdl1.2": "GFDL-1.2-only", "fdl1.3": "GFDL-1.3-only", "mpl2": "MPL-2.0", "perlartistic": "Artistic-1.0-Perl",
        "cddl": "CDDL-1.0", "epl": "EPL-1.0", "apache2": "Apache-2.0",
        // Fedora / RHEL / SUSE before their SPDX migrations.
        "asl 1.0": "Apache-1.0", "asl 1.1": "Apache-1.1", "asl2": "Apache-2.0",
        "mplv1.0": "MPL-1.0", "mplv1.1": "MPL-1.1", "mplv2.0": "MPL-2.0", "mpl 1.1": "MPL-1.1",
        "bsd with advertising": "BSD-4-Clause", "gfdl": "GFDL-1.1-or-later",
        "openldap": "OLDAP-2.8", "tcl": "TCL", "vim": "Vim", "ijg": "IJG", "w3c": "W3C", "ntp": "NTP",
        "postgresql": "PostgreSQL", "efl 2.0": "EFL-2.0", "zpl 2.1": "ZPL-2.1", "zplv2.1": "ZPL-2.1",
        "ofl": "OFL-1.1", "lppl": "LPPL-1.3c", "afl": "AFL-2.1", "cc-by": "CC-BY-4.0", "unicode": "Unicode-DFS-2016",
    ]

    /// A single licence name as an SPDX expression, or nil when it maps to nothing known.
    static func identifier(_ term: String) -> String? {
        let key = term.trimmingCharacters(in: .whitespaces).lowercased()
        if let mapped = legacy[key] { return mapped }
        if let id = SPDXLicense.identifier(key) { return current(id) }
        if term.hasPrefix("LicenseRef-") || term.hasPrefix("DocumentRef-") { return term }
        return nil
    }

    /// The current identifier for a deprecated GNU one SUSE and older Fedora spec files still use:
    /// `GPL-2.0+` is `GPL-2.0-or-later`, a bare `GPL-2.0` is `GPL-2.0-only`.
    private static func current(_ id: String) -> String {
        guard id.hasPrefix("GPL-") || id.hasPrefix("LGPL-") || id.hasPrefix("AGPL-") || id.hasPrefix("GFDL-") else { return id }
        if id.hasSuffix("+"), SPDXLicense.isIdentifier(id.dropLast() + "-or-later") { return id.dropLast() + "-or-later" }
        if id.last?.isNumber == true, SPDXLicense.isIdentifier(id + "-only") { return id + "-only" }
        return id
    }

    /// `licence WITH exception`, when both sides are known SPDX identifiers.
    private static func withException(_ term: String) -> String? {
        let words = term.split(separator: " ").map(String.init)
        guard let w = words.firstIndex(where: { $0.lowercased() == "with" }), w > 0, w < words.count - 1 else { return nil }
        let left = words[..<w].joined(separator: " ")
        let right = words[(w + 1)...].joined(separator: " ")
        guard let base = identifier(left), !base.contains(" "), SPDXLicense.isIdentifier(right) else { return nil }
        return "\(base) WITH \(right)"
    }

    /// One term (no and/or inside): mapped, or a LicenseRef built from its text.
    private static func term(_ text: String) -> String {
        if let id = identifier(text) { return id.contains(" ") ? "(\(id))" : id }
        if let w = withException(text) { return w }
        if text.lowercased().hasPrefix("custom:") { return SPDXLicense.licenseRef("custom-" + text.dropFirst(7)) }
        return SPDXLicense.licenseRef(text)
    }

    /// The SPDX expression for a licence field. `spaceSeparatedList` says the field may list names with
    /// bare spaces (`MIT BSD GPL2+`, as old Alpine packages do); such a list is joined with AND only when every
    /// word is a known name, because a multi-word name (`Public Domain`) would otherwise be torn apart.
    static func expression(_ raw: String, spaceSeparatedList: Bool = false) -> String? {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.utf8.count <= 4096 else { return nil }
        let upper = text.uppercased()
        if ["NOASSERTION", "NONE", "UNKNOWN", "(NONE)"].contains(upper) { return nil }
        if let whole = identifier(text) { return whole }

        let spaced = text.replacingOccurrences(of: "(", with: " ( ").replacingOccurrences(of: ")", with: " ) ")
        let tokens = spaced.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map(String.init)
        let isOperator = { (t: String) in ["and", "or", "&", "|", "(", ")"].contains(t.lowercased()) }
        if spaceSeparatedList, tokens.count > 1, !tokens.contains(where: isOperator) {
            let ids = tokens.compactMap(identifier)
            if ids.count == tokens.count {
                return ids.map { $0.contains(" ") ? "(\($0))" : $0 }.joined(separator: " AND ")
            }
        }
        return structured(tokens) ?? SPDXLicense.licenseRef(text)
    }

    /// Walks and/or/parentheses, mapping the terms between them; nil when the structure itself is broken
    /// (dangling operator, unbalanced parenthesis), in which case the whole text becomes one LicenseRef.
    private static func structured(_ tokens: [String]) -> String? {
        var out: [String] = []
        var words: [String] = []
        var depth = 0
        // Whether the last thing emitted can be followed by an operator (a term or a closing parenthesis).
        var operand = false
        func flush() -> Bool {
            guard !words.isEmpty else { return true }
            if operand { return false }
            out.append(term(words.joined(separator: " ")))
            words = []
            operand = true
            return true
        }
        for t in tokens {
            switch t.lowercased() {
            case "and", "&", "or", "|":
                guard flush(), operand else { return nil }
                out.append(t.lowercased() == "or" || t == "|" ? "OR" : "AND")
                operand = false
            case "(":
                guard words.isEmpty, !operand else { return nil }
                depth += 1
                out.append("(")
            case ")":
                guard flush(), operand, depth > 0 else { return nil }
                depth -= 1
                out.append(")")
            default:
                words.append(t)
            }
        }
        guard flush(), operand, depth == 0 else { return nil }
        return out.joined(separator: " ").replacingOccurrences(of: "( ", with: "(").replacingOccurrences(of: " )", with: ")")
    }
}
