import Foundation
import JSON
import XCTest
@testable import Evaluation

/// Broken values from an SBOM or advisory (no purl, line breaks, NaN scores) must neither crash a
/// renderer nor break the structure of what it writes.
final class ReportHostileInputTests: XCTestCase {
    let report = ReportFixture.hostile

    func testTextStaysInItsLines() {
        let table = FindingsTableRenderer().renderText(report)
        let rows = table.split(separator: "\n").filter { $0.hasPrefix("    ") }
        XCTAssertEqual(rows.count, 1, table)
        XCTAssertTrue(rows[0].hasPrefix("    OSV-2024-1 INJECT  HIGH "), table)
        XCTAssertFalse(table.contains("nan"), "a NaN score is never shown: \(table)")
        XCTAssertTrue(table.contains("  evil name 1 0  (1 vulnerability)\n"), table)
        let markdown = MarkdownRenderer().renderText(report)
        let tableRows = markdown.split(separator: "\n").filter { $0.hasPrefix("| [") }
        XCTAssertEqual(tableRows.count, 1, markdown)
        XCTAssertTrue(tableRows[0].hasSuffix("| line one \\| --- \\| &lt;b&gt;bold&lt;/b&gt; |"), markdown)
        XCTAssertTrue(QuickviewRenderer().renderText(report).contains("0C     1H     0M     0L"))
    }

    func testDocumentsStayWellFormed() throws {
        let sarif = try JSON.parse(SARIFRenderer().render(report))
        let result = try XCTUnwrap(sarif["runs"]?[0]?.array("results").first)
        XCTAssertEqual(result["locations"]?[0]?["physicalLocation"]?["artifactLocation"]?.string("uri"), "opt/a%20b/%C3%BCn%C3%AF%0Acode%3F.txt")
        XCTAssertEqual(sarif["runs"]?[0]?["tool"]?["driver"]?.array("rules").first?["properties"]?.string("security-severity"), "8.0",
                       "an unusable score falls back to the rating's default")
        let cdx = try JSON.parse(CycloneDXVulnerabilityRenderer().render(report))
        XCTAssertEqual(cdx.array("components").first?.string("bom-ref"), "vouch:package:evil\nname@1\t0")
        XCTAssertNil(cdx.array("components").first?["purl"])
        let cvss = cdx.array("vulnerabilities").first?.array("ratings").first
        XCTAssertNil(cvss?["score"])
        XCTAssertEqual(cvss?.string("severity"), "unknown")
        XCTAssertEqual(try JSON.parse(FindingsJSONRenderer().render(report)).array("findings").first?["severity"]?["cvss"]?["score"], .null)
        XCTAssertNoThrow(try JSON.parse(CompareRenderer().renderJSON(target: report, baseline: ReportFixture.ubuntu)))
    }
}
