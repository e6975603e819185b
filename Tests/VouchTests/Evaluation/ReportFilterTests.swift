import Foundation
import SBOM
import XCTest
@testable import Evaluation

final class ReportFilterTests: XCTestCase {
    let all = ReportFixture.ubuntuFindings + [ReportFixture.zlibFinding]

    func ids(_ filter: FindingFilter, baseLayers: Set<String>? = nil) -> [String] {
        filter.apply(all, baseLayers: baseLayers).map { "\($0.package.name):\($0.id)" }
    }

    func testNoFlagsKeepsEverything() {
        XCTAssertEqual(FindingFilter().apply(all, baseLayers: [ReportFixture.baseLayer]), all)
    }

    func testOnlySeverity() {
        XCTAssertEqual(ids(FindingFilter(onlySeverities: [.low])), ["coreutils:CVE-2016-2781", "zlib1g:CVE-2023-45853"])
        XCTAssertEqual(ids(FindingFilter(onlySeverities: [.unspecified, .critical])), ["golang.org/x/net:CVE-2023-45288"])
        XCTAssertEqual(ids(FindingFilter(onlySeverities: [.high])), [])
    }

    func testOnlyPackageType() {
        XCTAssertEqual(ids(FindingFilter(onlyPackageTypes: ["pypi"])), ["requests:CVE-2023-32681"])
        XCTAssertEqual(ids(FindingFilter(onlyPackageTypes: ["python"])), ["requests:CVE-2023-32681"], "vouch's own type name works too")
        XCTAssertEqual(ids(FindingFilter(onlyPackageTypes: ["GOLANG", "npm"])), ["golang.org/x/net:CVE-2023-45288"])
        XCTAssertEqual(ids(FindingFilter(onlyPackageTypes: ["deb"])).count, 4)
    }

    func testOnlyFixedAndUnfixed() {
        XCTAssertEqual(ids(FindingFilter(onlyFixed: true)),
                       ["libc6:CVE-2023-4911", "libc-bin:CVE-2023-4911", "requests:CVE-2023-32681", "golang.org/x/net:CVE-2023-45288"])
        XCTAssertEqual(ids(FindingFilter(onlyUnfixed: true)), ["coreutils:CVE-2016-2781", "zlib1g:CVE-2023-45853"], "won't fix counts as unfixed")
        XCTAssertThrowsError(try FindingFilter(onlyFixed: true, onlyUnfixed: true).validate(baseLayers: nil)) { error in
            XCTAssertEqual(error as? FindingFilter.Conflict, .fixedAndUnfixed)
        }
    }

    func testOnlyCVEIDMatchesAnyAlias() {
        XCTAssertEqual(ids(FindingFilter(onlyCVEIDs: ["usn-6409-1"])), ["libc6:CVE-2023-4911", "libc-bin:CVE-2023-4911"])
        XCTAssertEqual(ids(FindingFilter(onlyCVEIDs: ["GHSA-j8r2-6x86-q33q", "CVE-2016-2781"])), ["coreutils:CVE-2016-2781", "requests:CVE-2023-32681"])
        XCTAssertEqual(ids(FindingFilter(onlyCVEIDs: ["CVE-1999-0001"])), [])
    }

    func testIgnoreBase() throws {
        let filter = FindingFilter(ignoreBase: true)
        XCTAssertEqual(ids(filter, baseLayers: [ReportFixture.baseLayer]), ["requests:CVE-2023-32681", "golang.org/x/net:CVE-2023-45288"])
        XCTAssertEqual(ids(filter, baseLayers: []).count, all.count, "no base layers, nothing dropped")
        XCTAssertThrowsError(try filter.validate(baseLayers: nil)) { error in
            XCTAssertEqual(error as? FindingFilter.Conflict, .ignoreBaseWithoutBaseImage)
            XCTAssertTrue("\(error)".contains("--ignore-base"))
        }
        XCTAssertNoThrow(try filter.validate(baseLayers: [ReportFixture.baseLayer]))
        // A package without a layer (read from an SBOM without layer data) is never taken for the base's.
        var layerless = ReportFixture.coreutilsFinding
        layerless.package.layer = nil
        XCTAssertEqual(filter.apply([layerless], baseLayers: [ReportFixture.baseLayer]).count, 1)
    }

    func testFlagsCombine() {
        let filter = FindingFilter(onlySeverities: [.medium, .low], onlyPackageTypes: ["deb"], onlyFixed: true)
        XCTAssertEqual(ids(filter), ["libc6:CVE-2023-4911", "libc-bin:CVE-2023-4911"])
    }
}
