import Foundation
import JSON
import SBOM
import XCTest
@testable import Evaluation

final class ReportCycloneDXTests: XCTestCase {
    /// Runs cyclonedx-python-lib's strict validator (shared/tools/validators/cdx-validate.py) once over
    /// all documents; returns each document's line of its verdict (`VALID …` or `INVALID …: why`).
    func validate(_ documents: [Data]) throws -> [String] {
        let python = try OutsideTool.venvTool("python")
        let validator = SharedData.root.deletingLastPathComponent().appendingPathComponent("tools/validators/cdx-validate.py").path
        guard FileManager.default.fileExists(atPath: validator) else { throw XCTSkip("cdx-validate.py absent at \(validator)") }
        let dir = try OutsideTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = try documents.enumerated().map { i, data -> String in
            let file = dir.appendingPathComponent("\(i).cdx.json")
            try data.write(to: file)
            return file.path
        }
        let (_, output) = try OutsideTool.run(python, [validator] + files)
        return files.map { file in
            output.split(separator: "\n").map(String.init).first { $0.contains(file + " ") || $0.contains(file + ":") } ?? "NO VERDICT for \(file): \(output)"
        }
    }

    func testStrictlyValid() throws {
        let renderer = CycloneDXVulnerabilityRenderer(timestamp: Date(timeIntervalSince1970: 1_700_000_000))
        let reports = [ReportFixture.ubuntu, ReportFixture.debian, ReportFixture.empty, ReportFixture.hostile, ReportFixture.synthetic(500)]
        var documents = reports.map { renderer.render($0) }
        // The validator must be able to say no: a scoring method CycloneDX does not define.
        documents.append(Data(renderer.document(ReportFixture.ubuntu).serializedString().replacingOccurrences(of: "CVSSv31", with: "CVSSv5").utf8))
        let verdicts = try validate(documents)
        for verdict in verdicts.dropLast() { XCTAssertTrue(verdict.hasPrefix("VALID "), verdict) }
        XCTAssertTrue(verdicts.last?.hasPrefix("INVALID ") ?? false, "an unknown rating method must fail strict validation: \(verdicts.last ?? "")")
    }

    /// Decided findings carry CycloneDX `analysis`; suppressed ones are listed as unaffected: a CycloneDX
    /// VEX that the strict 1.6 validator accepts (and that says no to a state CycloneDX lacks).
    func testVEXAnalysis() throws {
        let renderer = CycloneDXVulnerabilityRenderer(timestamp: Date(timeIntervalSince1970: 1_700_000_000))
        let data = renderer.render(VEXReportFixture.report)
        let doc = try JSON.parse(data)
        let vulns = doc.array("vulnerabilities")
        XCTAssertEqual(vulns.compactMap { $0.string("id") }, ["CVE-2016-2781", "CVE-2023-32681", "CVE-2023-45288", "CVE-2023-4911"])
        XCTAssertEqual(doc.array("components").count, 5, "the suppressed findings' packages are components too")

        let requests = vulns[1]
        XCTAssertEqual(requests["analysis"]?.string("state"), "not_affected")
        XCTAssertEqual(requests["analysis"]?.string("justification"), "code_not_reachable")
        XCTAssertEqual(requests["analysis"]?.string("detail"), VEXReportFixture.notAffected.impactStatement)
        XCTAssertEqual(requests["analysis"]?.string("lastUpdated"), "2024-03-01T10:00:00Z")
        XCTAssertNil(requests["analysis"]?["response"], "nothing to respond to in a package that is not affected")
        XCTAssertNil(requests["recommendation"], "no upgrade advice for a package a statement says is not affected")
        XCTAssertEqual(requests.array("affects").first?["versions"]?[0]?.string("status"), "unaffected")
        XCTAssertTrue(requests.array("properties").contains(["name": "vouch:vex:source", "value": "vex/app.openvex.json"]))

        let xnet = vulns[2]
        XCTAssertEqual(xnet["analysis"]?.string("state"), "resolved")
        XCTAssertEqual(xnet["analysis"]?.string("detail"), "Backported the upstream fix into the vendored copy.")
        XCTAssertNil(xnet["analysis"]?["justification"])

        let coreutils = vulns[0]
        XCTAssertEqual(coreutils["analysis"]?.string("state"), "in_triage")
        XCTAssertNil(coreutils["analysis"]?["response"], "not fixed: no response to offer")
        XCTAssertEqual(coreutils.array("affects").first?["versions"]?[0]?.string("status"), "affected")
        XCTAssertNotNil(coreutils["recommendation"])
        XCTAssertNil(vulns[3]["analysis"], "an undecided vulnerability has no analysis")

        // One entry per decision: the same CVE not affected in libc6 but undecided in libc-bin is two entries.
        var split = ReportFixture.ubuntu
        split.findings.removeAll { $0.package == ReportFixture.libc6 && $0.id == "CVE-2023-4911" }
        var decided = ReportFixture.glibc(ReportFixture.libc6)
        decided.vex = VEXAnnotation(status: "affected", actionStatement: "Update libc6", source: "vex.json")
        split.findings.append(decided)
        let glibc = try JSON.parse(renderer.render(split)).array("vulnerabilities").filter { $0.string("id") == "CVE-2023-4911" }
        XCTAssertEqual(glibc.count, 2)
        XCTAssertNil(glibc[0]["analysis"], "undecided first")
        XCTAssertEqual(glibc[1]["analysis"]?.string("state"), "exploitable")
        XCTAssertEqual(glibc[1]["analysis"]?["response"], ["update"])
        XCTAssertEqual(glibc[1].array("affects").compactMap { $0.string("ref") }, [ReportFixture.libc6.purl])

        XCTAssertEqual(renderer.render(ReportFixture.ubuntu), renderer.render(ReportFixture.ubuntu))
        let broken = Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"in_triage\"", with: "\"triaging\"").utf8)
        let verdicts = try validate([data, renderer.render(split), broken])
        XCTAssertTrue(verdicts[0].hasPrefix("VALID "), verdicts[0])
        XCTAssertTrue(verdicts[1].hasPrefix("VALID "), verdicts[1])
        XCTAssertTrue(verdicts[2].hasPrefix("INVALID "), "an analysis state CycloneDX lacks must fail: \(verdicts[2])")
    }

    func testDocumentContent() throws {
        let doc = try JSON.parse(CycloneDXVulnerabilityRenderer().render(ReportFixture.ubuntu))
        XCTAssertEqual(doc.string("specVersion"), "1.6")
        XCTAssertNil(doc["metadata"]?["timestamp"], "no timestamp unless given: same scan, same bytes")
        let target = try XCTUnwrap(doc["metadata"]?["component"])
        XCTAssertEqual(target.string("type"), "container")
        XCTAssertEqual(target.string("version"), ReportFixture.digest)
        XCTAssertEqual(doc.array("components").compactMap { $0.string("bom-ref") },
                       ReportFixture.ubuntuPackages.map(\.purl).sorted(), "bom-ref is the purl, one per affected package")

        let vulns = doc.array("vulnerabilities")
        XCTAssertEqual(vulns.compactMap { $0.string("id") }, ["CVE-2016-2781", "CVE-2023-32681", "CVE-2023-45288", "CVE-2023-4911"])
        let glibc = try XCTUnwrap(vulns.last)
        XCTAssertEqual(glibc["source"]?.string("name"), "NVD")
        XCTAssertEqual(glibc["source"]?.string("url"), "https://nvd.nist.gov/vuln/detail/CVE-2023-4911")
        XCTAssertEqual(glibc.array("references").compactMap { $0.string("id") }, ["UBUNTU-CVE-2023-4911", "USN-6409-1"])
        XCTAssertEqual(glibc.array("references").last?["source"]?.string("name"), "Ubuntu")
        let ratings = glibc.array("ratings")
        XCTAssertEqual(ratings.count, 2)
        XCTAssertEqual(ratings[0]["source"]?.string("name"), "Ubuntu")
        XCTAssertEqual(ratings[0].string("severity"), "medium")
        XCTAssertEqual(ratings[1]["source"]?.string("name"), "NVD")
        XCTAssertEqual(ratings[1].string("method"), "CVSSv31")
        XCTAssertEqual(ratings[1]["score"]?.double, 7.8)
        XCTAssertEqual(ratings[1].string("severity"), "high")
        XCTAssertEqual(ratings[1].string("vector"), "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H")
        XCTAssertEqual(glibc.array("affects").compactMap { $0.string("ref") }, [ReportFixture.libcBin.purl, ReportFixture.libc6.purl])
        XCTAssertEqual(glibc.array("affects").first?["versions"]?[0]?.string("version"), "2.35-0ubuntu3.1")
        XCTAssertEqual(glibc.array("affects").first?["versions"]?[0]?.string("status"), "affected")
        XCTAssertEqual(glibc.string("recommendation"), "Upgrade libc-bin to 2.35-0ubuntu3.4; Upgrade libc6 to 2.35-0ubuntu3.4")
        XCTAssertEqual(vulns[0].array("ratings")[1].string("method"), "CVSSv3", "coreutils' score is CVSS 3.0")
        XCTAssertEqual(vulns[2].array("ratings").first?.string("severity"), "unknown", "unrated: one 'unknown' rating")

        let debian = try JSON.parse(CycloneDXVulnerabilityRenderer().render(ReportFixture.debian))
        let zlib = try XCTUnwrap(debian.array("vulnerabilities").first)
        XCTAssertEqual(zlib.string("recommendation"), "zlib1g: the distribution will not fix this in this release")
        XCTAssertEqual(zlib.array("ratings").first?.string("severity"), "low")
        XCTAssertEqual(zlib.array("ratings").last?.string("severity"), "critical", "the CVSS rating keeps its own band")
        XCTAssertEqual(zlib.array("references").first?["source"]?.string("url"), "https://security-tracker.debian.org/tracker/CVE-2023-45853")

        let empty = try JSON.parse(CycloneDXVulnerabilityRenderer().render(ReportFixture.empty))
        XCTAssertEqual(empty.array("vulnerabilities").count, 0)
        XCTAssertEqual(empty.array("components").count, 0)
    }
}
