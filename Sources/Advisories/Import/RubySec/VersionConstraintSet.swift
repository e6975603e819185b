/// `VersionConstraints` read back for matching: the affected versions as intervals, under the
/// ordering of the grammar they were written in.
///
/// Importers keep a source's requirements verbatim only when the affected set cannot be written as
/// OSV events. The shape that forces it is a set *starting just after* a version: OSV's `introduced`
/// is inclusive, and RubyGems ordering has no next version to put there (`1.13.7` <
/// `1.13.7.0.0.1` < `1.13.7.0.1` < `1.13.7.1`, without end), so any `introduced` chosen would
/// misjudge some version. ruby-advisory-db writes such starts as `unaffected_versions: ["<= 1.13.7"]`,
/// `patched_versions: ["= 2.2.10", …]` or an unaffected window ending in `<= 2.3.14`. The matcher
/// evaluates the requirements themselves instead, as bundler-audit does.
///
/// Only the `RubyGems` grammar is read: the npm importer never keeps constraints, since SemVer
/// always has a next version (`NpmRange.successor`).
public struct VersionConstraintSet {
    /// One run of affected versions. A nil bound reaches every version on that side.
    public struct Interval: Equatable, Sendable, CustomStringConvertible {
        public var lower: String?
        public var lowerInclusive: Bool
        public var upper: String?
        public var upperInclusive: Bool

        /// The first version past the interval when that version is patched or unaffected by an
        /// inclusive requirement (`>= 1.13.10`): what an upgrade must reach.
        public var fix: String? { upperInclusive ? nil : upper }

        /// `>1.13.7, <1.13.10`, in the form `RangeEvaluator` describes OSV ranges.
        public var description: String {
            let parts = [lower.map { (lowerInclusive ? ">=" : ">") + $0 }, upper.map { (upperInclusive ? "<=" : "<") + $0 }]
            let text = parts.compactMap { $0 }.joined(separator: ", ")
            return text.isEmpty ? "every version" : text
        }
    }

    public let scheme: String
    private let vulnerable: VersionIntervals
    private let compare: VersionIntervals.Compare

    /// Affected = (any of `affected`, or every version when it is empty) minus every `patched` and
    /// `unaffected` requirement.
    public init(_ constraints: VersionConstraints) throws {
        scheme = constraints.scheme
        guard constraints.scheme == "RubyGems" else {
            throw VersionConstraintError(scheme: constraints.scheme, requirement: nil, reason: "is not a requirement grammar vouch reads (only RubyGems)")
        }
        compare = RubySecRequirement.compare
        func union(_ list: [String]) throws -> VersionIntervals {
            var result = VersionIntervals.nothing
            for requirement in list {
                do {
                    result = try result.union(RubySecRequirement.versions(requirement), compare: RubySecRequirement.compare)
                } catch let e as RubySecRequirement.Invalid {
                    throw VersionConstraintError(scheme: constraints.scheme, requirement: requirement, reason: e.reason)
                } catch let e as VersionError {
                    throw VersionConstraintError(scheme: constraints.scheme, requirement: requirement, reason: "\(e)")
                }
            }
            return result
        }
        let affected = constraints.affected.isEmpty ? VersionIntervals.everything : try union(constraints.affected)
        vulnerable = try affected.subtracting(union(constraints.patched + constraints.unaffected), compare: RubySecRequirement.compare)
    }

    /// Every affected interval, ascending.
    public var intervals: [Interval] { vulnerable.intervals.map(Self.interval) }

    /// The affected interval holding `version`, or nil when it is not affected. Throws
    /// `VersionError` when `version` is not a version of the scheme.
    public func interval(containing version: String) throws -> Interval? {
        try vulnerable.interval(containing: version, compare: compare).map(Self.interval)
    }

    private static func interval(_ i: VersionIntervals.Interval) -> Interval {
        Interval(lower: i.lower?.version, lowerInclusive: i.lower?.inclusive ?? true,
                 upper: i.upper?.version, upperInclusive: i.upper?.inclusive ?? false)
    }
}

/// Requirements kept in `VersionConstraints` that cannot be read: an unknown grammar, or a
/// requirement outside it.
public struct VersionConstraintError: Error, CustomStringConvertible, Equatable, Sendable {
    public let scheme: String
    /// The requirement at fault, or nil when the grammar itself is unknown.
    public let requirement: String?
    public let reason: String

    public var description: String {
        if let requirement { return "\(scheme) requirement '\(requirement.prefix(80))': \(reason)" }
        return "version constraints in '\(scheme.prefix(40))' \(reason)"
    }
}
