import Advisories
import ArgumentParser
import Evaluation
import Foundation
import SBOM
import VEX

struct QuickviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quickview",
        abstract: "Vulnerability counts (C/H/M/L/?) of an image from its attached SBOM attestation, and of its base image.")

    @OptionGroup var input: ScanInput

    func run() throws {
        try Vouch.guarded {
            let outcome = try input.scan()
            print(QuickviewRenderer().renderText(outcome.report()), terminator: "")
            ScanNotes.print(outcome, explain: input.vex.explainVex, toStandardOutput: true)
        }
    }
}

enum CVEFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, sarif, markdown, cyclonedx, openvex
}

struct CVEsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cves",
        abstract: "List the vulnerabilities of an image (from its attached SBOM attestation) or of an SBOM file, grouped by package.")

    @OptionGroup var input: ScanInput

    @Option(help: "Formats: \(CVEFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: CVEFormat = .table

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    @Option(help: "Only these severities, comma-separated: critical, high, medium, low, unspecified.")
    var onlySeverity: String?

    @Option(help: "Only these package types (purl types), comma-separated: deb, apk, rpm, pypi, npm, golang, …")
    var onlyPackageType: String?

    @Flag(help: "Only vulnerabilities with a fix.")
    var onlyFixed = false

    @Flag(help: "Only vulnerabilities without a fix.")
    var onlyUnfixed = false

    @Option(help: "Only these vulnerability ids (CVE, GHSA, DSA…), comma-separated.")
    var onlyCveId: String?

    @Flag(help: "Only packages with vulnerabilities (the default; kept for Docker Scout's spelling).")
    var onlyVulnPackages = false

    @Flag(help: "Leave out vulnerabilities in packages the base image brought.")
    var ignoreBase = false

    @Flag(help: "Exit with status 2 when vulnerabilities remain after filtering.")
    var exitCode = false

    func run() throws {
        var remaining = 0
        try Vouch.guarded {
            let filter = FindingFilter(
                onlySeverities: try Set(list(onlySeverity).map { s -> Severity in
                    guard let v = Severity(rawValue: s.lowercased()) else { throw ValidationError("unknown severity '\(s)' (critical, high, medium, low, unspecified)") }
                    return v
                }),
                onlyPackageTypes: Set(list(onlyPackageType).map { $0.lowercased() }),
                onlyFixed: onlyFixed, onlyUnfixed: onlyUnfixed, onlyCVEIDs: Set(list(onlyCveId)), ignoreBase: ignoreBase)
            let outcome = try input.scan()
            try filter.validate(baseLayers: outcome.target.baseImage?.layers)
            let findings = filter.apply(outcome.findings, baseLayers: outcome.target.baseImage?.layers)
            var report = outcome.report(findings)
            report.suppressed = filter.apply(outcome.suppressed, baseLayers: outcome.target.baseImage?.layers)
            let data: Data
            switch format {
            case .table: data = Self.endingInNewline(FindingsTableRenderer().render(report))
            case .json: data = FindingsJSONRenderer().render(report)
            case .sarif: data = SARIFRenderer().render(report)
            case .markdown: data = Self.endingInNewline(MarkdownRenderer().render(report))
            case .cyclonedx: data = CycloneDXVulnerabilityRenderer().render(report)
            case .openvex:
                let author = ProcessInfo.processInfo.environment["VOUCH_VEX_AUTHOR"].flatMap { $0.isEmpty ? nil : $0 } ?? "Unknown Author"
                data = OpenVEXReportRenderer(timestamp: try OpenVEXWriter.issueTime(), author: author).render(report)
                if report.findings.isEmpty && report.suppressed.isEmpty {
                    FileHandle.standardError.write(Data("vouch: note: no findings, so the OpenVEX document has no statements (go-vex and vouch read it; the OpenVEX JSON schema asks for at least one)\n".utf8))
                }
            }
            try OutputFile.write(data, to: output)
            ScanNotes.print(outcome, explain: input.vex.explainVex, toStandardOutput: format == .table && output == nil)
            remaining = findings.count
        }
        if exitCode && remaining > 0 { throw ExitCode(2) }
    }

    static func endingInNewline(_ d: Data) -> Data { d.last == 0x0A || d.isEmpty ? d : d + Data("\n".utf8) }

    private func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two images' packages and vulnerabilities: added, removed and changed.")

    @OptionGroup var input: ScanInput

    @Option(help: "The image (or sbom:FILE) to compare against.")
    var to: String

    @Option(help: "text or json.")
    var format = "text"

    func run() throws {
        try Vouch.guarded {
            guard format == "text" || format == "json" else { throw ValidationError("--format is text or json") }
            var other = input
            other.image = to
            let target = try input.scan()
            let baseline = try other.scan()
            var a = target.report(), b = baseline.report()
            a.baseImage = nil
            b.baseImage = nil
            if format == "json" {
                FileHandle.standardOutput.write(CompareRenderer().renderJSON(target: a, baseline: b) + Data("\n".utf8))
            } else {
                print(CompareRenderer().renderText(target: a, baseline: b), terminator: "")
            }
        }
    }
}

enum ScanNotes {
    /// Notes and warnings go to standard error; `--explain-vex` goes to standard output after a table
    /// (where a reader is looking), to standard error after machine formats (which must stay parseable).
    static func print(_ outcome: ScanOutcome, explain: Bool, toStandardOutput: Bool) {
        print(outcome.result)
        let vex = outcome.target.vex
        for p in vex.problems { FileHandle.standardError.write(Data("vouch: warning: VEX: \(p)\n".utf8)) }
        for n in vex.notes { FileHandle.standardError.write(Data("vouch: note: VEX \(n)\n".utf8)) }
        guard explain else { return }
        var text = "\nVEX statements (\(outcome.explanations.count)):\n"
        if outcome.explanations.isEmpty { text += "  none: no --vex-location given and no VEX attestation attached\n" }
        for e in outcome.explanations { text += e.text(indent: "  ") }
        // Swift.print shares stdout's buffer with the report printed before it, so the order holds.
        if toStandardOutput { Swift.print(text, terminator: "") } else { FileHandle.standardError.write(Data(text.utf8)) }
    }

    static func print(_ result: Matcher.Result) {
        if result.unmatchable > 0 {
            FileHandle.standardError.write(Data("vouch: note: \(result.unmatchable) packages have no advisory ecosystem vouch knows (unknown distribution or package type)\n".utf8))
        }
        for p in result.problems.prefix(5) { FileHandle.standardError.write(Data("vouch: warning: \(p)\n".utf8)) }
        if result.problems.count > 5 { FileHandle.standardError.write(Data("vouch: warning: … and \(result.problems.count - 5) more version problems\n".utf8)) }
    }
}
