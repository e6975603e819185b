import Foundation
import JSON
import SBOM

/// `vouch cves --format json`: a stable document for scripts. Every key below is always present
/// (null when unknown); findings are ordered by package purl, then location, then id.
///
/// ```
/// {
///   "schema": "vouch.vulnerability-report/v1",      (this layout's version; it changes only by adding keys)
///   "target": { "name", "kind": image|directory|file, "digest", "purl", "platform" },
///   "source": "SBOM from attestation (verified, buildkit index)",
///   "packages": 18,                                  (packages scanned)
///   "summary": { "critical", "high", "medium", "low", "unspecified", "total", "vulnerablePackages" },
///   "findings": [ {
///     "id": "CVE-2023-4911",                         (the CVE when there is one)
///     "ids": [...], "advisories": [...],             (every alias; the advisories that matched)
///     "package": { "name", "version", "type" (purl type), "purl", "layer" (diff_id), "sourceName", "sourceVersion" },
///     "severity": { "rating": critical|high|medium|low|unspecified, "ratedBy", "display",
///                   "cvss": { "version", "score", "vector", "source" } | null },
///     "fix": { "state": fixed|not-fixed|wont-fix, "versions": [...] },
///     "matchedBy": "Ubuntu:22.04 glibc >=0, <2.35-0ubuntu3.4",
///     "summary": "…" | null,
///     "vex": { "status", "justification", "impactStatement", "actionStatement", "statusNotes",
///              "author", "timestamp", "source", "documentID" } | null   (the VEX statement that applied)
///   } ],
///   "suppressed": [ … ]                              (findings a VEX statement took out, same shape, `vex` set)
/// }
/// ```
/// `summary` counts each vulnerability once per reported package (see `SeveritySummary`) and leaves the
/// suppressed findings out; `findings` has one entry per vulnerability per binary package.
public struct FindingsJSONRenderer: ReportRenderer {
    public static let schema = "vouch.vulnerability-report/v1"

    public init() {}

    public func document(_ report: VulnerabilityReport) -> JSON {
        let s = report.inventory.subject
        let summary = SeveritySummary(findings: report.findings)
        let target: JSONObject = [
            "name": .string(s.name), "kind": .string(s.kind.rawValue),
            "digest": ReportJSON.optional(s.manifestDigest ?? s.configDigest),
            "purl": ReportJSON.optional(report.inventory.subjectPURL), "platform": ReportJSON.optional(s.platform),
        ]
        let findings = report.findings.sorted(by: FindingOrder.byPackage).map(finding)
        return [
            "schema": .string(FindingsJSONRenderer.schema),
            "target": .object(target),
            "source": .string(report.source),
            "packages": .int(Int64(report.inventory.packages.count)),
            "summary": ReportJSON.summary(summary),
            "findings": .array(findings),
            "suppressed": .array(report.suppressed.sorted(by: FindingOrder.byPackage).map(finding)),
        ]
    }

    public func render(_ report: VulnerabilityReport) -> Data { document(report).serialized([.pretty]) }

    func finding(_ f: Finding) -> JSON {
        [
            "id": .string(f.id),
            "ids": .array(f.ids.map { .string($0) }),
            "advisories": .array(f.advisories.map { .string($0) }),
            "package": ReportJSON.package(f.package),
            "severity": ReportJSON.severity(f.severity),
            "fix": ReportJSON.fix(f.fix),
            "matchedBy": .string(f.matchedBy),
            "summary": ReportJSON.optional(f.summary),
            "vex": f.vex.map(VEXReportFields.json) ?? .null,
        ]
    }
}

/// JSON pieces shared by the JSON and compare documents.
enum ReportJSON {
    static func optional(_ s: String?) -> JSON { s.map { .string($0) } ?? .null }

    static func summary(_ s: SeveritySummary) -> JSON {
        ["critical": .int(Int64(s.critical)), "high": .int(Int64(s.high)), "medium": .int(Int64(s.medium)),
         "low": .int(Int64(s.low)), "unspecified": .int(Int64(s.unspecified)), "total": .int(Int64(s.total)),
         "vulnerablePackages": .int(Int64(s.vulnerablePackages))]
    }

    static func package(_ p: Package) -> JSON {
        ["name": .string(p.name), "version": .string(p.version), "type": .string(FindingFilter.purlType(of: p)),
         "purl": .string(p.purl), "layer": optional(p.layer), "sourceName": optional(p.sourceName),
         "sourceVersion": optional(p.sourceVersion)]
    }

    static func severity(_ s: SeverityAssessment) -> JSON {
        var cvss: JSON = .null
        if let c = s.cvss {
            cvss = ["version": .string(c.version), "score": .double(c.baseScore), "vector": .string(c.vector), "source": optional(c.source)]
        }
        return ["rating": .string(s.rating.rawValue), "ratedBy": optional(s.ratedBy), "display": .string(s.display), "cvss": cvss]
    }

    static func fix(_ fix: Finding.FixState) -> JSON {
        switch fix {
        case .fixed(let versions): return ["state": "fixed", "versions": .array(versions.map { .string($0) })]
        case .notFixed: return ["state": "not-fixed", "versions": []]
        case .wontFix: return ["state": "wont-fix", "versions": []]
        }
    }
}
