import Foundation
import JSON
import XCTest
@testable import Advisories

/// NVD CVE API 2.0 records. No NVD feed is in shared/data, but grype's matcher test data holds 15
/// real API 2.0 `cve` objects in vunnel's wrapper (`{"identifier", "item": {"cve": …}, "schema"}`);
/// the API/feed document around them (`{"format": "NVD_CVE", "version": "2.0", "vulnerabilities":
/// [{"cve": …}]}`) is the one NVD documents at https://nvd.nist.gov/developers/vulnerabilities.
final class NVDImportTests: XCTestCase {
    static let grype = "examples/grype/grype/matcher"

    func record(_ relative: String) throws -> JSON {
        let wrapped = try JSON.parse(SharedData.data("\(Self.grype)/\(relative)"))
        return try XCTUnwrap(wrapped["item"]?["cve"])
    }

    /// Real records put into an API 2.0 response.
    func feed(_ records: [JSON]) -> Data {
        JSON.object(["resultsPerPage": .int(Int64(records.count)), "startIndex": 0, "totalResults": .int(Int64(records.count)),
                     "format": "NVD_CVE", "version": "2.0", "timestamp": "2025-09-04T00:00:00.000",
                     "vulnerabilities": .array(records.map { .object(["cve": $0]) })]).serialized([])
    }

    func testPrimaryAndSecondaryCVSSFromAnAPIResponse() throws {
        let records = try [record("dpkg/testdata/eol-debian8/nvd/results/2024/cve-2024-0727.json"),
                           record("apk/testdata/alpine318/nvd/results/2014/cve-2014-0224.json"),
                           record("rpm/testdata/rhel8/nvd/results/2018/cve-2018-17199.json")]
        let data = feed(records)
        let parser = NVDParser()
        XCTAssertTrue(parser.detect(data: data, path: "nvdcve-2.0-2024.json"))
        let advisories = try parser.parse(data: data, path: "nvdcve-2.0-2024.json")
        XCTAssertEqual(advisories.map(\.id), ["NVD-CVE-2024-0727", "NVD-CVE-2014-0224", "NVD-CVE-2018-17199"])
        XCTAssertEqual(advisories.map(\.aliases), [["CVE-2024-0727"], ["CVE-2014-0224"], ["CVE-2018-17199"]])
        XCTAssertTrue(advisories.allSatisfy { $0.source == "nvd" && $0.affected.isEmpty && $0.withdrawn == nil })

        // OpenSSL PKCS12 NULL dereference: NVD's own (Primary) 3.1 vector and CISA-ADP's (Secondary).
        let pkcs12 = advisories[0]
        XCTAssertEqual(pkcs12.severities, [
            AdvisorySeverity(kind: .cvssV3, value: "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H", source: "nvd", score: 5.5),
            AdvisorySeverity(kind: .cvssV3, value: "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H", source: "134c704f-9b21-4f2e-91b3-4a467353bcc0", score: 5.5),
        ])
        // "published": "2024-01-26T09:15:07.637", "lastModified": "2025-11-03T22:16:34.223" (UTC).
        XCTAssertEqual(pkcs12.published?.timeIntervalSince1970 ?? 0, 1_706_260_507.637, accuracy: 0.0005)
        XCTAssertEqual(pkcs12.modified?.timeIntervalSince1970 ?? 0, 1_762_208_194.223, accuracy: 0.0005)
        XCTAssertTrue(pkcs12.details?.hasPrefix("Issue summary: Processing a maliciously formatted PKCS12 file") == true)
        XCTAssertTrue(pkcs12.references.contains("https://www.openssl.org/news/secadv/20240125.txt"))

        // CCS injection: v3.1 before v2 (the order NVD's metrics are read in), v2 vectors without prefix.
        XCTAssertEqual(advisories[1].severities, [
            AdvisorySeverity(kind: .cvssV3, value: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", source: "nvd", score: 7.4),
            AdvisorySeverity(kind: .cvssV2, value: "AV:N/AC:M/Au:N/C:P/I:P/A:N", source: "nvd", score: 5.8),
        ])
        // A CVSS 3.0 entry is a CVSS_V3 severity too.
        XCTAssertEqual(advisories[2].severities.first, AdvisorySeverity(kind: .cvssV3, value: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", source: "nvd", score: 7.5))
    }

    func testEveryRecordInGrypesTestDataReadsAlsoInItsWrapper() throws {
        let root = try SharedData.path(Self.grype)
        let files = try XCTUnwrap(FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String }
            .filter { $0.contains("/nvd/results/") && $0.hasSuffix(".json") }.sorted())
        XCTAssertEqual(files.count, 15)
        var secondaryOnly = 0
        for file in files {
            let data = try SharedData.data("\(Self.grype)/\(file)")
            XCTAssertTrue(NVDParser().detect(data: data, path: file), file)
            let wrapped = try NVDParser().parse(data: data, path: file)
            XCTAssertEqual(wrapped.count, 1)
            let asFeed = try NVDParser().parse(data: feed([record(file)]), path: "feed.json")
            XCTAssertEqual(wrapped, asFeed, file)
            XCTAssertFalse(wrapped[0].severities.isEmpty, file)
            if !wrapped[0].severities.contains(where: { $0.source == "nvd" }) { secondaryOnly += 1 }
        }
        // CVE-2024-47535, -28182, -10524 and -20919 carry only a CNA's (Secondary) score.
        XCTAssertEqual(secondaryOnly, 4)
    }

    func testARejectedRecordIsWithdrawn() throws {
        // The real record with its status changed as NVD does when it rejects a CVE.
        guard case .object(var cve) = try record("apk/testdata/rootio-alpine-318/nvd/results/2024/cve-2024-10524.json") else { return XCTFail() }
        XCTAssertEqual(cve["vulnStatus"], "Deferred")
        cve["vulnStatus"] = "Rejected"
        let a = try XCTUnwrap(try NVDParser().parse(data: feed([.object(cve)]), path: "f").first)
        XCTAssertNotNil(a.modified)
        XCTAssertEqual(a.withdrawn, a.modified)
        XCTAssertEqual(a.severities.first?.source, "reefs@jfrog.com")
    }

    func testHostileDocumentsGiveErrorsNamingTheField() throws {
        let parser = NVDParser()
        func reason(_ json: String) -> String? {
            do { _ = try parser.parse(data: Data(json.utf8), path: "nvd.json"); return nil } catch { return (error as? AdvisoryFeedError)?.description }
        }
        XCTAssertEqual(reason(#"{"vulnerabilities": {}}"#), "nvd nvd.json: vulnerabilities: expected an array, found an object")
        XCTAssertEqual(reason(#"{"vulnerabilities": [{"cve": {"id": "CVE-1"}}]}"#), "nvd nvd.json: vulnerabilities[0].cve.id: 'CVE-1' is not a CVE id")
        XCTAssertEqual(reason(#"{"vulnerabilities": [{"cve": {"id": "CVE-2024-0727", "metrics": {"cvssMetricV31": [{"type": "Primary", "cvssData": {"vectorString": "CVSS:3.1/AV:N", "baseScore": "high"}}]}}}]}"#),
                       "nvd nvd.json: vulnerabilities[0].cve.metrics.cvssMetricV31[0].cvssData.baseScore: expected a number, found a string")
        XCTAssertEqual(reason(#"{"vulnerabilities": [{"cve": {"id": "CVE-2024-0727", "metrics": {"cvssMetricV2": [{"cvssData": {"vectorString": "AV:N", "baseScore": 11}}]}}}]}"#),
                       "nvd nvd.json: vulnerabilities[0].cve.metrics.cvssMetricV2[0].cvssData.baseScore: 11.0 is not a score from 0 to 10")
        XCTAssertEqual(reason(#"{"vulnerabilities": [{"cve": {"id": "CVE-2024-0727", "published": "yesterday"}}]}"#),
                       "nvd nvd.json: vulnerabilities[0].cve.published: 'yesterday' is not a time like 2024-04-12T08:15:06.230")
        XCTAssertEqual(reason(#"{"vulnerabilities": [{"cve": {"id": "CVE-2024-0727", "published": "2024-02-30T00:00:00.000"}}]}"#),
                       "nvd nvd.json: vulnerabilities[0].cve.published: '2024-02-30T00:00:00.000' is not a time like 2024-04-12T08:15:06.230")
        XCTAssertEqual(reason(#"{"vulnerabilities": [7]}"#), "nvd nvd.json: vulnerabilities[0]: expected an object, found a number")
        XCTAssertEqual(reason(#"{"format": "NVD_CVE"}"#), "nvd nvd.json: has no 'vulnerabilities', 'item' or 'cve' member")
        XCTAssertNotNil(reason(String(repeating: "[", count: 100_000)))
        XCTAssertNotNil(reason("{\"vulnerabilities\": [\u{0}]}"))
        XCTAssertFalse(parser.detect(data: Data(#"{"id": "GHSA-xxxx", "affected": []}"#.utf8), path: "osv.json"))
    }
}

extension NVDImportTests {
    /// One member of a tarball in shared/data, read with `tar -O`.
    func member(_ archive: String, _ path: String) throws -> Data {
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "xzOf", try SharedData.path(archive), path]
        let out = Pipe()
        tar.standardOutput = out
        try tar.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        tar.waitUntilExit()
        XCTAssertEqual(tar.terminationStatus, 0)
        return data
    }

    /// Each format's `detect` claims its own real files and none of the others' (nor an OSV record).
    func testDetectionKeepsFormatsApart() throws {
        let samples: [(format: String, path: String, data: Data)] = [
            ("dsa", "DSA/list", try SharedData.data("osv/distro/debian-security-tracker/DSA-list.txt")),
            ("debian-json", "json", Data(DebianTrackerImportTests.trackerJSON.utf8)),
            ("alpine", "v3.11/main.yaml", try SharedData.data("osv/distro/alpine-secdb/v3.11/main.yaml")),
            ("rubysec", "ruby-advisory-db/gems/actionpack/CVE-2020-8164.yml",
             try member("osv/RubyGems-rubysec.tar.gz", "ruby-advisory-db/gems/actionpack/CVE-2020-8164.yml")),
            ("nswg", "nodejs-security-wg/vuln/npm/1.json", try member("osv/npm-nodejs-security-wg.tar.gz", "nodejs-security-wg/vuln/npm/1.json")),
            ("nvd", "cve-2024-0727.json", try SharedData.data("\(Self.grype)/dpkg/testdata/eol-debian8/nvd/results/2024/cve-2024-0727.json")),
            ("osv", "USN-6409-1.json", try SharedData.data("osv/distro/ubuntu-osv-sample/USN-6409-1.json")),
            ("osv", "DSA-3029-1.json", try SharedData.data("osv/samples/osv.dev/gcp/workers/oss_fuzz_worker/testdata/DSA-3029-1.json")),
        ]
        let detectors: [(String, (Data, String) -> Bool)] = [
            ("dsa", { DebianSecurityListParser().detect(data: $0, path: $1) }),
            ("debian-json", { DebianTrackerJSONParser().detect(data: $0, path: $1) }),
            ("alpine", { AlpineSecDBParser().detect(data: $0, path: $1) }),
            ("rubysec", { RubySecParser().detect(data: $0, path: $1) }),
            ("nswg", { NodeSecurityWGParser().detect(data: $0, path: $1) }),
            ("nvd", { NVDParser().detect(data: $0, path: $1) }),
        ]
        for sample in samples {
            // The importer shows `detect` only the first 4 KiB.
            let head = sample.data.prefix(4096)
            let claimed = detectors.filter { $0.1(head, sample.path) }.map(\.0)
            XCTAssertEqual(claimed, sample.format == "osv" ? [] : [sample.format], sample.path)
        }
    }
}
