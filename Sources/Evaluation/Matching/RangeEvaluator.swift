import Advisories
import Foundation

/// Whether one installed version is inside an OSV `affected` entry, and the first fix after it.
/// Implements the OSV schema's evaluation: events sorted by version, `introduced` opens,
/// `fixed` closes before, `last_affected` closes after, `limit` bounds the whole range. An entry
/// with `versionConstraints` instead of ranges is evaluated by those requirements.
public struct RangeEvaluator {
    public struct Verdict: Sendable, Equatable {
        public var affected: Bool
        /// The `fixed` versions that close the range(s) the version is in, ascending.
        public var fixedIn: [String]
        /// A human description of the matched range: `>=0, <2.35-0ubuntu3.4`.
        public var range: String?
    }

    /// `ecosystem` orders `ECOSYSTEM` ranges; `semver` orders `SEMVER` ranges.
    let ecosystem: VersionScheme
    let semver: VersionScheme?

    public init(ecosystem: VersionScheme, semver: VersionScheme?) {
        self.ecosystem = ecosystem
        self.semver = semver
    }

    /// Throws `VersionError` only when the installed version itself cannot be ordered; a malformed
    /// event version makes just that range unusable (recorded in `problems`).
    public func evaluate(_ version: String, in affected: AffectedPackage, problems: inout [String]) throws -> Verdict {
        if affected.versions.contains(version) {
            return Verdict(affected: true, fixedIn: fixedVersions(affected, above: version), range: "version \(version) listed")
        }
        for range in affected.ranges {
            let scheme: VersionScheme
            switch range.kind {
            case .ecosystem: scheme = ecosystem
            case .semver:
                guard let s = semver else { continue }
                scheme = s
            case .git: continue  // commits, not package versions
            }
            do {
                if let verdict = try evaluate(version, range: range, scheme: scheme) { return verdict }
            } catch let e as VersionError where e.version != version {
                problems.append("\(e)")
            }
        }
        if let constraints = affected.versionConstraints, let verdict = try evaluate(version, constraints: constraints, problems: &problems) {
            return verdict
        }
        return Verdict(affected: false, fixedIn: [], range: nil)
    }

    /// The source's own requirements, kept when OSV events could not say which versions are affected
    /// (a set starting just after a version: see `VersionConstraintSet`). Requirements that cannot be
    /// read are a problem of that entry only.
    private func evaluate(_ version: String, constraints: VersionConstraints, problems: inout [String]) throws -> Verdict? {
        let set: VersionConstraintSet
        do { set = try VersionConstraintSet(constraints) } catch {
            problems.append("\(error)")
            return nil
        }
        guard let interval = try set.interval(containing: version) else { return nil }
        return Verdict(affected: true, fixedIn: interval.fix.map { [$0] } ?? [], range: interval.description)
    }

    private func evaluate(_ version: String, range: AffectedRange, scheme: VersionScheme) throws -> Verdict? {
        func cmp(_ a: String, _ b: String) throws -> Int {
            if a == "0" { return b == "0" ? 0 : -1 }  // OSV: introduced "0" is before every version
            if b == "0" { return 1 }
            return try scheme.compare(a, b)
        }
        for case .limit(let l) in range.events where try cmp(version, l) >= 0 { return nil }
        // Sort events by version; at equal versions OSV orders introduced before fixed.
        let keyed = range.events.compactMap { e -> (String, Int, AffectedRange.Event)? in
            switch e {
            case .introduced(let v): return (v, 0, e)
            case .fixed(let v): return (v, 1, e)
            case .lastAffected(let v): return (v, 2, e)
            case .limit: return nil
            }
        }
        var sorted: [(String, Int, AffectedRange.Event)] = []
        for item in keyed {
            var i = sorted.count
            while i > 0 {
                let c = try cmp(sorted[i - 1].0, item.0)
                guard c > 0 || (c == 0 && sorted[i - 1].1 > item.1) else { break }
                i -= 1
            }
            sorted.insert(item, at: i)
        }
        var affected = false
        var opened: String?
        for (v, _, event) in sorted {
            switch event {
            case .introduced:
                if try cmp(version, v) >= 0 { affected = true; opened = v }
            case .fixed:
                if affected, try cmp(version, v) < 0 {
                    return Verdict(affected: true, fixedIn: [v], range: ">=\(opened ?? "0"), <\(v)")
                }
                if try cmp(version, v) >= 0 { affected = false }
            case .lastAffected:
                if affected, try cmp(version, v) <= 0 {
                    return Verdict(affected: true, fixedIn: [], range: ">=\(opened ?? "0"), <=\(v)")
                }
                if try cmp(version, v) > 0 { affected = false }
            case .limit:
                break
            }
        }
        return affected ? Verdict(affected: true, fixedIn: [], range: ">=\(opened ?? "0")") : nil
    }

    /// The fix of a version matched by the `versions` list: the lowest `fixed` event above it in the
    /// version-ordered ranges (GIT ranges name commits, which are no version a user can install).
    private func fixedVersions(_ affected: AffectedPackage, above version: String) -> [String] {
        let candidates = affected.ranges.filter { $0.kind != .git }.flatMap { r -> [String] in
            let scheme: VersionScheme? = r.kind == .semver ? semver : ecosystem
            return r.events.compactMap { e -> String? in
                guard case .fixed(let v) = e, let scheme, let c = try? scheme.compare(v, version), c > 0 else { return nil }
                return v
            }
        }
        let lowest = candidates.min { a, b in ((try? ecosystem.compare(a, b)) ?? 0) < 0 }
        return lowest.map { [$0] } ?? []
    }
}
