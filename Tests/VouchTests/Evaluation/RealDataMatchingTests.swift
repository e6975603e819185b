import Advisories
import Evaluation
import Foundation
import JSON
import SBOM
import XCTest

/// Real SBOMs of 2022 images against the real advisory data in `../shared/data/osv`. Every expected
/// finding below was worked out from the advisory files themselves (the DSA list lines, the OSV
/// records' ranges) with `dpkg --compare-versions` and by reading the ranges, never from vouch's output.
final class RealDataMatchingTests: XCTestCase {
    static let debianLists = "osv/distro/debian-security-tracker"

    override class func tearDown() { RealAdvisories.removeDatabases() }

    // MARK: Debian: the DSA list (to April 2023) against bullseye images syft catalogued in October 2022

    func testDebianBullseyeImageHasTheDSAsPublishedAfterItWasBuilt() throws {
        let inventory = try SBOMReader().read(contentsOf: try SharedData.path("sboms/guac-data/docs/cyclonedx/syft-cyclonedx-docker.io-library-debian.latest.json"))
        let result = try RealAdvisories.matcher([Self.debianLists]).match(inventory)
        // DSA-5343-1 `[bullseye] - openssl 1.1.1n-0+deb11u4` (image: 1.1.1n-0+deb11u3), DSA-5349-1
        // `gnutls28 3.7.1-5+deb11u3` (3.7.1-5+deb11u2), DSA-5286-1 `krb5 1.18.3-6+deb11u3` (1.18.3-6+deb11u2):
        // every other bullseye line of both lists names a fix at or below the installed source version.
        let expected: [DebianAdvice] = [
            DebianAdvice("DSA-5343-1", ["libssl1.1"], ["CVE-2022-2097", "CVE-2022-4304", "CVE-2022-4450", "CVE-2023-0215", "CVE-2023-0286"], "1.1.1n-0+deb11u4"),
            DebianAdvice("DSA-5349-1", ["libgnutls30"], ["CVE-2023-0361"], "3.7.1-5+deb11u3"),
            DebianAdvice("DSA-5286-1", ["libgssapi-krb5-2", "libk5crypto3", "libkrb5-3", "libkrb5support0"], ["CVE-2022-42898"], "1.18.3-6+deb11u3"),
        ]
        XCTAssertEqual(Set(result.findings.map(RealAdvisories.line)), DebianAdvice.lines(expected))
        for f in result.findings {
            XCTAssertTrue(f.matchedBy.hasPrefix("Debian:11 "), "bullseye data only: \(f.matchedBy)")
            XCTAssertTrue(f.ids.contains(f.advisories.first ?? "?"), "the DSA id is among the finding's ids: \(f.ids)")
        }

        // At or above the fix: nothing. gzip 1.10-4+deb11u1 is DSA-5122-1's fix, zlib1g 1:1.2.11.dfsg-2+deb11u2
        // (an epoch) DSA-5218-1's, openssl 1.1.1n-0+deb11u3 DSA-5169-1's (CVE-2022-2068).
        let names = Set(result.findings.map(\.package.name))
        XCTAssertFalse(names.contains("gzip"))
        XCTAssertFalse(names.contains("zlib1g"))
        XCTAssertFalse(result.findings.contains { $0.id == "CVE-2022-2068" })
        XCTAssertTrue(inventory.packages.contains { $0.name == "zlib1g" && $0.version == "1:1.2.11.dfsg-2+deb11u2" }, "the SBOM really has it")

        // The image after `apt upgrade` to the DSA's versions has none of them.
        var upgraded = inventory
        upgraded.packages = inventory.packages.map { p in
            var q = p
            let fixes = ["openssl": "1.1.1n-0+deb11u4", "gnutls28": "3.7.1-5+deb11u3", "krb5": "1.18.3-6+deb11u3"]
            if let s = p.sourceName, let fix = fixes[s] { q.sourceVersion = fix; q.version = fix }
            return q
        }
        XCTAssertEqual(try RealAdvisories.matcher([Self.debianLists]).match(upgraded).findings.map(RealAdvisories.line), [])
    }

    /// The same image as syft's SPDX (two weeks earlier): the same findings through the other reader.
    func testDebianSPDXOfTheSameImageGivesTheSameFindings() throws {
        let spdx = try SBOMReader().read(contentsOf: try SharedData.path("sboms/guac-data/top-dh-sboms/debian.json"))
        let cdx = try SBOMReader().read(contentsOf: try SharedData.path("sboms/guac-data/docs/cyclonedx/syft-cyclonedx-docker.io-library-debian.latest.json"))
        let matcher = try RealAdvisories.matcher([Self.debianLists])
        let a = Set(try matcher.match(spdx).findings.map(RealAdvisories.line))
        let b = Set(try matcher.match(cdx).findings.map(RealAdvisories.line))
        XCTAssertEqual(a.count, 10, "5 openssl CVEs, 1 gnutls28, 1 krb5 CVE in 4 binaries")
        XCTAssertEqual(a, b, "only SPDX: \(a.subtracting(b).sorted()); only CycloneDX: \(b.subtracting(a).sorted())")
    }

    /// nginx:latest (bullseye, October 2022) end to end: `db import` of both lists, `cves sbom:`. Several
    /// DSAs for one source (curl: DSA-5330-1 then DSA-5365-1; tiff: DSA-5333-1 then DSA-5361-1) each keep their own fix.
    func testNginxImageThroughTheCLI() throws {
        let db = try RealAdvisories.database([Self.debianLists])
        let sbom = try SharedData.path("sboms/guac-data/docs/cyclonedx/syft-cyclonedx-docker.io-library-nginx.latest.json")
        let r = try VouchBinary.run(["cves", "sbom:" + sbom, "--db", db, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try JSON.parse(Data(r.stdout.utf8))
        let got = Set(report.array("findings").map { f -> String in
            let fix = f["fix"]?.array("versions").compactMap(\.string).joined(separator: ",") ?? ""
            let advisories = f.array("advisories").compactMap(\.string).joined(separator: ",")
            return "\(f["package"]?.string("name") ?? "?") \(f.string("id") ?? "?") fixed in \(fix) \(advisories)"
        })
        let tiff2022 = ["CVE-2022-1354", "CVE-2022-1355", "CVE-2022-1622", "CVE-2022-1623", "CVE-2022-2056", "CVE-2022-2057",
                        "CVE-2022-2058", "CVE-2022-2519", "CVE-2022-2520", "CVE-2022-2521", "CVE-2022-2867", "CVE-2022-2868",
                        "CVE-2022-2869", "CVE-2022-2953", "CVE-2022-34526", "CVE-2022-3570", "CVE-2022-3597", "CVE-2022-3598",
                        "CVE-2022-3599", "CVE-2022-3626", "CVE-2022-3627", "CVE-2022-3970", "CVE-2022-4645", "CVE-2022-48281"]
        let expected: [DebianAdvice] = [
            DebianAdvice("DSA-5330-1", ["curl", "libcurl4"], ["CVE-2022-32221", "CVE-2022-43552"], "7.74.0-1.3+deb11u5"),
            DebianAdvice("DSA-5365-1", ["curl", "libcurl4"], ["CVE-2023-23916"], "7.74.0-1.3+deb11u7"),
            DebianAdvice("DSA-5266-1", ["libexpat1"], ["CVE-2022-43680"], "2.2.10-2+deb11u5"),
            DebianAdvice("DSA-5349-1", ["libgnutls30"], ["CVE-2023-0361"], "3.7.1-5+deb11u3"),
            DebianAdvice("DSA-5286-1", ["libgssapi-krb5-2", "libk5crypto3", "libkrb5-3", "libkrb5support0"], ["CVE-2022-42898"], "1.18.3-6+deb11u3"),
            DebianAdvice("DSA-5343-1", ["libssl1.1", "openssl"], ["CVE-2022-2097", "CVE-2022-4304", "CVE-2022-4450", "CVE-2023-0215", "CVE-2023-0286"], "1.1.1n-0+deb11u4"),
            DebianAdvice("DSA-5333-1", ["libtiff5"], tiff2022, "4.2.0-1+deb11u3"),
            DebianAdvice("DSA-5361-1", ["libtiff5"], (795...804).map { "CVE-2023-0\($0)" }, "4.2.0-1+deb11u4"),
            DebianAdvice("DSA-5271-1", ["libxml2"], ["CVE-2022-40303", "CVE-2022-40304"], "2.9.10+dfsg-6.7+deb11u3"),
        ]
        let want = DebianAdvice.lines(expected)
        XCTAssertEqual(want.count, 58)
        XCTAssertEqual(got.subtracting(want), [], "findings no DSA/DLA line supports")
        XCTAssertEqual(want.subtracting(got), [], "DSA findings vouch missed")
        // Counted by source package as Scout does: curl, expat, gnutls28, krb5, openssl, tiff, libxml2.
        XCTAssertEqual(report["summary"]?["vulnerablePackages"]?.int, 7)
    }

    // MARK: Go: the Go vulnerability database against kube-apiserver v1.25.2 (syft SPDX)

    func testGoModulesOfKubeAPIServer() throws {
        let inventory = try SBOMReader().read(contentsOf: try SharedData.path("sboms/guac-data/docs/spdx/syft-spdx-k8s.gcr.io-kube-apiserver.v1.25.2.json"))
        let result = try RealAdvisories.matcher(["osv/Go-vulndb.tar.gz"]).match(inventory)
        let lines = Set(result.findings.map(RealAdvisories.line))
        // GO-2022-1059: golang.org/x/text SEMVER introduced 0, fixed 0.3.8; the SBOM has v0.3.7.
        XCTAssertTrue(lines.contains("golang.org/x/text CVE-2022-32149 fixed in 0.3.8 GO-2022-1059"), "\(lines.sorted())")
        // GO-2022-0969: x/net fixed at a pseudo-version; the SBOM's pseudo-version is a month older.
        XCTAssertTrue(lines.contains("golang.org/x/net CVE-2022-27664 fixed in 0.0.0-20220906165146-f3363e06e74c GO-2022-0969"))
        // GO-2024-2961: x/crypto v0.0.0-20220315160706-3147a52a75dd < fixed 0.0.0-20220525230936-793ad666bf5e.
        XCTAssertTrue(lines.contains("golang.org/x/crypto CVE-2022-30636 fixed in 0.0.0-20220525230936-793ad666bf5e GO-2024-2961"))
        // GO-2024-3250: a major-version module path (/v4), v4.2.0 < 4.5.1.
        XCTAssertTrue(lines.contains("github.com/golang-jwt/jwt/v4 CVE-2024-51744 fixed in 4.5.1 GO-2024-3250"))
        // GO-2021-0113 (x/text, fixed 0.3.7) is fixed in exactly the SBOM's version.
        XCTAssertFalse(result.findings.contains { $0.advisories.contains("GO-2021-0113") })
        // GO-2022-0969 also lists stdlib: x/net's finding must not be matched through that entry.
        let xnet = try XCTUnwrap(result.findings.first { $0.id == "CVE-2022-27664" })
        XCTAssertFalse(xnet.matchedBy.contains("stdlib"), xnet.matchedBy)
        XCTAssertTrue(result.findings.allSatisfy { $0.package.type == .golang })
    }

    // MARK: PyPI: PyPA's advisory database against python:latest (October 2022) and grype's source SBOM

    func testPythonImageToolchainWheels() throws {
        let inventory = try SBOMReader().read(contentsOf: try SharedData.path("sboms/guac-data/docs/cyclonedx/syft-cyclonedx-docker.io-library-python.latest.json"))
        let result = try RealAdvisories.matcher(["osv/PyPI-pypa.tar.gz"]).match(inventory)
        // setuptools 63.2.0 < 65.5.1 (PYSEC-2022-43012), wheel 0.37.1 < 0.38.1 (PYSEC-2022-43017),
        // pip 22.2.2 < 23.3 (PYSEC-2023-228). pip's PYSEC-2021-437 (fixed 21.1) and mercurial 5.6.1's
        // sixteen advisories (all fixed by 4.9 or earlier) do not apply.
        XCTAssertEqual(Set(result.findings.map(RealAdvisories.line)), [
            "setuptools CVE-2022-40897 fixed in 65.5.1 PYSEC-2022-43012",
            "wheel CVE-2022-40898 fixed in 0.38.1 PYSEC-2022-43017",
            "pip CVE-2023-5752 fixed in 23.3 PYSEC-2023-228",
        ])
    }

    /// grype's own source SBOM (syft JSON, which vouch does not read) lists `pkg:pypi/Pygments@2.6.1`:
    /// the capitalised name must find PyPA's `pygments` records.
    func testCapitalisedPyPINameFromGrypesSBOM() throws {
        let text = String(decoding: try SharedData.data("examples/grype/test/cli/testdata/sbom-grype-source.json"), as: UTF8.self)
        XCTAssertTrue(text.contains("\"purl\": \"pkg:pypi/Pygments@2.6.1\""))
        let inventory = Inventory(subject: Subject(kind: .directory, name: "grype"),
                                  packages: [Package(name: "Pygments", version: "2.6.1", type: .python, purl: "pkg:pypi/Pygments@2.6.1")])
        let result = try RealAdvisories.matcher(["osv/PyPI-pypa.tar.gz"]).match(inventory)
        // PYSEC-2021-140: introduced 1.5, fixed 2.7.4; PYSEC-2021-141: fixed 2.7.4; PYSEC-2023-117: fixed 2.15.1.
        let lines = Set(result.findings.map(RealAdvisories.line))
        XCTAssertTrue(lines.contains("Pygments CVE-2021-20270 fixed in 2.7.4 PYSEC-2021-140"), "\(lines.sorted())")
        XCTAssertTrue(lines.contains("Pygments CVE-2022-40896 fixed in 2.15.1 PYSEC-2023-117"), "\(lines.sorted())")
    }

    // MARK: crates.io: RustSec's OSV export against spdx-examples' example 11 (hyper/tokio)

    func testTokioFromTheSPDXExample() throws {
        let inventory = try SBOMReader().read(contentsOf: try SharedData.path("examples/spdx/spdx-examples/software/example11/spdx2.3/sbom.spdx.json"))
        let result = try RealAdvisories.matcher(["osv/crates.io-rustsec-osv.tar.gz"]).match(inventory)
        let tokio = result.findings.filter { $0.package.name == "tokio" }
        // 1.19.2 sits in the second of each record's ranges: RUSTSEC-2023-0001 [1.19.0, 1.20.3),
        // RUSTSEC-2023-0005 [1.19.0, 1.20.4), RUSTSEC-2025-0023 [0.2.5, 1.38.2). The next ranges' fixes
        // (1.23.1, 1.24.2, 1.42.1…) are not its fix.
        XCTAssertEqual(Set(tokio.map(RealAdvisories.line)), [
            "tokio CVE-2023-22466 fixed in 1.20.3 RUSTSEC-2023-0001",
            // No CVE: the finding is shown under the advisory's own id.
            "tokio RUSTSEC-2023-0005 fixed in 1.20.4 RUSTSEC-2023-0005",
            "tokio RUSTSEC-2025-0023 fixed in 1.38.2 RUSTSEC-2025-0023",
        ])
        // RUSTSEC-2021-0124 ([0.1.14, 1.8.4), [1.9.0, 1.13.1)) and RUSTSEC-2021-0072 (up to 1.8.1) end below 1.19.2.
        XCTAssertFalse(tokio.contains { $0.advisories.contains("RUSTSEC-2021-0124") || $0.advisories.contains("RUSTSEC-2021-0072") })
        // `hyper 0.14` is the example's dependency requirement written as its version; ordered as 0.14.0 (as
        // osv-scanner's lenient SemVer does) it is inside four hyper ranges, each with its own first fix.
        XCTAssertTrue(inventory.packages.contains { $0.name == "hyper" && $0.version == "0.14" })
        XCTAssertEqual(Set(result.findings.filter { $0.package.name == "hyper" }.map(RealAdvisories.line)), [
            "hyper CVE-2021-21299 fixed in 0.14.3 RUSTSEC-2021-0020",
            "hyper CVE-2021-32714 fixed in 0.14.10 RUSTSEC-2021-0079",
            "hyper CVE-2021-32715 fixed in 0.14.10 RUSTSEC-2021-0078",
            "hyper RUSTSEC-2022-0022 fixed in 0.14.12 RUSTSEC-2022-0022",
        ])
    }

    // MARK: AlmaLinux: AlmaLinux's OSV database against the AlmaLinux 8.5 image of trivy's tests

    /// trivy's golden `almalinux-8.json.golden` records `openssl-libs 1:1.1.1k-4.el8` (AlmaLinux 8.5).
    /// AlmaLinux names binary rpms and writes fixes with the epoch (`1:1.1.1k-6.el8_5`).
    func testAlmaLinuxOpenSSLWithEpochs() throws {
        let golden = try JSON.parse(try SharedData.data("examples/trivy/integration/testdata/almalinux-8.json.golden"))
        let vuln = try XCTUnwrap(golden.array("Results").first?.array("Vulnerabilities").first)
        XCTAssertEqual(vuln.string("PkgName"), "openssl-libs")
        let installed = try XCTUnwrap(vuln.string("InstalledVersion"))
        XCTAssertEqual(installed, "1:1.1.1k-4.el8")
        func inventory(_ version: String) -> Inventory {
            Inventory(subject: Subject(kind: .image, name: "almalinux-8"), operatingSystem: OperatingSystem(id: "almalinux", versionID: "8.5"),
                      packages: [Package(name: "openssl-libs", version: version, type: .rpm,
                                         purl: "pkg:rpm/almalinux/openssl-libs@\(version)?arch=x86_64&distro=almalinux-8.5",
                                         sourceName: "openssl", sourceVersion: version)])
        }
        let matcher = try RealAdvisories.matcher(["osv/AlmaLinux.tar.gz"])
        let before = try matcher.match(inventory(installed)).findings
        func fix(_ alsa: String) -> Finding.FixState? { before.first { $0.advisories.contains(alsa) }?.fix }
        // ALSA-2022:1065 (CVE-2022-0778) fixed 1:1.1.1k-6.el8_5; ALSA-2022:5818 1:1.1.1k-7.el8_6; ALSA-2023:1405 1:1.1.1k-9.el8_7.
        XCTAssertEqual(fix("ALSA-2022:1065"), .fixed(in: ["1:1.1.1k-6.el8_5"]), "\(before.map(RealAdvisories.line))")
        XCTAssertEqual(fix("ALSA-2022:5818"), .fixed(in: ["1:1.1.1k-7.el8_6"]))
        XCTAssertEqual(fix("ALSA-2023:1405"), .fixed(in: ["1:1.1.1k-9.el8_7"]))
        XCTAssertTrue(before.allSatisfy { $0.matchedBy.hasPrefix("AlmaLinux:8 ") }, "\(before.map(\.matchedBy))")

        // 1:1.1.1k-9.el8_7 is ALSA-2023:1405's fix: the three are gone, later ones (1:1.1.1k-12.el8_9…) stay.
        let after = try matcher.match(inventory("1:1.1.1k-9.el8_7")).findings
        for alsa in ["ALSA-2022:1065", "ALSA-2022:5818", "ALSA-2023:1405"] {
            XCTAssertFalse(after.contains { $0.advisories.contains(alsa) }, alsa)
        }
        XCTAssertLessThan(after.count, before.count)
        // The epoch decides: 0:1.1.1k-99.el8 is older than every 1:… fix, so all of before's advisories apply.
        let noEpoch = try matcher.match(inventory("1.1.1k-99.el8")).findings
        XCTAssertTrue(Set(noEpoch.flatMap(\.advisories)).isSuperset(of: before.flatMap(\.advisories)))
        // The same package on AlmaLinux 9 never meets AlmaLinux 8's data.
        var nine = inventory(installed)
        nine.operatingSystem = OperatingSystem(id: "almalinux", versionID: "9.1")
        nine.packages[0].purl = nine.packages[0].purl.replacingOccurrences(of: "almalinux-8.5", with: "almalinux-9.1")
        XCTAssertFalse(try matcher.match(nine).findings.contains { $0.advisories.contains("ALSA-2022:1065") })
    }

    /// Every AlmaLinux 8 advisory naming openssl or openssl-libs with a fix above 1:1.1.1k-4.el8 (read from the
    /// records with rpmvercmp), with the CVEs its `related` lists (each CVE is in one of them only). Each lists
    /// both `openssl` (the source rpm) and `openssl-libs`: the package meets it through both names, and it is
    /// still one advisory, listed once. The finding is the CVE's, the ALSA among its ids.
    func testAlmaLinuxAdvisoryReachedThroughTwoNamesIsListedOnce() throws {
        let inventory = Inventory(subject: Subject(kind: .image, name: "almalinux-8"), operatingSystem: OperatingSystem(id: "almalinux", versionID: "8.5"),
                                  packages: [Package(name: "openssl-libs", version: "1:1.1.1k-4.el8", type: .rpm,
                                                     purl: "pkg:rpm/almalinux/openssl-libs@1:1.1.1k-4.el8?arch=x86_64&distro=almalinux-8.5",
                                                     sourceName: "openssl", sourceVersion: "1:1.1.1k-4.el8")])
        let findings = try RealAdvisories.matcher(["osv/AlmaLinux.tar.gz"]).match(inventory).findings
        XCTAssertEqual(Set(findings.map(RealAdvisories.line)), Set(Self.almaLinux8OpenSSL.flatMap { alsa, fix, cves in
            cves.map { "openssl-libs \($0) fixed in \(fix) \(alsa)" }
        }))
        for f in findings {
            XCTAssertEqual(f.advisories.count, 1, "advisory listed more than once: \(RealAdvisories.line(f))")
            XCTAssertTrue(f.ids.contains(f.id) && f.ids.contains(f.advisories[0]), "\(f.ids)")
            XCTAssertFalse(f.ids.contains { $0.hasPrefix("CVE-") && $0 != f.id }, "another CVE of the bundle is not this one's id: \(f.ids)")
        }
    }

    /// AlmaLinux 8's openssl errata above 1:1.1.1k-4.el8: id, fix, the CVEs of its `related`.
    static let almaLinux8OpenSSL: [(String, String, [String])] = [
        ("ALSA-2022:1065", "1:1.1.1k-6.el8_5", ["CVE-2022-0778"]),
        ("ALSA-2022:5818", "1:1.1.1k-7.el8_6", ["CVE-2022-1292", "CVE-2022-2068", "CVE-2022-2097"]),
        ("ALSA-2023:1405", "1:1.1.1k-9.el8_7", ["CVE-2023-0286", "CVE-2022-4304", "CVE-2022-4450", "CVE-2023-0215"]),
        ("ALSA-2023:7877", "1:1.1.1k-12.el8_9", ["CVE-2023-3446", "CVE-2023-3817", "CVE-2023-5678"]),
        ("ALSA-2024:7848", "1:1.1.1k-14.el8_6", ["CVE-2024-5535"]),
        ("ALSA-2026:0337", "1:1.1.1k-14.el8_10", ["CVE-2025-9230"]),
        ("ALSA-2026:3042", "1:1.1.1k-15.el8_6", ["CVE-2025-69419"]),
        ("ALSA-2026:26275", "1:1.1.1k-16.el8_6", ["CVE-2024-4741", "CVE-2026-45447"]),
        ("ALSA-2026:38503", "1:1.1.1k-17.el8_6", ["CVE-2026-28390"]),
    ]

    /// The one-vulnerability-once linking: ALSA-2022:1065 is AlmaLinux's fix of CVE-2022-0778, and an
    /// advisory of another source naming that CVE joins the same finding instead of making a second.
    func testAlmaLinuxFindingJoinsOtherAdvisoriesOfItsCVE() throws {
        let alma = try RealAdvisories.load("osv/AlmaLinux.tar.gz")   // outside XCTUnwrap, so an absent file skips
        let alsa = try XCTUnwrap(alma.first { $0.id == "ALSA-2022:1065" })
        XCTAssertEqual(alsa.aliases, ["CVE-2022-0778"])
        let other = Advisory(id: "CVE-2022-0778", source: "test", summary: "BN_mod_sqrt() loops forever",
                             affected: [AffectedPackage(ecosystem: "AlmaLinux:8", name: "openssl",
                                                        ranges: [AffectedRange(kind: .ecosystem, events: [.introduced("0"), .fixed("1:1.1.1k-6.el8_5")])])])
        let matcher = Matcher(lookup: AdvisoryList([alsa, other]), scheme: { VersionSchemes.scheme(forOSVEcosystem: $0) },
                              semver: VersionSchemes.semver, assessor: .standard)
        let inventory = Inventory(subject: Subject(kind: .image, name: "almalinux-8"), operatingSystem: OperatingSystem(id: "almalinux", versionID: "8.5"),
                                  packages: [Package(name: "openssl-libs", version: "1:1.1.1k-4.el8", type: .rpm,
                                                     purl: "pkg:rpm/almalinux/openssl-libs@1:1.1.1k-4.el8?arch=x86_64&distro=almalinux-8.5",
                                                     sourceName: "openssl", sourceVersion: "1:1.1.1k-4.el8")])
        let findings = try matcher.match(inventory).findings
        XCTAssertEqual(findings.map(RealAdvisories.line), ["openssl-libs CVE-2022-0778 fixed in 1:1.1.1k-6.el8_5 ALSA-2022:1065,CVE-2022-0778"])
        XCTAssertEqual(findings.first?.ids, ["ALSA-2022:1065", "CVE-2022-0778"])
        // At the fix, neither applies.
        var fixed = inventory
        fixed.packages[0].version = "1:1.1.1k-6.el8_5"
        fixed.packages[0].sourceVersion = "1:1.1.1k-6.el8_5"
        fixed.packages[0].purl = "pkg:rpm/almalinux/openssl-libs@1:1.1.1k-6.el8_5?arch=x86_64&distro=almalinux-8.5"
        XCTAssertEqual(try matcher.match(fixed).findings.map(RealAdvisories.line), [])
    }

    /// trivy names AlmaLinux `alma` (its OS family, its purl namespace and `distro=alma-8.5`). A trivy
    /// CycloneDX of that image, shaped like `fixtures/sbom/centos-7-cyclonedx.json` and carrying the
    /// golden's own purl, must be matched as AlmaLinux 8.
    func testTrivyAlmaSBOMIsAlmaLinux() throws {
        let golden = try JSON.parse(try SharedData.data("examples/trivy/integration/testdata/almalinux-8.json.golden"))
        XCTAssertEqual(golden["Metadata"]?["OS"]?.string("Family"), "alma")
        let vuln = try XCTUnwrap(golden.array("Results").first?.array("Vulnerabilities").first)
        let purl = try XCTUnwrap(vuln["PkgIdentifier"]?.string("PURL"))
        XCTAssertEqual(purl, "pkg:rpm/alma/openssl-libs@1.1.1k-4.el8?arch=x86_64&distro=alma-8.5&epoch=1")
        let sbom = TrivyStyleSBOM(os: "alma", osVersion: "8.5", purl: purl, version: "1.1.1k-4.el8", release: "4.el8")
        let result = try RealAdvisories.matcher(["osv/AlmaLinux.tar.gz"]).match(try SBOMReader().read(sbom.data, source: "trivy-alma.cdx.json"))
        XCTAssertEqual(result.unmatchable, 0, "trivy's `alma` is AlmaLinux")
        XCTAssertTrue(result.findings.contains { $0.advisories.contains("ALSA-2022:1065") }, "\(result.findings.map(RealAdvisories.line))")
    }

    /// The purl spec writes an rpm's epoch as a qualifier (`pkg:rpm/fedora/centerim@4.22.10-1.el6?arch=i686&epoch=1`),
    /// and trivy does the same. `openssl-libs@1.1.1k-9.el8_7?epoch=1` is ALSA-2023:1405's fix 1:1.1.1k-9.el8_7;
    /// read as 0:1.1.1k-9.el8_7 it looks older than every `1:` fix and every openssl ALSA would match.
    func testRPMEpochQualifierIsPartOfTheVersion() throws {
        let purl = "pkg:rpm/almalinux/openssl-libs@1.1.1k-9.el8_7?arch=x86_64&epoch=1&distro=almalinux-8.5"
        let sbom = TrivyStyleSBOM(os: "almalinux", osVersion: "8.5", purl: purl, version: "1.1.1k-9.el8_7", release: "9.el8_7")
        let result = try RealAdvisories.matcher(["osv/AlmaLinux.tar.gz"]).match(try SBOMReader().read(sbom.data, source: "epoch.cdx.json"))
        XCTAssertEqual(result.unmatchable, 0)
        let fixedEarlier = ["ALSA-2022:1065", "ALSA-2022:5818", "ALSA-2023:1405"]
        XCTAssertEqual(result.findings.filter { !Set($0.advisories).isDisjoint(with: fixedEarlier) }.map(RealAdvisories.line), [],
                       "fixed at or before 1:1.1.1k-9.el8_7")
        // Advisories after it still apply (ALSA-2023:7877 fixed 1:1.1.1k-12.el8_9): the package was matched at all.
        XCTAssertTrue(result.findings.contains { $0.advisories.contains("ALSA-2023:7877") }, "\(result.findings.map(RealAdvisories.line))")
    }
}

/// A CycloneDX document the way trivy writes one OS package (`fixtures/sbom/centos-7-cyclonedx.json`):
/// version without epoch, `aquasecurity:trivy:Src*` properties, an operating-system component.
struct TrivyStyleSBOM {
    let os: String, osVersion: String, purl: String, version: String, release: String

    var data: Data {
        let component: JSON = [
            "bom-ref": .string(purl), "type": "library", "name": "openssl-libs", "version": .string(version), "purl": .string(purl),
            "properties": [["name": "aquasecurity:trivy:SrcName", "value": "openssl"],
                           ["name": "aquasecurity:trivy:SrcVersion", "value": "1.1.1k"],
                           ["name": "aquasecurity:trivy:SrcRelease", "value": .string(release)],
                           ["name": "aquasecurity:trivy:SrcEpoch", "value": "1"]]]
        let doc: JSON = ["bomFormat": "CycloneDX", "specVersion": "1.4", "version": 1,
                         "metadata": ["tools": [["vendor": "aquasecurity", "name": "trivy", "version": "dev"]],
                                      "component": ["bom-ref": "image", "type": "container", "name": "almalinux-8.tar.gz"]],
                         "components": [component, ["bom-ref": "os", "type": "operating-system", "name": .string(os), "version": .string(osVersion),
                                                    "properties": [["name": "aquasecurity:trivy:Type", "value": .string(os)],
                                                                   ["name": "aquasecurity:trivy:Class", "value": "os-pkgs"]]]]]
        return doc.serialized([])
    }
}

/// One DSA/DLA line: its id, the binaries of the image built from its source package, its CVEs, its fix.
struct DebianAdvice {
    let id: String
    let binaries: [String]
    let cves: [String]
    let fix: String
    init(_ id: String, _ binaries: [String], _ cves: [String], _ fix: String) {
        self.id = id; self.binaries = binaries; self.cves = cves; self.fix = fix
    }

    /// `libssl1.1 CVE-2023-0286 fixed in 1.1.1n-0+deb11u4 DSA-5343-1`, as `RealAdvisories.line` writes findings.
    static func lines(_ list: [DebianAdvice]) -> Set<String> {
        Set(list.flatMap { a in a.binaries.flatMap { b in a.cves.map { "\(b) \($0) fixed in \(a.fix) \(a.id)" } } })
    }
}

/// Real advisory sets parsed once per test run (a tarball takes seconds), and databases imported once.
enum RealAdvisories {
    private static let lock = NSLock()
    private static var parsed: [String: [Advisory]] = [:]
    private static var databases: [String: String] = [:]

    static func load(_ relative: String) throws -> [Advisory] {
        let path = try SharedData.path(relative)
        lock.lock(); defer { lock.unlock() }
        if let a = parsed[relative] { return a }
        let a = try AdvisoryImporter().read(path).advisories
        parsed[relative] = a
        return a
    }

    static func matcher(_ sets: [String]) throws -> Matcher {
        let advisories = try sets.flatMap { try load($0) }
        return Matcher(lookup: AdvisoryList(advisories), scheme: { VersionSchemes.scheme(forOSVEcosystem: $0) },
                       semver: VersionSchemes.semver, assessor: .standard)
    }

    /// A database file holding these shared-data paths, made with `vouch db import` once per run.
    static func database(_ sets: [String]) throws -> String {
        let key = sets.joined(separator: "|")
        let paths = try sets.map { try SharedData.path($0) }
        lock.lock(); defer { lock.unlock() }
        if let d = databases[key], FileManager.default.fileExists(atPath: d) { return d }
        let path = try OutsideTool.temporaryDirectory().appendingPathComponent("advisories.sqlite").path
        let r = try VouchBinary.run(["db", "import", "--db", path] + paths, timeout: 600)
        guard r.status == 0 else { throw E2EFailure("vouch db import \(sets) exited \(r.status): \(r.stderr.suffix(500))") }
        databases[key] = path
        return path
    }

    /// Deletes the databases made so far (each test class calls it when it ends).
    static func removeDatabases() {
        lock.lock(); defer { lock.unlock() }
        for path in databases.values { try? FileManager.default.removeItem(at: URL(fileURLWithPath: path).deletingLastPathComponent()) }
        databases = [:]
    }

    /// `golang.org/x/text CVE-2022-32149 fixed in 0.3.8 GO-2022-1059`: what a finding claims, in one comparable line.
    static func line(_ f: Finding) -> String {
        "\(f.package.name) \(f.id) \(f.fix.label) \(f.advisories.joined(separator: ","))"
    }
}

/// A set-up step of these tests that failed (not a skip: the data is there, vouch refused it).
struct E2EFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
