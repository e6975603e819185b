import Foundation

/// `vouch cves --format markdown`: a summary table and one section per vulnerable package,
/// written to be pasted into a pull-request comment (all report text escaped). Findings a VEX statement
/// took out are listed in their own section at the end, with the statement's status and source.
public struct MarkdownRenderer: ReportRenderer {
    public struct Options: Sendable, Equatable {
        /// Package sections written before the rest are summarised in one line (comments have size limits).
        public var packageLimit: Int?
        public var summaryWidth: Int

        public init(packageLimit: Int? = nil, summaryWidth: Int = 120) {
            self.packageLimit = packageLimit
            self.summaryWidth = summaryWidth
        }
    }

    public var options: Options

    public init(options: Options = Options()) { self.options = options }

    public func renderText(_ report: VulnerabilityReport) -> String {
        let summary = SeveritySummary(findings: report.findings)
        var out = "## Vulnerabilities in \(MarkdownText.code(report.targetLabel))\n\n"
        out += MarkdownText.escape(report.source) + " · " + TextLayout.plural(report.inventory.packages.count, "package", "packages")
            + " · " + TextLayout.plural(summary.vulnerablePackages, "vulnerable package", "vulnerable packages") + "\n\n"
        out += "| Critical | High | Medium | Low | Unspecified |\n| ---: | ---: | ---: | ---: | ---: |\n"
        out += "| \(summary.critical) | \(summary.high) | \(summary.medium) | \(summary.low) | \(summary.unspecified) |\n"
        if summary.total == 0 { return out + "\nNo vulnerable packages.\n" + suppressedSection(report.suppressed) }

        let groups = PackageGroup.group(report.findings)
        let shown = options.packageLimit.map { min(max($0, 0), groups.count) } ?? groups.count
        for group in groups.prefix(shown) { out += section(group) }
        if shown < groups.count {
            let rest = groups[shown...].reduce(0) { $0 + $1.vulnerabilities.count }
            out += "\n… and \(TextLayout.plural(groups.count - shown, "more package", "more packages")) with "
                + TextLayout.plural(rest, "vulnerability", "vulnerabilities") + " (see the full report).\n"
        }
        return out + suppressedSection(report.suppressed)
    }

    /// `### Suppressed by VEX (N)` and a table of every suppressed finding; empty when none was.
    func suppressedSection(_ suppressed: [Finding]) -> String {
        guard !suppressed.isEmpty else { return "" }
        var out = "\n### Suppressed by VEX (\(suppressed.count))\n\n"
        out += "| Package | Vulnerability | Severity | Status | Source |\n| --- | --- | --- | --- | --- |\n"
        for f in suppressed.sorted(by: FindingOrder.byPackage) {
            let link = "[\(MarkdownText.escape(f.id))](\(VulnerabilitySource.of(f.id).url))"
            var status = MarkdownText.cell(VEXReportFields.statusCell(f.vex))
            if let author = f.vex?.author { status += " · " + MarkdownText.cell(author) }
            let cells = [MarkdownText.cell("\(f.package.name) \(f.package.version)"), link, f.severity.display, status,
                         MarkdownText.cell(f.vex?.source ?? "")]
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        return out
    }

    public func render(_ report: VulnerabilityReport) -> Data { Data(renderText(report).utf8) }

    func section(_ group: PackageGroup) -> String {
        var out = "\n### " + MarkdownText.escape("\(group.name) \(group.version)") + " · \(group.summary.compact)\n\n"
        var about: [String] = []
        if !group.purl.isEmpty { about.append(MarkdownText.code(group.purl)) }
        if !group.binaries.isEmpty { about.append("(binaries: " + MarkdownText.escape(group.binaries.joined(separator: ", ")) + ")") }
        if !about.isEmpty { out += about.joined(separator: " ") + "\n" }
        out += "\n| Vulnerability | Severity | Fix | Also known as | Summary |\n| --- | --- | --- | --- | --- |\n"
        for v in group.vulnerabilities {
            let f = v.finding
            let link = "[\(MarkdownText.escape(f.id))](\(VulnerabilitySource.of(f.id).url))"
            let fix = f.fix.label + (f.vex.map { " · VEX: \($0.label)" } ?? "")
            let cells = [link, f.severity.display, MarkdownText.cell(fix), MarkdownText.cell(TextLayout.otherIDs(f)),
                         MarkdownText.cell(TextLayout.truncate(f.summary ?? "", options.summaryWidth))]
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        return out
    }
}
