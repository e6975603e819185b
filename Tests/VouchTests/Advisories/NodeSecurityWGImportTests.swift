import Evaluation
import Foundation
import XCTest
@testable import Advisories

/// Node.js security-wg advisories, from `osv/npm-nodejs-security-wg.tar.gz` (unpacked with `tar`).
final class NodeSecurityWGImportTests: XCTestCase {
    static var root: URL?

    override class func tearDown() {
        if let root { try? FileManager.default.removeItem(at: root) }
        super.tearDown()
    }

    func vulnFolder() throws -> URL {
        if let root = Self.root { return root.appendingPathComponent("nodejs-security-wg/vuln") }
        let dir = try SharedData.unpack("osv/npm-nodejs-security-wg.tar.gz")
        Self.root = dir
        return dir.appendingPathComponent("nodejs-security-wg/vuln")
    }

    func parse(_ relative: String) throws -> Advisory {
        let data = try Data(contentsOf: vulnFolder().appendingPathComponent(relative))
        return try XCTUnwrap(try NodeSecurityWGParser().parse(data: data, path: "vuln/\(relative)").first)
    }

    /// Whether `version` is affected, as vouch's matcher reads the SEMVER ranges.
    func affected(_ version: String, _ package: AffectedPackage) throws -> Bool {
        var problems: [String] = []
        let semver = VersionOrdering<SemanticVersion>()
        let verdict = try RangeEvaluator(ecosystem: semver, semver: semver).evaluate(version, in: package, problems: &problems)
        XCTAssertEqual(problems, [])
        return verdict.affected
    }

    func testEveryAdvisoryIsRead() throws {
        let folder = try vulnFolder()
        var npm: [Advisory] = [], core: [Advisory] = []
        for dir in ["npm", "core"] {
            for file in try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(dir).path).sorted() {
                let path = "vuln/\(dir)/\(file)"
                let data = try Data(contentsOf: folder.appendingPathComponent("\(dir)/\(file)"))
                guard NodeSecurityWGParser().detect(data: data, path: path) else {
                    XCTAssertEqual(file, "index.json")
                    continue
                }
                let parsed = try NodeSecurityWGParser().parse(data: data, path: path)
                if dir == "npm" { npm += parsed } else { core += parsed }
            }
        }
        // `ls vuln/npm | wc -l` = 468 and `ls vuln/core` = 172, each with one index.json.
        XCTAssertEqual(npm.count, 467)
        XCTAssertEqual(core.count, 171)
        XCTAssertTrue(npm.allSatisfy { $0.id.hasPrefix("NSWG-ECO-") && $0.affected.first?.ecosystem == "npm" })
        XCTAssertTrue(core.allSatisfy { $0.id.hasPrefix("NSWG-COR-") })
        XCTAssertTrue((npm + core).flatMap(\.affected).allSatisfy { a in a.ranges.allSatisfy { $0.kind == .semver } && a.versionConstraints == nil })
        // Nine core advisories concern Windows only (`affectedEnvironments: ["win32"]`): no affected entry.
        XCTAssertEqual(core.filter(\.affected.isEmpty).count, 9)
        XCTAssertTrue(core.flatMap(\.affected).allSatisfy { $0.ecosystem == "Node.js" && $0.name == "node" && $0.purl == "pkg:generic/node" })
    }

    func testAnNpmAdvisory() throws {
        let a = try parse("npm/1.json")
        XCTAssertEqual(a.id, "NSWG-ECO-1")
        XCTAssertEqual(a.source, "nodejs-security-wg")
        XCTAssertEqual(a.aliases, ["CVE-2014-7205"])
        XCTAssertEqual(a.summary, "Arbitrary JavaScript Execution")
        XCTAssertEqual(a.published, FeedInput.date(year: 2014, month: 9, day: 27))
        XCTAssertEqual(a.modified, FeedInput.date(year: 2016, month: 4, day: 28))
        XCTAssertEqual(a.severities, [AdvisorySeverity(kind: .cvssV3, value: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N", source: "nodejs-security-wg", score: 6.5)])
        // vulnerable "<=1.5.1", patched ">=1.5.2".
        XCTAssertEqual(a.affected, [AffectedPackage(ecosystem: "npm", name: "bassmaster", purl: "pkg:npm/bassmaster",
                                                    ranges: [AffectedRange(kind: .semver, events: [.introduced("0"), .lastAffected("1.5.1")])])])
    }

    func testRangesWithSeveralLinesAndExclusiveStarts() throws {
        // mqtt-packet: vulnerable "<3.4.6 || > 4.0.0 <4.0.5", patched ">=3.4.6 < 4.0.0|| >=4.0.5".
        let mqtt = try parse("npm/75.json").affected[0]
        XCTAssertEqual(mqtt.ranges, [
            AffectedRange(kind: .semver, events: [.introduced("0"), .fixed("3.4.6")]),
            AffectedRange(kind: .semver, events: [.introduced("4.0.1-0"), .fixed("4.0.5")]),  // `>4.0.0`: the first version after it
        ])
        for (v, hit) in [("3.4.5", true), ("3.4.6", false), ("4.0.0", false), ("4.0.1", true), ("4.0.4", true), ("4.0.5", false)] {
            XCTAssertEqual(try affected(v, mqtt), hit, v)
        }
        // express: vulnerable "<3.11 || >= 4 <4.5", patched ">=3.11 <4 || >=4.5".
        XCTAssertEqual(try parse("npm/8.json").affected[0].ranges, [
            AffectedRange(kind: .semver, events: [.introduced("0"), .fixed("3.11.0")]),
            AffectedRange(kind: .semver, events: [.introduced("4.0.0"), .fixed("4.5.0")]),
        ])
        // hapi: vulnerable "2.0.x || 2.1.x", patched ">= 2.2.x": one range, fixed in 2.2.0.
        XCTAssertEqual(try parse("npm/11.json").affected[0].ranges, [AffectedRange(kind: .semver, events: [.introduced("2.0.0"), .fixed("2.2.0")])])
        // flatmap-stream: "*" and nothing patched.
        XCTAssertEqual(try parse("npm/477.json").affected[0].ranges, [AffectedRange(kind: .semver, events: [.introduced("0")])])
        // hapi's "CVE-2014-4671A" is read as the CVE it names.
        XCTAssertEqual(try parse("npm/12.json").aliases, ["CVE-2014-4671"])
    }

    func testACoreAdvisory() throws {
        // vulnerable "18.x || 20.x || 21.x", patched "^18.20.1 || ^20.12.1 || ^21.7.2".
        let a = try parse("core/140.json")
        XCTAssertEqual(a.id, "NSWG-COR-140")
        XCTAssertEqual(a.aliases, ["CVE-2024-27982"])
        XCTAssertEqual(a.summary, "HTTP Request Smuggling via Content Length Obfuscation")
        XCTAssertEqual(a.severities, [AdvisorySeverity(kind: .rating, value: "medium", source: "nodejs-security-wg")])
        XCTAssertEqual(a.references, ["https://nodejs.org/en/blog/vulnerability/april-2024-security-releases/"])
        let node = a.affected[0]
        XCTAssertEqual(node.ranges, [
            AffectedRange(kind: .semver, events: [.introduced("18.0.0"), .fixed("18.20.1")]),
            AffectedRange(kind: .semver, events: [.introduced("20.0.0"), .fixed("20.12.1")]),
            AffectedRange(kind: .semver, events: [.introduced("21.0.0"), .fixed("21.7.2")]),
        ])
        for (v, hit) in [("16.20.2", false), ("18.19.0", true), ("18.20.1", false), ("19.9.0", false), ("20.12.0", true), ("21.7.2", false), ("22.0.0", false)] {
            XCTAssertEqual(try affected(v, node), hit, v)
        }
        // core/1: 5.x never got a fix, so 5.x runs on into 6.x, fixed in 6.11.1.
        let old = try parse("core/1.json").affected[0]
        XCTAssertEqual(old.ranges.map(\.events), [
            [.introduced("4.0.0"), .fixed("4.8.4")], [.introduced("5.0.0"), .fixed("6.11.1")],
            [.introduced("7.0.0"), .fixed("7.10.1")], [.introduced("8.0.0"), .fixed("8.1.4")],
        ])
        // core/40 writes its vector without the `CVSS:` prefix.
        XCTAssertEqual(try parse("core/40.json").severities.last, AdvisorySeverity(kind: .cvssV3, value: "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H", source: "nodejs-security-wg", score: 5.9))
        XCTAssertEqual(try parse("core/112.json").affected, [], "win32 only")
    }

    func testNpmRangeGrammar() throws {
        func events(_ range: String) throws -> [[AffectedRange.Event]] {
            try NpmRange.versions(range).osvRanges(kind: .semver, successor: NpmRange.successor)?.map(\.events) ?? []
        }
        XCTAssertEqual(try events("^1.2.3"), [[.introduced("1.2.3"), .limit("2.0.0-0")]])
        XCTAssertEqual(try events("^0.2.3"), [[.introduced("0.2.3"), .limit("0.3.0-0")]])
        XCTAssertEqual(try events("^0.0.3"), [[.introduced("0.0.3"), .limit("0.0.4-0")]])
        XCTAssertEqual(try events("~1.2"), [[.introduced("1.2.0"), .limit("1.3.0-0")]])
        XCTAssertEqual(try events("1.2.x"), [[.introduced("1.2.0"), .limit("1.3.0-0")]])
        XCTAssertEqual(try events("<=1.2"), [[.introduced("0"), .limit("1.3.0-0")]])
        XCTAssertEqual(try events(">1.2"), [[.introduced("1.3.0")]])
        XCTAssertEqual(try events("<1.2"), [[.introduced("0"), .fixed("1.2.0-0")]])
        XCTAssertEqual(try events("1.2.3 - 2.3.4"), [[.introduced("1.2.3"), .lastAffected("2.3.4")]])
        XCTAssertEqual(try events("=3.0.0-rc.1"), [[.introduced("3.0.0-rc.1"), .lastAffected("3.0.0-rc.1")]])
        XCTAssertEqual(try events(">1.0.0-beta <2"), [[.introduced("1.0.0-beta.0"), .fixed("2.0.0-0")]])
        XCTAssertEqual(try events("<=v2.0.0-alpha7"), [[.introduced("0"), .lastAffected("2.0.0-alpha7")]])
        XCTAssertEqual(try events("<  2.0.5"), [[.introduced("0"), .fixed("2.0.5")]])
        XCTAssertEqual(try events(">2 <1"), [])
        XCTAssertEqual(try events("*"), [[.introduced("0")]])
        XCTAssertEqual(NpmRange.successor("1.9.99999999999999999999"), "1.9.100000000000000000000-0")
        for bad in ["banana", ">=", "1.2.3.4.5", "^1.x.y", "1.2.3-", "1.2.3-be ta", "~>~1", String(repeating: "1 || ", count: 100) + "1"] {
            XCTAssertThrowsError(try NpmRange.versions(bad), bad)
        }
    }

    func testHostileFilesGiveErrorsNamingTheField() throws {
        let parser = NodeSecurityWGParser()
        func reason(_ json: String, _ path: String = "vuln/npm/9999.json") -> String? {
            do { _ = try parser.parse(data: Data(json.utf8), path: path); return nil } catch { return (error as? AdvisoryFeedError)?.description }
        }
        XCTAssertEqual(reason(#"{"module_name": "x", "vulnerable_versions": 3}"#),
                       "nodejs-security-wg vuln/npm/9999.json: vulnerable_versions: expected a string, found a number")
        XCTAssertEqual(reason(#"{"module_name": "../x", "vulnerable_versions": "*"}"#),
                       "nodejs-security-wg vuln/npm/9999.json: module_name: '../x' is not an npm package name")
        XCTAssertEqual(reason(#"{"module_name": "x", "vulnerable_versions": "<= banana"}"#),
                       "nodejs-security-wg vuln/npm/9999.json: vulnerable_versions: '<= banana': 'banana' is not a version")
        XCTAssertEqual(reason(#"{"module_name": "x", "vulnerable_versions": "*", "cvss_vector": "CVSS:3.0/AV:N", "cvss_score": 99}"#),
                       "nodejs-security-wg vuln/npm/9999.json: cvss_score: 99.0 is not a score from 0 to 10")
        XCTAssertEqual(reason(#"{"module_name": "x", "vulnerable_versions": "*", "publish_date": "soon"}"#),
                       "nodejs-security-wg vuln/npm/9999.json: publish_date: 'soon' is not a date like 2015-10-17")
        XCTAssertEqual(reason(#"{"vulnerable": "8.x", "cve": [1]}"#, "vuln/core/9.json"),
                       "nodejs-security-wg vuln/core/9.json: cve[0]: expected a string, found a number")
        XCTAssertEqual(reason(#"{"module_name": "x", "vulnerable_versions": "*"}"#, "vuln/npm/notes.json"),
                       "nodejs-security-wg vuln/npm/notes.json: id: no advisory number in the file name or the record")
        XCTAssertEqual(reason(#"{"module_name": "x", "id": 1e300, "vulnerable_versions": "*"}"#, "x.json"),
                       "nodejs-security-wg x.json: id: no advisory number in the file name or the record")
        XCTAssertEqual(reason("[]"), "nodejs-security-wg vuln/npm/9999.json: (top level): expected an object, found an array")
        XCTAssertNotNil(reason(String(repeating: "[", count: 100_000)))
        XCTAssertEqual(reason(String(repeating: " ", count: NodeSecurityWGParser.maximumBytes + 1)),
                       "nodejs-security-wg vuln/npm/9999.json: is \(NodeSecurityWGParser.maximumBytes + 1) bytes, more than the \(NodeSecurityWGParser.maximumBytes) bytes this format allows")
        XCTAssertFalse(parser.detect(data: Data("{}".utf8), path: "vuln/npm/index.json"))
        XCTAssertFalse(parser.detect(data: Data("{}".utf8), path: "other/npm/1.json"))
    }
}
