import Foundation
import XCTest
@testable import Evaluation

final class ReportScalingTests: XCTestCase {
    /// Every renderer on 10,000 and 100,000 findings. Time should grow about linearly (×10): the
    /// times and their ratio are printed for the closing note, not asserted (this machine is shared).
    func testScalingTo100kFindings() {
        let renderers: [(String, ReportRenderer)] = [
            ("quickview", QuickviewRenderer()), ("table", FindingsTableRenderer()), ("json", FindingsJSONRenderer()),
            ("sarif", SARIFRenderer()), ("markdown", MarkdownRenderer()), ("cyclonedx", CycloneDXVulnerabilityRenderer()),
        ]
        var seconds: [Int: [String: Double]] = [:]
        for count in [10_000, 100_000] {
            let report = ReportFixture.synthetic(count)
            let summary = SeveritySummary(findings: report.findings)
            XCTAssertEqual([summary.critical, summary.high, summary.medium, summary.low, summary.unspecified], Array(repeating: count / 5, count: 5))
            for (name, renderer) in renderers {
                let start = Date()
                let bytes = renderer.render(report)
                seconds[count, default: [:]][name] = Date().timeIntervalSince(start)
                XCTAssertGreaterThan(bytes.count, name == "quickview" ? 100 : count, name)
            }
            let baseline = ReportFixture.synthetic(count / 2)
            let start = Date()
            let compared = CompareRenderer().renderJSON(target: report, baseline: baseline)
            seconds[count, default: [:]]["compare"] = Date().timeIntervalSince(start)
            XCTAssertGreaterThan(compared.count, count)
        }
        for name in renderers.map(\.0) + ["compare"] {
            let small = seconds[10_000]?[name] ?? 0, large = seconds[100_000]?[name] ?? 0
            let padded = name + String(repeating: " ", count: max(0, 9 - name.count))
            print("render \(padded)" + String(format: " 10k %6.2fs  100k %6.2fs  ×%.1f", small, large, small > 0 ? large / small : 0))
        }
    }
}
