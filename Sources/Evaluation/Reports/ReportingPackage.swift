import Foundation
import SBOM

/// The package a finding is reported under, as Docker Scout does: an OS package with a known
/// source package is reported as that source (`libc6` and `libc-bin` as `glibc`, with a purl
/// keeping only the `distro` qualifier), because that is what distributions fix and what their
/// advisories name; every other package is itself.
struct ReportingPackage: Hashable, Sendable {
    var name: String
    var version: String
    /// The purl type (`deb`, `pypi`…).
    var type: String
    /// The source package's purl (the binary's namespace and `distro`, without `arch`/`upstream`), or the package's own.
    var purl: String

    init(name: String, version: String, type: String, purl: String) {
        self.name = name; self.version = version; self.type = type; self.purl = purl
    }

    init(_ p: Package) {
        let parsed = try? PackageURL(parsing: p.purl, enforcingTypeRules: false)
        type = parsed?.type ?? p.type.purlType
        if p.type.isOSPackage, let source = p.sourceName, !source.isEmpty {
            name = source
            version = p.sourceVersion.flatMap { $0.isEmpty ? nil : $0 } ?? p.version
            if let parsed {
                var qualifiers: [String: String] = [:]
                if let distro = parsed.qualifiers["distro"] { qualifiers["distro"] = distro }
                purl = PackageURL(type: parsed.type, namespace: parsed.namespace, name: source, version: version, qualifiers: qualifiers).description
            } else {
                purl = "pkg:\(type)/\(source)@\(version)"
            }
        } else {
            name = p.name
            version = p.version
            purl = p.purl
        }
    }

    /// Builds each package's reporting identity once: 100,000 findings share far fewer packages.
    struct Cache {
        private struct Key: Hashable {
            var purl: String
            var sourceName: String?
            var sourceVersion: String?
        }
        private var known: [Key: ReportingPackage] = [:]
        mutating func of(_ p: Package) -> ReportingPackage {
            let key = Key(purl: p.purl, sourceName: p.sourceName, sourceVersion: p.sourceVersion)
            if let r = known[key] { return r }
            let r = ReportingPackage(p)
            known[key] = r
            return r
        }
    }
}

/// One vulnerability in one reported package, with the binary packages it was found in.
public struct GroupedVulnerability: Sendable {
    /// The finding shown (the highest-rated when binaries disagree).
    public var finding: Finding
    /// Names of the packages it was found in (sorted, unique).
    public var packages: [String]
}

/// A reported package and its vulnerabilities, ordered for display.
public struct PackageGroup: Sendable {
    public var name: String
    public var version: String
    public var type: String
    public var purl: String
    /// The binary packages reported under this source package (empty when the only one has the source's name).
    public var binaries: [String]
    /// Highest severity first, then the highest CVSS score, then id.
    public var vulnerabilities: [GroupedVulnerability]

    public var summary: SeveritySummary {
        SeveritySummary(ratings: vulnerabilities.map { $0.finding.severity.rating }, packages: vulnerabilities.isEmpty ? 0 : 1)
    }
    public var highest: Severity? { vulnerabilities.first?.finding.severity.rating }

    /// Groups findings by reported package (one row per vulnerability id in each), adding groups for
    /// `cleanPackages` not reported under a vulnerable group; groups come highest severity first,
    /// then by name, version and purl.
    public static func group(_ findings: [Finding], cleanPackages: [Package] = []) -> [PackageGroup] {
        struct Entry {
            var package: ReportingPackage
            var binaries: Set<String> = []
            var rows: [String: GroupedVulnerability] = [:]
        }
        var cache = ReportingPackage.Cache()
        var entries: [Entry] = []
        var index: [ReportingPackage: Int] = [:]
        func entry(for r: ReportingPackage) -> Int {
            if let i = index[r] { return i }
            index[r] = entries.count
            entries.append(Entry(package: r))
            return entries.count - 1
        }
        for f in findings {
            let r = cache.of(f.package)
            let i = entry(for: r)
            if r.purl != f.package.purl { entries[i].binaries.insert(f.package.name) }
            if var row = entries[i].rows[f.id] {
                if !row.packages.contains(f.package.name) { row.packages.append(f.package.name) }
                if FindingOrder.ranksBefore(f, row.finding) { row.finding = f }
                entries[i].rows[f.id] = row
            } else {
                entries[i].rows[f.id] = GroupedVulnerability(finding: f, packages: [f.package.name])
            }
        }
        let vulnerable = entries.count
        for p in cleanPackages {
            let r = cache.of(p)
            if let i = index[r], i < vulnerable { continue }
            let i = entry(for: r)
            if r.purl != p.purl { entries[i].binaries.insert(p.name) }
        }
        var groups = entries.map { e -> PackageGroup in
            let rows = e.rows.values.map { GroupedVulnerability(finding: $0.finding, packages: $0.packages.sorted()) }
                .sorted { FindingOrder.ranksBefore($0.finding, $1.finding) }
            let binaries = e.binaries == [e.package.name] ? [] : e.binaries.sorted()
            return PackageGroup(name: e.package.name, version: e.package.version, type: e.package.type, purl: e.package.purl,
                                binaries: binaries, vulnerabilities: rows)
        }
        groups.sort { a, b in
            let ra = a.highest.map { $0.rank + 1 } ?? 0, rb = b.highest.map { $0.rank + 1 } ?? 0
            if ra != rb { return ra > rb }
            return (a.name, a.version, a.purl) < (b.name, b.version, b.purl)
        }
        return groups
    }
}

/// The one display order for findings: highest rating, then highest CVSS score, then id, then package.
enum FindingOrder {
    static func ranksBefore(_ a: Finding, _ b: Finding) -> Bool {
        if a.severity.rating != b.severity.rating { return a.severity.rating > b.severity.rating }
        let sa = score(a), sb = score(b)
        if sa != sb { return sa > sb }
        if a.id != b.id { return a.id < b.id }
        return (a.package.name, a.package.purl) < (b.package.name, b.package.purl)
    }

    /// The CVSS score for ordering; none (or a NaN from a hostile SBOM) sorts last and consistently.
    static func score(_ f: Finding) -> Double {
        guard let s = f.severity.cvss?.baseScore, !s.isNaN else { return -1 }
        return s
    }

    /// The order of machine-readable outputs: by package, then id, so diffs between scans stay small.
    static func byPackage(_ a: Finding, _ b: Finding) -> Bool {
        if a.package.purl != b.package.purl { return a.package.purl < b.package.purl }
        let la = a.package.locations.first?.path ?? "", lb = b.package.locations.first?.path ?? ""
        if la != lb { return la < lb }
        return a.id < b.id
    }
}
