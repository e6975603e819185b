import Advisories
import Foundation
import SBOM

/// Where the matcher gets advisories from: the SQLite store, or an in-memory list in tests.
public protocol AdvisoryLookup {
    /// Advisories with an affected entry for one of `names` (package or binary names) in the
    /// ecosystem family and release; the matcher re-checks everything it is given.
    func candidates(ecosystem: String, release: String?, names: [String]) throws -> [Advisory]
    /// Ratings about these vulnerability ids from sources with no package data (NVD's CVSS), used
    /// as the CVSS fallback Scout shows next to a distribution's own rating.
    func severities(forVulnerabilities ids: [String]) throws -> [AdvisorySeverity]
    /// NVD's CPE matches for one vendor and product (lowercase logical values), asked only when CPE
    /// matching is on; the matcher re-checks every attribute and the version.
    func cpeMatches(vendor: String, product: String) throws -> [CPEMatchRecord]
}

extension AdvisoryLookup {
    public func severities(forVulnerabilities ids: [String]) throws -> [AdvisorySeverity] { [] }
    public func cpeMatches(vendor: String, product: String) throws -> [CPEMatchRecord] { [] }
}

/// An in-memory lookup (tests, small advisory sets).
public struct AdvisoryList: AdvisoryLookup {
    public let advisories: [Advisory]
    public init(_ advisories: [Advisory]) { self.advisories = advisories }
    public func candidates(ecosystem: String, release: String?, names: [String]) throws -> [Advisory] {
        advisories.filter { a in
            a.affected.contains { EcosystemName($0.ecosystem).family == ecosystem && (names.contains($0.name) || !$0.binaries.filter(names.contains).isEmpty) }
        }
    }
    public func severities(forVulnerabilities ids: [String]) throws -> [AdvisorySeverity] {
        advisories.filter { a in ids.contains { "NVD-" + $0 == a.id } }.flatMap(\.severities)
    }
    public func cpeMatches(vendor: String, product: String) throws -> [CPEMatchRecord] {
        advisories.filter { $0.withdrawn == nil }.flatMap { a in
            a.cpeMatches.filter { $0.vendor == vendor && $0.product == product }.map {
                CPEMatchRecord(vulnerability: a.aliases.first { $0.hasPrefix("CVE-") } ?? a.id, advisory: a.id, criterion: $0)
            }
        }
    }
}

/// Packages in, findings out: each package looked up in its own ecosystem (OS packages by
/// distribution release and source package, never against another distribution's data),
/// ranges evaluated with that ecosystem's version ordering, advisories about the same
/// vulnerability (by any shared id) merged into one finding. With `matchCPEs`, packages are also
/// matched by their CPE names against NVD (`CPEMatcher`), for vulnerabilities their ecosystem's data
/// does not cover.
public struct Matcher {
    public struct Result: Sendable {
        public var findings: [Finding]
        /// Packages no advisory ecosystem covers (unknown distribution, unsupported type).
        public var unmatchable: Int
        /// Ranges or versions that could not be ordered, one line each.
        public var problems: [String]
    }

    let lookup: AdvisoryLookup
    let scheme: (String) -> VersionScheme?
    let semver: VersionScheme?
    let assessor: SeverityAssessor
    let matchCPEs: Bool

    /// `scheme` maps an OSV ecosystem family to its ordering; `semver` orders `SEMVER` ranges.
    /// `matchCPEs` also matches packages by their CPE names against NVD (off by default: CPE
    /// matching finds many false positives, so it is only done when a user asks).
    public init(lookup: AdvisoryLookup, scheme: @escaping (String) -> VersionScheme?, semver: VersionScheme?, assessor: SeverityAssessor,
                matchCPEs: Bool = false) {
        self.lookup = lookup; self.scheme = scheme; self.semver = semver; self.assessor = assessor; self.matchCPEs = matchCPEs
    }

    public func match(_ inventory: Inventory) throws -> Result {
        var findings: [Finding] = []
        var problems: [String] = []
        var unmatchable = 0
        var cpeMatcher = CPEMatcher(lookup: lookup)
        for package in inventory.packages {
            var covered = Set<String>()
            if let c = PackageCoordinates(package: package, operatingSystem: inventory.operatingSystem), let ordering = scheme(c.ecosystem) {
                findings += try ecosystemFindings(package, coordinates: c, ordering: ordering, covered: &covered, problems: &problems)
            } else {
                unmatchable += 1
            }
            if matchCPEs, !package.cpes.isEmpty {
                findings += try cpeFindings(package, excluding: covered, matcher: &cpeMatcher, problems: &problems)
            }
        }
        findings.sort { ($0.package.name, $0.package.version, $0.id) < ($1.package.name, $1.package.version, $1.id) }
        return Result(findings: findings, unmatchable: unmatchable, problems: Array(Set(problems)).sorted())
    }

    /// The package's findings from its own ecosystem's advisories. `covered` receives every CVE those
    /// advisories speak of for this package, fixed or not affected included: the ecosystem's word on a
    /// vulnerability outranks NVD's upstream ranges (distributions backport fixes), so CPE matching
    /// leaves those out.
    func ecosystemFindings(_ package: Package, coordinates c: PackageCoordinates, ordering: VersionScheme,
                           covered: inout Set<String>, problems: inout [String]) throws -> [Finding] {
        // A non-PEP 440 version sorts before every release under the legacy ordering, so it would
        // "match" nearly every advisory of the package; report it instead of flooding findings.
        if c.ecosystem == "PyPI", (try? VersionSchemes.pep440.parse(c.version)) == nil {
            problems.append("\(package.purl): version '\(c.version.prefix(64))' is not PEP 440; not matched")
            return []
        }
        let evaluator = RangeEvaluator(ecosystem: ordering, semver: semver)
        var hits: [(Advisory, RangeEvaluator.Verdict, AffectedPackage)] = []
        for advisory in try lookup.candidates(ecosystem: c.ecosystem, release: c.release, names: c.names) where advisory.withdrawn == nil {
            if advisory.affected.contains(where: { names($0, package: package, coordinates: c) }) {
                covered.formUnion(Matcher.cves(of: advisory))
            }
            for affected in advisory.affected where applies(affected, to: c, package: package) {
                do {
                    let verdict = try evaluator.evaluate(c.version, in: affected, problems: &problems)
                    if verdict.affected || affected.resolution == .willNotFix && verdict.affected {
                        hits.append((advisory, verdict, affected))
                    }
                } catch {
                    problems.append("\(package.purl): \(error)")
                }
            }
        }
        return merge(hits, package: package, coordinates: c)
    }

    func applies(_ affected: AffectedPackage, to c: PackageCoordinates, package: Package) -> Bool {
        affected.resolution != .notAffected && names(affected, package: package, coordinates: c)
    }

    /// Whether `affected` is about this package (its ecosystem, release and name), whatever it says of it.
    func names(_ affected: AffectedPackage, package: Package, coordinates c: PackageCoordinates) -> Bool {
        guard EcosystemName(affected.ecosystem).applies(toFamily: c.ecosystem, release: c.release) else { return false }
        if c.release != nil {
            // Distribution data names the source package; a binary list, when given, must include this binary.
            guard c.names.contains(affected.name) || affected.binaries.contains(package.name) else { return false }
            return affected.binaries.isEmpty || affected.binaries.contains(package.name)
        }
        return c.names.contains(affected.name)
    }

    /// One finding per vulnerability. Advisories naming a CVE (as their id, an alias, or the
    /// `UBUNTU-CVE-…`/`ALPINE-CVE-…` form of it) join that CVE's finding; one that covers several CVEs
    /// (a USN or DSA) joins each. Others merge when they share any id (GHSA with PYSEC, say).
    func merge(_ hits: [(Advisory, RangeEvaluator.Verdict, AffectedPackage)], package: Package, coordinates c: PackageCoordinates) -> [Finding] {
        typealias Hit = (Advisory, RangeEvaluator.Verdict, AffectedPackage)
        var byCVE: [String: [Hit]] = [:]
        var groups: [[Hit]] = []
        var groupIDs: [Set<String>] = []
        for hit in hits {
            let cves = Matcher.cves(of: hit.0)
            if !cves.isEmpty {
                for cve in cves { byCVE[cve, default: []].append(hit) }
                continue
            }
            let ids = Set([hit.0.id] + hit.0.aliases)
            let overlapping = groupIDs.indices.filter { !groupIDs[$0].isDisjoint(with: ids) }
            var merged = [hit]
            var mergedIDs = ids
            for i in overlapping.reversed() {
                merged += groups.remove(at: i)
                mergedIDs.formUnion(groupIDs.remove(at: i))
            }
            groups.append(merged)
            groupIDs.append(mergedIDs)
        }
        for cve in byCVE.keys.sorted() {
            let group = byCVE[cve] ?? []
            // Ids of other CVEs a bundle advisory covers are not this vulnerability's.
            let ids = Set(group.flatMap { [$0.0.id] + $0.0.aliases }).filter { Matcher.cveID(in: $0).map { $0 == cve } ?? true }
            groups.append(group)
            groupIDs.append(ids.union([cve]))
        }
        return zip(groups, groupIDs).map { group, ids in
            // One advisory can match through two names (ALSA lists `openssl` and `openssl-libs`): list it once.
            var seenIDs = Set<String>()
            let advisories = group.map(\.0).filter { seenIDs.insert($0.id).inserted }
            let display = ids.filter { $0.hasPrefix("CVE-") }.sorted().first ?? advisories.map(\.id).sorted().first ?? "?"
            let fixes = Set(group.flatMap { $0.1.fixedIn })
            let fix: Finding.FixState
            if let lowest = fixes.min(by: { a, b in ((try? scheme(c.ecosystem)?.compare(a, b)) ?? 0) < 0 }) {
                // Advisories on one vulnerability may name different fixes (a backport, a later line): the first suffices.
                fix = .fixed(in: [lowest])
            } else if group.contains(where: { $0.2.resolution == .willNotFix }) {
                fix = .wontFix
            } else {
                fix = .notFixed
            }
            var severities = group.flatMap { $0.2.severities } + advisories.flatMap(\.severities)
            if !severities.contains(where: { $0.kind != .rating }) {
                severities += (try? lookup.severities(forVulnerabilities: ids.filter { $0.hasPrefix("CVE-") }.sorted())) ?? []
            }
            let severity = assessor.assess(severities, preferredSources: SeverityAssessor.preferredSources(ecosystem: c.ecosystem))
            let how = group.map { "\($0.2.ecosystem) \($0.2.name) \($0.1.range ?? "")".trimmingCharacters(in: .whitespaces) }
            return Finding(package: package, id: display, ids: ids.sorted(), advisories: advisories.map(\.id).sorted(),
                           summary: advisories.compactMap(\.summary).first, fix: fix, severity: severity,
                           matchedBy: Array(Set(how)).sorted().joined(separator: "; "))
        }
    }

    /// One finding per vulnerability the package's CPE names match in NVD, leaving out `covered`
    /// (vulnerabilities its ecosystem's advisories speak of: that finding, with the distribution's fix
    /// state, is the one kept). Fixed in `versionEndExcluding` when NVD gives one (the lowest of them).
    func cpeFindings(_ package: Package, excluding covered: Set<String>, matcher: inout CPEMatcher, problems: inout [String]) throws -> [Finding] {
        let byVulnerability = try matcher.hits(for: package, problems: &problems)
        let comparator = CPEVersionComparator(package: package)
        return byVulnerability.keys.sorted().filter { !covered.contains($0) }.map { cve in
            let hits = byVulnerability[cve] ?? []
            let advisories = Array(Set(hits.map(\.record.advisory))).sorted()
            let fixes = Set(hits.compactMap(\.fixedIn))
            let lowest = fixes.min { a, b in
                let ordering = comparator.flatMap { c in try? c.scheme?.compare(a, b) } ?? GenericVersion.compare(a, b)
                return (ordering ?? (a < b ? -1 : 1)) < 0
            }
            let severities = (try? lookup.severities(forVulnerabilities: [cve])) ?? []
            return Finding(package: package, id: cve, ids: Array(Set([cve] + advisories)).sorted(), advisories: advisories,
                           summary: nil, fix: lowest.map { .fixed(in: [$0]) } ?? .notFixed,
                           severity: assessor.assess(severities, preferredSources: ["nvd"]),
                           matchedBy: Array(Set(hits.map(CPEMatcher.describe))).sorted().joined(separator: "; "))
        }
    }

    static func cves(of a: Advisory) -> Set<String> { Set(([a.id] + a.aliases).compactMap(cveID(in:))) }

    /// `CVE-2023-4911` from itself or from a distribution's per-CVE id (`UBUNTU-CVE-2023-4911`).
    static func cveID(in id: String) -> String? {
        if id.hasPrefix("CVE-") { return id }
        guard let r = id.range(of: "-CVE-"), !id[..<r.lowerBound].contains("-") else { return nil }
        return "CVE-" + id[r.upperBound...]
    }
}
