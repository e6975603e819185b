import Foundation
import SBOM

/// The package a finding is reported under, as Docker Scout does: an OS package's binaries
/// (`libc6`, `libc-bin`) are reported as their source package (`glibc`), because that is what
/// distributions fix and what their advisories name; every other package is itself.
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
        if p.type.isOSPackage, let source = p.sourceName, !source.isEmpty, source != p.name || (p.sourceVersion ?? p.version) != p.version {
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
        private var known: [String: ReportingPackage] = [:]
        mutating func of(_ p: Package) -> ReportingPackage {
            let key = p.purl + "\u{0}" + (p.sourceName ?? "") + "\u{0}" + (p.sourceVersion ?? "")
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
    /// The binary packages reported under this source package (empty when the package is reported as itself).
    public var binaries: [String]
    /// Highest severity first, then the highest CVSS score, then id.
    public var vulnerabilities: [GroupedVulnerability]

    public var summary: SeveritySummary { SeveritySummary(ratings: vulnerabilities.map { $0.finding.severity.rating }, packages: vulnerabilities.isEmpty ? 0 : 1) }
    public var highest: Severity? { vulnerabilities.first?.finding.severity.rating }

    /// Groups findings by reported package (one row per vulnerability id in each), adding groups for
    /// `cleanPackages` not reported under a vulnerable group; groups come highest severity first,
    /// then by name, version and purl.
    public static func group(_ findings: [Finding], cleanPackages: [Package] = []) -> [PackageGroup] {
        var cache = ReportingPackage.Cache()
        var order: [ReportingPackage] = []
        var byPackage: [ReportingPackage: (binaries: Set<String>, rows: [String: GroupedVulnerability])] = [:]
        for f in findings {
            let r = cache.of(f.package)
            if byPackage[r] == nil { order.append(r); byPackage[r] = ([], [:]) }
            if r.name != f.package.name || r.purl != f.package.purl { byPackage[r]!.binaries.insert(f.package.name) }
            if var row = byPackage[r]!.rows[f.id] {
                if !row.packages.contains(f.package.name) { row.packages.append(f.package.name) }
                if FindingOrder.ranksBefore(f, row.finding) { row.finding = f }
                byPackage[r]!.rows[f.id] = row
            } else {
                byPackage[r]!.rows[f.id] = GroupedVulnerability(finding: f, packages: [f.package.name])
            }
        }
        let vulnerable = Set(order)
        for p in cleanPackages {
            let r = cache.of(p)
            if vulnerable.contains(r) { continue }
            if byPackage[r] == nil { order.append(r); byPackage[r] = ([], [:]) }
            if r.name != p.name || r.purl != p.purl { byPackage[r]!.binaries.insert(p.name) }
        }
        var groups = order.map { r -> PackageGroup in
            let entry = byPackage[r]!
            let rows = entry.rows.values.map { GroupedVulnerability(finding: $0.finding, packages: $0.packages.sorted()) }
                .sorted { FindingOrder.ranksBefore($0.finding, $1.finding) }
            return PackageGroup(name: r.name, version: r.version, type: r.type, purl: r.purl,
                                binaries: entry.binaries.sorted(), vulnerabilities: rows)
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
        let sa = a.severity.cvss?.baseScore ?? -1, sb = b.severity.cvss?.baseScore ?? -1
        if sa != sb { return sa > sb }
        if a.id != b.id { return a.id < b.id }
        return (a.package.name, a.package.purl) < (b.package.name, b.package.purl)
    }

    /// The order of machine-readable outputs: by package, then id, so diffs between scans stay small.
    static func byPackage(_ a: Finding, _ b: Finding) -> Bool {
        if a.package.purl != b.package.purl { return a.package.purl < b.package.purl }
        let la = a.package.locations.first?.path ?? "", lb = b.package.locations.first?.path ?? ""
        if la != lb { return la < lb }
        return a.id < b.id
    }
}
