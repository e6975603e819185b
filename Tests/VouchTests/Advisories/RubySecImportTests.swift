import Evaluation
import Foundation
import XCTest
@testable import Advisories

/// ruby-advisory-db, from `osv/RubyGems-rubysec.tar.gz` (unpacked with `tar` into a temporary folder).
final class RubySecImportTests: XCTestCase {
    static var root: URL?

    override class func tearDown() {
        if let root { try? FileManager.default.removeItem(at: root) }
        super.tearDown()
    }

    /// The unpacked `ruby-advisory-db` folder.
    func database() throws -> URL {
        if let root = Self.root { return root.appendingPathComponent("ruby-advisory-db") }
        let dir = try SharedData.unpack("osv/RubyGems-rubysec.tar.gz")
        Self.root = dir
        return dir.appendingPathComponent("ruby-advisory-db")
    }

    func parse(_ relative: String) throws -> Advisory {
        let data = try Data(contentsOf: database().appendingPathComponent(relative))
        let advisories = try RubySecParser().parse(data: data, path: relative)
        XCTAssertEqual(advisories.count, 1)
        return try XCTUnwrap(advisories.first)
    }

    func testEveryGemAdvisoryIsRead() throws {
        let db = try database()
        let fm = FileManager.default
        var parsed: [Advisory] = []
        for gem in try fm.contentsOfDirectory(atPath: db.appendingPathComponent("gems").path).sorted() {
            for file in try fm.contentsOfDirectory(atPath: db.appendingPathComponent("gems/\(gem)").path).sorted() {
                let path = "gems/\(gem)/\(file)"
                let data = try Data(contentsOf: db.appendingPathComponent(path))
                XCTAssertTrue(RubySecParser().detect(data: data, path: path), path)
                parsed += try RubySecParser().parse(data: data, path: path)
            }
        }
        // `find gems -name '*.yml' | wc -l` in the archive: 1,234.
        XCTAssertEqual(parsed.count, 1234)
        XCTAssertEqual(Set(parsed.map(\.id)).count, 1234, "unique although 60 file names recur under several gems")
        XCTAssertTrue(parsed.allSatisfy { $0.affected.count == 1 && $0.affected[0].ecosystem == "RubyGems" })
        // 13 advisories have a vulnerable set OSV cannot write (it starts just after a version, as
        // `unaffected_versions: ["<= 1.13.7"]` says): they keep their requirements verbatim.
        let kept = parsed.filter { $0.affected[0].versionConstraints != nil }
        XCTAssertEqual(kept.count, 13)
        XCTAssertTrue(kept.allSatisfy { $0.affected[0].ranges.isEmpty })
        // Counted with PyYAML over the same files: 1,176 have a `ghsa`, 851 a `cvss_v3`, 176 a `cvss_v4`, 310 a `cvss_v2`.
        XCTAssertEqual(parsed.filter { $0.aliases.contains { $0.hasPrefix("GHSA-") } }.count, 1176)
        XCTAssertEqual(parsed.filter { $0.severities.contains { $0.kind == .cvssV3 } }.count, 851)
        XCTAssertEqual(parsed.filter { $0.severities.contains { $0.kind == .cvssV4 } }.count, 176)
        XCTAssertEqual(parsed.filter { $0.severities.contains { $0.kind == .cvssV2 } }.count, 310)

        // Interpreter advisories have no ecosystem: not detected, and refused when given anyway.
        let ruby = "rubies/ruby/CVE-2005-1992.yml"
        let data = try Data(contentsOf: db.appendingPathComponent(ruby))
        XCTAssertFalse(RubySecParser().detect(data: data, path: ruby))
        XCTAssertThrowsError(try RubySecParser().parse(data: data, path: ruby)) { e in
            XCTAssertEqual((e as? AdvisoryFeedError)?.location, "engine")
        }
    }

    func testActionPackStrongParametersAdvisory() throws {
        let a = try parse("gems/actionpack/CVE-2020-8164.yml")
        XCTAssertEqual(a.id, "RUBYSEC-actionpack-CVE-2020-8164")
        XCTAssertEqual(a.aliases, ["CVE-2020-8164", "GHSA-8727-m6gj-mc37"])
        XCTAssertEqual(a.summary, "Possible Strong Parameters Bypass in ActionPack")
        XCTAssertEqual(a.published, FeedInput.date(year: 2020, month: 5, day: 18))
        XCTAssertEqual(a.severities, [AdvisorySeverity(kind: .cvssV3, value: "7.5", source: "rubysec", score: 7.5)])
        XCTAssertEqual(a.references, ["https://groups.google.com/forum/#!topic/rubyonrails-security/f6ioe4sdpbY"])
        // unaffected "< 4.0.0"; patched "~> 5.2.4, >= 5.2.4.3" (`~> 5.2.4` is `>= 5.2.4, < 5.3`) and
        // ">= 6.0.3.1": vulnerable from 4.0.0 to 5.2.4.3, and from 5.3 to 6.0.3.1.
        let affected = a.affected[0]
        XCTAssertEqual(affected.name, "actionpack")
        XCTAssertEqual(affected.purl, "pkg:gem/actionpack")
        XCTAssertEqual(affected.ranges, [
            AffectedRange(kind: .ecosystem, events: [.introduced("4.0.0"), .fixed("5.2.4.3")]),
            AffectedRange(kind: .ecosystem, events: [.introduced("5.3"), .fixed("6.0.3.1")]),
        ])
        XCTAssertNil(affected.versionConstraints)
        // Read back with vouch's RubyGems ordering, the ranges answer as the requirements do.
        let evaluator = RangeEvaluator(ecosystem: VersionOrdering<RubyGemsVersion>(), semver: nil)
        var problems: [String] = []
        for (version, vulnerable) in [("3.2.22", false), ("4.0.0", true), ("5.2.4.2", true), ("5.2.4.3", false), ("5.2.8.1", false),
                                      ("5.3.0", true), ("6.0.0", true), ("6.0.3", true), ("6.0.3.1", false), ("6.1.0", false), ("7.0.4", false)] {
            XCTAssertEqual(try evaluator.evaluate(version, in: affected, problems: &problems).affected, vulnerable, version)
        }
        XCTAssertEqual(problems, [])
    }

    func testPessimisticRequirementsOfRailsAndTheirFixes() throws {
        // patched: "~> 5.2.8", "~> 6.1.7, >= 6.1.7.1", ">= 7.0.4.1" (no unaffected versions).
        let a = try parse("gems/actionpack/CVE-2023-22795.yml")
        XCTAssertEqual(a.affected[0].ranges, [
            AffectedRange(kind: .ecosystem, events: [.introduced("0"), .fixed("5.2.8")]),
            AffectedRange(kind: .ecosystem, events: [.introduced("5.3"), .fixed("6.1.7.1")]),
            AffectedRange(kind: .ecosystem, events: [.introduced("6.2"), .fixed("7.0.4.1")]),
        ])
    }

    func testRequirementsOSVCannotWriteAreKeptVerbatim() throws {
        // unaffected "<= 1.13.7", patched ">= 1.13.10": vulnerable only after 1.13.7, which no OSV event says.
        let a = try parse("gems/nokogiri/CVE-2022-23476.yml")
        XCTAssertEqual(a.affected[0].ranges, [])
        XCTAssertEqual(a.affected[0].versionConstraints, VersionConstraints(scheme: "RubyGems", patched: [">= 1.13.10"], unaffected: ["<= 1.13.7"]))
    }

    func testBump() {
        XCTAssertEqual(RubySecRequirement.bump("5.2.4"), "5.3")
        XCTAssertEqual(RubySecRequirement.bump("5"), "6")
        XCTAssertEqual(RubySecRequirement.bump("2.6.10"), "2.7")
        XCTAssertEqual(RubySecRequirement.bump("1.9.99"), "1.10")
        XCTAssertEqual(RubySecRequirement.bump("1.0.0.rc1"), "1.1")
        XCTAssertEqual(RubySecRequirement.bump("4.2.0-beta"), "4.3")
        XCTAssertEqual(RubySecRequirement.bump("0.99999999999999999999.1"), "0.100000000000000000000")
    }

    func testHostileFilesGiveErrorsNamingTheField() throws {
        let parser = RubySecParser()
        func reason(_ yaml: String) -> String? {
            do { _ = try parser.parse(data: Data(yaml.utf8), path: "gems/rack/CVE-1.yml"); return nil } catch { return (error as? AdvisoryFeedError)?.description }
        }
        let head = "gem: rack\ncve: 2022-44570\ntitle: t\ndate: 2023-01-18\ndescription: d\n"
        XCTAssertEqual(reason(head + "patched_versions:\n  - \"~> banana\"\n"),
                       "rubysec gems/rack/CVE-1.yml: patched_versions[0]: '~> banana' is not a RubyGems requirement")
        XCTAssertEqual(reason(head + "patched_versions: \">= 1\"\n"), "rubysec gems/rack/CVE-1.yml: patched_versions: expected a list, found a single value")
        XCTAssertEqual(reason(head + "cvss_v3: high\n"), "rubysec gems/rack/CVE-1.yml: cvss_v3: 'high' is not a score from 0 to 10")
        XCTAssertEqual(reason(head + "cvss_v3: 1e308\n"), "rubysec gems/rack/CVE-1.yml: cvss_v3: '1e308' is not a score from 0 to 10")
        XCTAssertEqual(reason(head.replacingOccurrences(of: "2023-01-18", with: "yesterday")), "rubysec gems/rack/CVE-1.yml: date: 'yesterday' is not a date like 2020-05-18")
        XCTAssertEqual(reason("gem: [rack]\n"), "rubysec gems/rack/CVE-1.yml: gem: expected a single value, found a list")
        XCTAssertEqual(reason("gem: ../../rack\n"), "rubysec gems/rack/CVE-1.yml: gem: '../../rack' is not a gem name")
        XCTAssertEqual(reason(head.replacingOccurrences(of: "cve: 2022-44570", with: "cve: '2022 44570; drop'")), "rubysec gems/rack/CVE-1.yml: cve: '2022 44570; drop' is not an id")
        XCTAssertEqual(reason("- just a list\n"), "rubysec gems/rack/CVE-1.yml: (top level): expected a mapping, found a list")
        XCTAssertEqual(reason(head + "patched_versions: [" + Array(repeating: "\">= 1, < 2\"", count: 2).joined(separator: ",") + ", \"" + Array(repeating: ">= 1", count: 40).joined(separator: ",") + "\"]\n"),
                       "rubysec gems/rack/CVE-1.yml: patched_versions[2]: has more than 32 constraints")
        XCTAssertNotNil(reason(String(repeating: "{", count: 50_000)))
        XCTAssertThrowsError(try parser.parse(data: Data(count: RubySecParser.maximumBytes + 1), path: "gems/rack/big.yml")) { e in
            XCTAssertTrue((e as? AdvisoryFeedError)?.reason.hasPrefix("is \(RubySecParser.maximumBytes + 1) bytes") == true)
        }
    }
}
