import Foundation
import JSON
import GRDB
import XCTest
@testable import Advisories

final class AdvisoryStoreTests: XCTestCase {
    private func scratchStore(_ name: String) throws -> (AdvisoryStore, URL) {
        let folder = try ImportedOSV.scratchFolder(name)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return (try AdvisoryStore(path: folder.appendingPathComponent("db/advisories.sqlite").path), folder)
    }

    func testAliasesLinkOneVulnerabilityUnderAllItsIds() throws {
        let store = try ImportedOSV.fixture().store
        // A GHSA/CVE pair, from either side.
        XCTAssertTrue(try store.aliases(of: "CVE-2021-44228").isSuperset(of: ["CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q"]))
        XCTAssertTrue(try store.aliases(of: "GHSA-jfh8-c2jp-5v3q").contains("CVE-2021-44228"))
        // Go ↔ CVE ↔ GHSA, transitively through GO-2020-0001 (and the linter's copy of it).
        let gin = try store.aliases(of: "GHSA-6vm3-jj99-7229")
        XCTAssertTrue(gin.isSuperset(of: ["GO-2020-0001", "CVE-2020-36567", "GHSA-6vm3-jj99-7229"]), "\(gin)")
        // PYSEC ↔ GHSA ↔ CVE from a YAML record.
        XCTAssertTrue(try store.aliases(of: "CVE-2021-32807").isSuperset(of: ["PYSEC-2021-335", "GHSA-qcx9-j53g-ccgf"]))
        // `upstream` links UBUNTU-CVE-2025-38094 to its CVE…
        XCTAssertTrue(try store.aliases(of: "CVE-2025-38094").contains("UBUNTU-CVE-2025-38094"))
        // …but a USN that bundles several CVEs links one hop only: it does not merge them.
        let usn = try store.aliases(of: "USN-6409-1")
        XCTAssertEqual(usn, ["USN-6409-1", "UBUNTU-CVE-2023-4527", "UBUNTU-CVE-2023-4911"])
        let cve = try store.aliases(of: "UBUNTU-CVE-2023-4911")
        XCTAssertTrue(cve.contains("USN-6409-1"))
        XCTAssertFalse(cve.contains("UBUNTU-CVE-2023-4527"), "\(cve)")
        XCTAssertEqual(try store.aliases(of: "NOT-A-REAL-ID"), ["NOT-A-REAL-ID"])
        // osv.dev's alias cycle test records terminate.
        XCTAssertTrue(try store.aliases(of: "CYCLE-ROOT-1").isSuperset(of: ["CYCLE-ROOT-1", "CYCLE-ROOT-2"]))
    }

    func testCandidatesByEcosystemReleaseAndPackageOrBinaryName() throws {
        let store = try ImportedOSV.fixture().store
        // Ubuntu 22.04 glibc found through the binary package libc6 (the SBOM names binaries).
        let jammy = try store.candidates(ecosystem: "Ubuntu", release: "22.04", names: ["libc6", "coreutils"]).map(\.id)
        XCTAssertTrue(jammy.contains("UBUNTU-CVE-2023-4911"), "\(jammy)")
        XCTAssertTrue(jammy.contains("USN-6409-1"))
        XCTAssertTrue(jammy.contains("UBUNTU-CVE-2016-2781"))  // coreutils, no fix: by source name
        XCTAssertEqual(try store.candidates(ecosystem: "Ubuntu:22.04", release: nil, names: ["glibc"]).map(\.id), ["UBUNTU-CVE-2023-4911", "USN-6409-1"])
        // Another release, another distro, or the Pro stream are not this stream.
        XCTAssertFalse(try store.candidates(ecosystem: "Ubuntu", release: "20.04", names: ["libc6"]).map(\.id).contains("UBUNTU-CVE-2023-4911"))
        XCTAssertEqual(try store.candidates(ecosystem: "Debian", release: "12", names: ["libc6", "glibc"]), [])
        XCTAssertEqual(try store.candidates(ecosystem: "Ubuntu:Pro", release: "14.04", names: ["linux"]).map(\.id), ["UBUNTU-CVE-2025-38094"])
        XCTAssertEqual(try store.candidates(ecosystem: "Ubuntu", release: "14.04", names: ["linux"]), [])
        // Alpine releases with or without the "v".
        XCTAssertEqual(try store.candidates(ecosystem: "Alpine", release: "3.12", names: ["mariadb"]).map(\.id), ["CVE-2022-27449"])
        XCTAssertEqual(try store.candidates(ecosystem: "Alpine", release: "v3.12", names: ["mariadb"]).map(\.id), ["CVE-2022-27449"])
        // AlmaLinux per major release.
        let alma9 = try store.candidates(ecosystem: "AlmaLinux", release: "9", names: ["firefox"])
        XCTAssertGreaterThan(alma9.count, 10)
        XCTAssertTrue(alma9.allSatisfy { $0.affected.contains { $0.ecosystem == "AlmaLinux:9" && $0.name == "firefox" } })
        // Language ecosystems: PyPI names compare per PEP 503, no release.
        XCTAssertTrue(try store.candidates(ecosystem: "PyPI", release: nil, names: ["AccessControl"]).map(\.id).contains("PYSEC-2021-335"))
        XCTAssertTrue(try store.candidates(ecosystem: "Go", release: nil, names: ["github.com/gin-gonic/gin"]).map(\.id).contains("GO-2020-0001"))
        XCTAssertEqual(try store.candidates(ecosystem: "PyPI", release: "3", names: ["accesscontrol"]), [])
        XCTAssertEqual(try store.candidates(ecosystem: "PyPI", release: nil, names: []), [])
    }

    func testReimportSkipsUnchangedAndANewerCopyReplacesOneRecord() throws {
        let (store, folder) = try scratchStore("reimport")
        let go = try SharedData.path("osv/Go-vulndb.tar.gz")
        let first = try XCTUnwrap(try AdvisoryImporter.importPaths([go], into: store).first)
        XCTAssertEqual(first.inserted, 4_291)
        let again = try XCTUnwrap(try AdvisoryImporter.importPaths([go], into: store).first)
        XCTAssertEqual(again.records, 4_291)
        XCTAssertEqual(again.unchanged, 4_291)
        XCTAssertEqual(again.inserted + again.replaced, 0)

        // A later `modified` replaces the record; an older one does not.
        var record = try XCTUnwrap(try store.advisory(id: "GO-2020-0001"))
        let original = record
        record.summary = "updated summary"
        record.modified = try XCTUnwrap(record.modified).addingTimeInterval(60)
        record.affected[0].ranges = [AffectedRange(kind: .semver, events: [.introduced("0"), .fixed("1.6.1")])]
        let newer = try store.import([record], source: "Go-vulndb")
        XCTAssertEqual([newer.replaced, newer.inserted, newer.unchanged], [1, 0, 0])
        XCTAssertEqual(try store.advisory(id: "GO-2020-0001"), record)
        var older = original
        older.summary = "stale"
        older.modified = try XCTUnwrap(original.modified).addingTimeInterval(-60)
        XCTAssertEqual(try store.import([older], source: "Go-vulndb").unchanged, 1)
        XCTAssertEqual(try store.advisory(id: "GO-2020-0001")?.summary, "updated summary")

        // A changed copy written to disk and imported from a directory does the same.
        let copy = folder.appendingPathComponent("modified-go")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        let text = try String(contentsOfFile: try SharedData.path("osv/samples/osv-schema/tools/osv-linter/testdata/GO-2024-2963.json"), encoding: .utf8)
        try text.replacingOccurrences(of: "\"modified\":\"2024-07-02T20:11:00Z\"", with: "\"modified\":\"2030-01-01T00:00:00Z\"")
            .write(to: copy.appendingPathComponent("GO-2024-2963.json"), atomically: true, encoding: .utf8)
        let fromDisk = try XCTUnwrap(try AdvisoryImporter().importPaths([copy.path], into: store, sourceName: "Go-vulndb").first)
        XCTAssertEqual([fromDisk.replaced, fromDisk.inserted, fromDisk.unchanged], [1, 0, 0])
        XCTAssertEqual(try store.advisory(id: "GO-2024-2963")?.modified, RFC3339.parse("2030-01-01T00:00:00Z"))
        XCTAssertEqual(try store.status().sources.map(\.name), ["Go-vulndb"])
    }

    /// A database filled by a vouch that read AlmaLinux's `related` CVEs as nothing: re-importing the
    /// same records (same `modified`) must refresh them (the layout is the same, so this needs no
    /// schema change), and the next re-import must find them unchanged.
    func testSameRevisionReadDifferentlyReplacesTheStoredRecord() throws {
        let (store, _) = try scratchStore("same-modified")
        // Outside XCTUnwrap: a skip thrown inside an assertion's argument is recorded as a failure.
        let fixture = try ImportedOSV.fixture()
        let current = try XCTUnwrap(try fixture.store.advisory(id: "ALSA-2022:1065"))
        XCTAssertEqual(current.aliases, ["CVE-2022-0778"])
        var before = current
        before.aliases = []
        XCTAssertEqual(try store.import([before], source: "AlmaLinux").inserted, 1)
        XCTAssertEqual(try store.aliases(of: "CVE-2022-0778"), ["CVE-2022-0778"])

        let again = try store.import([current], source: "AlmaLinux")
        XCTAssertEqual([again.replaced, again.inserted, again.unchanged], [1, 0, 0])
        XCTAssertEqual(try store.advisory(id: "ALSA-2022:1065"), current)
        XCTAssertEqual(try store.aliases(of: "CVE-2022-0778"), ["CVE-2022-0778", "ALSA-2022:1065"])
        XCTAssertEqual(try store.import([current], source: "AlmaLinux").unchanged, 1)
        XCTAssertEqual(try store.status().schemaVersion, AdvisoryStore.schemaVersion)
    }

    func testRecordsWithoutModifiedReplaceOnlyWhenTheirContentChanged() throws {
        let (store, _) = try scratchStore("nomodified")
        var a = Advisory(id: "ALPINE-X", source: "alpine-secdb", affected: [AffectedPackage(ecosystem: "Alpine:v3.11", name: "musl")])
        XCTAssertEqual(try store.import([a], source: "secdb").inserted, 1)
        XCTAssertEqual(try store.import([a], source: "secdb").unchanged, 1)
        a.aliases = ["CVE-2020-0001"]
        XCTAssertEqual(try store.import([a], source: "secdb").replaced, 1)
        XCTAssertEqual(try store.aliases(of: "CVE-2020-0001"), ["CVE-2020-0001", "ALPINE-X"])
        XCTAssertEqual(try store.candidates(ecosystem: "Alpine", release: "3.11", names: ["musl"]), [a])
    }

    /// Every field of the model survives the store. When the model grows a field, the sample below
    /// fails the "every field set" check until the sample and `AdvisoryRecordCoding` carry it too.
    func testEveryModelFieldRoundTripsThroughTheStore() throws {
        let (store, _) = try scratchStore("roundtrip")
        let sample = Advisory(
            id: "TEST-2024-0001", source: "rubysec", aliases: ["CVE-2024-0001", "GHSA-aaaa-bbbb-cccc"], summary: "s", details: "d\n\u{1F600}",
            published: RFC3339.parse("2024-01-02T03:04:05.123456Z"), modified: RFC3339.parse("2024-02-02T00:00:00Z"),
            withdrawn: RFC3339.parse("2024-03-03T00:00:00Z"),
            severities: [AdvisorySeverity(kind: .cvssV3, value: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", source: "nvd", score: 9.8),
                         AdvisorySeverity(kind: .rating, value: "low", source: "debian", score: 3.0)],
            affected: [AffectedPackage(ecosystem: "RubyGems", name: "rails", purl: "pkg:gem/rails",
                                       ranges: [AffectedRange(kind: .ecosystem, events: [.introduced("0"), .lastAffected("5.2"), .limit("6"), .fixed("5.2.4.3")])],
                                       versions: ["5.2.0"], binaries: ["railties"],
                                       severities: [AdvisorySeverity(kind: .cvssV4, value: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", source: "ghsa", score: 9.3)],
                                       resolution: .willNotFix,
                                       versionConstraints: VersionConstraints(scheme: "RubyGems", affected: ["~> 5.2.4"], patched: [">= 5.2.4.3"], unaffected: ["< 4"]))],
            references: ["https://example.com/a"],
            cpeMatches: [try CPEMatchCriterion(criteria: #"cpe:2.3:a:rubyonrails:rails:*:*:*:*:*:ruby\.x:*:*"#, matchCriteriaID: "m-1",
                                               versionStartIncluding: "5.2", versionStartExcluding: "5.1", versionEndIncluding: "5.2.4",
                                               versionEndExcluding: "5.2.4.3", platforms: ["cpe:2.3:o:debian:debian_linux:-:*:*:*:*:*:*:*"])])
        assertEveryFieldSet(sample, "Advisory")
        assertEveryFieldSet(sample.cpeMatches[0], "CPEMatchCriterion")
        assertEveryFieldSet(sample.severities[0], "AdvisorySeverity")
        assertEveryFieldSet(sample.affected[0], "AffectedPackage")
        assertEveryFieldSet(try XCTUnwrap(sample.affected[0].versionConstraints), "VersionConstraints")
        XCTAssertEqual(try store.import([sample], source: "t").inserted, 1)
        XCTAssertEqual(try store.advisory(id: sample.id), sample)
        XCTAssertEqual(try store.candidates(ecosystem: "RubyGems", release: nil, names: ["railties"], includeWithdrawn: true), [sample])
        XCTAssertEqual(try store.candidates(ecosystem: "RubyGems", release: nil, names: ["rails"]), [])  // withdrawn
    }

    private func assertEveryFieldSet(_ value: Any, _ type: String, file: StaticString = #filePath, line: UInt = #line) {
        for child in Mirror(reflecting: value).children {
            let field = Mirror(reflecting: child.value)
            if field.displayStyle == .optional || field.displayStyle == .collection {
                XCTAssertFalse(field.children.isEmpty, "\(type).\(child.label ?? "?") is empty in the sample: add it here and to AdvisoryRecordCoding",
                               file: file, line: line)
            }
        }
    }

    func testCorruptForeignAndNewerDatabasesAreRefusedWithTypedErrors() throws {
        let folder = try ImportedOSV.scratchFolder("corrupt")
        defer { try? FileManager.default.removeItem(at: folder) }
        func refuses(_ name: String, _ contents: Data, file: StaticString = #filePath, line: UInt = #line, check: (AdvisoryStoreError) -> Void) {
            let path = folder.appendingPathComponent(name).path
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: contents))
            XCTAssertThrowsError(try AdvisoryStore(path: path), file: file, line: line) { error in
                guard let e = error as? AdvisoryStoreError else { return XCTFail("\(error)", file: file, line: line) }
                check(e)
                XCTAssertTrue("\(e)".hasPrefix(path), "\(e)", file: file, line: line)
            }
            XCTAssertEqual(FileManager.default.contents(atPath: path), contents, "a refused file must stay untouched", file: file, line: line)
        }
        func isNotOurs(_ e: AdvisoryStoreError) { XCTAssertTrue("\(e)".contains("not a vouch advisory database"), "\(e)") }
        refuses("text.sqlite", Data("hello, not a database\n".utf8), check: isNotOurs)
        refuses("random.sqlite", Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }), check: isNotOurs)

        // A real store cut short: the header is right but the pages are gone.
        let good = folder.appendingPathComponent("good.sqlite").path
        _ = try AdvisoryStore(path: good).import([Advisory(id: "X-1", source: "t")], source: "t")
        let whole = try Data(contentsOf: URL(fileURLWithPath: good))
        var damaged = whole.prefix(100) + Data(repeating: 0xA5, count: whole.count - 100)
        refuses("damaged.sqlite", Data(damaged), check: isNotOurs)
        damaged = whole.prefix(4096)
        refuses("truncated.sqlite", Data(damaged), check: isNotOurs)

        // Someone else's SQLite database.
        let foreign = folder.appendingPathComponent("foreign.sqlite").path
        try sqlite(foreign, "CREATE TABLE users(name TEXT);")
        XCTAssertThrowsError(try AdvisoryStore(path: foreign)) { error in
            XCTAssertTrue("\(error)".contains("not a vouch advisory database") && "\(error)".contains("users"), "\(error)")
        }
        // A newer vouch's database.
        let newer = folder.appendingPathComponent("newer.sqlite").path
        _ = try AdvisoryStore(path: newer)
        try sqlite(newer, "UPDATE meta SET value = '99' WHERE key = 'schema_version';")
        XCTAssertThrowsError(try AdvisoryStore(path: newer)) { error in
            XCTAssertEqual(error as? AdvisoryStoreError, .newerSchema(path: newer, found: 99, supported: AdvisoryStore.schemaVersion))
        }
        XCTAssertThrowsError(try AdvisoryStore(path: folder.path)) { error in
            XCTAssertTrue("\(error)".contains("directory"), "\(error)")
        }
    }

    private func sqlite(_ path: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()", path, sql]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func testDefaultPathFollowsXDGCacheHome() {
        XCTAssertEqual(AdvisoryStore.defaultPath(environment: ["XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"]), "/x/cache/vouch/advisories.sqlite")
        XCTAssertEqual(AdvisoryStore.defaultPath(environment: ["HOME": "/home/u"]), "/home/u/.cache/vouch/advisories.sqlite")
        XCTAssertEqual(AdvisoryStore.defaultPath(environment: ["XDG_CACHE_HOME": "relative", "HOME": "/home/u"]), "/home/u/.cache/vouch/advisories.sqlite")
    }

    func testEcosystemKeys() {
        XCTAssertEqual(EcosystemKey(osv: "Ubuntu:22.04:LTS"), EcosystemKey(ecosystem: "Ubuntu", release: "22.04"))
        XCTAssertEqual(EcosystemKey(osv: "Ubuntu:Pro:22.04:LTS").description, "ubuntu:pro:22.04")
        XCTAssertEqual(EcosystemKey(osv: "Debian:12").description, "debian:12")
        XCTAssertEqual(EcosystemKey(osv: "Alpine:v3.18"), EcosystemKey(ecosystem: "alpine", release: "3.18"))
        XCTAssertEqual(EcosystemKey(osv: "AlmaLinux:9").description, "almalinux:9")
        XCTAssertEqual(EcosystemKey(osv: "crates.io").description, "crates.io")
        XCTAssertEqual(EcosystemKey(osv: "PyPI").packageName("Zope.Interface__x"), "zope-interface-x")
        XCTAssertEqual(EcosystemKey(osv: "Go").packageName("github.com/BurntSushi/toml"), "github.com/BurntSushi/toml")
        XCTAssertEqual(AliasGroups.namespace(of: "UBUNTU-CVE-2023-4911"), "UBUNTU-CVE")
        XCTAssertEqual(AliasGroups.namespace(of: "GHSA-6vm3-jj99-7229"), "GHSA")
        XCTAssertTrue(AliasGroups.isBundle(["CVE-2023-1", "CVE-2023-2"]))
        XCTAssertFalse(AliasGroups.isBundle(["CVE-2023-1", "GHSA-aaaa-bbbb-cccc"]))
    }

    /// Measured, not asserted: the numbers go in the report. A fresh store (no decoded advisories
    /// kept yet) answers 500 packages batched per ecosystem, then one call per package, then batched again.
    func testImportAndLookupSpeed() throws {
        let fixture = try ImportedOSV.fixture()
        let store = try AdvisoryStore(path: fixture.store.path)
        let names = try names(in: store, count: 500)
        XCTAssertEqual(names.count, 500)
        let groups = Dictionary(grouping: names, by: { EcosystemKey(ecosystem: $0.0, release: $0.1) })
        func batched() throws -> (Int, TimeInterval) {
            let started = Date()
            var found = 0
            for (key, group) in groups {
                found += try store.candidates(ecosystem: key.family, release: key.release.isEmpty ? nil : key.release, names: group.map(\.2)).count
            }
            return (found, Date().timeIntervalSince(started))
        }
        let (coldFound, cold) = try batched()
        var oneByOneFound = 0
        let started = Date()
        for (ecosystem, release, name) in names {
            oneByOneFound += try store.candidates(ecosystem: ecosystem, release: release, names: [name]).count
        }
        let oneByOne = Date().timeIntervalSince(started)
        let (warmFound, warm) = try batched()
        XCTAssertEqual(coldFound, warmFound)
        XCTAssertGreaterThan(oneByOneFound, coldFound)
        print(String(format: "[timing] import of all OSV data: %.2f s; 500 packages in %d ecosystem streams: %.1f ms batched cold (%d advisories), "
                     + "%.1f ms one call per package (%d), %.1f ms batched warm", fixture.seconds, groups.count, cold * 1000, coldFound,
                     oneByOne * 1000, oneByOneFound, warm * 1000))
    }

    /// 500 (ecosystem, release, name) triples spread over the imported ecosystems.
    private func names(in store: AdvisoryStore, count: Int) throws -> [(String, String?, String)] {
        try store.queue.read { db in
            try Row.fetchAll(db, sql: "SELECT DISTINCT family, release, name FROM affected ORDER BY name LIMIT ?", arguments: [count]).map {
                let release: String = $0[1]
                return ($0[0], release.isEmpty ? nil : release, $0[2])
            }
        }
    }
}
