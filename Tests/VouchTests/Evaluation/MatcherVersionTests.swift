import Advisories
import Evaluation
import Foundation
import SBOM
import XCTest

/// Installed versions the ecosystem would not accept are reported, not matched against everything.
final class MatcherVersionTests: XCTestCase {
    private let advisory = Advisory(id: "PYSEC-TEST-1", source: "osv", aliases: ["CVE-2099-0001"], affected: [
        AffectedPackage(ecosystem: "PyPI", name: "pip", ranges: [AffectedRange(kind: .ecosystem, events: [.introduced("0"), .fixed("21.1")])]),
    ])

    private func match(_ version: String) throws -> Matcher.Result {
        let p = Package(name: "pip", version: version, type: PackageType(purlType: "pypi"), purl: "pkg:pypi/pip@x")
        return try Matcher(lookup: AdvisoryList([advisory]), scheme: { VersionSchemes.scheme(forOSVEcosystem: $0) },
                           semver: VersionSchemes.semver, assessor: .standard)
            .match(Inventory(subject: Subject(kind: .image, name: "t"), packages: [p]))
    }

    func testPEP440VersionsMatchByTheirOrdering() throws {
        XCTAssertEqual(try match("20.3.4").findings.map(\.id), ["CVE-2099-0001"])
        XCTAssertEqual(try match("21.1").findings.map(\.id), [])
    }

    func testANonPEP440VersionIsAProblemNotAFinding() throws {
        let zeroWidth = try match("22.2.2\u{200B}")
        XCTAssertEqual(zeroWidth.findings.map(\.id), [], "the legacy ordering would put it before 21.1")
        XCTAssertEqual(zeroWidth.problems.count, 1)
        XCTAssertTrue(zeroWidth.problems[0].contains("not PEP 440"), zeroWidth.problems[0])
    }
}
