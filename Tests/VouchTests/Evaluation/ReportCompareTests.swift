import Foundation
import JSON
import SBOM
import XCTest
@testable import Evaluation

final class ReportCompareTests: XCTestCase {
    /// The baseline is the Ubuntu fixture; the target upgraded glibc and requests, dropped x/net and added urllib3.
    static var target: VulnerabilityReport {
        let libc6 = ReportFixture.deb("libc6", "2.35-0ubuntu3.4", source: "glibc")
        let libcBin = ReportFixture.deb("libc-bin", "2.35-0ubuntu3.4", source: "glibc")
        let requests = Package(name: "requests", version: "2.31.0", type: .python, purl: "pkg:pypi/requests@2.31.0", layer: ReportFixture.appLayer)
        let urllib3 = Package(name: "urllib3", version: "1.26.4", type: .python, purl: "pkg:pypi/urllib3@1.26.4", layer: ReportFixture.appLayer)
        let urllib3Finding = Finding(
            package: urllib3, id: "CVE-2023-43804", ids: ["CVE-2023-43804", "GHSA-v845-jxx5-vc9f"], advisories: ["GHSA-v845-jxx5-vc9f"],
            summary: "Cookie request header isn't stripped during cross-origin redirects", fix: .fixed(in: ["1.26.17", "2.0.6"]),
            severity: SeverityAssessment(rating: .high, ratedBy: "ghsa", cvss: ReportFixture.score("3.1", 8.1, "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", "ghsa")),
            matchedBy: "PyPI urllib3 <1.26.17")
        return VulnerabilityReport(inventory: ReportFixture.inventory([ReportFixture.coreutils, libcBin, libc6, requests, urllib3], name: "app",
                                                                      digest: "sha256:" + String(repeating: "a", count: 64)),
                                   findings: [ReportFixture.coreutilsFinding, urllib3Finding], source: ReportFixture.source)
    }

    func testComparison() {
        let c = ImageComparison(target: Self.target, baseline: ReportFixture.ubuntu)
        XCTAssertEqual(c.packages.map { "\($0.kind.rawValue) \($0.name) \($0.from) \($0.to)" }, [
            "removed golang.org/x/net [\"v0.17.0\"] []",
            "changed libc-bin [\"2.35-0ubuntu3.1\"] [\"2.35-0ubuntu3.4\"]",
            "changed libc6 [\"2.35-0ubuntu3.1\"] [\"2.35-0ubuntu3.4\"]",
            "changed requests [\"2.25.1\"] [\"2.31.0\"]",
            "added urllib3 [] [\"1.26.4\"]",
        ])
        XCTAssertEqual(c.unchangedPackages, 1)
        XCTAssertEqual(c.vulnerabilities.map { "\($0.kind.rawValue) \($0.reportedName) \($0.finding.id)" }, [
            "added urllib3 CVE-2023-43804", "removed glibc CVE-2023-4911",
            "removed requests CVE-2023-32681", "removed golang.org/x/net CVE-2023-45288",
        ], "coreutils' CVE is in both and is not listed; glibc's counts once for libc6 and libc-bin")
    }

    func testTable() {
        let text = CompareRenderer().renderText(target: Self.target, baseline: ReportFixture.ubuntu)
        XCTAssertEqual(text, """
              Target   │  app@sha256:aaaaaaaaaaaa…  │    0C     1H     0M     1L     0?
              Baseline │  app@sha256:c6801a3dc527…  │    0C     0H     2M     1L     1?
                       │                            │   +0     +1     -2     +0     -1

            Packages: 1 added, 1 removed, 3 changed, 1 unchanged

              - golang.org/x/net  golang  v0.17.0
              ~ libc-bin          deb     2.35-0ubuntu3.1 → 2.35-0ubuntu3.4
              ~ libc6             deb     2.35-0ubuntu3.1 → 2.35-0ubuntu3.4
              ~ requests          pypi    2.25.1 → 2.31.0
              + urllib3           pypi    1.26.4

            Vulnerabilities: 1 added, 3 removed

              + CVE-2023-43804  HIGH, CVSS 8.1    urllib3 1.26.4            fixed in 1.26.17, 2.0.6
              - CVE-2023-4911   MEDIUM, CVSS 7.8  glibc 2.35-0ubuntu3.1     fixed in 2.35-0ubuntu3.4
              - CVE-2023-32681  MEDIUM, CVSS 6.1  requests 2.25.1           fixed in 2.31.0
              - CVE-2023-45288  UNSPECIFIED       golang.org/x/net v0.17.0  fixed in 0.23.0

            """)
    }

    func testJSON() throws {
        let doc = try JSON.parse(CompareRenderer().renderJSON(target: Self.target, baseline: ReportFixture.ubuntu))
        XCTAssertEqual(doc.string("schema"), "vouch.compare-report/v1")
        XCTAssertEqual(doc["target"]?["summary"]?["high"]?.int, 1)
        XCTAssertEqual(doc["baseline"]?["summary"]?["medium"]?.int, 2)
        XCTAssertEqual(doc["packages"]?.array("added").compactMap { $0.string("name") }, ["urllib3"])
        XCTAssertEqual(doc["packages"]?.array("removed").compactMap { $0.string("name") }, ["golang.org/x/net"])
        let requests = doc["packages"]?.array("changed").last
        XCTAssertEqual(requests?.string("name"), "requests")
        XCTAssertEqual(requests?.array("from").compactMap(\.string), ["2.25.1"])
        XCTAssertEqual(requests?.array("to").compactMap(\.string), ["2.31.0"])
        XCTAssertEqual(doc["packages"]?["unchanged"]?.int, 1)
        XCTAssertEqual(doc["vulnerabilities"]?.array("added").first?.string("id"), "CVE-2023-43804")
        XCTAssertEqual(doc["vulnerabilities"]?.array("added").first?["fix"]?.array("versions").count, 2)
        XCTAssertEqual(doc["vulnerabilities"]?.array("removed").count, 3)
        XCTAssertEqual(doc["vulnerabilities"]?.array("removed").first?["reportedAs"]?.string("name"), "glibc")

        let same = try JSON.parse(CompareRenderer().renderJSON(target: ReportFixture.ubuntu, baseline: ReportFixture.ubuntu))
        XCTAssertEqual(same["packages"]?.array("changed").count, 0)
        XCTAssertEqual(same["packages"]?["unchanged"]?.int, 5)
        XCTAssertEqual(same["vulnerabilities"]?.array("removed").count, 0)
        let empty = try JSON.parse(CompareRenderer().renderJSON(target: ReportFixture.empty, baseline: ReportFixture.ubuntu))
        XCTAssertEqual(empty["vulnerabilities"]?.array("removed").count, 4)
    }
}
