import Advisories
import Evaluation
import Foundation
import JSON
import SBOM
import XCTest

/// The evaluator facing broken or hostile input, through the CLI and the library: a corrupt database,
/// a 100,000-component SBOM, absurd versions, OSV records whose ranges cannot be evaluated. Clear errors
/// or correct results, never a crash, and never "affected" from a range that says nothing.
final class EvaluatorHostileInputTests: XCTestCase {
    private var scratch: URL?

    override class func tearDown() { RealAdvisories.removeDatabases() }

    override func tearDown() {
        if let s = scratch { try? FileManager.default.removeItem(at: s) }
    }

    private func directory() throws -> URL {
        if let s = scratch { return s }
        let s = try OutsideTool.temporaryDirectory()
        scratch = s
        return s
    }

    private func write(_ json: JSON, _ name: String) throws -> String {
        let path = try directory().appendingPathComponent(name).path
        try json.serialized([]).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A CycloneDX document listing these components (name, version, purl).
    private static func sbom(_ components: [(String, String, String)]) -> JSON {
        let list: [JSON] = components.enumerated().map { i, c in
            ["type": "library", "bom-ref": .string("c\(i)"), "name": .string(c.0), "version": .string(c.1), "purl": .string(c.2)]
        }
        return ["bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
                "metadata": ["component": ["bom-ref": "subject", "type": "container", "name": "hostile"]], "components": .array(list)]
    }

    private static func findings(_ stdout: String) throws -> [String] {
        try JSON.parse(Data(stdout.utf8)).array("findings").map { f in
            let fix = f["fix"]?.array("versions").compactMap(\.string).joined(separator: ",") ?? ""
            return "\(f["package"]?.string("name") ?? "?") \(f["package"]?.string("version") ?? "?") \(f.string("id") ?? "?") \(fix)"
        }
    }

    // MARK: A corrupt database

    private func assertOneLineError(_ r: VouchBinary.Result, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 1, "\(what): \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stderrLines.count, 1, "\(what): one line: \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.hasPrefix("vouch: error: "), "\(what): \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stdout, "", "\(what): nothing on stdout", file: file, line: line)
    }

    /// Files that are not a database at all (random bytes, a real one cut short, a bare SQLite header) are
    /// refused in one line by every command that opens one, and left as they were.
    func testCorruptDatabaseIsOneLineErrorAndLeftAlone() throws {
        let (original, random) = try corruptionMaterial()
        let variants: [(String, Data)] = [
            ("random bytes", random),
            ("first half of a real database", original.prefix(original.count / 2)),
            ("first page of a real database", original.prefix(4096)),
            ("first 100 bytes of a real database", original.prefix(100)),
            ("SQLite header followed by garbage", Data("SQLite format 3\0".utf8) + random.prefix(8192)),
        ]
        for (name, bytes) in variants {
            let path = try corrupt(bytes, name)
            for command in try commands() {
                assertOneLineError(try VouchBinary.run(command + ["--db", path]), "\(command[0]) \(command[1]) with \(name)")
            }
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), bytes, "\(name): a file that is not a database is never written")
        }
    }

    /// A real database whose middle third was overwritten: SQLite may only notice on the pages a query reads,
    /// so a scan either refuses it in one line or gives exactly the intact database's answer, never another.
    func testDatabaseCorruptInTheMiddleNeverGivesAnotherAnswer() throws {
        let (original, random) = try corruptionMaterial()
        let intact = try RealAdvisories.database([RealDataMatchingTests.debianLists])
        var middle = original
        let third = original.count / 3
        var noise = Data()
        while noise.count < third { noise += random }
        middle.replaceSubrange(third..<(2 * third), with: noise.prefix(third))
        let path = try corrupt(middle, "middle")
        for command in try commands() where command[0] != "db" {
            let expected = try VouchBinary.run(command + ["--db", intact])
            XCTAssertEqual(expected.status, 0, expected.stderr)
            let r = try VouchBinary.run(command + ["--db", path])
            if r.status == 0 {
                XCTAssertEqual(r.stdout, expected.stdout, "\(command[0]): a corrupt database gave another answer")
            } else {
                assertOneLineError(r, "\(command[0]) with a database corrupt in the middle")
            }
        }
    }

    /// The Debian lists' database (the scans below touch its data) and 256 KB of random bytes.
    private func corruptionMaterial() throws -> (Data, Data) {
        let real = try RealAdvisories.database([RealDataMatchingTests.debianLists])
        let original = try Data(contentsOf: URL(fileURLWithPath: real))
        XCTAssertGreaterThan(original.count, 1 << 20)
        var random = Data(count: 256 << 10)
        random.withUnsafeMutableBytes { buffer in for i in buffer.indices { buffer[i] = UInt8.random(in: 0...255) } }
        return (original, random)
    }

    private func corrupt(_ bytes: Data, _ name: String) throws -> String {
        let path = try directory().appendingPathComponent("corrupt-\(name.replacingOccurrences(of: " ", with: "-")).sqlite").path
        try bytes.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Every command that opens the database, on the Debian image of October 2022 (ten DSA findings).
    private func commands() throws -> [[String]] {
        let sbom = try SharedData.path("sboms/guac-data/docs/cyclonedx/syft-cyclonedx-docker.io-library-debian.latest.json")
        let feed = try SharedData.path("osv/distro/alpine-secdb/v3.10/main.yaml")
        return [["cves", "sbom:" + sbom, "--format", "json"], ["quickview", "sbom:" + sbom], ["db", "status"],
                ["compare", "sbom:" + sbom, "--to", "sbom:" + sbom], ["db", "import", feed]]
    }

    /// A copy cut to nothing (disk full, an interrupted download) is not an empty database: scanning with it
    /// would report "no vulnerable package" for any image.
    func testZeroByteDatabaseIsNotACleanScan() throws {
        let path = try directory().appendingPathComponent("truncated.sqlite").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data()))
        let sbom = try SharedData.path("sboms/guac-data/docs/cyclonedx/syft-cyclonedx-docker.io-library-debian.latest.json")
        let r = try VouchBinary.run(["cves", "sbom:" + sbom, "--db", path])
        assertOneLineError(r, "cves with a 0-byte database")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)).count, 0, "a scan does not turn the file into a database")
    }

    // MARK: 100,000 components

    /// 100,000 components, half PyPI and half Debian 11, with six real ones planted in the middle: four at
    /// versions with advisories, two at the fixed versions. Only the four may be reported.
    func test100000ComponentSBOM() throws {
        let db = try RealAdvisories.database(["osv/PyPI-pypa.tar.gz", RealDataMatchingTests.debianLists])
        var components: [(String, String, String)] = []
        components.reserveCapacity(100_000)
        for i in 0..<(100_000 - 6) {
            if i % 2 == 0 {
                components.append(("synthetic-py-\(i)", "1.\(i % 50).\(i % 7)", "pkg:pypi/synthetic-py-\(i)@1.\(i % 50).\(i % 7)"))
            } else {
                components.append(("synthetic-deb-\(i)", "1.\(i % 9)-\(i % 5)", "pkg:deb/debian/synthetic-deb-\(i)@1.\(i % 9)-\(i % 5)?arch=amd64&distro=debian-11"))
            }
        }
        let planted = [
            ("setuptools", "63.2.0", "pkg:pypi/setuptools@63.2.0"),
            ("wheel", "0.37.1", "pkg:pypi/wheel@0.37.1"),
            ("pip", "22.2.2", "pkg:pypi/pip@22.2.2"),
            ("wheel", "0.38.1", "pkg:pypi/wheel@0.38.1"),
            ("libssl1.1", "1.1.1n-0+deb11u3", "pkg:deb/debian/libssl1.1@1.1.1n-0%2Bdeb11u3?arch=amd64&upstream=openssl&distro=debian-11"),
            ("zlib1g", "1:1.2.11.dfsg-2+deb11u2", "pkg:deb/debian/zlib1g@1:1.2.11.dfsg-2%2Bdeb11u2?arch=amd64&upstream=zlib&distro=debian-11"),
        ]
        components.insert(contentsOf: planted, at: components.count / 2)
        XCTAssertEqual(components.count, 100_000)
        let path = try write(Self.sbom(components), "big.cdx.json")

        let started = Date()
        let r = try VouchBinary.run(["cves", "sbom:" + path, "--db", db, "--format", "json"], timeout: 600)
        let elapsed = Date().timeIntervalSince(started)
        print("vouch cves on 100,000 components: \(String(format: "%.2f", elapsed)) s")
        XCTAssertEqual(r.status, 0, String(r.stderr.prefix(2000)))
        let report = try JSON.parse(Data(r.stdout.utf8))
        XCTAssertEqual(report["packages"]?.int, 100_000)
        XCTAssertEqual(Set(try Self.findings(r.stdout)), [
            "setuptools 63.2.0 CVE-2022-40897 65.5.1",
            "wheel 0.37.1 CVE-2022-40898 0.38.1",
            "pip 22.2.2 CVE-2023-5752 23.3",
            "libssl1.1 1.1.1n-0+deb11u3 CVE-2022-2097 1.1.1n-0+deb11u4",
            "libssl1.1 1.1.1n-0+deb11u3 CVE-2022-4304 1.1.1n-0+deb11u4",
            "libssl1.1 1.1.1n-0+deb11u3 CVE-2022-4450 1.1.1n-0+deb11u4",
            "libssl1.1 1.1.1n-0+deb11u3 CVE-2023-0215 1.1.1n-0+deb11u4",
            "libssl1.1 1.1.1n-0+deb11u3 CVE-2023-0286 1.1.1n-0+deb11u4",
        ])
        XCTAssertEqual(report["summary"]?["vulnerablePackages"]?.int, 4)
    }

    // MARK: Absurd versions

    /// Each version with the findings it must give (PyPA's and Debian's data): digits past 64 bits are
    /// compared by value, over-long versions are reported as problems, never matched and never fatal.
    func testAbsurdVersionsThroughTheCLI() throws {
        let db = try RealAdvisories.database(["osv/PyPI-pypa.tar.gz", RealDataMatchingTests.debianLists])
        let tenKB = "1" + String(repeating: ".0", count: 5_000)
        let deb = "?arch=amd64&upstream=openssl&distro=debian-11"
        let cases: [(name: String, version: String, purl: String, expected: [String])] = [
            ("setuptools", "99999999999999999999999.1", "pkg:pypi/setuptools@99999999999999999999999.1", []),
            ("setuptools", "65.4.99999999999999999999999", "pkg:pypi/setuptools@65.4.99999999999999999999999", ["CVE-2022-40897 65.5.1"]),
            ("pip", "18446744073709551616.0", "pkg:pypi/pip@18446744073709551616.0", []),
            ("pip", "99999999999999999999999!1.0", "pkg:pypi/pip@99999999999999999999999%211.0", []),
            ("pip", "22.2.2.post99999999999999999999999", "pkg:pypi/pip@22.2.2.post99999999999999999999999", ["CVE-2023-5752 23.3"]),
            ("pip", "22.2.2rc99999999999999999999999", "pkg:pypi/pip@22.2.2rc99999999999999999999999", ["CVE-2023-5752 23.3"]),
            ("wheel", tenKB, "pkg:pypi/wheel@" + tenKB, []),
            ("wheel", String(repeating: "a", count: 10_240), "pkg:pypi/wheel@" + String(repeating: "a", count: 10_240), []),
            // dpkg compares digit runs by value: u99999999999999999999999 is newer than every bullseye fix.
            ("libssl1.1", "1.1.1n-0+deb11u99999999999999999999999", "pkg:deb/debian/libssl1.1@1.1.1n-0%2Bdeb11u99999999999999999999999" + deb, []),
            // dpkg refuses this epoch ("epoch in version is too big"): a problem, not a finding.
            ("libssl1.1", "99999999999999999999999:1.0", "pkg:deb/debian/libssl1.1@99999999999999999999999:1.0" + deb, []),
            ("libssl1.1", "1.1.1n-0+deb11u" + String(repeating: "9", count: 10_000), "pkg:deb/debian/libssl1.1@1.1.1n-0%2Bdeb11u" + String(repeating: "9", count: 10_000) + deb, []),
            ("libssl1.1", "1.1.1n-0+deb11u3\u{202E}", "pkg:deb/debian/libssl1.1@1.1.1n-0%2Bdeb11u3%E2%80%AE" + deb, []),
            ("libssl1.1", "", "pkg:deb/debian/libssl1.1@" + deb, []),
        ]
        let path = try write(Self.sbom(cases.map { ($0.name, $0.version, $0.purl) }), "absurd.cdx.json")
        let r = try VouchBinary.run(["cves", "sbom:" + path, "--db", db, "--format", "json"])
        XCTAssertEqual(r.status, 0, String(r.stderr.prefix(2000)))
        let got = try Self.findings(r.stdout)
        for c in cases {
            let mine = got.filter { $0.hasPrefix("\(c.name) \(c.version) ") }.map { String($0.dropFirst(c.name.count + c.version.count + 2)) }
            XCTAssertEqual(Set(mine), Set(c.expected), "\(c.name) \(c.version.prefix(60))")
        }
        XCTAssertTrue(r.stderr.contains("version problems") || r.stderr.contains("longer than"), "over-long versions are reported: \(r.stderr.prefix(600))")

        // Bytes that are not UTF-8 inside a version: the document is refused in one line.
        var bytes = Data(#"{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[{"type":"library","bom-ref":"a","name":"pip","version":"22.2.2"#.utf8)
        bytes += Data([0xFF, 0xFE, 0xC0])
        bytes += Data(#"","purl":"pkg:pypi/pip@22.2.2"}]}"#.utf8)
        let bad = try directory().appendingPathComponent("not-utf8.cdx.json")
        try bytes.write(to: bad)
        assertOneLineError(try VouchBinary.run(["cves", "sbom:" + bad.path, "--db", db, "--format", "json"]), "non-UTF-8 version")
    }

    /// The same kind of versions through the library for Go and crates.io (SEMVER ranges).
    func testAbsurdSemVerAndGoVersions() throws {
        let go = try RealAdvisories.matcher(["osv/Go-vulndb.tar.gz"])
        func goFindings(_ version: String) throws -> Set<String> {
            let p = Package(name: "golang.org/x/text", version: version, type: .golang, purl: "pkg:golang/golang.org/x/text@\(version)")
            return Set(try go.match(Inventory(subject: Subject(kind: .file, name: "go"), packages: [p])).findings.flatMap(\.advisories))
        }
        XCTAssertEqual(try goFindings("v99999999999999999999999.0.0"), [])
        // A pseudo-version of v0.0.0 with an absurd timestamp is still before 0.3.8 (GO-2022-1059) and 0.3.7 (GO-2021-0113).
        let pseudo = try goFindings("v0.0.0-99999999999999-ffffffffffff")
        XCTAssertTrue(pseudo.isSuperset(of: ["GO-2022-1059", "GO-2021-0113"]), "\(pseudo.sorted())")
        XCTAssertFalse(try goFindings("v0.3.8").contains("GO-2022-1059"))

        let cargo = try RealAdvisories.matcher(["osv/crates.io-rustsec-osv.tar.gz"])
        func tokio(_ version: String) throws -> Set<String> {
            let p = Package(name: "tokio", version: version, type: .cargo, purl: "pkg:cargo/tokio@\(version)")
            return Set(try cargo.match(Inventory(subject: Subject(kind: .file, name: "cargo"), packages: [p])).findings.flatMap(\.advisories))
        }
        XCTAssertEqual(try tokio("18446744073709551616.0.0"), [])
        // A pre-release of 1.19.2 with 120 identifiers: after 1.19.0, before 1.20.3 (RUSTSEC-2023-0001).
        XCTAssertTrue(try tokio("1.19.2-" + Array(repeating: "a", count: 120).joined(separator: ".")).contains("RUSTSEC-2023-0001"))
        XCTAssertEqual(try tokio(String(repeating: "9", count: 10_000)), [])
    }

    // MARK: OSV records whose ranges cannot be evaluated

    /// One record per hostile shape, each about its own PyPI package.
    private static let records: [(file: String, json: String)] = [
        ("unknown-type.json", #"{"id":"HOSTILE-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"hostile-unknown"},"ranges":[{"type":"WEIRD","events":[{"introduced":"0"}]}]}]}"#),
        ("unknown-type-versions.json", #"{"id":"HOSTILE-2","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"hostile-unknown-listed"},"ranges":[{"type":"WEIRD","events":[{"introduced":"0"}]}],"versions":["1.0"]}]}"#),
        ("empty-events.json", #"{"id":"HOSTILE-3","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"hostile-empty"},"ranges":[{"type":"ECOSYSTEM","events":[]}]}]}"#),
        ("no-introduced.json", #"{"id":"HOSTILE-4","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"hostile-fixed-only"},"ranges":[{"type":"ECOSYSTEM","events":[{"fixed":"100"}]}]}]}"#),
        ("nothing.json", #"{"id":"HOSTILE-5","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"hostile-nothing"}}]}"#),
        ("git-only.json", #"{"id":"HOSTILE-6","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"hostile-git"},"ranges":[{"type":"GIT","repo":"https://example.invalid/x","events":[{"introduced":"0"}]}]}]}"#),
        ("out-of-order.json", #"{"id":"HOSTILE-7","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"hostile-order"},"ranges":[{"type":"ECOSYSTEM","events":[{"fixed":"3.0"},{"introduced":"2.5"},{"fixed":"2.0"},{"introduced":"1.0"}]}]}]}"#),
        ("versions-only.json", #"{"id":"HOSTILE-8","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"hostile-listed"},"versions":["1.0","1.1"]}]}"#),
        ("other-release.json", #"{"id":"HOSTILE-9","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI:weird","name":"hostile-release"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}"#),
        ("garbage-bounds.json", #"{"id":"HOSTILE-10","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Debian:11","name":"hostile-deb"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"not a version!"},{"fixed":"also not one"}]}]}]}"#),
        ("last-affected-limit.json", #"{"id":"HOSTILE-11","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"hostile-last"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"last_affected":"1.5"}]}]},{"package":{"ecosystem":"PyPI","name":"hostile-limit"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"limit":"2.0"}]}]}]}"#),
    ]

    /// (package, installed version) → the ids expected, with the fix; nothing else may match.
    private static let probes: [(String, String, String?)] = [
        ("hostile-unknown", "0.1", nil), ("hostile-unknown", "1.0", nil),
        ("hostile-unknown-listed", "1.0", "HOSTILE-2 "), ("hostile-unknown-listed", "1.0.1", nil),
        ("hostile-empty", "1.0", nil), ("hostile-fixed-only", "1.0", nil), ("hostile-nothing", "1.0", nil),
        ("hostile-git", "1.0", nil), ("hostile-release", "1.0", nil),
        ("hostile-order", "0.5", nil), ("hostile-order", "1.5", "HOSTILE-7 2.0"), ("hostile-order", "2.0", nil),
        ("hostile-order", "2.2", nil), ("hostile-order", "2.7", "HOSTILE-7 3.0"), ("hostile-order", "3.1", nil),
        ("hostile-listed", "1.0", "HOSTILE-8 "), ("hostile-listed", "1.1", "HOSTILE-8 "), ("hostile-listed", "1.0.1", nil),
        ("hostile-listed", "1.2", nil), ("hostile-listed", "0.9", nil),
        ("hostile-last", "1.5", "HOSTILE-11 "), ("hostile-last", "1.6", nil),
        ("hostile-limit", "1.9", "HOSTILE-11 "), ("hostile-limit", "2.0", nil), ("hostile-limit", "3.0", nil),
    ]

    private func hostileRecords() throws -> URL {
        let dir = try directory().appendingPathComponent("osv")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for r in Self.records { try Data(r.json.utf8).write(to: dir.appendingPathComponent(r.file)) }
        return dir
    }

    private static func probeInventory() -> Inventory {
        var packages = probes.map { Package(name: $0.0, version: $0.1, type: .python, purl: "pkg:pypi/\($0.0)@\($0.1)") }
        packages.append(Package(name: "hostile-deb", version: "1.0-1", type: .deb, purl: "pkg:deb/debian/hostile-deb@1.0-1?distro=debian-11",
                                sourceName: "hostile-deb", sourceVersion: "1.0-1"))
        return Inventory(subject: Subject(kind: .file, name: "probes"), operatingSystem: OperatingSystem(id: "debian", versionID: "11"), packages: packages)
    }

    private static var expected: Set<String> {
        Set(probes.compactMap { p in p.2.map { "\(p.0) \(p.1) \($0)".trimmingCharacters(in: .whitespaces) } })
    }

    func testUnevaluableRangesNeverMatchEverything() throws {
        let (advisories, stats) = try AdvisoryImporter().read(try hostileRecords().path)
        // Empty events and a range without `introduced` are invalid records; the others import.
        XCTAssertEqual(Set(advisories.map(\.id)), ["HOSTILE-1", "HOSTILE-2", "HOSTILE-5", "HOSTILE-6", "HOSTILE-7", "HOSTILE-8",
                                                   "HOSTILE-9", "HOSTILE-10", "HOSTILE-11"], "\(stats.diagnostics)")
        let result = try Matcher(lookup: AdvisoryList(advisories), scheme: { VersionSchemes.scheme(forOSVEcosystem: $0) },
                                 semver: VersionSchemes.semver, assessor: .standard).match(Self.probeInventory())
        let got = Set(result.findings.map { f -> String in
            let fix = f.fix.isFixed ? f.fix.label.replacingOccurrences(of: "fixed in ", with: "") : ""
            return "\(f.package.name) \(f.package.version) \(f.id) \(fix)".trimmingCharacters(in: .whitespaces)
        })
        XCTAssertEqual(got, Self.expected)
        XCTAssertTrue(result.problems.contains { $0.contains("not a version") }, "the unusable range is reported: \(result.problems)")
    }

    /// The same records through `db import` and the store: what is stored must not widen.
    func testUnevaluableRangesThroughTheStore() throws {
        let dir = try hostileRecords()
        let db = try directory().appendingPathComponent("hostile.sqlite").path
        let imported = try VouchBinary.run(["db", "import", "--db", db, dir.path])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertTrue(imported.stderr.contains("events"), "invalid records are named: \(imported.stderr)")
        let inventory = Self.probeInventory()
        let components = inventory.packages.map { ($0.name, $0.version, $0.purl) }
        let sbom = try write(Self.sbom(components), "probes.cdx.json")
        let r = try VouchBinary.run(["cves", "sbom:" + sbom, "--db", db, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let got = Set(try Self.findings(r.stdout).map { $0.trimmingCharacters(in: .whitespaces) })
        XCTAssertEqual(got, Self.expected)
    }
}
