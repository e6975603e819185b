import Foundation
import SBOM

/// What changed between a baseline and a target (`vouch compare TARGET --to BASELINE`): packages
/// added, removed, and changed version (a package is the same package across images when its purl
/// type, namespace, name and architecture agree), and vulnerabilities added and removed: the same
/// vulnerability id in the same reported package (the source package for OS packages, as
/// `SeveritySummary` counts), whatever its version.
public struct ImageComparison: Sendable {
    public struct PackageChange: Sendable, Equatable {
        public enum Kind: String, Sendable { case added, removed, changed }
        public var kind: Kind
        public var name: String
        public var type: String
        /// Versions in the baseline (empty when added) and in the target (empty when removed).
        public var from: [String]
        public var to: [String]
        /// A purl of the package: the target's when it has one, else the baseline's.
        public var purl: String
    }

    public struct VulnerabilityChange: Sendable {
        public enum Kind: String, Sendable { case added, removed }
        public var kind: Kind
        /// The finding in the target (added) or in the baseline (removed); the highest-rated when
        /// several binaries of one source package have it.
        public var finding: Finding
        /// The package it is reported under (`glibc` for `libc6`), as in the other reports.
        public var reportedName: String
        public var reportedVersion: String
        public var reportedPURL: String
    }

    /// By name, then type, then purl.
    public var packages: [PackageChange]
    public var unchangedPackages: Int
    /// Added first, each part in display order (highest severity first).
    public var vulnerabilities: [VulnerabilityChange]
    public var targetSummary: SeveritySummary
    public var baselineSummary: SeveritySummary

    public init(target: VulnerabilityReport, baseline: VulnerabilityReport) {
        let old = ImageComparison.versions(baseline.inventory.packages)
        let new = ImageComparison.versions(target.inventory.packages)
        var changes: [PackageChange] = []
        var unchanged = 0
        for key in Set(old.keys).union(new.keys) {
            let before = old[key], after = new[key]
            let from = before?.versions.sorted() ?? [], to = after?.versions.sorted() ?? []
            guard let sample = after?.package ?? before?.package else { continue }
            let kind: PackageChange.Kind
            if before == nil {
                kind = .added
            } else if after == nil {
                kind = .removed
            } else if from == to {
                unchanged += 1
                continue
            } else {
                kind = .changed
            }
            changes.append(PackageChange(kind: kind, name: sample.name, type: FindingFilter.purlType(of: sample),
                                         from: from, to: to, purl: sample.purl))
        }
        packages = changes.sorted { ($0.name, $0.type, $0.purl) < ($1.name, $1.type, $1.purl) }
        unchangedPackages = unchanged

        let oldVulns = ImageComparison.vulnerabilities(baseline.findings)
        let newVulns = ImageComparison.vulnerabilities(target.findings)
        let added = newVulns.filter { oldVulns[$0.key] == nil }.values.sorted(by: FindingOrder.ranksBefore)
        let removed = oldVulns.filter { newVulns[$0.key] == nil }.values.sorted(by: FindingOrder.ranksBefore)
        var cache = ReportingPackage.Cache()
        func change(_ kind: VulnerabilityChange.Kind, _ f: Finding) -> VulnerabilityChange {
            let r = cache.of(f.package)
            return VulnerabilityChange(kind: kind, finding: f, reportedName: r.name, reportedVersion: r.version, reportedPURL: r.purl)
        }
        vulnerabilities = added.map { change(.added, $0) } + removed.map { change(.removed, $0) }
        targetSummary = SeveritySummary(findings: target.findings)
        baselineSummary = SeveritySummary(findings: baseline.findings)
    }

    public func count(_ kind: PackageChange.Kind) -> Int { packages.lazy.filter { $0.kind == kind }.count }
    public func count(_ kind: VulnerabilityChange.Kind) -> Int { vulnerabilities.lazy.filter { $0.kind == kind }.count }

    /// A package's identity across images: purl type, namespace, name and architecture (not version).
    static func identity(_ p: Package) -> String {
        if let purl = try? PackageURL(parsing: p.purl, enforcingTypeRules: false) {
            return [purl.type, purl.namespace ?? "", purl.name, purl.qualifiers["arch"] ?? ""].joined(separator: "\u{0}")
        }
        return [p.type.purlType, "", p.name, p.architecture ?? ""].joined(separator: "\u{0}")
    }

    static func versions(_ packages: [Package]) -> [String: (package: Package, versions: Set<String>)] {
        var out: [String: (package: Package, versions: Set<String>)] = [:]
        for p in packages {
            let key = identity(p)
            if out[key] == nil { out[key] = (p, []) }
            out[key]!.versions.insert(p.version)
        }
        return out
    }

    /// One finding per (reported package without its version, vulnerability id): the highest-rated.
    static func vulnerabilities(_ findings: [Finding]) -> [String: Finding] {
        var cache = ReportingPackage.Cache()
        var namespaces: [String: String] = [:]
        var out: [String: Finding] = [:]
        for f in findings {
            let r = cache.of(f.package)
            let namespace = namespaces[f.package.purl] ?? ((try? PackageURL(parsing: f.package.purl, enforcingTypeRules: false))?.namespace ?? "")
            namespaces[f.package.purl] = namespace
            let key = [r.type, namespace, r.name, f.id].joined(separator: "\u{0}")
            if let existing = out[key], !FindingOrder.ranksBefore(f, existing) { continue }
            out[key] = f
        }
        return out
    }
}
