import Foundation
import GRDB
import JSON
import XCTest
@testable import Advisories

/// Real NVD records (grype's matcher test data, vunnel-wrapped API 2.0 `cve` objects) and the CPE
/// matches vouch keeps from their `configurations`.
enum NVDRecords {
    static let grype = "examples/grype/grype/matcher"
    static let openssl2024 = "dpkg/testdata/eol-debian8/nvd/results/2024/cve-2024-0727.json"           // lastModified 2025-11-03
    static let openssl2024Newer = "apk/testdata/rootio-alpine-318/nvd/results/2024/cve-2024-0727.json"  // lastModified 2026-05-12
    static let openssl2014 = "apk/testdata/alpine318/nvd/results/2014/cve-2014-0224.json"
    static let openssl2018 = "rpm/testdata/rhel8/nvd/results/2018/cve-2018-0735.json"
    static let httpd2018 = "rpm/testdata/rhel8/nvd/results/2018/cve-2018-17199.json"
    static let go2022 = "golang/testdata/istio-and-stdlib/nvd/results/2022/cve-2022-27664.json"
    static let wget2024 = "apk/testdata/rootio-alpine-318/nvd/results/2024/cve-2024-10524.json"

    static func cve(_ relative: String) throws -> JSON {
        let wrapped = try JSON.parse(SharedData.data("\(grype)/\(relative)"))
        guard let cve = wrapped["item"]?["cve"] else { throw XCTSkip("\(relative) holds no item.cve") }
        return cve
    }

    /// Real records in an API 2.0 response document.
    static func feed(_ records: [JSON]) -> Data {
        JSON.object(["format": "NVD_CVE", "version": "2.0", "timestamp": "2026-01-01T00:00:00.000",
                     "vulnerabilities": .array(records.map { .object(["cve": $0]) })]).serialized([])
    }

    /// A real record with its `configurations` replaced (and `lastModified`, when given).
    static func edited(_ relative: String, lastModified: String? = nil, configurations: JSON) throws -> JSON {
        guard case .object(var cve) = try cve(relative) else { throw XCTSkip("not an object") }
        cve["configurations"] = configurations
        if let lastModified { cve["lastModified"] = .string(lastModified) }
        return .object(cve)
    }

    static func match(_ criteria: String, vulnerable: Bool = true, _ extra: [String: String] = [:]) -> JSON {
        var o: JSONObject = ["vulnerable": .bool(vulnerable), "criteria": .string(criteria), "matchCriteriaId": "00000000-0000-0000-0000-000000000000"]
        for (k, v) in extra { o[k] = .string(v) }
        return .object(o)
    }

    static func node(_ matches: [JSON], operator op: String = "OR", negate: Bool = false) -> JSON {
        .object(["operator": .string(op), "negate": .bool(negate), "cpeMatch": .array(matches)])
    }

    static func configuration(_ nodes: [JSON], operator op: String? = nil) -> JSON {
        var o: JSONObject = ["nodes": .array(nodes)]
        if let op { o["operator"] = .string(op) }
        return .object(o)
    }
}

final class NVDCPEImportTests: XCTestCase {
    private func parse(_ records: [JSON]) throws -> (advisories: [Advisory], diagnostics: ImportDiagnostics) {
        var diagnostics = ImportDiagnostics()
        let advisories = try NVDParser().parse(data: NVDRecords.feed(records), path: "nvdcve-2.0-test.json", diagnostics: &diagnostics)
        return (advisories, diagnostics)
    }

    func testVulnerableMatchesOfRealRecords() throws {
        let (advisories, diagnostics) = try parse([NVDRecords.cve(NVDRecords.openssl2024), NVDRecords.cve(NVDRecords.openssl2014),
                                                   NVDRecords.cve(NVDRecords.go2022)])
        XCTAssertEqual(diagnostics.warningCount, 0, "\(diagnostics.warningSamples)")
        let pkcs12 = advisories[0].cpeMatches
        XCTAssertEqual(pkcs12.count, 5)
        XCTAssertTrue(pkcs12.allSatisfy { $0.vendor == "openssl" && $0.product == "openssl" && $0.platforms.isEmpty })
        XCTAssertEqual(pkcs12[1].criteria, "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*")
        XCTAssertEqual(pkcs12[1].versionStartIncluding, "1.1.1")
        XCTAssertEqual(pkcs12[1].versionEndExcluding, "1.1.1x")
        XCTAssertEqual(pkcs12[1].matchCriteriaID, "93CF937D-2520-44AF-B40B-B41720BEAB36")
        XCTAssertEqual(pkcs12[4].name.version, .value("3.2.0"))
        XCTAssertEqual(pkcs12[4].name.update, .notApplicable)
        XCTAssertEqual(pkcs12[4].rangeDescription, "=3.2.0")

        // CVE-2014-0224: 24 vulnerable entries in 10 configurations; the four AND configurations are
        // Siemens firmware (vulnerable `o:`) on its device (non-vulnerable `h:`): kept, naming the device.
        let ccs = advisories[1].cpeMatches
        XCTAssertEqual(ccs.count, 24)
        let firmware = ccs.filter { !$0.platforms.isEmpty }
        XCTAssertEqual(firmware.map(\.product), ["application_processing_engine_firmware", "cp1543-1_firmware", "s7-1500_firmware", "rox_firmware"])
        XCTAssertEqual(firmware[2].platforms, ["cpe:2.3:h:siemens:s7-1500:-:*:*:*:*:*:*:*"])
        XCTAssertEqual(ccs.first { $0.product == "node.js" }?.versionEndExcluding, "0.10.29")
        // Go: a range and one concrete version; Fedora's `o:` entries are matches of their own (OR).
        XCTAssertEqual(advisories[2].cpeMatches.map(\.rangeDescription), ["<1.18.6", "=1.19.0", "=36", "=37"])
    }

    func testRunningOnAndOtherConditionalConfigurations() throws {
        typealias R = NVDRecords
        let wget = "cpe:2.3:a:gnu:wget:*:*:*:*:*:*:*:*"
        let windows = "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*"
        let configurations: JSON = .array([
            // wget running on Windows: kept, with the platform.
            R.configuration([R.node([R.match(wget, ["versionEndExcluding": "1.25.0"])]), R.node([R.match(windows, vulnerable: false)])], operator: "AND"),
            // wget only together with another application: left out.
            R.configuration([R.node([R.match(wget, ["versionEndExcluding": "1.24.0"])]),
                             R.node([R.match("cpe:2.3:a:gnu:emacs:*:*:*:*:*:*:*:*", vulnerable: false)])], operator: "AND"),
            // Two vulnerable products that must both be present: left out.
            R.configuration([R.node([R.match(wget, ["versionEndExcluding": "1.23.0"])]),
                             R.node([R.match("cpe:2.3:a:gnu:wget2:*:*:*:*:*:*:*:*")])], operator: "AND"),
            // A negated platform node: left out.
            R.configuration([R.node([R.match(wget, ["versionEndExcluding": "1.22.0"])]),
                             R.node([R.match(windows, vulnerable: false)], negate: true)], operator: "AND"),
            // A negated node on its own yields nothing.
            R.configuration([R.node([R.match(wget, ["versionEndExcluding": "1.21.0"])], negate: true)]),
            // An AND node: the vulnerable entry with a platform beside it is kept.
            R.configuration([R.node([R.match(wget, ["versionEndExcluding": "1.20.0"]), R.match(windows, vulnerable: false)], operator: "AND")]),
        ])
        let record = try R.edited(R.wget2024, configurations: configurations)
        let parsed = try NVDConfigurations(record["configurations"], at: "configurations")
        XCTAssertEqual(parsed.matches.map(\.rangeDescription), ["<1.25.0", "<1.20.0"])
        XCTAssertEqual(parsed.matches.map(\.platforms), [[windows], [windows]])
        XCTAssertEqual(parsed.conditional, 5)  // 1 + 2 + 1 + 1 vulnerable entries left out
        XCTAssertEqual(parsed.warnings, [])
    }

    func testMalformedCriteriaAreSkippedAndTheRecordKept() throws {
        typealias R = NVDRecords
        let good = R.match("cpe:2.3:a:gnu:wget:*:*:*:*:*:*:*:*", ["versionEndExcluding": "1.25.0"])
        let bad: [JSON] = [
            R.match("cpe:2.3:a:gnu:wget"),                                  // 3 attributes
            R.match("cpe:/a:gnu:wget:1.21"),                                // CPE 2.2 URI
            R.match("cpe:2.3:a:*:*:*:*:*:*:*:*:*:*"),                        // no vendor or product to look up
            R.match("cpe:2.3:a:gnu:w*get:*:*:*:*:*:*:*:*"),                  // wildcard inside a value
            R.match("cpe:2.3:a:gnu:wget:1.0:*:*:*:*:*:*:*\\"),               // lone backslash
            R.match("cpe:2.3:x:gnu:wget:*:*:*:*:*:*:*:*"),                   // part x
            R.match("cpe:2.3:a:gnu:wg\u{1}et:*:*:*:*:*:*:*:*"),              // control character
            R.match("cpe:2.3:a:gnu:wgét:*:*:*:*:*:*:*:*"),                   // not ASCII
            R.match("cpe:2.3:a:gnu:wget::*:*:*:*:*:*:*"),                    // empty version
            R.match("cpe:2.3:a:gnu:" + String(repeating: "w", count: 5_000) + ":*:*:*:*:*:*:*:*"),
            R.match("cpe:2.3:a:gnu:wget:*:*:*:*:*:*:*:*", ["versionEndExcluding": ""]),
            R.match("cpe:2.3:a:gnu:wget:*:*:*:*:*:*:*:*", ["versionEndExcluding": "1.0\n2"]),
        ]
        let record = try R.edited(R.wget2024, configurations: .array([R.configuration([R.node(bad + [good])])]))
        let (advisories, diagnostics) = try parse([record])
        XCTAssertEqual(advisories.count, 1)
        XCTAssertEqual(advisories[0].cpeMatches.map(\.rangeDescription), ["<1.25.0"])
        XCTAssertFalse(advisories[0].severities.isEmpty, "the record keeps its CVSS")
        XCTAssertEqual(diagnostics.warningCount, bad.count)
        XCTAssertEqual(diagnostics.invalidRecords, 0)
        XCTAssertTrue(diagnostics.warningSamples[0].contains("CVE-2024-10524") && diagnostics.warningSamples[0].contains("has 3 attributes"),
                      diagnostics.warningSamples[0])

        // A configurations block of the wrong shape costs the record its CPE matches only.
        for broken: JSON in [.object([:]), .array([.object(["nodes": .array([R.node([.object(["criteria": "cpe:2.3:a:gnu:wget:*:*:*:*:*:*:*:*"])])])])]),
                             .array([R.configuration([R.node([good])], operator: "XOR")])] {
            let (kept, d) = try parse([try R.edited(R.wget2024, configurations: broken)])
            XCTAssertEqual(kept.count, 1)
            XCTAssertEqual(kept[0].cpeMatches, [])
            XCTAssertEqual(d.warningCount, 1, "\(d.warningSamples)")
        }
    }

    /// Through the importer: one invalid record of a feed is counted, the others imported.
    func testOneInvalidRecordDoesNotLoseTheFeed() throws {
        let folder = try ImportedOSV.scratchFolder("nvd-feed")
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad: JSON = .object(["id": "CVE-1"])
        let file = folder.appendingPathComponent("nvdcve-2.0-2024.json")
        try NVDRecords.feed([NVDRecords.cve(NVDRecords.openssl2024), bad, NVDRecords.cve(NVDRecords.wget2024)]).write(to: file)
        let (advisories, stats) = try AdvisoryImporter().read(file.path)
        XCTAssertEqual(advisories.map(\.id), ["NVD-CVE-2024-0727", "NVD-CVE-2024-10524"])
        XCTAssertEqual(stats.diagnostics.invalidRecords, 1)
        XCTAssertTrue(stats.diagnostics.invalidSamples[0].contains("'CVE-1' is not a CVE id"), "\(stats.diagnostics.invalidSamples)")
    }

    func testCPENameParsing() throws {
        let syft = try CPEName(parsing: #"cpe:2.3:a:openssl:openssl:1.1.1n-0\+deb11u3:*:*:*:*:*:*:*"#)
        XCTAssertEqual(syft.vendor, .value("openssl"))
        XCTAssertEqual(syft.version, .value("1.1.1n-0+deb11u3"))
        XCTAssertEqual(syft.update, .any)
        XCTAssertEqual(syft.description, #"cpe:2.3:a:openssl:openssl:1.1.1n-0\+deb11u3:*:*:*:*:*:*:*"#)
        // Escaped colons stay inside the value; case and needless escapes do not change it.
        let mariadb = try CPEName(parsing: #"cpe:2.3:a:mariadb:mariadb-common:1\:10.5.15-0\+deb11u1:*:*:*:*:*:*:*"#)
        XCTAssertEqual(mariadb.version, .value("1:10.5.15-0+deb11u1"))
        XCTAssertEqual(try CPEName(parsing: #"CPE:2.3:A:NodeJS:Node\.js:*:*:*:*:LTS:*:*:*"#),
                       try CPEName(parsing: "cpe:2.3:a:nodejs:node.js:*:*:*:*:lts:*:*:*"))
        XCTAssertEqual(try CPEName(parsing: #"cpe:2.3:a:x:\-:*:*:*:*:*:*:*:*"#).product, .value("-"))
        XCTAssertEqual(try CPEName(parsing: "cpe:2.3:a:x:y:-:*:*:*:*:*:*:*").version, .notApplicable)
        XCTAssertThrowsError(try CPEName(parsing: "cpe:2.3:a:x:y:*:*:*:*:*:*:*:*:*")) { error in
            XCTAssertEqual((error as? CPENameError)?.reason, "has 12 attributes, not 11")
        }
    }
}

/// The `cpe_matches` table: filled on import, replaced with its record, indexed, migrated into.
final class CPEMatchStoreTests: XCTestCase {
    private func scratchStore(_ name: String) throws -> (AdvisoryStore, URL) {
        let folder = try ImportedOSV.scratchFolder(name)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return (try AdvisoryStore(path: folder.appendingPathComponent("advisories.sqlite").path), folder)
    }

    private func nvd(_ records: [JSON]) throws -> [Advisory] {
        var d = ImportDiagnostics()
        return try NVDParser().parse(data: NVDRecords.feed(records), path: "nvd.json", diagnostics: &d)
    }

    private func rows(_ store: AdvisoryStore) throws -> Int {
        try store.queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM cpe_matches") ?? -1 }
    }

    func testImportFilesMatchesAndReimportReplacesThem() throws {
        let (store, _) = try scratchStore("cpe-import")
        let records = try [NVDRecords.openssl2024, NVDRecords.openssl2014, NVDRecords.openssl2018].map(NVDRecords.cve)
        XCTAssertEqual(try store.import(nvd(records), source: "nvd").inserted, 3)
        let openssl = try store.cpeMatches(vendor: "OpenSSL", product: "openssl")
        XCTAssertEqual(Dictionary(grouping: openssl, by: \.vulnerability).mapValues(\.count),
                       ["CVE-2014-0224": 3, "CVE-2018-0735": 2, "CVE-2024-0727": 5])
        XCTAssertEqual(openssl.first?.advisory, "NVD-CVE-2014-0224")
        XCTAssertEqual(try store.cpeMatches(vendor: "siemens", product: "s7-1500_firmware").first?.criterion.platforms,
                       ["cpe:2.3:h:siemens:s7-1500:-:*:*:*:*:*:*:*"])
        let total = try rows(store)
        XCTAssertEqual(total, 5 + 24 + 46)
        // The stored record carries them too: what was imported is what is read back.
        XCTAssertEqual(try store.advisory(id: "NVD-CVE-2024-0727")?.cpeMatches, try nvd([records[0]])[0].cpeMatches)

        // The same records again: unchanged, nothing added.
        XCTAssertEqual(try store.import(nvd(records), source: "nvd").unchanged, 3)
        XCTAssertEqual(try rows(store), total)
        // NVD's later copy of CVE-2024-0727 (lastModified 2026-05-12): replaces the record, not adds rows.
        XCTAssertEqual(try store.import(nvd([NVDRecords.cve(NVDRecords.openssl2024Newer)]), source: "nvd").replaced, 1)
        XCTAssertEqual(try rows(store), total)
        // A later copy with one range left: its rows are exactly that one.
        let narrowed = try NVDRecords.edited(NVDRecords.openssl2024Newer, lastModified: "2026-06-01T00:00:00.000", configurations: .array([
            NVDRecords.configuration([NVDRecords.node([NVDRecords.match("cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*",
                                                                         ["versionStartIncluding": "3.0.0", "versionEndExcluding": "3.0.13"])])])]))
        XCTAssertEqual(try store.import(nvd([narrowed]), source: "nvd").replaced, 1)
        XCTAssertEqual(try store.cpeMatches(vendor: "openssl", product: "openssl").filter { $0.vulnerability == "CVE-2024-0727" }
                        .map(\.criterion.rangeDescription), [">=3.0.0, <3.0.13"])
        XCTAssertEqual(try rows(store), total - 4)
        // Rejected by NVD: withdrawn, its matches no longer returned.
        guard case .object(var rejected) = narrowed else { return XCTFail() }
        rejected["vulnStatus"] = "Rejected"
        rejected["lastModified"] = "2026-07-01T00:00:00.000"
        XCTAssertEqual(try store.import(nvd([.object(rejected)]), source: "nvd").replaced, 1)
        XCTAssertEqual(try store.cpeMatches(vendor: "openssl", product: "openssl").filter { $0.vulnerability == "CVE-2024-0727" }, [])
        XCTAssertEqual(try store.cpeMatches(vendor: "nobody", product: "nothing"), [])
    }

    /// The lookup is one index search on (vendor, product), never a scan of the table.
    func testLookupUsesTheIndex() throws {
        let (store, _) = try scratchStore("cpe-plan")
        _ = try store.import(nvd([NVDRecords.cve(NVDRecords.openssl2014)]), source: "nvd")
        let plan = try store.queue.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + CPEMatchTable.lookupSQL, arguments: ["openssl", "openssl"])
                .map { $0["detail"] as String? ?? "" }
        }
        XCTAssertTrue(plan.contains { $0.contains("SEARCH c USING INDEX cpe_matches_product (vendor=? AND product=?)") }, "\(plan)")
        XCTAssertFalse(plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
    }

    /// A schema-1 database (before CPE matches) opens, migrates to 2, and the next import of the
    /// same NVD feed files its CPE matches although no record changed at NVD.
    func testSchema1DatabaseMigratesAndReimportFillsTheTable() throws {
        let folder = try ImportedOSV.scratchFolder("cpe-migrate")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("advisories.sqlite").path
        let advisories = try nvd([NVDRecords.cve(NVDRecords.openssl2024), NVDRecords.cve(NVDRecords.go2022)])
        // What schema 1 wrote: the v1 tables, and records without CPE matches.
        let queue = try DatabaseQueue(path: path)
        try AdvisoryStoreSchema.migrator.migrate(queue, upTo: "v1")
        try queue.write { db in
            for var a in advisories {
                a.cpeMatches = []
                try db.execute(sql: "INSERT INTO advisories(id, source, modified, bundle, record) VALUES (?, 'nvd', ?, 0, ?)",
                               arguments: [a.id, a.modified?.timeIntervalSince1970, AdvisoryRecordCoding.encode(a)])
                let rowid = db.lastInsertedRowID
                for alias in [a.id] + a.aliases { try db.execute(sql: "INSERT INTO aliases(alias, advisory) VALUES (?, ?)", arguments: [alias, rowid]) }
            }
            try db.execute(sql: "INSERT INTO sources(name, last_import, last_import_records) VALUES ('nvd', 0, 2)")
        }
        try queue.close()

        let store = try AdvisoryStore(path: path)
        XCTAssertEqual(try store.status().schemaVersion, 2)
        XCTAssertEqual(try store.status().advisories, 2)
        XCTAssertEqual(try store.cpeMatches(vendor: "openssl", product: "openssl"), [])
        let stats = try store.import(advisories, source: "nvd")
        XCTAssertEqual(stats.replaced, 2, "\(stats)")
        XCTAssertEqual(try store.cpeMatches(vendor: "openssl", product: "openssl").count, 5)
        XCTAssertEqual(try store.cpeMatches(vendor: "golang", product: "go").count, 2)
        XCTAssertNotNil(try store.status().sources.first?.newestModified)
        // And the next import is incremental again.
        XCTAssertEqual(try store.import(advisories, source: "nvd").unchanged, 2)
    }
}
