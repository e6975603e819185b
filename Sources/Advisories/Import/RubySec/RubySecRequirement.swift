import Foundation

/// A RubyGems requirement as ruby-advisory-db writes one entry of `patched_versions` or
/// `unaffected_versions`: comma-separated constraints that must all hold (`~> 5.2.4, >= 5.2.4.3`),
/// read as the set of versions it accepts.
///
/// `~> v` is `>= v, < v.bump` (`~> 5.2.4` is `>= 5.2.4, < 5.3`). RubyGems itself compares the
/// *release* of a candidate with the bump, so `5.3.0.rc1` does not satisfy `~> 5.2.4` although it
/// sorts below `5.3`; the interval here follows plain version order, as OSV ranges must, and so
/// counts such pre-releases of the next series as inside.
enum RubySecRequirement {
    static let operators = ["~>", ">=", "<=", "!=", "=", ">", "<"]
    /// More constraints than any real requirement has; bounds the interval arithmetic.
    static let maximumConstraints = 32

    struct Invalid: Error { let reason: String }

    static func versions(_ requirement: String) throws -> VersionIntervals {
        let constraints = requirement.split(separator: ",", omittingEmptySubsequences: false)
        guard constraints.count <= maximumConstraints else { throw Invalid(reason: "has more than \(maximumConstraints) constraints") }
        var result = VersionIntervals.everything
        for constraint in constraints {
            result = try result.intersection(versions(constraint: String(constraint)), compare: compare)
        }
        return result
    }

    static func compare(_ a: String, _ b: String) throws -> Int {
        try RubyGemsVersion(a).compare(to: RubyGemsVersion(b))
    }

    static func versions(constraint raw: String) throws -> VersionIntervals {
        let c = raw.trimmingCharacters(in: .whitespaces)
        let op = operators.first { c.hasPrefix($0) } ?? "="
        let v = (c.hasPrefix(op) ? String(c.dropFirst(op.count)) : c).trimmingCharacters(in: .whitespaces)
        guard (try? RubyGemsVersion(v)) != nil, v.count <= 128 else {
            throw Invalid(reason: "'\(raw.prefix(60))' is not a RubyGems requirement")
        }
        typealias I = VersionIntervals.Interval
        typealias B = VersionIntervals.Bound
        let pieces: [I]
        switch op {
        case "~>": pieces = [I(lower: B(version: v, inclusive: true), upper: B(version: bump(v), inclusive: false))]
        case ">=": pieces = [I(lower: B(version: v, inclusive: true), upper: nil)]
        case ">": pieces = [I(lower: B(version: v, inclusive: false), upper: nil)]
        case "<=": pieces = [I(lower: nil, upper: B(version: v, inclusive: true))]
        case "<": pieces = [I(lower: nil, upper: B(version: v, inclusive: false))]
        case "!=": pieces = [I(lower: nil, upper: B(version: v, inclusive: false)), I(lower: B(version: v, inclusive: false), upper: nil)]
        default: pieces = [I(lower: B(version: v, inclusive: true), upper: B(version: v, inclusive: true))]
        }
        return try VersionIntervals(pieces, compare: compare)
    }

    /// `Gem::Version#bump`, the exclusive end of `~>`: the numbers before any letters, the last of
    /// them dropped when more than one remains, the new last plus one (`5.2.4` → `5.3`, `5` → `6`,
    /// `1.0.0.rc1` → `1.1`).
    static func bump(_ version: String) -> String {
        var numbers: [String] = []
        var run = ""
        for c in version {
            if c.isASCII && c.isNumber { run.append(c); continue }
            if !run.isEmpty { numbers.append(run); run = "" }
            if c.isLetter || c == "-" { break }  // `-` starts a pre-release (`.pre.`)
        }
        if !run.isEmpty { numbers.append(run) }
        numbers = numbers.map { n in let t = n.drop { $0 == "0" }; return t.isEmpty ? "0" : String(t) }
        if numbers.count > 1 { numbers.removeLast() }
        guard let last = numbers.popLast() else { return version }
        return (numbers + [FeedInput.increment(last)]).joined(separator: ".")
    }
}
