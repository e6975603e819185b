import Foundation

/// An npm (node-semver) range read as a set of versions in SemVer order: `||` alternatives of
/// space-separated comparators, with node-semver's desugaring of partial versions, `x` ranges,
/// `~`, `^` and hyphen ranges (`^1.2.3` is `>=1.2.3 <2.0.0-0`, `<=1.2` is `<1.3.0-0`, `2.x` is
/// `>=2.0.0 <3.0.0-0`). node-semver's rule that pre-releases only match a comparator of the same
/// `major.minor.patch` is not kept: OSV ranges follow plain SemVer order.
enum NpmRange {
    /// Far more `||` alternatives or comparators than any advisory uses; bounds the interval work.
    static let maximumParts = 64

    struct Invalid: Error { let reason: String }

    typealias I = VersionIntervals.Interval
    typealias B = VersionIntervals.Bound

    static func versions(_ range: String) throws -> VersionIntervals {
        let alternatives = range.components(separatedBy: "||")
        guard alternatives.count <= maximumParts else { throw Invalid(reason: "has more than \(maximumParts) alternatives") }
        var result = VersionIntervals.nothing
        for alternative in alternatives {
            result = try result.union(comparatorSet(alternative), compare: compare)
        }
        return result
    }

    static func compare(_ a: String, _ b: String) throws -> Int {
        try SemanticVersion(a).compare(to: SemanticVersion(b))
    }

    /// The version right after `v` in SemVer order, for `>v`: `1.2.3` → `1.2.4-0`, `1.0.0-beta` → `1.0.0-beta.0`.
    static func successor(_ v: String) -> String? {
        guard let p = try? Partial(v), p.isComplete, let patch = p.patch else { return nil }
        if let pre = p.prerelease { return "\(p.major).\(p.minor ?? "0").\(patch)-\(pre).0" }
        return "\(p.major).\(p.minor ?? "0").\(FeedInput.increment(patch))-0"
    }

    static func comparatorSet(_ text: String) throws -> VersionIntervals {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let words = trimmed.split(whereSeparator: \.isWhitespace).map(String.init)
        // Hyphen range: `1.2.3 - 2.3.4` is `>=1.2.3 <=2.3.4`.
        if words.count == 3, words[1] == "-" {
            let lower = try comparator(">=", Partial(words[0]))
            let upper = try comparator("<=", Partial(words[2]))
            return try lower.intersection(upper, compare: compare)
        }
        // Join an operator written apart from its version: `>= 1.0.0`, `<  2.0.5`.
        var comparators: [String] = []
        var pendingOperator = ""
        for w in words {
            if w.allSatisfy({ "<>=~^".contains($0) }) { pendingOperator += w; continue }
            comparators.append(pendingOperator + w)
            pendingOperator = ""
        }
        guard pendingOperator.isEmpty else { throw Invalid(reason: "operator '\(pendingOperator)' has no version") }
        guard comparators.count <= maximumParts else { throw Invalid(reason: "has more than \(maximumParts) comparators") }
        var result = VersionIntervals.everything
        for c in comparators {
            let op = String(c.prefix { "<>=~^".contains($0) })
            result = try result.intersection(comparator(op, Partial(String(c.dropFirst(op.count)))), compare: compare)
        }
        return result
    }

    static func comparator(_ op: String, _ p: Partial) throws -> VersionIntervals {
        let pieces: [I]
        switch op {
        case "", "=": pieces = p.isWildcard ? [I(lower: nil, upper: nil)] : [I(lower: p.floor, upper: p.isComplete ? B(version: p.floor.version, inclusive: true) : p.ceiling)]
        case ">=": pieces = [I(lower: p.isWildcard ? nil : p.floor, upper: nil)]
        case ">":
            // node-semver: `>1.2` is `>=1.3.0`.
            let next = p.ceiling.map { B(version: String($0.version.dropLast(2)), inclusive: true) }  // drop "-0"
            pieces = p.isWildcard ? [] : [I(lower: p.isComplete ? B(version: p.text, inclusive: false) : next, upper: nil)]
        case "<": pieces = p.isWildcard ? [] : [I(lower: nil, upper: p.isComplete ? B(version: p.text, inclusive: false) : p.floorExclusive)]
        case "<=": pieces = p.isWildcard ? [I(lower: nil, upper: nil)] : [I(lower: nil, upper: p.isComplete ? B(version: p.text, inclusive: true) : p.ceiling)]
        case "~", "~>", "~=": pieces = p.isWildcard ? [I(lower: nil, upper: nil)] : [I(lower: p.floor, upper: p.tildeCeiling)]
        case "^": pieces = p.isWildcard ? [I(lower: nil, upper: nil)] : [I(lower: p.floor, upper: p.caretCeiling)]
        default: throw Invalid(reason: "unknown operator '\(op.prefix(8))'")
        }
        return try VersionIntervals(pieces, compare: compare)
    }

    /// A version as written in a range: `1`, `1.2`, `1.2.x`, `*`, `v1.2.3-beta.1`, `=1.0.0`.
    struct Partial {
        let major: String
        let minor: String?
        let patch: String?
        let prerelease: String?
        var isWildcard: Bool { major == "*" }
        var isComplete: Bool { !isWildcard && minor != nil && patch != nil }

        init(_ raw: String) throws {
            var t = Substring(raw.trimmingCharacters(in: .whitespaces))
            while t.first == "v" || t.first == "V" || t.first == "=" { t = t.dropFirst() }
            if let plus = t.firstIndex(of: "+") { t = t[..<plus] }  // build metadata never orders
            var pre: Substring?
            if let dash = t.firstIndex(of: "-") { pre = t[t.index(after: dash)...]; t = t[..<dash] }
            let parts = t.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard (1...3).contains(parts.count), t.count <= 64 else { throw Invalid(reason: "'\(raw.prefix(40))' is not a version") }
            func number(_ s: String) throws -> String? {
                if s == "x" || s == "X" || s == "*" { return nil }
                guard !s.isEmpty, s.count <= 20, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw Invalid(reason: "'\(raw.prefix(40))' is not a version") }
                let trimmed = s.drop { $0 == "0" }
                return trimmed.isEmpty ? "0" : String(trimmed)
            }
            let numbers = try parts.map(number)
            guard let m = numbers[0] else {
                guard pre == nil, numbers.allSatisfy({ $0 == nil }) else { throw Invalid(reason: "'\(raw.prefix(40))' mixes a wildcard and numbers") }
                major = "*"; minor = nil; patch = nil; prerelease = nil
                return
            }
            major = m
            minor = numbers.count > 1 ? numbers[1] : nil
            patch = minor == nil ? nil : (numbers.count > 2 ? numbers[2] : nil)
            if let pre {
                guard minor != nil, patch != nil, !pre.isEmpty, pre.count <= 64,
                      pre.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } }) else {
                    throw Invalid(reason: "'\(raw.prefix(40))' has a malformed pre-release")
                }
                prerelease = String(pre)
            } else {
                prerelease = nil
            }
        }

        /// `1.2.3-beta` as written, or the partial's missing parts as 0.
        var text: String { "\(major).\(minor ?? "0").\(patch ?? "0")" + (prerelease.map { "-\($0)" } ?? "") }
        var floor: B { B(version: text, inclusive: true) }
        /// For `<1.2`: nothing of 1.2, its pre-releases included.
        var floorExclusive: B { B(version: "\(major).\(minor ?? "0").\(patch ?? "0")-0", inclusive: false) }
        /// Just past what a partial covers: `1.2` → `<1.3.0-0`, `1` → `<2.0.0-0`; nil when complete.
        /// These end a release line the range names; they are not fixes.
        var ceiling: B? {
            if minor == nil { return end("\(FeedInput.increment(major)).0.0") }
            if patch == nil, let minor { return end("\(major).\(FeedInput.increment(minor)).0") }
            return nil
        }
        var tildeCeiling: B {
            guard let minor else { return end("\(FeedInput.increment(major)).0.0") }
            return end("\(major).\(FeedInput.increment(minor)).0")
        }
        var caretCeiling: B {
            guard let minor else { return end("\(FeedInput.increment(major)).0.0") }
            if major != "0" { return end("\(FeedInput.increment(major)).0.0") }
            guard let patch else { return end("0.\(FeedInput.increment(minor)).0") }
            if minor != "0" { return end("0.\(FeedInput.increment(minor)).0") }
            return end("0.0.\(FeedInput.increment(patch))")
        }

        /// Below every pre-release of `version`.
        private func end(_ version: String) -> B { B(version: version + "-0", inclusive: false, isFix: false) }
    }
}
