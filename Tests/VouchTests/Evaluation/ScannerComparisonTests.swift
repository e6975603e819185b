import Advisories
import Evaluation
import Foundation
import JSON
import SBOM
import XCTest

/// vouch next to trivy's own results for the same images (`examples/trivy/integration/testdata/*.golden`).
/// trivy scanned them with its test database (`fixtures/db/*.yaml`), vouch with the public data here, so
/// every difference is listed with its reason; a CVE that both the golden and our data say applies must be found.
final class ScannerComparisonTests: XCTestCase {
    static let debian = "osv/distro/debian-security-tracker"
    static let alpine = "osv/distro/alpine-secdb"

    override class func tearDown() { RealAdvisories.removeDatabases() }

    /// The only golden whose image has its SBOM here (`fixtures/sbom/fluentd-multiple-lockfiles-cyclonedx.json`,
    /// trivy's CycloneDX of the same image): scanned end to end with `vouch cves sbom:`.
    func testFluentdImageFromTrivysOwnSBOM() throws {
        let db = try RealAdvisories.database([Self.debian, "osv/RubyGems-rubysec.tar.gz"])
        let sbom = try SharedData.path("examples/trivy/integration/testdata/fixtures/sbom/fluentd-multiple-lockfiles-cyclonedx.json")
        let r = try VouchBinary.run(["cves", "sbom:" + sbom, "--db", db, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let reported = try JSON.parse(Data(r.stdout.utf8)).array("findings").map(Reported.init(json:))
        let newerThanFixture = "rubysec advisory missing from trivy's fixtures/db/ruby.yaml, which holds a handful of test CVEs"
        try compare(golden: "fluentd-multiple-lockfiles.json.golden", reported: reported,
                    data: [Self.debian, "osv/RubyGems-rubysec.tar.gz"], fixtureDB: ["debian.yaml", "ruby.yaml"],
                    expectations: [
                        Expectation("bash", "CVE-2019-18276", .notInOurData("no DSA/DLA: Debian rates it unimportant in its CVE list, which is not in this data")),
                        Expectation("libidn2-0", "CVE-2019-18224", .agrees("DSA-4613-1")),
                        Expectation("activesupport", "CVE-2020-8165", .fixDiffers("RUBYSEC-activesupport-CVE-2020-8165", ours: "6.0.3.1",
                                    "trivy lists every patched line (6.0.3.1, 5.2.4.3); vouch the lowest fix above 6.0.2.1")),
                    ],
                    extras: [
                        Extra("activesupport", "CVE-2023-22796", "6.1.7.1", advisory: "RUBYSEC-activesupport-CVE-2023-22796", newerThanFixture),
                        Extra("activesupport", "CVE-2023-28120", "6.1.7.3", advisory: "RUBYSEC-activesupport-CVE-2023-28120", newerThanFixture),
                        Extra("activesupport", "CVE-2023-38037", "6.1.7.5", advisory: "RUBYSEC-activesupport-CVE-2023-38037", newerThanFixture),
                        Extra("activesupport", "CVE-2026-33169", "7.2.3.1", advisory: "RUBYSEC-activesupport-CVE-2026-33169", newerThanFixture),
                        Extra("activesupport", "CVE-2026-33170", "7.2.3.1", advisory: "RUBYSEC-activesupport-CVE-2026-33170", newerThanFixture),
                        Extra("activesupport", "CVE-2026-33176", "7.2.3.1", advisory: "RUBYSEC-activesupport-CVE-2026-33176", newerThanFixture),
                    ],
                    ecosystems: ["bash": "Debian:10", "libidn2-0": "Debian:10", "activesupport": "RubyGems"])
    }

    func testDebianBuster() throws {
        try compareGolden("debian-buster.json.golden", data: [Self.debian], fixtureDB: ["debian.yaml"],
                          sources: ["libidn2-0": "libidn2"],
                          expectations: [
                            Expectation("bash", "CVE-2019-18276", .notInOurData("no DSA/DLA for it; trivy takes it from Debian's CVE list")),
                            Expectation("libidn2-0", "CVE-2019-18224", .agrees("DSA-4613-1")),
                          ], extras: [])
    }

    func testDebianStretch() throws {
        let e2fs = ["e2fslibs", "e2fsprogs", "libcomerr2", "libss2"]
        try compareGolden("debian-stretch.json.golden", data: [Self.debian], fixtureDB: ["debian.yaml"],
                          sources: Dictionary(uniqueKeysWithValues: e2fs.map { ($0, "e2fsprogs") }),
                          expectations: [Expectation("bash", "CVE-2019-18276", .notInOurData("no DSA/DLA for it; trivy takes it from Debian's CVE list"))]
                            + e2fs.map { Expectation($0, "CVE-2019-5094", .agrees("DSA-4535-1")) },
                          extras: e2fs.map { Extra($0, "CVE-2019-5188", "1.43.4-2+deb9u2", advisory: "DLA-2290-1",
                                                   "DLA of July 2020 (stretch LTS), not in trivy's fixture DB") })
    }

    /// distroless/base on stretch: openssl 1.1.0k-1~deb9u1. Debian LTS kept fixing stretch's openssl until 2022.
    func testDistrolessBase() throws {
        let binaries = ["libssl1.1", "openssl"]
        let lts = "stretch LTS DLA, not in trivy's fixture DB"
        let later: [(String, String, String)] = [
            ("CVE-2019-1547", "1.1.0l-1~deb9u1", "DSA-4539-1"), ("CVE-2020-1971", "1.1.0l-1~deb9u2", "DLA-2492-1"),
            ("CVE-2021-23840", "1.1.0l-1~deb9u3", "DLA-2563-1"), ("CVE-2021-23841", "1.1.0l-1~deb9u3", "DLA-2563-1"),
            ("CVE-2021-3712", "1.1.0l-1~deb9u4", "DLA-2766-1"), ("CVE-2022-0778", "1.1.0l-1~deb9u5", "DLA-2952-1"),
            ("CVE-2022-1292", "1.1.0l-1~deb9u6", "DLA-3008-1"),
        ]
        try compareGolden("distroless-base.json.golden", data: [Self.debian], fixtureDB: ["debian.yaml"],
                          sources: ["libssl1.1": "openssl"],
                          expectations: binaries.flatMap { b in [
                            Expectation(b, "CVE-2019-1563", .agrees("DSA-4539-1")),
                            Expectation(b, "CVE-2019-1551", .fixDiffers("DLA-2952-1", ours: "1.1.0l-1~deb9u5",
                                        "trivy's fixture says postponed (no fix); Debian LTS fixed it in DLA-2952-1, March 2022")),
                          ] },
                          extras: binaries.flatMap { b in later.map { Extra(b, $0.0, $0.1, advisory: $0.2, $0.2 == "DSA-4539-1" ? "same DSA as CVE-2019-1563; trivy's fixture lists only 1563" : lts) } })
    }

    func testAlpine310() throws {
        let binaries = ["libcrypto1.1", "libssl1.1"]
        try compareGolden("alpine-310.json.golden", data: [Self.alpine], fixtureDB: ["alpine.yaml"],
                          sources: ["libcrypto1.1": "openssl", "libssl1.1": "openssl"],
                          expectations: binaries.flatMap { b in [
                            Expectation(b, "CVE-2019-1549", .agrees("ALPINE-CVE-2019-1549")),
                            Expectation(b, "CVE-2019-1551", .notInOurData("alpine-secdb v3.10 here lists 1.1.1d-r0 (1547, 1549, 1563) as openssl's newest secfix")),
                          ] },
                          extras: binaries.flatMap { b in ["CVE-2019-1547", "CVE-2019-1563"].map {
                            Extra(b, $0, "1.1.1d-r0", advisory: "ALPINE-\($0)", "same secfix as CVE-2019-1549; trivy's fixture lists only 1549 and 1551") } })
    }

    func testAlpine39() throws {
        let ssl = ["libcrypto1.1", "libssl1.1"]
        let musl = ["musl", "musl-utils"]
        try compareGolden("alpine-39.json.golden", data: [Self.alpine], fixtureDB: ["alpine.yaml"],
                          sources: ["libcrypto1.1": "openssl", "libssl1.1": "openssl", "musl-utils": "musl"],
                          expectations: ssl.flatMap { b in [
                            Expectation(b, "CVE-2019-1549", .agrees("ALPINE-CVE-2019-1549")),
                            Expectation(b, "CVE-2019-1551", .notInOurData("alpine-secdb v3.9 here lists 1.1.1d-r0 as openssl's newest secfix")),
                          ] } + musl.map { Expectation($0, "CVE-2019-14697", .agrees("ALPINE-CVE-2019-14697")) },
                          // 1.1.1b-r1 is the v3.9 secfix for CVE-2019-1543: installed, so not reported by either.
                          extras: ssl.flatMap { b in ["CVE-2019-1547", "CVE-2019-1563"].map {
                            Extra(b, $0, "1.1.1d-r0", advisory: "ALPINE-\($0)", "same secfix as CVE-2019-1549; trivy's fixture lists only 1549 and 1551") } })
    }

    /// AlmaLinux 8.5's openssl-libs 1:1.1.1k-4.el8. AlmaLinux's records name their CVEs only under `related`,
    /// which vouch reads as what the ALSA fixes: findings are the CVEs, each with its ALSA. None of those CVEs
    /// is in trivy's fixture (it has CVE-2021-3450 and CVE-2021-3712).
    func testAlmaLinux8() throws {
        let extras = RealDataMatchingTests.almaLinux8OpenSSL.flatMap { alsa, fix, cves in
            cves.map { Extra("openssl-libs", $0, fix, advisory: alsa, "AlmaLinux advisory whose CVEs trivy's fixture does not hold") }
        }
        try compareGolden("almalinux-8.json.golden", data: ["osv/AlmaLinux.tar.gz"], fixtureDB: ["almalinux.yaml"],
                          sources: ["openssl-libs": "openssl"],
                          expectations: [Expectation("openssl-libs", "CVE-2021-3712", .notInOurData(
                            "AlmaLinux's OSV database has no 2021 openssl errata (ALSA-2021:4614 is absent); trivy's fixture says 1:1.1.1k-5.el8_5"))],
                          extras: extras)
    }

    /// ammonia 1.9.0 from a Cargo.lock in busybox (trivy's `busybox-with-lockfile`): RustSec's records.
    func testCargoLockfileInBusybox() throws {
        try compareGolden("busybox-with-lockfile.json.golden", data: ["osv/crates.io-rustsec-osv.tar.gz"], fixtureDB: ["rust.yaml"],
                          sources: [:],
                          expectations: [
                            Expectation("ammonia", "CVE-2019-15542", .fixDiffers("RUSTSEC-2019-0001", ours: "2.1.0",
                                        "trivy writes the patched range (`>= 2.1.0`), vouch the version")),
                            Expectation("ammonia", "CVE-2021-38193", .fixDiffers("RUSTSEC-2021-0074", ours: "2.1.3",
                                        "trivy writes every patched range; 2.1.3 is the first fix above 1.9.0")),
                          ],
                          extras: [
                            Extra("ammonia", "RUSTSEC-2025-0071", "3.3.1", "RustSec advisory of 2025, not in trivy's fixture"),
                            Extra("ammonia", "RUSTSEC-2026-0213", "3.3.3", "RustSec advisory of 2026, not in trivy's fixture"),
                            Extra("ammonia", "CVE-2026-63430", "3.3.2", advisory: "RUSTSEC-2026-0193", "RustSec advisory of 2026, not in trivy's fixture"),
                          ])
    }

    /// vexctl's nginx SARIF files (trivy 0.42.1 and grype 0.63.0, nginx 1.25.2 on Debian 12, mid-2023) have no
    /// overlap with this data: every result is a CVE without a fix from Debian's CVE list, and the DSA list here
    /// ends in April 2023, before bookworm had any DSA. vouch must report nothing for those packages.
    func testVexctlNginxSARIFHasNoOverlapWithOurDebianData() throws {
        let sarif = try JSON.parse(try SharedData.data("examples/openvex/vexctl/examples/sarif/nginx-trivy.sarif.json"))
        let results = sarif.array("runs").first?.array("results") ?? []
        XCTAssertEqual(results.count, 99)
        var packages: [String: String] = [:]
        for r in results {
            let text = r["message"]?.string("text") ?? ""
            let fields = Dictionary(text.split(separator: "\n").compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }, uniquingKeysWith: { a, _ in a })
            XCTAssertEqual(fields["Fixed Version"], "", "\(r.string("ruleId") ?? "?") has a fix")
            if let p = fields["Package"], let v = fields["Installed Version"] { packages[p] = v }
        }
        let data = try RealAdvisories.load(Self.debian)
        XCTAssertFalse(data.contains { $0.affected.contains { $0.ecosystem == "Debian:12" } }, "no bookworm line in the lists")
        let inventory = Inventory(subject: Subject(kind: .image, name: "nginx"), operatingSystem: OperatingSystem(id: "debian", versionID: "12"),
                                  packages: packages.map { Package(name: $0.key, version: $0.value, type: .deb,
                                                                   purl: "pkg:deb/debian/\($0.key)@\($0.value)?distro=debian-12") })
        XCTAssertGreaterThan(inventory.packages.count, 20)
        XCTAssertEqual(try RealAdvisories.matcher([Self.debian]).match(inventory).findings.map(RealAdvisories.line), [])
    }
}

// MARK: The comparison

extension ScannerComparisonTests {
    /// What our data says about one vulnerability a golden reports.
    enum Verdict {
        /// Our data has it with trivy's fix, through this advisory.
        case agrees(String)
        /// Our data has it through this advisory with another fix.
        case fixDiffers(String, ours: String, String)
        /// Our data does not name this CVE for this package and release: vouch must not report it.
        case notInOurData(String)
    }

    struct Expectation {
        let package: String, cve: String, verdict: Verdict
        init(_ package: String, _ cve: String, _ verdict: Verdict) { self.package = package; self.cve = cve; self.verdict = verdict }
    }

    /// A finding vouch reports that the golden does not, and why.
    struct Extra {
        let package: String, id: String, fix: String, advisory: String?, aka: [String], reason: String
        init(_ package: String, _ id: String, _ fix: String, advisory: String? = nil, aka: [String] = [], _ reason: String) {
            self.package = package; self.id = id; self.fix = fix; self.advisory = advisory; self.aka = aka; self.reason = reason
        }
    }

    /// A finding as vouch reports it, from the library or from `cves --format json`.
    struct Reported {
        let package: String, id: String, fix: String?, advisories: [String], ids: [String]
        init(_ f: Finding) {
            package = f.package.name; id = f.id; advisories = f.advisories; ids = f.ids
            if case .fixed(let v) = f.fix { fix = v.joined(separator: ", ") } else { fix = nil }
        }
        init(json f: JSON) {
            package = f["package"]?.string("name") ?? "?"; id = f.string("id") ?? "?"
            advisories = f.array("advisories").compactMap(\.string); ids = f.array("ids").compactMap(\.string)
            let versions = f["fix"]?.array("versions").compactMap(\.string) ?? []
            fix = versions.isEmpty ? nil : versions.joined(separator: ", ")
        }
    }

    struct GoldenVulnerability {
        let package: String, cve: String, installed: String, fixed: String, purl: String, vendorIDs: [String]
    }

    static func golden(_ name: String) throws -> (family: String, version: String, vulnerabilities: [GoldenVulnerability]) {
        let json = try JSON.parse(try SharedData.data("examples/trivy/integration/testdata/" + name))
        let os = json["Metadata"]?["OS"]
        let vulns = json.array("Results").flatMap { $0.array("Vulnerabilities") }.map { v in
            GoldenVulnerability(package: v.string("PkgName") ?? "?", cve: v.string("VulnerabilityID") ?? "?",
                                installed: v.string("InstalledVersion") ?? "?", fixed: v.string("FixedVersion") ?? "",
                                purl: v["PkgIdentifier"]?.string("PURL") ?? "", vendorIDs: v.array("VendorIDs").compactMap(\.string))
        }
        return (os?.string("Family") ?? "", os?.string("Name") ?? "", vulns)
    }

    /// The golden's vulnerable packages as an inventory (the goldens list no other packages). trivy's results
    /// omit the source package its SBOMs carry, so `sources` names it; trivy's `alma` is AlmaLinux (that
    /// trivy's own name is understood is RealDataMatchingTests.testTrivyAlmaSBOMIsAlmaLinux's business).
    func compareGolden(_ name: String, data: [String], fixtureDB: [String], sources: [String: String],
                       expectations: [Expectation], extras: [Extra], file: StaticString = #filePath, line: UInt = #line) throws {
        let golden = try Self.golden(name)
        var seen = Set<String>()
        let packages = golden.vulnerabilities.filter { seen.insert($0.package).inserted }.map { v -> Package in
            let type = PackageType(purlType: String(v.purl.dropFirst(4).prefix { $0 != "/" }))
            return Package(name: v.package, version: v.installed, type: type, purl: v.purl,
                           sourceName: type.isOSPackage ? sources[v.package] ?? v.package : nil,
                           sourceVersion: type.isOSPackage ? v.installed : nil)
        }
        let os = golden.family.isEmpty ? nil : OperatingSystem(id: golden.family == "alma" ? "almalinux" : golden.family, versionID: golden.version)
        let inventory = Inventory(subject: Subject(kind: .image, name: name), operatingSystem: os, packages: packages)
        let result = try RealAdvisories.matcher(data).match(inventory)
        let ecosystems = Dictionary(packages.map { p in
            (p.name, PackageCoordinates(package: p, operatingSystem: os).map { c in c.release.map { "\(c.ecosystem):\($0)" } ?? c.ecosystem } ?? "?")
        }, uniquingKeysWith: { a, _ in a })
        try compare(golden: name, reported: result.findings.map(Reported.init), data: data, fixtureDB: fixtureDB,
                    expectations: expectations, extras: extras, ecosystems: ecosystems, sources: sources, file: file, line: line)
    }

    func compare(golden name: String, reported: [Reported], data: [String], fixtureDB: [String], expectations: [Expectation],
                 extras: [Extra], ecosystems: [String: String], sources: [String: String] = [:],
                 file: StaticString = #filePath, line: UInt = #line) throws {
        let golden = try Self.golden(name).vulnerabilities
        XCTAssertFalse(golden.isEmpty, name, file: file, line: line)
        // Every vulnerability of the golden is accounted for, once.
        XCTAssertEqual(Set(golden.map { "\($0.package) \($0.cve)" }), Set(expectations.map { "\($0.package) \($0.cve)" }),
                       "\(name): the expectations must cover the golden exactly", file: file, line: line)
        let advisories = try data.flatMap { try RealAdvisories.load($0) }
        let fixtures = try fixtureDB.map { String(decoding: try SharedData.data("examples/trivy/integration/testdata/fixtures/db/" + $0), as: UTF8.self) }.joined()

        for e in expectations {
            guard let g = golden.first(where: { $0.package == e.package && $0.cve == e.cve }) else { continue }
            let found = reported.first { $0.package == e.package && $0.id == e.cve }
            let what = "\(name): \(e.package) \(e.cve)"
            switch e.verdict {
            case .agrees(let advisory):
                XCTAssertNotNil(found, "\(what): both trivy and our data say it applies; vouch missed it", file: file, line: line)
                XCTAssertEqual(found?.fix, g.fixed, what, file: file, line: line)
                XCTAssertTrue(found?.advisories.contains(advisory) == true, "\(what): \(found?.advisories ?? [])", file: file, line: line)
                for id in g.vendorIDs { XCTAssertTrue(found?.ids.contains(id) == true, "\(what): trivy's \(id)", file: file, line: line) }
            case .fixDiffers(let advisory, let ours, _):
                XCTAssertNotNil(found, "\(what): our data says it applies; vouch missed it", file: file, line: line)
                XCTAssertEqual(found?.fix, ours, what, file: file, line: line)
                XCTAssertNotEqual(ours, g.fixed, "\(what) is not a difference", file: file, line: line)
                XCTAssertTrue(found?.advisories.contains(advisory) == true, "\(what): \(found?.advisories ?? [])", file: file, line: line)
            case .notInOurData:
                XCTAssertNil(found, "\(what): reported though our data does not name it", file: file, line: line)
                let ecosystem = ecosystems[e.package] ?? "?"
                let source = sources[e.package] ?? e.package
                let named = advisories.filter { a in
                    ([a.id] + a.aliases).contains(e.cve) || (a.details ?? "").contains(e.cve) || (a.summary ?? "").contains(e.cve)
                }.filter { $0.affected.contains { $0.ecosystem == ecosystem && ($0.name == source || $0.name == e.package) } }
                XCTAssertEqual(named.map(\.id), [], "\(what): our data does name it for \(ecosystem) \(source)", file: file, line: line)
            }
        }

        let explained = Set(golden.map { "\($0.package) \($0.cve)" })
        let unexplained = reported.filter { !explained.contains("\($0.package) \($0.id)") }
        XCTAssertEqual(Set(unexplained.map { "\($0.package) \($0.id)" }), Set(extras.map { "\($0.package) \($0.id)" }),
                       "\(name): findings trivy does not have must be listed with a reason", file: file, line: line)
        for x in extras {
            let found = reported.first { $0.package == x.package && $0.id == x.id }
            XCTAssertEqual(found?.fix, x.fix, "\(name): \(x.package) \(x.id)", file: file, line: line)
            XCTAssertTrue(found?.advisories.contains(x.advisory ?? x.id) == true,
                          "\(name): \(x.package) \(x.id): \(found?.advisories ?? [])", file: file, line: line)
            for id in [x.id] + x.aka where fixtures.contains(id) {
                XCTFail("\(name): \(id) is in trivy's fixture DB, so '\(x.reason)' does not explain its absence", file: file, line: line)
            }
        }
    }
}
