import Advisories
import Evaluation
import Foundation
import SBOM
import XCTest

/// Real SBOMs against real advisories: the Ubuntu 22.04 image syft catalogued in October 2022
/// (`sboms/guac-data`) and Ubuntu's own OSV records for glibc, openssl and coreutils.
final class MatcherRealDataTests: XCTestCase {
    private func ubuntuInventory() throws -> Inventory {
        try SBOMReader().read(contentsOf: try SharedData.path("sboms/guac-data/top-dh-sboms/ubuntu.json"))
    }

    private func ubuntuAdvisories() throws -> [Advisory] {
        try AdvisoryImporter().read(try SharedData.path("osv/distro/ubuntu-osv-sample")).advisories
    }

    private func matcher(_ advisories: [Advisory]) -> Matcher {
        Matcher(lookup: AdvisoryList(advisories), scheme: { VersionSchemes.scheme(forOSVEcosystem: $0) },
                semver: VersionSchemes.semver, assessor: .standard)
    }

    func testUbuntuImageMatchesThroughTheSourcePackage() throws {
        let inventory = try ubuntuInventory()
        let result = try matcher(try ubuntuAdvisories()).match(inventory)
        func findings(_ binary: String) -> [Finding] { result.findings.filter { $0.package.name == binary } }

        // glibc 2.35-0ubuntu3.1: CVE-2023-4911 (Looney Tunables) from UBUNTU-CVE-2023-4911 and USN-6409-1,
        // one finding; USN-6409-1 also covers CVE-2023-4527 (its upstream UBUNTU-CVE-2023-4527), a second one.
        let libc = findings("libc6")
        XCTAssertEqual(libc.map(\.id), ["CVE-2023-4527", "CVE-2023-4911"], "\(result.findings.map { "\($0.package.name) \($0.id)" })")
        let tunables = try XCTUnwrap(libc.first { $0.id == "CVE-2023-4911" })
        XCTAssertEqual(tunables.fix, .fixed(in: ["2.35-0ubuntu3.4"]))
        XCTAssertEqual(Set(tunables.advisories), ["UBUNTU-CVE-2023-4911", "USN-6409-1"])
        XCTAssertFalse(tunables.ids.contains("UBUNTU-CVE-2023-4527"), "another CVE of the bundle is not this one's id")
        XCTAssertTrue(tunables.matchedBy.contains("Ubuntu:22.04:LTS glibc") == true, tunables.matchedBy)
        XCTAssertEqual(libc.first { $0.id == "CVE-2023-4527" }?.advisories, ["USN-6409-1"])
        // libc-bin is another binary of glibc: matched through the same source package.
        XCTAssertEqual(findings("libc-bin").map(\.id), ["CVE-2023-4527", "CVE-2023-4911"])

        // openssl 3.0.2-0ubuntu1.6 → USN-5710-1, fixed in 3.0.2-0ubuntu1.7 (libssl3 is built from openssl).
        let ssl = findings("libssl3")
        XCTAssertFalse(ssl.isEmpty)
        XCTAssertEqual(ssl.map(\.id), ["CVE-2022-3358", "CVE-2022-3602", "CVE-2022-3786"])
        XCTAssertTrue(ssl.allSatisfy { $0.advisories.contains("USN-5710-1") && $0.fix == .fixed(in: ["3.0.2-0ubuntu1.7"]) },
                      "\(ssl.map { "\($0.id) \($0.fix.label)" })")

        // coreutils: only `introduced: 0`, so every version is affected and there is no fix.
        let coreutils = findings("coreutils")
        XCTAssertEqual(coreutils.map(\.id), ["CVE-2016-2781"])
        XCTAssertEqual(coreutils.first?.fix, .notFixed)
    }

    func testSeverityFollowsUbuntuPriorityThenCVSS() throws {
        let result = try matcher(try ubuntuAdvisories()).match(try ubuntuInventory())
        let glibc = try XCTUnwrap(result.findings.first { $0.id == "CVE-2023-4911" })
        // Ubuntu rates it high; the CVSS 3.1 vector in the record scores 7.8.
        XCTAssertEqual(glibc.severity.cvss?.baseScore, 7.8)
        XCTAssertNotEqual(glibc.severity.rating, .unspecified)
        let coreutils = try XCTUnwrap(result.findings.first { $0.id == "CVE-2016-2781" })
        XCTAssertEqual(coreutils.severity.cvss?.version, "3.0")
    }

    func testAnotherReleaseOrDistributionNeverMatches() throws {
        var inventory = try ubuntuInventory()
        // The same packages claimed as Debian 12: Ubuntu's data must not apply.
        inventory.operatingSystem = OperatingSystem(id: "debian", versionID: "12")
        inventory.packages = inventory.packages.map { p in
            var q = p
            q.purl = p.purl.replacingOccurrences(of: "distro=ubuntu-22.04", with: "distro=debian-12")
            return q
        }
        XCTAssertEqual(try matcher(try ubuntuAdvisories()).match(inventory).findings.map(\.id), [])
        // Ubuntu 20.04: only the 20.04 coreutils entry applies, not 22.04's glibc fix.
        var focal = try ubuntuInventory()
        focal.operatingSystem = OperatingSystem(id: "ubuntu", versionID: "20.04")
        focal.packages = focal.packages.map { p in
            var q = p
            q.purl = p.purl.replacingOccurrences(of: "distro=ubuntu-22.04", with: "distro=ubuntu-20.04")
            return q
        }
        XCTAssertEqual(Set(try matcher(try ubuntuAdvisories()).match(focal).findings.map(\.id)), ["CVE-2016-2781"])
    }

    func testWithdrawnAndUnaffectedVersionsDoNotMatch() throws {
        var advisories = try ubuntuAdvisories()
        for i in advisories.indices where advisories[i].id == "UBUNTU-CVE-2023-4911" || advisories[i].id == "USN-6409-1" {
            advisories[i].withdrawn = Date(timeIntervalSince1970: 1_700_000_000)
        }
        let ids = try matcher(advisories).match(try ubuntuInventory()).findings.map(\.id)
        XCTAssertFalse(ids.contains("CVE-2023-4911"))

        var inventory = try ubuntuInventory()
        inventory.packages = inventory.packages.map { p in
            var q = p
            if p.name == "libc6" { q.version = "2.35-0ubuntu3.4"; q.sourceVersion = "2.35-0ubuntu3.4" }
            return q
        }
        XCTAssertFalse(try matcher(try ubuntuAdvisories()).match(inventory).findings.contains { $0.package.name == "libc6" },
                       "the fixed version is not affected")
    }
}
