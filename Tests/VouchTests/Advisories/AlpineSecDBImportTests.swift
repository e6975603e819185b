import Foundation
import JSON
import XCTest
@testable import Advisories

/// Alpine secdb (alpine-secdb repository, v3.3 to v3.11, main and community, June 2020).
final class AlpineSecDBImportTests: XCTestCase {
    override func setUpWithError() throws { try SharedData.require() }

    static let releases = ["v3.3", "v3.4", "v3.5", "v3.6", "v3.7", "v3.8", "v3.9", "v3.10", "v3.11"]

    func file(_ relative: String) throws -> (data: Data, path: String) {
        (try SharedData.data("osv/distro/alpine-secdb/\(relative)"), relative)
    }

    func all() throws -> [Advisory] {
        let files = try Self.releases.flatMap { r in try ["main", "community"].map { try file("\(r)/\($0).yaml") } }
        XCTAssertEqual(files.count, 18)
        for f in files { XCTAssertTrue(AlpineSecDBParser().detect(data: f.data, path: f.path), f.path) }
        return try AlpineSecDBParser().parse(files: files)
    }

    func testEveryReleaseMergesIntoOneAdvisoryPerCVE() throws {
        let advisories = try all()
        // Counted independently (PyYAML over the same files, the same id rules): 2,474 distinct
        // advisories with 11,881 (advisory, package, release) entries.
        XCTAssertEqual(advisories.count, 2474)
        XCTAssertEqual(advisories.reduce(0) { $0 + $1.affected.count }, 11881)
        XCTAssertEqual(advisories.map(\.id), advisories.map(\.id).sorted(), "sorted by id")
        XCTAssertTrue(advisories.allSatisfy { $0.source == "alpine-secdb" && $0.aliases.count == 1 && $0.id == "ALPINE-" + $0.aliases[0] })
        XCTAssertEqual(try AlpineSecDBParser().parse(data: file("v3.11/main.yaml").data, path: "v3.11/main.yaml").count, 1123)
        XCTAssertEqual(try AlpineSecDBParser().parse(data: file("v3.3/community.yaml").data, path: "v3.3/community.yaml"), [], "no packages")
    }

    /// osv.dev's own Alpine record for CVE-2018-5407 (kept as osv-linter test data) must agree with
    /// ours for every release both cover.
    func testOpenSSLAgreesWithOSVDevsRecord() throws {
        let ours = try XCTUnwrap(try all().first { $0.id == "ALPINE-CVE-2018-5407" })
        let record = try JSON.parse(SharedData.data("osv/samples/osv-schema/tools/osv-linter/testdata/CVE-2018-5407.json"))
        var theirs: [String: AffectedPackage] = [:]
        for a in record.array("affected") {
            guard let eco = a["package"]?.string("ecosystem"), eco.hasPrefix("Alpine:"), let name = a["package"]?.string("name") else { continue }
            let events: [AffectedRange.Event] = a.array("ranges").first.map { $0.array("events").compactMap { e in
                e.string("introduced").map(AffectedRange.Event.introduced) ?? e.string("fixed").map(AffectedRange.Event.fixed)
            } } ?? []
            theirs[eco] = AffectedPackage(ecosystem: eco, name: name, purl: a["package"]?.string("purl"),
                                          ranges: [AffectedRange(kind: .ecosystem, events: events)])
        }
        XCTAssertEqual(ours.affected.map(\.ecosystem), ["Alpine:v3.4", "Alpine:v3.5", "Alpine:v3.6", "Alpine:v3.7", "Alpine:v3.8"])
        for a in ours.affected {
            XCTAssertEqual(a, theirs[a.ecosystem], a.ecosystem)
        }
        XCTAssertEqual(ours.references, ["https://security.alpinelinux.org/vuln/CVE-2018-5407"])
    }

    func testAKnownPackagesSecfixesInOneRelease() throws {
        let (data, path) = try file("v3.11/main.yaml")
        let advisories = try AlpineSecDBParser().parse(data: data, path: path)
        // ansible in v3.11: 2.9.3-r0 fixes CVE-2019-14904 and CVE-2019-14905; ten CVEs under six versions.
        for cve in ["CVE-2019-14904", "CVE-2019-14905"] {
            let a = try XCTUnwrap(advisories.first { $0.id == "ALPINE-\(cve)" })
            XCTAssertEqual(a.aliases, [cve])
            XCTAssertEqual(a.affected, [AffectedPackage(ecosystem: "Alpine:v3.11", name: "ansible", purl: "pkg:apk/alpine/ansible?arch=source",
                                                        ranges: [AffectedRange(kind: .ecosystem, events: [.introduced("0"), .fixed("2.9.3-r0")])])])
        }
        let ansible = advisories.filter { $0.affected.contains { $0.name == "ansible" } }
        XCTAssertEqual(ansible.count, 10)
        XCTAssertEqual(ansible.first { $0.id == "ALPINE-CVE-2019-14846" }?.affected.first?.ranges.first?.events.last, .fixed("2.8.6-r0"))
    }

    func testQuirksOfTheRealData() throws {
        let advisories = try all()
        func affected(_ id: String, _ name: String, _ release: String) -> AffectedPackage? {
            advisories.first { $0.id == id }?.affected.first { $0.name == name && $0.ecosystem == "Alpine:\(release)" }
        }
        // `"0":` lists CVEs that never affected this release's package (Berkeley DB in v3.8).
        XCTAssertEqual(affected("ALPINE-CVE-2016-0682", "db", "v3.8"),
                       AffectedPackage(ecosystem: "Alpine:v3.8", name: "db", purl: "pkg:apk/alpine/db?arch=source", resolution: .notAffected))
        // Hand-typed ids: `CVE_2019-2426`, `CVE 2018-16859`, `CVE-2017-17434-1`, `CVE-2019-19451.patch`.
        XCTAssertEqual(affected("ALPINE-CVE-2019-2426", "openjdk7", "v3.10")?.ranges.first?.events.last, .fixed("7.211.2.6.17-r0"))
        XCTAssertEqual(affected("ALPINE-CVE-2018-16859", "ansible", "v3.9")?.ranges.first?.events.last, .fixed("2.7.3-r0"))
        XCTAssertEqual(affected("ALPINE-CVE-2017-17434", "rsync", "v3.10")?.ranges.first?.events.last, .fixed("3.1.2-r7"))
        XCTAssertNotNil(affected("ALPINE-CVE-2019-19451", "dia", "v3.11"))
        // Xen's advisories without a CVE are named after their XSA; ones with a CVE keep the CVE only.
        XCTAssertNotNil(advisories.first { $0.id == "ALPINE-XSA-207" })
        XCTAssertNil(advisories.first { $0.id == "ALPINE-XSA-182" })
        XCTAssertNil(advisories.first { $0.id.contains("?") || $0.id.contains("(") })
        // A CVE listed under two versions of one package keeps both ranges.
        let twice = advisories.flatMap(\.affected).filter { $0.ranges.count > 1 }
        XCTAssertFalse(twice.isEmpty)
        XCTAssertTrue(twice.allSatisfy { $0.ranges.allSatisfy { $0.events.count == 2 } })
    }

    func testTheJSONFormOfSecDBReadsTheSame() throws {
        // secdb.alpinelinux.org publishes the same document as JSON; YAML reads it too.
        let yaml = try file("v3.4/community.yaml")
        let fromYAML = try AlpineSecDBParser().parse(data: yaml.data, path: yaml.path)
        // The same document written as JSON (what secdb.alpinelinux.org serves), then parsed.
        let node = try FeedYAML.compose(String(decoding: yaml.data, as: UTF8.self))
        let json = try Self.json(node).serializedString([])
        XCTAssertTrue(json.hasPrefix("{\"distroversion\""))
        let fromJSON = try AlpineSecDBParser().parse(data: Data(json.utf8), path: "v3.4/community.json")
        XCTAssertEqual(fromJSON, fromYAML)
        XCTAssertFalse(fromYAML.isEmpty)
    }

    static func json(_ node: Yams.Node) throws -> JSON {
        switch node {
        case .scalar(let s): return .string(s.string)
        case .sequence(let s): return .array(try s.map(json))
        case .mapping(let m): return .object(JSONObject(try m.map { (try $0.key.scalar.map(\.string) ?? "?", try json($0.value)) }))
        case .alias: return .null
        }
    }

    func testHostileDocumentsGiveErrors() throws {
        let parser = AlpineSecDBParser()
        func reason(_ text: String) -> String? {
            do { _ = try parser.parse(data: Data(text.utf8), path: "main.yaml"); return nil } catch { return (error as? AdvisoryFeedError)?.description }
        }
        XCTAssertEqual(reason("distroversion: v3.11\npackages: 7\n"), "alpine-secdb main.yaml: packages: expected a list, found a single value")
        XCTAssertEqual(reason("distroversion: ../../etc\npackages: []\n"), "alpine-secdb main.yaml: distroversion: '../../etc' is not an Alpine release like v3.11")
        XCTAssertEqual(reason("packages: []\n"), "alpine-secdb main.yaml: distroversion: expected a single value, found nothing")
        XCTAssertEqual(reason("distroversion: v3.11\npackages:\n  - pkg:\n      name: zlib\n      secfixes:\n        1.2.11-r0: [XPTI]\n"),
                       "alpine-secdb main.yaml: packages[0].pkg.secfixes.1.2.11-r0[0]: no advisory id in 'XPTI'")
        XCTAssertEqual(reason("distroversion: v3.11\npackages:\n  - pkg:\n      name: zlib\n      secfixes:\n        1.2.11-r0: [[CVE-2018-25032]]\n"),
                       "alpine-secdb main.yaml: packages[0].pkg.secfixes.1.2.11-r0[0]: expected a single value, found a list")
        // Deep nesting is refused before Yams recurses into it.
        XCTAssertEqual(reason(String(repeating: "[", count: 200_000)), "alpine-secdb main.yaml: line 1: nests more than 64 levels")
        XCTAssertEqual(reason(String(repeating: "- ", count: 200_000) + "x"), "alpine-secdb main.yaml: line 1: nests more than 64 levels")
        XCTAssertNotNil(reason("a: [unclosed\n"))
        XCTAssertNotNil(reason("distroversion: v3.11\npackages: *nothing\n"))
        // Aliases repeated inside aliases spend the walk's budget instead of the machine.
        var bomb = "distroversion: v3.11\nids: &a [CVE-2020-0001, CVE-2020-0002, CVE-2020-0003, CVE-2020-0004, CVE-2020-0005, CVE-2020-0006, CVE-2020-0007, CVE-2020-0008]\n"
        bomb += "fixes: &f {"
        bomb += (0..<300).map { "\"1.\($0)-r0\": *a" }.joined(separator: ", ") + "}\npackages:\n"
        bomb += String(repeating: "  - pkg: {name: zlib, secfixes: *f}\n", count: 600)
        XCTAssertEqual(reason(bomb)?.hasSuffix("holds more entries than this format allows (aliases repeated?)"), true)
    }
}

import Yams
