import Foundation
import JSON
import SBOM
import XCTest
@testable import Evaluation

/// The Ubuntu report after VEX: coreutils kept with Canonical's real `under_investigation` statement
/// (shared/data/examples/openvex/ubuntu/CVE-2016-2781.vex.json, the jammy products), requests and
/// golang.org/x/net taken out (`not_affected`, `fixed`), glibc undecided.
enum VEXReportFixture {
    static let canonical = VEXAnnotation(
        status: "under_investigation",
        statusNotes: "This package (for the given release) is vulnerable to the CVE, the problem is understood, but it is currently deferred. Refer to the CVE notes on https://ubuntu.com/security/CVE-2016-2781 for more details.",
        author: "Canonical Ltd.", timestamp: "2017-02-07T15:59:00Z", source: "ubuntu/CVE-2016-2781.vex.json",
        documentID: "https://github.com/canonical/ubuntu-security-notices/blob/main/vex/cve/2016/CVE-2016-2781")
    static let notAffected = VEXAnnotation(
        status: "not_affected", justification: "vulnerable_code_not_in_execute_path",
        impactStatement: "The service never sends requests through a proxy, so no Proxy-Authorization header exists to leak.",
        author: "security@example.com", timestamp: "2024-03-01T10:00:00Z", source: "vex/app.openvex.json",
        documentID: "https://openvex.dev/docs/public/vex-example")
    static let fixed = VEXAnnotation(status: "fixed", statusNotes: "Backported the upstream fix into the vendored copy.",
                                     author: "security@example.com", timestamp: "2024-04-10T08:30:00Z", source: "vex/app.openvex.json")

    static var report: VulnerabilityReport {
        var coreutils = ReportFixture.coreutilsFinding
        coreutils.vex = canonical
        var requests = ReportFixture.requestsFinding
        requests.vex = notAffected
        var xnet = ReportFixture.xnetFinding
        xnet.vex = fixed
        return VulnerabilityReport(inventory: ReportFixture.inventory(ReportFixture.ubuntuPackages),
                                   findings: [ReportFixture.glibc(ReportFixture.libc6), ReportFixture.glibc(ReportFixture.libcBin), coreutils],
                                   source: ReportFixture.source, baseImage: BaseImage(name: "ubuntu:22.04", layers: [ReportFixture.baseLayer]),
                                   suppressed: [requests, xnet])
    }
}

final class ReportVEXTests: XCTestCase {
    func testTableShowsDecisionsAndSuppressedFindings() {
        let text = FindingsTableRenderer().renderText(VEXReportFixture.report)
        XCTAssertTrue(text.hasPrefix("""
            Target: app@sha256:c6801a3dc527…
            Source: SBOM from attestation (verified, buildkit index)
            2 vulnerable packages with 2 vulnerabilities  (0C 0H 1M 1L)

            """), "the counts leave the suppressed findings out: \(text)")
        XCTAssertTrue(text.contains("""
                CVE-2016-2781  LOW, CVSS 6.5     not fixed                 UBUNTU-CVE-2016-2781              chroot in GNU coreutils, when used with --userspec, allows local users…
                  VEX: under investigation : Canonical Ltd.

            """), text)
        XCTAssertEqual(text.components(separatedBy: "VEX: ").count - 1, 1, "only the decided finding gets a VEX line: \(text)")
        XCTAssertTrue(text.hasSuffix("""

            Suppressed by VEX (2)

                PACKAGE                   VULNERABILITY   SEVERITY          STATUS                                              SOURCE
                golang.org/x/net v0.17.0  CVE-2023-45288  UNSPECIFIED       fixed                                               vex/app.openvex.json
                requests 2.25.1           CVE-2023-32681  MEDIUM, CVSS 6.1  not_affected [vulnerable_code_not_in_execute_path]  vex/app.openvex.json

            """), text)
        XCTAssertFalse(FindingsTableRenderer().renderText(ReportFixture.ubuntu).contains("Suppressed"), "no section without suppressed findings")

        // Everything suppressed: the remaining count says so, and the section still lists them.
        var all = VEXReportFixture.report
        all.findings = []
        let empty = FindingsTableRenderer().renderText(all)
        XCTAssertTrue(empty.contains("No vulnerable package among 5 packages\n\nSuppressed by VEX (2)\n"), empty)
    }

    func testJSONCarriesDecisionsAndSuppressedFindings() throws {
        let data = FindingsJSONRenderer().render(VEXReportFixture.report)
        let json = try JSON.parse(data)
        XCTAssertEqual(json["summary"]?["total"]?.int, 2)
        let findings = json.array("findings")
        XCTAssertEqual(findings.compactMap { $0["package"]?.string("name") }, ["coreutils", "libc-bin", "libc6"])
        let vex = try XCTUnwrap(findings[0]["vex"])
        XCTAssertEqual(vex.string("status"), "under_investigation")
        XCTAssertEqual(vex.string("author"), "Canonical Ltd.")
        XCTAssertEqual(vex.string("source"), "ubuntu/CVE-2016-2781.vex.json")
        XCTAssertEqual(vex["justification"], .null, "every key present, null when the statement had none")
        XCTAssertTrue(vex.string("statusNotes")?.hasSuffix("for more details.") ?? false)
        XCTAssertEqual(findings[1]["vex"], .null, "an undecided finding has vex: null")
        // Existing members keep their place: vex is added after them.
        XCTAssertEqual(findings[1].object?.keys, ["id", "ids", "advisories", "package", "severity", "fix", "matchedBy", "summary", "vex"])

        let suppressed = json.array("suppressed")
        XCTAssertEqual(suppressed.compactMap { $0.string("id") }, ["CVE-2023-45288", "CVE-2023-32681"], "ordered by package purl")
        XCTAssertEqual(suppressed[1]["vex"]?.string("status"), "not_affected")
        XCTAssertEqual(suppressed[1]["vex"]?.string("justification"), "vulnerable_code_not_in_execute_path")
        XCTAssertEqual(suppressed[1]["vex"]?.string("documentID"), "https://openvex.dev/docs/public/vex-example")
        XCTAssertEqual(suppressed[1]["fix"]?.string("state"), "fixed", "a suppressed finding keeps the whole finding shape")
        XCTAssertEqual(suppressed[0]["vex"]?.string("status"), "fixed")
        XCTAssertEqual(try JSON.parse(FindingsJSONRenderer().render(ReportFixture.ubuntu)).array("suppressed"), [])

        var shuffled = VEXReportFixture.report
        shuffled.findings.reverse()
        shuffled.suppressed.reverse()
        XCTAssertEqual(FindingsJSONRenderer().render(shuffled), data, "same report, same bytes")
    }

    func testMarkdownListsSuppressedFindings() {
        let text = MarkdownRenderer().renderText(VEXReportFixture.report)
        XCTAssertTrue(text.contains("| [CVE-2016-2781](https://nvd.nist.gov/vuln/detail/CVE-2016-2781) | LOW, CVSS 6.5 | not fixed · VEX: under investigation : Canonical Ltd. |"), text)
        XCTAssertTrue(text.hasSuffix("""

            ### Suppressed by VEX (2)

            | Package | Vulnerability | Severity | Status | Source |
            | --- | --- | --- | --- | --- |
            | golang.org/x/net v0.17.0 | [CVE-2023-45288](https://nvd.nist.gov/vuln/detail/CVE-2023-45288) | UNSPECIFIED | fixed · security@example.com | vex/app.openvex.json |
            | requests 2.25.1 | [CVE-2023-32681](https://nvd.nist.gov/vuln/detail/CVE-2023-32681) | MEDIUM, CVSS 6.1 | not\\_affected \\[vulnerable\\_code\\_not\\_in\\_execute\\_path\\] · security@example.com | vex/app.openvex.json |

            """), text)
        XCTAssertFalse(MarkdownRenderer().renderText(ReportFixture.ubuntu).contains("Suppressed"))
        var all = VEXReportFixture.report
        all.findings = []
        XCTAssertTrue(MarkdownRenderer().renderText(all).contains("\nNo vulnerable packages.\n\n### Suppressed by VEX (2)\n"))
    }

    func testQuickviewCountsSuppressedApart() {
        XCTAssertEqual(QuickviewRenderer().renderText(VEXReportFixture.report), """
              SBOM from attestation (verified, buildkit index): 5 packages

              Target     │  app@sha256:c6801a3dc527…  │    0C     0H     1M     1L
              Base image │  ubuntu:22.04              │    0C     0H     1M     1L

              VEX  2 suppressed (not_affected 1, fixed 1)

            """)
        XCTAssertFalse(QuickviewRenderer().renderText(ReportFixture.ubuntu).contains("VEX"))
        // Counted as the rows are: once per reported package, so libc6 and libc-bin are one glibc finding.
        var annotated = [ReportFixture.glibc(ReportFixture.libc6), ReportFixture.glibc(ReportFixture.libcBin)]
        for i in annotated.indices { annotated[i].vex = VEXReportFixture.notAffected }
        XCTAssertEqual(VEXReportFields.SuppressedCounts(annotated).phrase, "1 suppressed (not_affected 1, fixed 0)")
    }

    func testSuppressedPackagesInTextStayInTheirLines() {
        var report = ReportFixture.hostile
        var f = report.findings[0]
        f.vex = VEXAnnotation(status: "not_affected", justification: "x\ny", author: "a|b\nc", source: "p\nq|r")
        report.suppressed = [f]
        let table = FindingsTableRenderer().renderText(report)
        XCTAssertTrue(table.contains("    evil name 1 0  OSV-2024-1 INJECT  HIGH      not_affected [x y]  p q|r\n"), table)
        let markdown = MarkdownRenderer().renderText(report)
        XCTAssertTrue(markdown.contains("| not\\_affected \\[x y\\] · a\\|b c | p q\\|r |\n"), markdown)
    }
}
