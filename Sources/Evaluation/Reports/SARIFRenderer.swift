import Digest
import Foundation
import JSON
import SBOM

/// `vouch cves --format sarif`: SARIF 2.1.0 for code-scanning dashboards. One rule per vulnerability
/// id (with GitHub's `security-severity`), one result per finding, located at the package's first
/// file (else, by purl, as a logical location).
///
/// A finding a VEX statement took out (`not_affected`, `fixed`) is still a result, with an external,
/// accepted suppression whose justification is the statement: code scanning shows it as dismissed
/// (and closes an alert an earlier upload opened) instead of losing it. Every annotated result carries
/// the statement in `properties.vex`.
public struct SARIFRenderer: ReportRenderer {
    public static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

    public init() {}

    public func document(_ report: VulnerabilityReport) -> JSON {
        // Suppressed findings need their rules too: a result must name one.
        let findings = (report.findings + report.suppressed).sorted(by: FindingOrder.byPackage)
        // A rule stands for the vulnerability wherever it was found: its representative is the highest-rated finding.
        var representative: [String: Finding] = [:]
        var affected: [String: [Finding]] = [:]
        for f in findings {
            affected[f.id, default: []].append(f)
            if let r = representative[f.id], !FindingOrder.ranksBefore(f, r) { continue }
            representative[f.id] = f
        }
        let ruleFindings = representative.sorted { $0.key < $1.key }
        let ruleIndex = Dictionary(uniqueKeysWithValues: ruleFindings.enumerated().map { ($1.key, $0) })
        let rules = ruleFindings.map { rule($0.value, affected: affected[$0.key] ?? []) }
        let results = findings.map { result($0, ruleIndex: ruleIndex[$0.id] ?? 0, target: report.targetLabel) }

        let driver: JSONObject = [
            "name": "vouch", "version": .string(VouchVersion.current), "semanticVersion": .string(VouchVersion.current),
            "rules": .array(rules),
        ]
        let run: JSONObject = ["tool": ["driver": .object(driver)], "results": .array(results)]
        return ["$schema": .string(SARIFRenderer.schemaURI), "version": "2.1.0", "runs": [.object(run)]]
    }

    public func render(_ report: VulnerabilityReport) -> Data { document(report).serialized([.pretty]) }

    /// GitHub's `security-severity` (a CVSS-like score as a string; GitHub derives its critical/high/
    /// medium/low badge from it). As trivy does (pkg/report/sarif.go, `getCVSSScore`/`severityToScore`),
    /// the CVSS score is used only when it comes from the source that gave the rating, so the badge
    /// never contradicts the rating ("LOW, CVSS 9.8" stays low); otherwise trivy's defaults per rating:
    /// critical 9.5, high 8.0, medium 5.5, low 2.0, unspecified 0.0. (grype instead takes any CVSS
    /// score and falls back to 9.0/7.0/4.0/1.0, which can show a distro-LOW finding as critical.)
    public static func securitySeverity(_ s: SeverityAssessment) -> String {
        if let cvss = s.cvss, cvss.baseScore.isFinite, let by = s.ratedBy?.lowercased(), by == "cvss" || cvss.source?.lowercased() == by {
            return oneDecimal(cvss.baseScore)
        }
        switch s.rating {
        case .critical: return "9.5"
        case .high: return "8.0"
        case .medium: return "5.5"
        case .low: return "2.0"
        case .unspecified: return "0.0"
        }
    }

    /// `7.8`, `10.0`: the score to one decimal, clamped to CVSS's range (String(format:) is slow on Linux).
    static func oneDecimal(_ score: Double) -> String {
        let tenths = Int((min(max(score.isFinite ? score : 0, 0), 10) * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// SARIF level as trivy maps it: critical and high are errors, medium a warning, the rest notes.
    public static func level(_ rating: Severity) -> String {
        switch rating {
        case .critical, .high: return "error"
        case .medium: return "warning"
        case .low, .unspecified: return "note"
        }
    }

    func rule(_ f: Finding, affected: [Finding]) -> JSON {
        let source = VulnerabilitySource.of(f.id)
        let summary = f.summary.map { TextLayout.truncate($0, 1000) }
        let packages = affected.map { "\($0.package.name) \($0.package.version): \($0.fix.label)" + ($0.vex.map { " (VEX: \($0.label))" } ?? "") }
        var text = "Vulnerability \(f.id)\nSeverity: \(f.severity.display)\n"
        let others = f.ids.filter { $0 != f.id }
        if !others.isEmpty { text += "Also known as: \(others.joined(separator: ", "))\n" }
        text += "Packages:\n" + packages.map { "  \($0)\n" }.joined() + "Link: \(source.url)"
        if let summary { text += "\n\n\(summary)" }
        var markdown = "**Vulnerability [\(f.id)](\(source.url))**\n\n| Package | Version | Severity | Fix |\n| --- | --- | --- | --- |\n"
        for a in affected {
            let fix = a.fix.label + (a.vex.map { "; VEX: \($0.label)" } ?? "")
            let cells = [MarkdownText.cell(a.package.name), MarkdownText.cell(a.package.version), a.severity.display, MarkdownText.cell(fix)]
            markdown += "| " + cells.joined(separator: " | ") + " |\n"
        }
        if let summary { markdown += "\n\(MarkdownText.escape(summary))\n" }

        let kind = f.package.type.isOSPackage ? "OsPackageVulnerability" : "LanguagePackageVulnerability"
        var rule: JSONObject = ["id": .string(f.id), "name": .string(kind)]
        rule["shortDescription"] = ["text": .string(TextLayout.truncate("\(f.id): " + (f.summary ?? "\(f.package.name) is affected"), 200))]
        rule["fullDescription"] = ["text": .string(summary ?? "\(f.id) affects \(f.package.name) \(f.package.version)")]
        rule["defaultConfiguration"] = ["level": .string(SARIFRenderer.level(f.severity.rating))]
        rule["helpUri"] = .string(source.url)
        rule["help"] = ["text": .string(text), "markdown": .string(markdown)]
        rule["properties"] = [
            "security-severity": .string(SARIFRenderer.securitySeverity(f.severity)),
            "tags": ["vulnerability", "security", .string(f.severity.rating.rawValue)],
        ]
        return .object(rule)
    }

    func result(_ f: Finding, ruleIndex: Int, target: String) -> JSON {
        let p = f.package
        let message = "\(p.name) \(p.version) (\(FindingFilter.purlType(of: p))) in \(target) is affected by \(f.id) "
            + "(\(f.severity.display)); \(f.fix.label)" + (f.vex.map { "; VEX: \($0.label)" } ?? "")
        var location: JSONObject = [:]
        if let path = p.locations.first?.path, let uri = SARIFRenderer.relativeURI(path) {
            location["physicalLocation"] = ["artifactLocation": ["uri": .string(uri)], "region": ["startLine": 1]]
        }
        location["logicalLocations"] = [["name": .string(p.name), "fullyQualifiedName": .string(p.purl), "kind": "module"]]
        var result: JSONObject = ["ruleId": .string(f.id), "ruleIndex": .int(Int64(ruleIndex)),
                                  "level": .string(SARIFRenderer.level(f.severity.rating)), "message": ["text": .string(message)]]
        result["locations"] = [.object(location)]
        // A stable identity for the finding across runs (GitHub requires partial fingerprints to track alerts).
        let identity = [p.purl, p.locations.first?.path ?? "", f.id].joined(separator: "\n")
        result["partialFingerprints"] = ["vouchFinding/v1": .string(Hasher.sha256Hex(Array(identity.utf8)))]
        var properties: JSONObject = ["purl": .string(p.purl), "fixState": ReportJSON.fix(f.fix)["state"] ?? .null]
        if case .fixed(let versions) = f.fix { properties["fixedVersions"] = .array(versions.map { .string($0) }) }
        if let vex = f.vex {
            properties["vex"] = VEXReportFields.json(vex)
            if vex.suppresses { result["suppressions"] = [SARIFRenderer.suppression(vex)] }
        }
        result["properties"] = .object(properties)
        return .object(result)
    }

    /// SARIF 2.1.0 §3.35: `external` (the decision lives outside the scanned artifact, in a VEX document)
    /// and `accepted` (the statement is a decision, not a proposal): what code scanning treats as dismissed.
    static func suppression(_ vex: VEXAnnotation) -> JSON {
        var why = "VEX " + vex.status + (vex.justification.map { " (\($0))" } ?? "")
        if let impact = vex.impactStatement, !impact.isEmpty { why += ": " + impact }
        why += " — " + vex.source + (vex.author.map { ", " + $0 } ?? "")
        return ["kind": "external", "status": "accepted", "justification": .string(why)]
    }

    /// A file path in the image as a relative URI reference (`usr/lib/x`), as code-scanning expects.
    static func relativeURI(_ path: String) -> String? {
        let trimmed = path.drop { $0 == "/" }
        guard !trimmed.isEmpty else { return nil }
        return String(trimmed).addingPercentEncoding(withAllowedCharacters: uriPath)
    }

    private static let uriPath = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/")
}
