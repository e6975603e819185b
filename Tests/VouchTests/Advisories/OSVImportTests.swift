import Foundation
import JSON
import XCTest
@testable import Advisories

/// Everything OSV in ../shared/data imported once into a scratch database, shared by the import and
/// store tests (importing it costs seconds, so it is done once per test run).
enum ImportedOSV {
    static let tarballs = ["AlmaLinux", "Bitnami", "CRAN-r-advisory-database", "Go-vulndb", "PSF-cpython", "PyPI-pypa", "crates.io-rustsec-osv"]
    static let directories = ["distro/ubuntu-osv-sample", "samples/ghsa", "samples/osv-schema", "samples/osv.dev"]

    struct Fixture {
        let store: AdvisoryStore
        let stats: [String: ImportStats]
        let folder: URL
        let seconds: TimeInterval
    }

    nonisolated(unsafe) private static var cached: Result<Fixture, Error>?
    /// Removed when the test process exits (the database is about 50 MB).
    nonisolated(unsafe) static var sharedFolder: URL?

    static func fixture() throws -> Fixture {
        if cached == nil {
            cached = Result {
                let paths = try tarballs.map { try SharedData.path("osv/\($0).tar.gz") } + directories.map { try SharedData.path("osv/\($0)") }
                let folder = try scratchFolder("shared-import")
                sharedFolder = folder
                atexit { if let folder = ImportedOSV.sharedFolder { try? FileManager.default.removeItem(at: folder) } }
                let store = try AdvisoryStore(path: folder.appendingPathComponent("advisories.sqlite").path)
                let started = Date()
                let results = try AdvisoryImporter.importPaths(paths, into: store)
                let seconds = Date().timeIntervalSince(started)
                print("[timing] imported \(results.reduce(0) { $0 + $1.records }) OSV records from \(paths.count) paths in \(String(format: "%.2f", seconds)) s")
                for r in results { print("[timing]   \(r)") }
                return Fixture(store: store, stats: Dictionary(results.map { ($0.source, $0) }, uniquingKeysWith: { a, _ in a }),
                               folder: folder, seconds: seconds)
            }
        }
        return try cached!.get()
    }

    static func scratchFolder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vouch-advisories-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func parse(_ relative: String) throws -> Advisory {
        let path = try SharedData.path(relative)
        var diagnostics = ImportDiagnostics()
        return try OSVFormat.parseRecord(try Data(contentsOf: URL(fileURLWithPath: path)), file: path,
                                         kind: OSVDocumentKind(path: path) ?? .json, diagnostics: &diagnostics)
    }
}

final class OSVImportTests: XCTestCase {
    override func setUpWithError() throws { try SharedData.require() }

    func testEveryOSVSetImportsWithTheExpectedCounts() throws {
        let f = try ImportedOSV.fixture()
        func stats(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> ImportStats {
            try XCTUnwrap(f.stats[name], "no import stats for \(name)", file: file, line: line)
        }
        // AlmaLinux: 5,680 records (data README); 37 ids appear in two or three release folders with
        // identical content, so 5,637 are stored and the 43 repeats count as unchanged.
        let alma = try stats("AlmaLinux")
        XCTAssertEqual(alma.records, 5_680)
        XCTAssertEqual(alma.inserted, 5_637)
        XCTAssertEqual(alma.unchanged, 43)
        XCTAssertEqual(alma.diagnostics.invalidRecords, 0)
        XCTAssertEqual(alma.ignoredEntries, 2)  // LICENSE, README.md

        let expected: [(String, Int, Int)] = [  // source, records, withdrawn
            ("Bitnami", 7_444, 0), ("CRAN-r-advisory-database", 14, 0), ("Go-vulndb", 4_291, 17),
            ("PSF-cpython", 132, 0), ("PyPI-pypa", 2_661, 10), ("crates.io-rustsec-osv", 1_206, 13), ("ubuntu-osv-sample", 4, 0),
            ("ghsa", 2, 0),
        ]
        for (name, records, withdrawn) in expected {
            let s = try stats(name)
            XCTAssertEqual(s.records, records, name)
            XCTAssertEqual(s.inserted, records, name)
            XCTAssertEqual(s.withdrawn, withdrawn, name)
            XCTAssertEqual(s.diagnostics.invalidRecords, 0, "\(name): \(s.diagnostics.invalidSamples)")
        }

        // osv-schema: 37 files; LICENSE ignored; the 11 GHSA API documents (not OSV: no id) and the
        // linter's "nointroduced" record are invalid. The linter's other samples are schema-valid.
        let schema = try stats("osv-schema")
        XCTAssertEqual(schema.entries, 37)
        XCTAssertEqual(schema.ignoredEntries, 1)
        XCTAssertEqual(schema.diagnostics.invalidRecords, 12, "\(schema.diagnostics.invalidSamples)")
        XCTAssertEqual(schema.records, 24)

        let status = try f.store.status()
        XCTAssertEqual(status.schemaVersion, AdvisoryStore.schemaVersion)
        XCTAssertEqual(status.sources.first { $0.name == "AlmaLinux" }?.advisories, 5_637)
        XCTAssertEqual(status.sources.first { $0.name == "AlmaLinux" }?.lastImportRecords, 5_680)
        XCTAssertEqual(status.sources.first { $0.name == "Go-vulndb" }?.withdrawn, 17)
        XCTAssertGreaterThan(status.fileSize, 1_000_000)
        XCTAssertNotNil(status.sources.first { $0.name == "PyPI-pypa" }?.lastImport)
        print("[timing] database \(status.fileSize / 1_048_576) MiB, \(status.advisories) advisories")
    }

    func testGoRecordKeepsItsSemverRangeAndAliases() throws {
        let go = try XCTUnwrap(try ImportedOSV.fixture().store.advisory(id: "GO-2020-0001"))
        XCTAssertEqual(go.source, "osv")
        XCTAssertEqual(go.aliases, ["CVE-2020-36567", "GHSA-6vm3-jj99-7229"])
        XCTAssertEqual(go.affected.first?.ecosystem, "Go")
        XCTAssertEqual(go.affected.first?.name, "github.com/gin-gonic/gin")
        XCTAssertEqual(go.affected.first?.ranges, [AffectedRange(kind: .semver, events: [.introduced("0"), .fixed("1.6.0")])])
        XCTAssertEqual(go.modified, RFC3339.parse("2024-05-20T16:03:47Z"))
        XCTAssertEqual(go, try ImportedOSV.parse("osv/samples/osv-schema/tools/osv-linter/testdata/GO-2020-0001.json"))
    }

    func testPYSECYamlKeepsItsVersionsListAndBothRanges() throws {
        let pysec = try XCTUnwrap(try ImportedOSV.fixture().store.advisory(id: "PYSEC-2021-335"))
        XCTAssertEqual(pysec.affected.count, 1)
        let p = try XCTUnwrap(pysec.affected.first)
        XCTAssertEqual(p.ecosystem, "PyPI")
        XCTAssertEqual(p.name, "accesscontrol")
        XCTAssertEqual(p.purl, "pkg:pypi/accesscontrol")
        XCTAssertEqual(p.versions, ["4.0", "4.1", "4.2", "5.0", "5.1"])  // quoted "4.0" must not become 4
        XCTAssertEqual(p.ranges, [
            AffectedRange(kind: .git, events: [.introduced("0"), .fixed("b42dd4badf803bb9fb71ac34cd9cb0c249262f2c")]),
            AffectedRange(kind: .ecosystem, events: [.introduced("4.0"), .fixed("4.3"), .introduced("5.0"), .fixed("5.2")]),
        ])
        XCTAssertEqual(pysec.aliases, ["CVE-2021-32807", "GHSA-qcx9-j53g-ccgf"])
        // Fractional seconds survive: 2021-09-26T23:32:08.989778Z.
        XCTAssertEqual(try XCTUnwrap(pysec.modified).timeIntervalSince1970, 1_632_699_128.989778, accuracy: 1e-5)
    }

    func testUbuntuRecordKeepsBinariesFixAndPriority() throws {
        let u = try XCTUnwrap(try ImportedOSV.fixture().store.advisory(id: "UBUNTU-CVE-2023-4911"))
        let jammy = try XCTUnwrap(u.affected.first { $0.ecosystem == "Ubuntu:22.04:LTS" })
        XCTAssertEqual(jammy.name, "glibc")
        XCTAssertEqual(jammy.ranges, [AffectedRange(kind: .ecosystem, events: [.introduced("0"), .fixed("2.35-0ubuntu3.4")])])
        XCTAssertTrue(jammy.binaries.contains("libc6"))
        XCTAssertTrue(jammy.binaries.contains("libc-bin"))
        XCTAssertTrue(jammy.binaries.contains("locales"))
        XCTAssertEqual(jammy.severities, [AdvisorySeverity(kind: .rating, value: "high", source: "ubuntu")])
        XCTAssertEqual(u.severities, [AdvisorySeverity(kind: .cvssV3, value: "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", source: "ubuntu")])
        XCTAssertEqual(u.aliases, [])  // `related` (CVE-2023-4911, USN-6409-1) is not linked

        // A Pro-only record, with Ubuntu's own severity type.
        let pro = try ImportedOSV.parse("osv/samples/osv.dev/gcp/workers/oss_fuzz_worker/testdata/UBUNTU-CVE-2025-38094.json")
        XCTAssertEqual(pro.severities, [AdvisorySeverity(kind: .rating, value: "medium", source: "ubuntu")])
        XCTAssertEqual(pro.aliases, ["CVE-2025-38094"])  // from `upstream`
    }

    /// AlmaLinux's errata2osv names an errata's CVEs only under `related`. For ALSA (security)
    /// records those are what the errata fixes, so they become aliases; the ALSA id stays the id.
    func testAlmaLinuxSecurityAdvisoriesTakeTheirRelatedCVEsAsAliases() throws {
        let store = try ImportedOSV.fixture().store
        let alsa = try XCTUnwrap(try store.advisory(id: "ALSA-2023:1405"))
        XCTAssertEqual(alsa.aliases, ["CVE-2023-0286", "CVE-2022-4304", "CVE-2022-4450", "CVE-2023-0215"])  // the record's `related`, in order
        XCTAssertTrue(try store.aliases(of: "CVE-2022-0778").contains("ALSA-2022:1065"))
        XCTAssertTrue(try store.aliases(of: "ALSA-2022:1065").contains("CVE-2022-0778"))
        // A bundle of four CVEs links one hop only: one of its CVEs does not reach the others.
        XCTAssertFalse(try store.aliases(of: "CVE-2023-0286").contains("CVE-2022-4304"))
        // ALBA-2021:4604 (a bug fix) names CVE-2021-40438 because it repairs a regression of that
        // CVE's fix: not an alias.
        XCTAssertEqual(try store.advisory(id: "ALBA-2021:4604")?.aliases, [])
        XCTAssertFalse(try store.aliases(of: "CVE-2021-40438").contains("ALBA-2021:4604"))

        // Counted with Python over the tarball's 5,637 distinct ids: 4,437 ALSA, 4,428 of them with
        // `related` (only ever CVE ids, 16,399 in all); no ALBA/ALEA record gains an alias.
        let all = Dictionary(try AdvisoryImporter().read(try SharedData.path("osv/AlmaLinux.tar.gz")).advisories.map { ($0.id, $0) },
                             uniquingKeysWith: { a, _ in a })
        let security = all.values.filter { $0.id.hasPrefix("ALSA-") }
        XCTAssertEqual(security.count, 4_437)
        XCTAssertEqual(security.filter { !$0.aliases.isEmpty }.count, 4_428)
        XCTAssertEqual(security.reduce(0) { $0 + $1.aliases.count }, 16_399)
        XCTAssertTrue(security.allSatisfy { $0.aliases.allSatisfy { $0.hasPrefix("CVE-") } })
        XCTAssertEqual(all.values.filter { !$0.id.hasPrefix("ALSA-") && !$0.aliases.isEmpty }.map(\.id), [])

        // Elsewhere `related` stays "see also": Red Hat's exporter puts the CVE in `upstream` and the
        // Go database's id of it in `related`; SUSE's feature update lists 51 CVEs it does not fix.
        let rhsa = try ImportedOSV.parse("osv/samples/osv-schema/tools/redhat/testdata/OSV/RHSA-2024_4546.json")
        XCTAssertEqual(rhsa.aliases, ["CVE-2023-45288"])
        XCTAssertEqual(try ImportedOSV.parse("osv/samples/osv-schema/tools/osv-linter/testdata/SUSE-FU-2022_0444-1.json").aliases, [])
    }

    func testRustSecWithdrawnAdvisoryKeepsItsDate() throws {
        let store = try ImportedOSV.fixture().store
        let rustsec = try XCTUnwrap(try store.advisory(id: "RUSTSEC-2020-0053"))
        XCTAssertEqual(rustsec.withdrawn, RFC3339.parse("2021-04-19T12:00:00Z"))
        XCTAssertEqual(rustsec.affected.first?.ranges, [AffectedRange(kind: .semver, events: [.introduced("0.0.0-0")])])
        XCTAssertEqual(try store.candidates(ecosystem: "crates.io", release: nil, names: ["dirs"]).map(\.id).filter { $0 == "RUSTSEC-2020-0053" }, [])
        XCTAssertEqual(try store.candidates(ecosystem: "crates.io", release: nil, names: ["dirs"], includeWithdrawn: true)
            .map(\.id).filter { $0 == "RUSTSEC-2020-0053" }, ["RUSTSEC-2020-0053"])
    }

    func testSeverityWordsFromDatabaseSpecificAndSummaries() throws {
        let store = try ImportedOSV.fixture().store
        let ghsa = try XCTUnwrap(try store.advisory(id: "GHSA-jfh8-c2jp-5v3q"))
        XCTAssertTrue(ghsa.severities.contains(AdvisorySeverity(kind: .rating, value: "CRITICAL", source: "ghsa")))
        let alma = try XCTUnwrap(try store.advisory(id: "ALSA-2025:10073"))
        XCTAssertEqual(alma.severities, [AdvisorySeverity(kind: .rating, value: "Important", source: "almalinux")])
        XCTAssertEqual(alma.affected.first?.ranges.first?.events.last, .fixed("128.12.0-1.el10_0"))
        let bitnami = try XCTUnwrap(try store.candidates(ecosystem: "Bitnami", release: nil, names: ["minio"]).first)
        XCTAssertTrue(bitnami.severities.contains { $0.kind == .rating && $0.source == "bitnami" }, "\(bitnami.severities)")
        XCTAssertTrue(bitnami.affected.contains { !$0.severities.isEmpty })
    }

    func testInvalidSchemaSamplesAreRefusedNamingTheField() throws {
        let folder = "osv/samples/osv-schema/tools"
        for name in ["equals_no_patch", "full_ranges", "withdrawn", "pypi_normalize"] {
            XCTAssertThrowsError(try ImportedOSV.parse("\(folder)/ghsa/testdata/\(name).json")) { error in
                let e = error as? OSVRecordError
                XCTAssertEqual(e?.field, "id", "\(error)")
                XCTAssertTrue(e?.file.hasSuffix("\(name).json") == true)
            }
            XCTAssertNoThrow(try ImportedOSV.parse("\(folder)/ghsa/testdata/\(name).osv.json"))
        }
        XCTAssertThrowsError(try ImportedOSV.parse("\(folder)/osv-linter/testdata/nointroduced-CVE-2023-41045.json")) { error in
            XCTAssertEqual((error as? OSVRecordError)?.field, "affected[0].ranges[0].events", "\(error)")
            XCTAssertTrue("\(error)".contains("nointroduced-CVE-2023-41045.json"))
            XCTAssertTrue("\(error)".contains("introduced"))
        }
        let schema = try XCTUnwrap(try ImportedOSV.fixture().stats["osv-schema"])
        XCTAssertEqual(schema.diagnostics.invalidSamples.count, ImportDiagnostics.sampleLimit)
        XCTAssertTrue(schema.diagnostics.invalidSamples.allSatisfy { $0.contains("osv-schema/tools/") }, "\(schema.diagnostics.invalidSamples)")
    }

    func testMalformedRecordsGiveTypedErrorsNamingTheField() throws {
        let cases: [(String, String)] = [
            (#"[1, 2]"#, "(record)"),
            (#"{"id": "X-1"}"#, "modified"),
            (#"{"id": 7, "modified": "2024-01-01T00:00:00Z"}"#, "id"),
            (#"{"id": "X 1", "modified": "2024-01-01T00:00:00Z"}"#, "id"),
            (#"{"id": "X-1", "modified": "yesterday"}"#, "modified"),
            (#"{"id": "X-1", "modified": "2024-02-30T00:00:00Z"}"#, "modified"),
            (#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "aliases": "CVE-1"}"#, "aliases"),
            (#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "aliases": ["CVE-1", 2]}"#, "aliases[1]"),
            (#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": {}}"#, "affected"),
            (#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"name": "a"}}]}"#, "affected[0].package.ecosystem"),
            (#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"ranges": [{"type": "SEMVER", "events": []}]}]}"#, "affected[0].ranges[0].events"),
            (#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"ranges": [{"type": "SEMVER", "events": [{"introduced": "0", "fixed": "1"}]}]}]}"#, "affected[0].ranges[0].events[0]"),
            (#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"ranges": [{"type": "SEMVER", "events": [{"introduced": 0}]}]}]}"#, "affected[0].ranges[0].events[0].introduced"),
            (#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"versions": [1.5]}]}"#, "affected[0].versions[0]"),
            (#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "severity": [{"type": "CVSS_V3"}]}"#, "severity[0].score"),
            (#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"ecosystem_specific": {"binaries": 5}}]}"#, "affected[0].ecosystem_specific.binaries"),
            (#"{"id": "X-1", "modified": "2024"#, "(record)"),
        ]
        for (text, field) in cases {
            var diagnostics = ImportDiagnostics()
            XCTAssertThrowsError(try OSVFormat.parseRecord(Data(text.utf8), file: "case.json", kind: .json, diagnostics: &diagnostics), text) { error in
                XCTAssertEqual((error as? OSVRecordError)?.field, field, "\(text): \(error)")
                XCTAssertEqual((error as? OSVRecordError)?.file, "case.json")
            }
        }
        var limits = OSVLimits()
        limits.maxAffected = 3
        let many = #"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": [{}, {}, {}, {}]}"#
        var diagnostics = ImportDiagnostics()
        XCTAssertThrowsError(try OSVFormat.parseRecord(Data(many.utf8), file: "many.json", kind: .json, limits: limits, diagnostics: &diagnostics)) { error in
            XCTAssertEqual((error as? OSVRecordError)?.field, "affected")
            XCTAssertTrue("\(error)".contains("more than the 3"))
        }
    }

    func testUnknownRangeTypesAreKeptOutOfMatchingWithACountedWarning() throws {
        let text = """
            {"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": [
              {"package": {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "WEIRD", "events": [{"introduced": "0"}]},
                                                                  {"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.0"}]}]},
              {"package": {"ecosystem": "npm", "name": "b"}, "ranges": [{"type": "DATE", "events": [{"introduced": "2020"}]}]},
              {"package": {"ecosystem": "npm", "name": "c"}, "ranges": [{"type": "WEIRD", "events": [{"introduced": "0"}]}], "versions": ["1.0.0"]}],
             "severity": [{"type": "MYSTERY", "score": "9"}]}
            """
        var diagnostics = ImportDiagnostics()
        let advisory = try OSVFormat.parseRecord(Data(text.utf8), file: "odd.json", kind: .json, diagnostics: &diagnostics)
        XCTAssertEqual(advisory.affected.map(\.name), ["a", "c"])  // b had nothing matchable left
        XCTAssertEqual(advisory.affected[0].ranges.map(\.kind), [.semver])
        XCTAssertEqual(advisory.affected[1].ranges, [])
        XCTAssertEqual(advisory.affected[1].versions, ["1.0.0"])
        XCTAssertEqual(diagnostics.warnings[.unknownRangeType], 3)
        XCTAssertEqual(diagnostics.warnings[.unmatchablePackage], 1)
        XCTAssertEqual(diagnostics.warnings[.unknownSeverityType], 1)
        XCTAssertTrue(diagnostics.warningSamples.contains("odd.json: affected[0].ranges[0]: range type 'WEIRD' is not understood; kept out of matching"),
                      "\(diagnostics.warningSamples)")
    }

    func testHostileYAMLIsRefused() throws {
        let bomb = """
            id: X-1
            modified: "2024-01-01T00:00:00Z"
            a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
            b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
            c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
            d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
            e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]
            """
        var diagnostics = ImportDiagnostics()
        XCTAssertThrowsError(try OSVFormat.parseRecord(Data(bomb.utf8), file: "bomb.yaml", kind: .yaml, diagnostics: &diagnostics)) { error in
            XCTAssertTrue("\(error)".contains("aliases"), "\(error)")
        }
        let deep = "id: X-1\nmodified: '2024-01-01T00:00:00Z'\nx: " + String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        XCTAssertThrowsError(try OSVFormat.parseRecord(Data(deep.utf8), file: "deep.yaml", kind: .yaml, diagnostics: &diagnostics))
        XCTAssertThrowsError(try OSVFormat.parseRecord(Data("id: [unclosed".utf8), file: "bad.yaml", kind: .yaml, diagnostics: &diagnostics)) { error in
            XCTAssertEqual((error as? OSVRecordError)?.field, "(record)")
        }
        XCTAssertThrowsError(try OSVFormat.parseRecord(Data([0xFF, 0xFE, 0x00]), file: "bin.yaml", kind: .yaml, diagnostics: &diagnostics))
        // Markdown emphasis and an ampersand in a text are not aliases.
        let prose = "id: X-1\nmodified: '2024-01-01T00:00:00Z'\ndetails: Tom &Jerry said\n  *Jerry* was fine\n"
        XCTAssertEqual(try OSVFormat.parseRecord(Data(prose.utf8), file: "prose.yaml", kind: .yaml, diagnostics: &diagnostics).details,
                       "Tom &Jerry said *Jerry* was fine")
    }

    func testRFC3339Timestamps() {
        XCTAssertEqual(RFC3339.parse("1970-01-01T00:00:00Z")?.timeIntervalSince1970, 0)
        XCTAssertEqual(RFC3339.parse("2023-10-03T17:00:00Z")?.timeIntervalSince1970, 1_696_352_400)
        XCTAssertEqual(RFC3339.parse("2023-10-03T19:00:00+02:00"), RFC3339.parse("2023-10-03T17:00:00Z"))
        XCTAssertEqual(RFC3339.parse("2023-10-03t17:00:00z"), RFC3339.parse("2023-10-03T17:00:00Z"))
        XCTAssertEqual(RFC3339.parse("2024-02-29"), RFC3339.parse("2024-02-29T00:00:00Z"))
        for bad in ["", "2023-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2023-10-03T25:00:00Z", "2023-10-03T17:00:00.Z",
                    "2023-10-03T17:00:00Zjunk", "2023/10/03", String(repeating: "9", count: 100)] {
            XCTAssertNil(RFC3339.parse(bad), bad)
        }
        let instant = try! XCTUnwrap(RFC3339.parse("2021-09-26T23:32:08.989778Z"))
        XCTAssertEqual(RFC3339.format(instant, fractional: true), "2021-09-26T23:32:08.989778Z")
        XCTAssertEqual(RFC3339.format(instant), "2021-09-26T23:32:08Z")
        XCTAssertEqual(RFC3339.format(Date(timeIntervalSince1970: 1_696_352_400)), "2023-10-03T17:00:00Z")
    }
}
