import Foundation
import SBOM

/// Helpers the language-ecosystem cataloguers (npm, gem, composer, nuget, java) share.
enum LanguageCatalogSupport {
    /// One SPDX expression for a list of licence names the package metadata offers as alternatives
    /// (npm's legacy `licenses` array, composer's `license` array): `A OR B`, compound terms parenthesised.
    static func anyOf(_ names: [String]) -> String? {
        var terms: [String] = []
        for name in names {
            guard let expr = SPDXLicense.expression(name), !terms.contains(expr) else { continue }
            terms.append(expr)
        }
        if terms.count <= 1 { return terms.first }
        return terms.map { $0.contains(" ") && !isParenthesised($0) ? "(\($0))" : $0 }.joined(separator: " OR ")
    }

    /// Whether one pair of parentheses encloses the whole expression (`(A OR B)`, not `(A) AND (B)`).
    static func isParenthesised(_ expression: String) -> Bool {
        guard expression.hasPrefix("("), expression.hasSuffix(")") else { return false }
        var depth = 0
        let last = expression.count - 1
        for (i, c) in expression.enumerated() {
            if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
            if depth == 0 && i < last { return false }
        }
        return depth == 0
    }

    /// Drops later packages that repeat an earlier one's purl at the same location, keeping order.
    static func uniqued(_ packages: [Package]) -> [Package] {
        var seen = Set<String>()
        return packages.filter { p in
            let key = p.purl + "\u{0}" + (p.locations.first?.path ?? "")
            return seen.insert(key).inserted
        }
    }

    /// Whether a path (no leading slash) has `directory` as one of its parent components.
    static func hasAncestor(_ directory: String, in path: String) -> Bool {
        path.split(separator: "/").dropLast().contains { $0 == directory }
    }
}
