import Advisories
import Evaluation
import Foundation
import SBOM
import XCTest

/// Scout shows the preferred source's rating and, next to it, CVSS from another source: here
/// Debian's DSA data carries no score, and NVD's record for the same CVE supplies it.
final class SeverityFallbackTests: XCTestCase {
    private func nvd() throws -> [Advisory] {
        let path = try SharedData.path("examples/grype/grype/matcher/dpkg/testdata/eol-debian8/nvd/results/2024/cve-2024-0727.json")
        return try NVDParser().parse(data: try Data(contentsOf: URL(fileURLWithPath: path)), path: path)
    }

    private func inventory(version: String) -> Inventory {
        let os = OperatingSystem(id: "debian", versionID: "12")
        let p = Package(name: "libssl3", version: version, type: .deb, purl: "pkg:deb/debian/libssl3@\(version)?distro=debian-12",
                        sourceName: "openssl", sourceVersion: version)
        return Inventory(subject: Subject(kind: .image, name: "t"), operatingSystem: os, packages: [p])
    }

    private let dsa = Advisory(id: "DSA-9999-1", source: "debian-tracker", aliases: ["CVE-2024-0727"],
                               affected: [AffectedPackage(ecosystem: "Debian:12", name: "openssl",
                                                          ranges: [AffectedRange(kind: .ecosystem, events: [.introduced("0"), .fixed("3.0.13-1~deb12u1")])])])

    func testNVDScoreIsTheFallbackWhenTheDistributionGivesNone() throws {
        let nvd = try nvd()
        XCTAssertEqual(nvd.first?.id, "NVD-CVE-2024-0727")
        let matcher = Matcher(lookup: AdvisoryList([dsa] + nvd), scheme: { VersionSchemes.scheme(forOSVEcosystem: $0) },
                              semver: VersionSchemes.semver, assessor: .standard)
        let finding = try XCTUnwrap(try matcher.match(inventory(version: "3.0.11-1~deb12u2")).findings.first)
        XCTAssertEqual(finding.id, "CVE-2024-0727")
        XCTAssertEqual(finding.severity.cvss?.source, "nvd")
        XCTAssertEqual(finding.severity.cvss?.baseScore, 5.5, "NVD's CVSS 3.1 base score for CVE-2024-0727")
        XCTAssertEqual(finding.severity.rating, .medium)
        XCTAssertEqual(finding.severity.ratedBy, "cvss")

        // With a Debian rating, the rating wins and the score is shown beside it.
        var rated = dsa
        rated.affected[0].severities = [AdvisorySeverity(kind: .rating, value: "low", source: "debian")]
        let m2 = Matcher(lookup: AdvisoryList([rated] + nvd), scheme: { VersionSchemes.scheme(forOSVEcosystem: $0) },
                         semver: VersionSchemes.semver, assessor: .standard)
        let f2 = try XCTUnwrap(try m2.match(inventory(version: "3.0.11-1~deb12u2")).findings.first)
        XCTAssertEqual(f2.severity.rating, .low)
        XCTAssertEqual(f2.severity.display, "LOW, CVSS 5.5")

        // Fixed version installed: no finding.
        XCTAssertTrue(try matcher.match(inventory(version: "3.0.13-1~deb12u1")).findings.isEmpty)
    }

    func testNothingRatesItMeansUnspecified() throws {
        let matcher = Matcher(lookup: AdvisoryList([dsa]), scheme: { VersionSchemes.scheme(forOSVEcosystem: $0) },
                              semver: VersionSchemes.semver, assessor: .standard)
        let finding = try XCTUnwrap(try matcher.match(inventory(version: "3.0.11-1~deb12u2")).findings.first)
        XCTAssertEqual(finding.severity.rating, .unspecified)
        XCTAssertEqual(finding.severity.display, "UNSPECIFIED")
    }
}
