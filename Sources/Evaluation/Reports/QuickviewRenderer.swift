import Foundation

/// `vouch quickview`: where the packages came from, then Scout's one-line counts for the target
/// and, when the base image is known, for the part of it the base image brought.
///
/// ```
///   SBOM from attestation (verified, buildkit index): 18 packages
///
///   Target     │  app@sha256:c6801a3dc527…  │    2C     5H    11M     3L     1?
///   Base image │  debian:12                 │    1C     2H     3M     3L
///
///   VEX  3 suppressed (not_affected 2, fixed 1)
/// ```
/// The rows count only the findings that remain; the VEX line (shown only when a statement took
/// some out) counts the suppressed ones the same way, once per reported package.
public struct QuickviewRenderer: ReportRenderer {
    public struct Row: Sendable, Equatable {
        public var label: String
        public var name: String
        public var summary: SeveritySummary
    }

    public init() {}

    /// The target row, then the base image's row: the findings in packages its layers introduced
    /// (what the target inherits from it, not a scan of the base image on its own).
    public func rows(_ report: VulnerabilityReport) -> [Row] {
        var rows = [Row(label: "Target", name: report.targetLabel, summary: SeveritySummary(findings: report.findings))]
        if let base = report.baseImage {
            let inherited = report.findings.filter { base.contains($0.package) }
            rows.append(Row(label: "Base image", name: base.name, summary: SeveritySummary(findings: inherited)))
        }
        return rows
    }

    public func renderText(_ report: VulnerabilityReport) -> String {
        let rows = rows(report)
        let labelWidth = rows.map(\.label.count).max() ?? 0
        let nameWidth = rows.map(\.name.count).max() ?? 0
        var out = "  \(TextLayout.oneLine(report.source)): \(TextLayout.plural(report.inventory.packages.count, "package", "packages"))\n\n"
        for row in rows {
            out += "  " + TextLayout.padRight(row.label, labelWidth) + " │  " + TextLayout.padRight(TextLayout.oneLine(row.name), nameWidth)
                + "  │ " + row.summary.cells() + "\n"
        }
        if !report.suppressed.isEmpty {
            out += "\n  VEX  " + VEXReportFields.SuppressedCounts(report.suppressed).phrase + "\n"
        }
        return out
    }

    public func render(_ report: VulnerabilityReport) -> Data { Data(renderText(report).utf8) }
}
