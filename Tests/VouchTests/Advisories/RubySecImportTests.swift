import Evaluation
import Foundation
import SBOM
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
        // `unaffected_versions: ["<= 1.13.7"]` says): they keep their requirements verbatim, and are
        // exactly the ones `testRequirementSetsOSVCannotWriteMatchThroughTheirConstraints` covers.
        let kept = parsed.filter { $0.affected[0].versionConstraints != nil }
        XCTAssertEqual(kept.count, 13)
        XCTAssertTrue(kept.allSatisfy { $0.affected[0].ranges.isEmpty })
        XCTAssertEqual(Set(kept.map(\.id)), Set(Self.startingJustAfterAVersion.map { "RUBYSEC-" + $0.file.replacingOccurrences(of: "/", with: "-") }))
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

    /// The 13 files whose vulnerable set starts just after a version (found with PyYAML: every
    /// `gems/*/*.yml` whose requirements hold a `<=` or `=` constraint, less those where that bound
    /// is not a start). The intervals are worked out by hand with RubyGems' rules (`~> 4.2.5` is
    /// `>= 4.2.5, < 4.3`; `2.0.0-alpha` is `2.0.0.pre.alpha`, after `2.0.0.beta1`), never from vouch.
    static let startingJustAfterAVersion: [(file: String, intervals: [String], inside: [String], outside: [String])] = [
        // unaffected ">= 2.3.5, <= 2.3.14"; patched "~> 3.0.16", "~> 3.1.7", ">= 3.2.7"
        ("actionpack/CVE-2012-3424", ["<2.3.5", ">2.3.14, <3.0.16", ">=3.1, <3.1.7", ">=3.2, <3.2.7"],
         ["2.3.4", "2.3.14.1", "2.3.15", "3.0.15", "3.1.0", "3.2.6"], ["2.3.5", "2.3.14", "3.0.16", "3.0.20", "3.1.7", "3.2.7", "4.0.0"]),
        // unaffected "<= 4.0.13"; patched ">= 5.0.0.beta1.1", "~> 4.2.5, >= 4.2.5.1", "~> 4.1.14, >= 4.1.14.1"
        ("activemodel/CVE-2016-0753", [">4.0.13, <4.1.14.1", ">=4.2, <4.2.5.1", ">=4.3, <5.0.0.beta1.1"],
         ["4.0.13.1", "4.1.0", "4.1.14", "4.2.5", "5.0.0.beta1"], ["4.0.13", "4.1.14.1", "4.1.16", "4.2.5.1", "5.0.0", "3.2.22"]),
        ("bootstrap-sass/CVE-2019-10842", [">3.2.0.2, <3.2.0.4"], ["3.2.0.3"], ["3.2.0.2", "3.2.0.4", "3.4.1"]),
        ("brakeman/CVE-2019-18409", [">4.4.0, <4.7.1"], ["4.5.0", "4.7.0"], ["4.4.0", "4.7.1", "3.7.2"]),
        // unaffected "< 1.16.0"; patched "= 2.2.10", ">= 2.2.18": 2.2.10 alone is patched inside the run
        ("bundler/CVE-2020-36327", [">=1.16.0, <2.2.10", ">2.2.10, <2.2.18"], ["1.16.0", "2.1.4", "2.2.9", "2.2.11", "2.2.17"],
         ["1.15.4", "2.2.10", "2.2.18", "2.4.0"]),
        ("fat_free_crm/CVE-2014-5441", [">0.11.0, <0.13.3"], ["0.11.1", "0.13.2"], ["0.11.0", "0.13.3"]),
        ("jruby-openssl/CVE-2025-46551", [">0.12.1, <0.15.4"], ["0.12.2", "0.15.3"], ["0.12.1", "0.15.4"]),
        ("nokogiri/CVE-2022-23476", [">1.13.7, <1.13.10"], ["1.13.7.1", "1.13.8", "1.13.9"], ["1.13.7", "1.13.10", "1.12.5"]),
        ("omniauth-facebook/CVE-2013-4562", [">1.4.0, <1.5.0"], ["1.4.1"], ["1.4.0", "1.5.0"]),
        ("rack/CVE-2018-16470", [">2.0.3, <2.0.6"], ["2.0.4", "2.0.5"], ["2.0.3", "2.0.6", "1.6.11"]),
        ("rest-client/CVE-2015-1820", [">1.6.0, <1.8.0"], ["1.6.1", "1.7.3"], ["1.6.0", "1.8.0"]),
        // the hijacked 1.6.10 to 1.6.13: unaffected "<= 1.6.9", ">= 1.6.14"; patched ">= 1.7.0"
        ("rest-client/CVE-2019-15224", [">1.6.9, <1.6.14"], ["1.6.10", "1.6.13"], ["1.6.9", "1.6.14", "2.0.0"]),
        // unaffected "< 2.0.0.beta1", "= 2.0.0-alpha"; patched ">= 2.0.2"
        ("sinatra/CVE-2018-11627", [">=2.0.0.beta1, <2.0.0-alpha", ">2.0.0-alpha, <2.0.2"], ["2.0.0.beta1", "2.0.0.rc2", "2.0.0", "2.0.1"],
         ["1.4.8", "2.0.0-alpha", "2.0.0.pre.alpha", "2.0.2"]),
    ]

    func testRequirementSetsOSVCannotWriteMatchThroughTheirConstraints() throws {
        let folder = try ImportedOSV.scratchFolder("rubysec-constraints")
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let store = try AdvisoryStore(path: folder.appendingPathComponent("advisories.sqlite").path)
        let advisories = try Self.startingJustAfterAVersion.map { try parse("gems/\($0.file).yml") }
        XCTAssertEqual(try store.import(advisories, source: "rubysec").inserted, 13)
        let matcher = Matcher(lookup: store, scheme: { VersionSchemes.scheme(forOSVEcosystem: $0) }, semver: VersionSchemes.semver, assessor: .standard)

        for (expected, imported) in zip(Self.startingJustAfterAVersion, advisories) {
            // Read back from the store, as a scan does: no OSV ranges, the requirements verbatim.
            let stored = try XCTUnwrap(try store.advisory(id: imported.id), expected.file)
            XCTAssertEqual(stored, imported, expected.file)
            let affected = stored.affected[0]
            XCTAssertEqual(affected.ranges, [], expected.file)
            let constraints = try XCTUnwrap(affected.versionConstraints, expected.file)
            XCTAssertEqual(try VersionConstraintSet(constraints).intervals.map(\.description), expected.intervals, expected.file)

            let gem = String(expected.file.prefix { $0 != "/" })
            let cve = String(expected.file.split(separator: "/")[1])
            for version in expected.inside + expected.outside {
                let package = Package(name: gem, version: version, type: .gem, purl: "pkg:gem/\(gem)@\(version)")
                let result = try matcher.match(Inventory(subject: Subject(kind: .directory, name: "app"), packages: [package]))
                XCTAssertEqual(result.problems, [], "\(expected.file) \(version)")
                let finding = result.findings.first { $0.advisories.contains(imported.id) }
                if expected.inside.contains(version) {
                    XCTAssertEqual(finding?.id, cve, "\(expected.file): \(version) is affected")
                    XCTAssertTrue(finding?.ids.contains(imported.id) == true, "\(expected.file) \(version): \(finding?.ids ?? [])")
                } else {
                    XCTAssertNil(finding, "\(expected.file): \(version) is not affected")
                }
            }
        }
    }

    func testConstraintVerdictNamesTheIntervalAndTheFix() throws {
        let evaluator = RangeEvaluator(ecosystem: VersionOrdering<RubyGemsVersion>(), semver: nil)
        var problems: [String] = []
        let nokogiri = try parse("gems/nokogiri/CVE-2022-23476.yml").affected[0]
        let verdict = try evaluator.evaluate("1.13.8", in: nokogiri, problems: &problems)
        XCTAssertEqual([String(verdict.affected), verdict.range], ["true", ">1.13.7, <1.13.10"])
        XCTAssertEqual(verdict.fixedIn, ["1.13.10"])
        // bundler 2.2.9 is below the patched 2.2.10; 2.2.11 above it must reach 2.2.18.
        let bundler = try parse("gems/bundler/CVE-2020-36327.yml").affected[0]
        XCTAssertEqual(try evaluator.evaluate("2.2.9", in: bundler, problems: &problems).fixedIn, ["2.2.10"])
        XCTAssertEqual(try evaluator.evaluate("2.2.11", in: bundler, problems: &problems).fixedIn, ["2.2.18"])
        XCTAssertEqual(problems, [])
        // A version RubyGems cannot read is the caller's problem, as with OSV ranges.
        XCTAssertThrowsError(try evaluator.evaluate("not-a-version", in: nokogiri, problems: &problems)) { e in
            XCTAssertEqual((e as? VersionError)?.version, "not-a-version")
        }
        // Requirements in a grammar vouch cannot read leave the entry unmatched and say why.
        var npm = nokogiri
        npm.versionConstraints = VersionConstraints(scheme: "npm", patched: [">=1.13.10"])
        XCTAssertFalse(try evaluator.evaluate("1.13.8", in: npm, problems: &problems).affected)
        XCTAssertEqual(problems, ["version constraints in 'npm' is not a requirement grammar vouch reads (only RubyGems)"])
        var broken = nokogiri
        broken.versionConstraints = VersionConstraints(scheme: "RubyGems", patched: [">= banana"])
        problems = []
        XCTAssertFalse(try evaluator.evaluate("1.13.8", in: broken, problems: &problems).affected)
        XCTAssertEqual(problems, ["RubyGems requirement '>= banana': '>= banana' is not a RubyGems requirement"])
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
