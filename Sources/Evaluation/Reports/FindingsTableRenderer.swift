import Foundation

/// `vouch cves --format table`: findings grouped by reported package (Scout's `--only-vuln-packages`
/// view by default), most severe package first; one aligned row per vulnerability with its id, rating,
/// fix state, other ids and summary.
///
/// ```
/// 2 vulnerable packages with 2 vulnerabilities
///
///    0C     0H     1M     0L  glibc 2.35-0ubuntu3.1  (1 vulnerability)
///   pkg:deb/ubuntu/glibc@2.35-0ubuntu3.1?distro=ubuntu-22.04
///   binaries: libc6
///
///     CVE-2023-4911  MEDIUM, CVSS 7.8  fixed in 2.35-0ubuntu3.4  UBUNTU-CVE-2023-4911, USN-6409-1  Looney Tunables…
///       VEX: under investigation : security@example.com
///
/// Suppressed by VEX (1)
///
///     PACKAGE          VULNERABILITY   SEVERITY          STATUS                                              SOURCE
///     requests 2.25.1  CVE-2023-32681  MEDIUM, CVSS 6.1  not_affected [vulnerable_code_not_in_execute_path]  app.vex.json
/// ```
/// A finding a VEX statement kept (affected, under investigation) gets a `VEX:` line under its row; the
/// findings one took out are listed after the rest, as trivy's `--show-suppressed` does, never dropped.
public struct FindingsTableRenderer: ReportRenderer {
    public struct Options: Sendable, Equatable {
        /// List packages without findings too (after the vulnerable ones).
        public var includeCleanPackages: Bool
        /// Characters of the advisory summary kept.
        public var summaryWidth: Int
        /// Characters of the fix column kept (long version lists are cut).
        public var fixWidth: Int

        public init(includeCleanPackages: Bool = false, summaryWidth: Int = 72, fixWidth: Int = 40) {
            self.includeCleanPackages = includeCleanPackages
            self.summaryWidth = summaryWidth
            self.fixWidth = fixWidth
        }
    }

    public var options: Options

    public init(options: Options = Options()) { self.options = options }

    public func renderText(_ report: VulnerabilityReport) -> String {
        let groups = PackageGroup.group(report.findings, cleanPackages: options.includeCleanPackages ? report.inventory.packages : [])
        let summary = SeveritySummary(findings: report.findings)
        var out = "Target: \(TextLayout.oneLine(report.targetLabel))\nSource: \(TextLayout.oneLine(report.source))\n"
        if summary.total == 0 {
            out += "No vulnerable package among \(TextLayout.plural(report.inventory.packages.count, "package", "packages"))\n"
        } else {
            out += TextLayout.plural(summary.vulnerablePackages, "vulnerable package", "vulnerable packages")
                + " with " + TextLayout.plural(summary.total, "vulnerability", "vulnerabilities")
                + "  (\(summary.compact))\n"
        }

        let rows = groups.map { $0.vulnerabilities.map(cells) }
        // Every column but the last (the summary) is as wide as its widest cell in the whole table.
        let widths = (0..<4).map { column in rows.lazy.flatMap { $0 }.map { $0.cells[column].count }.max() ?? 0 }
        for (group, groupRows) in zip(groups, rows) {
            let n = group.vulnerabilities.count
            let count = n == 0 ? "" : "  (" + TextLayout.plural(n, "vulnerability", "vulnerabilities") + ")"
            out += "\n" + group.summary.cells() + "  " + TextLayout.oneLine("\(group.name) \(group.version)") + count + "\n"
            out += "  " + TextLayout.oneLine(group.purl) + "\n"
            if !group.binaries.isEmpty { out += "  binaries: " + TextLayout.oneLine(group.binaries.joined(separator: ", ")) + "\n" }
            if !groupRows.isEmpty { out += "\n" }
            for row in groupRows {
                let line = "    " + (0..<4).map { TextLayout.padRight(row.cells[$0], widths[$0]) }.joined(separator: "  ") + "  " + row.cells[4]
                out += line.trimmingTrailingSpaces() + "\n"
                if let vex = row.vex { out += "      VEX: " + TextLayout.oneLine(vex.label) + "\n" }
            }
        }
        return out + suppressedSection(report.suppressed)
    }

    /// `Suppressed by VEX (N)` and one aligned row per suppressed finding; empty when none was.
    func suppressedSection(_ suppressed: [Finding]) -> String {
        guard !suppressed.isEmpty else { return "" }
        let rows = [["PACKAGE", "VULNERABILITY", "SEVERITY", "STATUS", "SOURCE"]] + suppressed.sorted(by: FindingOrder.byPackage).map { f in
            [TextLayout.oneLine("\(f.package.name) \(f.package.version)"), TextLayout.oneLine(f.id), f.severity.display,
             TextLayout.oneLine(VEXReportFields.statusCell(f.vex)), TextLayout.oneLine(f.vex?.source ?? "")]
        }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var out = "\nSuppressed by VEX (\(suppressed.count))\n\n"
        for row in rows {
            let line = "    " + (0..<4).map { TextLayout.padRight(row[$0], widths[$0]) }.joined(separator: "  ") + "  " + row[4]
            out += line.trimmingTrailingSpaces() + "\n"
        }
        return out
    }

    public func render(_ report: VulnerabilityReport) -> Data { Data(renderText(report).utf8) }

    /// id, severity, fix, other ids, summary, and the VEX decision shown under the row.
    func cells(_ v: GroupedVulnerability) -> (cells: [String], vex: VEXAnnotation?) {
        let f = v.finding
        return ([TextLayout.oneLine(f.id), f.severity.display, TextLayout.truncate(f.fix.label, options.fixWidth),
                 TextLayout.otherIDs(f), TextLayout.truncate(f.summary ?? "", options.summaryWidth)], f.vex)
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
