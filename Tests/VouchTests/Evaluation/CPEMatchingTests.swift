import Advisories
import Foundation
import JSON
import SBOM
import XCTest
@testable import Catalog
@testable import Evaluation

/// CPE matching on request: real syft SBOMs (their `cpe23Type` references) and vouch's own Go stdlib
/// CPE, against real NVD records (grype's test data), the Debian security tracker and the Go
/// vulnerability database, all imported into one store as `vouch db import` would.
final class CPEMatchingTests: XCTestCase {
    nonisolated(unsafe) private static var cached: Result<AdvisoryStore, Error>?
    /// Removed when the test process exits.
    nonisolated(unsafe) static var folder: URL?

    private func store() throws -> AdvisoryStore {
        try SharedData.require()
        if Self.cached == nil {
            Self.cached = Result {
                let folder = try ImportedOSV.scratchFolder("cpe-matching")
                Self.folder = folder
                atexit { if let folder = CPEMatchingTests.folder { try? FileManager.default.removeItem(at: folder) } }
                let store = try AdvisoryStore(path: folder.appendingPathComponent("advisories.sqlite").path)
                let nvd = folder.appendingPathComponent("nvd")
                try FileManager.default.createDirectory(at: nvd, withIntermediateDirectories: true)
                let records = try [NVDRecords.openssl2024, NVDRecords.openssl2014, NVDRecords.openssl2018, NVDRecords.httpd2018,
                                   NVDRecords.go2022, NVDRecords.wget2024].map(NVDRecords.cve)
                try NVDRecords.feed(records).write(to: nvd.appendingPathComponent("nvdcve-2.0-sample.json"))
                _ = try AdvisoryImporter.importPaths([nvd.path, try SharedData.path("osv/distro/debian-security-tracker"),
                                                      try SharedData.path("osv/Go-vulndb.tar.gz")], into: store)
                return store
            }
        }
        return try Self.cached!.get()
    }

    private func matcher(_ lookup: AdvisoryLookup, cpe: Bool) -> Matcher {
        Matcher(lookup: lookup, scheme: { VersionSchemes.scheme(forOSVEcosystem: $0) }, semver: VersionSchemes.semver,
                assessor: .standard, matchCPEs: cpe)
    }

    private func sbom(_ relative: String) throws -> Inventory {
        try SBOMReader().read(contentsOf: try SharedData.path(relative))
    }

    private func makeInventory(_ packages: [Package], os: OperatingSystem? = nil) -> Inventory {
        Inventory(subject: Subject(kind: .file, name: "test"), operatingSystem: os, packages: packages)
    }

    private func cpeFindings(_ result: Matcher.Result) -> [Finding] { result.findings.filter { $0.matchedBy.contains("(NVD") } }

    /// syft's Debian 11 nginx image: openssl 1.1.1n-0+deb11u3 carries `cpe:2.3:a:openssl:openssl:1.1.1n-0\+deb11u3:…`.
    func testDebianOpenSSLIsMatchedByCPEOnlyWhenAsked() throws {
        let inventory = try sbom("sboms/guac-data/top-dh-sboms/nginx.json")
        let store = try store()
        let plain = try matcher(store, cpe: false).match(inventory)
        XCTAssertEqual(cpeFindings(plain), [])
        XCTAssertFalse(plain.findings.contains { $0.id == "CVE-2024-0727" })
        XCTAssertFalse(plain.findings.isEmpty, "the Debian tracker still matches")

        let asked = try matcher(store, cpe: true).match(inventory)
        let byCPE = cpeFindings(asked)
        // libssl1.1's syft CPE is libssl1.1:libssl1.1, which NVD does not use: only the openssl package matches.
        XCTAssertEqual(byCPE.map { "\($0.package.name) \($0.id)" }, ["openssl CVE-2024-0727"])
        let pkcs12 = try XCTUnwrap(byCPE.first)
        XCTAssertEqual(pkcs12.package.version, "1.1.1n-0+deb11u3")
        XCTAssertEqual(pkcs12.matchedBy, "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:* >=1.1.1, <1.1.1x (NVD)")
        XCTAssertEqual(pkcs12.fix, .fixed(in: ["1.1.1x"]))
        XCTAssertEqual(pkcs12.ids, ["CVE-2024-0727", "NVD-CVE-2024-0727"])
        XCTAssertEqual(pkcs12.advisories, ["NVD-CVE-2024-0727"])
        XCTAssertEqual(pkcs12.severity.cvss?.baseScore, 5.5)
        XCTAssertEqual(pkcs12.severity.rating, .medium)
        // CVE-2014-0224 (< 0.9.8za, 1.0.0–1.0.0m, 1.0.1–1.0.1h) and CVE-2018-0735 (1.1.0–1.1.0i, =1.1.1) do not contain 1.1.1n.
        // Everything else is the same as without CPE matching.
        XCTAssertEqual(asked.findings.filter { !$0.matchedBy.contains("(NVD") }, plain.findings)
    }

    /// Alpine (apk ordering, `-r0` dropped) and Photon (rpm ordering, release dropped; two CPEs, one finding).
    func testAlpineAndPhotonOpenSSL() throws {
        let store = try store()
        let alpine = try matcher(store, cpe: true).match(try sbom("sboms/guac-data/docs/cyclonedx/syft-cyclonedx-docker.io-library-composer.latest.json"))
        XCTAssertEqual(cpeFindings(alpine).map { "\($0.package.name) \($0.package.version) \($0.id) \($0.fix.label)" },
                       ["openssl 1.1.1q-r0 CVE-2024-0727 fixed in 1.1.1x"])
        let photon = try matcher(store, cpe: true).match(try sbom("sboms/guac-data/top-dh-sboms/photon.json"))
        let openssl = cpeFindings(photon).filter { $0.package.name == "openssl" }
        XCTAssertEqual(openssl.map { "\($0.package.version) \($0.id) \($0.fix.label)" }, ["3.0.3-3.ph4 CVE-2024-0727 fixed in 3.0.13"])
        XCTAssertEqual(openssl.first?.matchedBy, "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:* >=3.0.0, <3.0.13 (NVD)")
    }

    /// The real Debian package at other versions: range edges, concrete NVD versions, the upstream part only.
    func testVersionsInsideAndOutsideTheRanges() throws {
        let inventory = try sbom("sboms/guac-data/top-dh-sboms/nginx.json")
        let real = try XCTUnwrap(inventory.packages.first { $0.name == "openssl" })
        // No distribution: these versions are not bullseye's, so the tracker's data must stay out of it.
        func ids(_ version: String) throws -> [String] {
            var p = real
            p.version = version
            p.purl = "pkg:deb/debian/openssl@\(version)?arch=amd64"
            let r = try matcher(try store(), cpe: true).match(makeInventory([p]))
            return r.findings.map { "\($0.id) \($0.fix.label)" }
        }
        XCTAssertEqual(try ids("1.1.1x-1"), [])                          // == versionEndExcluding
        XCTAssertEqual(try ids("1.1.1w-1~deb11u1"), ["CVE-2024-0727 fixed in 1.1.1x"])
        XCTAssertEqual(try ids("1.1.1-1"), ["CVE-2018-0735 not fixed", "CVE-2024-0727 fixed in 1.1.1x"])  // =1.1.1, >=1.1.1
        XCTAssertEqual(try ids("1.1.0i-1"), ["CVE-2018-0735 not fixed"])  // <=1.1.0i although the Debian revision follows
        XCTAssertEqual(try ids("1.1.0j-1~deb9u1"), [])
        XCTAssertEqual(try ids("1:0.9.8y-1"), ["CVE-2014-0224 fixed in 0.9.8za"])  // epoch dropped, dpkg orders y < za
        XCTAssertEqual(try ids("1.0.1h-1"), [])
        XCTAssertEqual(try ids("3.2.0-1"), ["CVE-2024-0727 not fixed"])  // NVD's `3.2.0:-`
        XCTAssertEqual(try ids("3.2.1-1"), [])
    }

    /// Debian 9 packages as syft writes them: the tracker and NVD both speak of the CVE; one finding,
    /// the distribution's. A fix Debian backported keeps NVD's upstream range from reporting it.
    func testEcosystemFindingWinsOverCPE() throws {
        func deb(_ name: String, _ version: String, cpe product: String) -> Package {
            Package(name: name, version: version, type: .deb,
                    purl: "pkg:deb/debian/\(name)@\(version.replacingOccurrences(of: "+", with: "%2B"))?arch=amd64&distro=debian-9",
                    cpes: ["cpe:2.3:a:\(product):" + version.replacingOccurrences(of: "+", with: "\\+").replacingOccurrences(of: "~", with: "\\~")
                           + ":*:*:*:*:*:*:*"])
        }
        var bin = deb("apache2-bin", "2.4.25-3+deb9u7", cpe: "apache:http_server")
        bin.sourceName = "apache2"
        let packages = [deb("openssl", "1.1.0f-3+deb9u2", cpe: "openssl:openssl"), deb("apache2", "2.4.25-3+deb9u6", cpe: "apache:http_server"), bin]
        let result = try matcher(try store(), cpe: true).match(makeInventory(packages, os: OperatingSystem(id: "debian", versionID: "9")))
        // DSA-4348-1: CVE-2018-0735 fixed in 1.1.0j-1~deb9u1; NVD: 1.1.0 ≤ v ≤ 1.1.0i.
        let openssl = result.findings.filter { $0.package.name == "openssl" && $0.id == "CVE-2018-0735" }
        XCTAssertEqual(openssl.count, 1)
        XCTAssertEqual(openssl.first?.fix, .fixed(in: ["1.1.0j-1~deb9u1"]))
        XCTAssertFalse(openssl.first?.matchedBy.contains("cpe:") ?? true, openssl.first?.matchedBy ?? "")
        // DSA-4422-1: CVE-2018-17199 fixed in 2.4.25-3+deb9u7; NVD: 2.4.0 ≤ v ≤ 2.4.37.
        let before = result.findings.filter { $0.package.name == "apache2" && $0.id == "CVE-2018-17199" }
        XCTAssertEqual(before.map(\.fix), [.fixed(in: ["2.4.25-3+deb9u7"])])
        XCTAssertFalse(before.first?.matchedBy.contains("cpe:") ?? true)
        // apache2-bin is built from apache2: at the fixed version nothing is reported, although 2.4.25 is inside NVD's range.
        XCTAssertEqual(result.findings.filter { $0.package.name == "apache2-bin" && $0.id == "CVE-2018-17199" }, [])
        XCTAssertEqual(cpeFindings(result), [])
    }

    /// vouch's own Go stdlib CPE (`cpe:2.3:a:golang:go:1.18.2:-:…`) and the Go vulnerability database.
    func testGoStdlibWithVouchsCPE() throws {
        let bare = "1.18.2"
        let stdlib = Package(name: "stdlib", version: "go" + bare, type: .golang, purl: GoPackageBuilder.purl("stdlib", version: bare),
                             cpes: [try XCTUnwrap(GoPackageBuilder.stdlibCPE(bare))])
        XCTAssertEqual(stdlib.cpes, ["cpe:2.3:a:golang:go:1.18.2:-:*:*:*:*:*:*"])
        let inventory = makeInventory([stdlib])
        let plain = try matcher(try store(), cpe: false).match(inventory)
        let asked = try matcher(try store(), cpe: true).match(inventory)
        // GO-2022-0969 is CVE-2022-27664: the CPE match (< 1.18.6) adds nothing.
        XCTAssertTrue(plain.findings.contains { $0.id == "CVE-2022-27664" && $0.fix == .fixed(in: ["1.18.6"]) })
        XCTAssertEqual(asked.findings, plain.findings)

        // Without the Go data, NVD alone finds it.
        let nvdOnly = AdvisoryList(try NVDParser().parse(data: NVDRecords.feed([NVDRecords.cve(NVDRecords.go2022)]), path: "nvd.json"))
        let alone = try matcher(nvdOnly, cpe: true).match(inventory)
        XCTAssertEqual(alone.findings.map { "\($0.id) \($0.fix.label) \($0.matchedBy)" },
                       ["CVE-2022-27664 fixed in 1.18.6 cpe:2.3:a:golang:go:*:*:*:*:*:*:*:* <1.18.6 (NVD)"])
    }

    /// CVE-2014-0224's AND configurations: Siemens firmware (vulnerable) running on its device (not).
    func testRunningOnPlatformIsKeptAndNamed() throws {
        func firmware(_ version: String) -> Package {
            Package(name: "s7-1500_firmware", version: version, type: .binary, purl: "pkg:generic/siemens/s7-1500_firmware@\(version)",
                    cpes: ["cpe:2.3:o:siemens:s7-1500_firmware:\(version):*:*:*:*:*:*:*"])
        }
        let result = try matcher(try store(), cpe: true).match(makeInventory([firmware("1.5.2"), firmware("1.6")]))
        XCTAssertEqual(result.findings.map { "\($0.package.version) \($0.id) \($0.fix.label)" }, ["1.5.2 CVE-2014-0224 fixed in 1.6"])
        XCTAssertEqual(result.findings.first?.matchedBy,
                       "cpe:2.3:o:siemens:s7-1500_firmware:*:*:*:*:*:*:*:* <1.6 (NVD, only running on cpe:2.3:h:siemens:s7-1500:-:*:*:*:*:*:*:*)")
        // An application CPE of the same vendor and product is another part: no match.
        var app = firmware("1.5.2")
        app.cpes = ["cpe:2.3:a:siemens:s7-1500_firmware:1.5.2:*:*:*:*:*:*:*"]
        XCTAssertEqual(try matcher(try store(), cpe: true).match(makeInventory([app])).findings, [])
    }

    /// Hostile or broken CPE names in an SBOM: reported once each, the good one still matched, no crash.
    func testMalformedSBOMCPEsAreSkipped() throws {
        let inventory = try sbom("sboms/guac-data/top-dh-sboms/nginx.json")
        var p = try XCTUnwrap(inventory.packages.first { $0.name == "openssl" })
        let real = p.cpes
        let broken = ["", "openssl", "cpe:2.3:a:openssl", "cpe:/a:openssl:openssl:1.1.1n", "cpe:2.3:a:openssl:openssl:1.1.1n:*:*:*:*:*:*:*:*",
                      "cpe:2.3:a:open*ssl:openssl:1:*:*:*:*:*:*:*", "cpe:2.3:a:openssl:openssl:1\u{0}:*:*:*:*:*:*:*",
                      "cpe:2.3:a:openssl:openssl:1:*:*:*:*:*:*:*\\", String(repeating: "cpe:2.3:", count: 10_000),
                      "cpe:2.3:a:*:openssl:1:*:*:*:*:*:*:*", "cpe:2.3:a:openssl:-:1:*:*:*:*:*:*:*"]
        p.cpes = broken + real
        let result = try matcher(try store(), cpe: true).match(makeInventory([p]))
        XCTAssertEqual(cpeFindings(result).map(\.id), ["CVE-2024-0727"])
        // The last two parse but name no vendor or product to look up: skipped without a word.
        XCTAssertEqual(result.problems.filter { $0.contains("not matched by CPE") }.count, broken.count - 2, "\(result.problems)")
        XCTAssertTrue(result.problems.allSatisfy { $0.count < 400 }, "problems stay one short line each")
        // A version no ordering can read: no match, one line.
        p.version = "~~~"
        p.purl = "pkg:deb/debian/openssl@~~~?arch=amd64"
        p.cpes = real
        let unreadable = try matcher(try store(), cpe: true).match(makeInventory([p]))
        XCTAssertEqual(unreadable.findings, [])
        XCTAssertTrue(unreadable.problems.contains { $0.contains("cannot be compared with cpe:2.3:a:openssl:openssl") }, "\(unreadable.problems)")
    }

    /// Off by default: the lookup is never asked for CPE matches; on, once per (vendor, product) pair.
    func testCPELookupsOnlyWhenAskedAndOncePerProduct() throws {
        final class Counting: AdvisoryLookup {
            let base: AdvisoryStore
            var asked: [String] = []
            init(_ base: AdvisoryStore) { self.base = base }
            func candidates(ecosystem: String, release: String?, names: [String]) throws -> [Advisory] {
                try base.candidates(ecosystem: ecosystem, release: release, names: names)
            }
            func severities(forVulnerabilities ids: [String]) throws -> [AdvisorySeverity] { try base.severities(forVulnerabilities: ids) }
            func cpeMatches(vendor: String, product: String) throws -> [CPEMatchRecord] {
                asked.append("\(vendor):\(product)")
                return try base.cpeMatches(vendor: vendor, product: product)
            }
        }
        let inventory = try sbom("sboms/guac-data/top-dh-sboms/nginx.json")
        let lookup = Counting(try store())
        _ = try matcher(lookup, cpe: false).match(inventory)
        XCTAssertEqual(lookup.asked, [])
        _ = try matcher(lookup, cpe: true).match(inventory)
        XCTAssertEqual(lookup.asked.count, Set(lookup.asked).count)
        let pairs = Set(inventory.packages.flatMap(\.cpes).compactMap { try? CPEName(parsing: $0) }
            .compactMap { n in n.vendor.text.flatMap { v in n.product.text.map { "\(v):\($0)" } } })
        XCTAssertEqual(Set(lookup.asked), pairs)
    }

    /// NISTIR 7696 attribute comparison, with ANY in the package CPE taken as compatible (see `CPEMatcher`).
    func testAttributeCompatibility() throws {
        func agree(_ nvd: String, _ package: String) throws -> Bool { CPEMatcher.compatible(try CPEName(parsing: nvd), try CPEName(parsing: package)) }
        let syft = "cpe:2.3:a:openssl:openssl:1.0.1:*:*:*:*:*:*:*"
        XCTAssertTrue(try agree("cpe:2.3:a:openssl:openssl:3.2.0:-:*:*:*:*:*:*", syft))     // NA update vs ANY
        XCTAssertFalse(try agree("cpe:2.3:a:openssl:openssl:1.0.1:beta1:*:*:*:*:*:*", syft))  // a beta is not the release
        XCTAssertTrue(try agree("cpe:2.3:a:openssl:openssl:1.0.1:beta1:*:*:*:*:*:*", "cpe:2.3:a:openssl:openssl:1.0.1:BETA1:*:*:*:*:*:*"))
        XCTAssertTrue(try agree("cpe:2.3:a:nodejs:node.js:*:*:*:*:lts:*:*:*", "cpe:2.3:a:nodejs:node\\.js:10.13.0:*:*:*:*:*:*:*"))
        XCTAssertFalse(try agree("cpe:2.3:a:nodejs:node.js:*:*:*:*:-:*:*:*", "cpe:2.3:a:nodejs:node.js:10.13.0:*:*:*:lts:*:*:*"))
        XCTAssertTrue(try agree("cpe:2.3:a:netty:netty:*:*:*:*:*:maven:*:*", "cpe:2.3:a:netty:netty:4.1.100:*:*:*:*:*:*:*"))
        XCTAssertFalse(try agree("cpe:2.3:a:netty:netty:*:*:*:*:*:maven:*:*", "cpe:2.3:a:netty:netty:4.1.100:*:*:*:*:npm:*:*"))
        XCTAssertFalse(try agree("cpe:2.3:o:openssl:openssl:*:*:*:*:*:*:*:*", syft))
        XCTAssertFalse(try agree("cpe:2.3:a:openssl:openssl_fips:*:*:*:*:*:*:*:*", syft))
    }

    func testGenericVersionOrdering() {
        let ordered = ["0.9.8", "1.0rc1", "1.0", "1.0.2z", "1.0.2zj", "1.1.1", "1.1.1a", "1.1.1x", "1.8.0_40", "1.8.0_401", "9", "10", "99999999999999999999"]
        for (i, a) in ordered.enumerated() {
            for (j, b) in ordered.enumerated() {
                XCTAssertEqual(GenericVersion.compare(a, b), i < j ? -1 : i == j ? 0 : 1, "\(a) vs \(b)")
            }
        }
        XCTAssertEqual(GenericVersion.compare("1.01", "1.1"), 0)
        XCTAssertNil(GenericVersion.compare("...", "1"))
        XCTAssertNil(GenericVersion.compare("1", ""))
    }
}
