import Foundation
import JSON
import SBOM
import XCTest
@testable import Evaluation

final class ReportSARIFTests: XCTestCase {
    /// Each document's verdict against the official SARIF 2.1.0 schema.
    func validate(_ documents: [Data]) throws -> [String] {
        try JSONSchemaCheck.validate(documents, schema: "schemas/sarif/sarif-schema-2.1.0.json", suffix: ".sarif")
    }

    func testValidAgainstOfficialSchema() throws {
        let renderer = SARIFRenderer()
        let reports = [ReportFixture.ubuntu, ReportFixture.debian, ReportFixture.empty, ReportFixture.hostile, ReportFixture.synthetic(500)]
        var documents = reports.map { renderer.render($0) }
        // The validator must be able to say no: a level SARIF does not define.
        var broken = renderer.document(ReportFixture.ubuntu).serializedString()
        broken = broken.replacingOccurrences(of: "\"level\": \"warning\"", with: "\"level\": \"severe\"")
        documents.append(Data(broken.utf8))
        let verdicts = try validate(documents)
        XCTAssertEqual(verdicts.count, documents.count)
        for (i, verdict) in verdicts.dropLast().enumerated() { XCTAssertEqual(verdict, "VALID", "report \(i)") }
        XCTAssertTrue(verdicts.last?.hasPrefix("INVALID ") ?? false, "a wrong level must fail validation")
        XCTAssertTrue(verdicts.last?.contains("severe") ?? false, verdicts.last ?? "")
    }

    func testRulesResultsAndSecuritySeverity() throws {
        let doc = try JSON.parse(SARIFRenderer().render(ReportFixture.ubuntu))
        XCTAssertEqual(doc.string("version"), "2.1.0")
        let run = try XCTUnwrap(doc.array("runs").first)
        XCTAssertEqual(run["tool"]?["driver"]?.string("name"), "vouch")
        XCTAssertEqual(run["tool"]?["driver"]?.string("version"), VouchVersion.current)
        let rules = run["tool"]?["driver"]?.array("rules") ?? []
        XCTAssertEqual(rules.compactMap { $0.string("id") }, ["CVE-2016-2781", "CVE-2023-32681", "CVE-2023-45288", "CVE-2023-4911"])
        func rule(_ id: String) -> JSON? { rules.first { $0.string("id") == id } }
        // Ubuntu rated glibc MEDIUM; the 7.8 is NVD's, so the rating's default stands (as trivy does).
        XCTAssertEqual(rule("CVE-2023-4911")?["properties"]?.string("security-severity"), "5.5")
        // GitHub rated requests MEDIUM with its own CVSS 6.1: that score is used.
        XCTAssertEqual(rule("CVE-2023-32681")?["properties"]?.string("security-severity"), "6.1")
        XCTAssertEqual(rule("CVE-2016-2781")?["properties"]?.string("security-severity"), "2.0")
        XCTAssertEqual(rule("CVE-2023-45288")?["properties"]?.string("security-severity"), "0.0")
        XCTAssertEqual(rule("CVE-2023-4911")?["defaultConfiguration"]?.string("level"), "warning")
        XCTAssertEqual(rule("CVE-2016-2781")?["defaultConfiguration"]?.string("level"), "note")
        XCTAssertEqual(rule("CVE-2023-4911")?.string("helpUri"), "https://nvd.nist.gov/vuln/detail/CVE-2023-4911")
        let help = rule("CVE-2023-4911")?["help"]?.string("text") ?? ""
        XCTAssertTrue(help.contains("libc6 2.35-0ubuntu3.1: fixed in 2.35-0ubuntu3.4\n"), help)
        XCTAssertTrue(help.contains("libc-bin 2.35-0ubuntu3.1: fixed in 2.35-0ubuntu3.4\n"), help)
        XCTAssertTrue(rule("CVE-2016-2781")?["help"]?.string("text")?.contains("coreutils 8.32-4.1ubuntu1: not fixed") ?? false)

        let results = run.array("results")
        XCTAssertEqual(results.count, 5, "one result per finding")
        let glibc = results.filter { $0.string("ruleId") == "CVE-2023-4911" }
        XCTAssertEqual(glibc.count, 2)
        XCTAssertEqual(glibc.compactMap { $0["ruleIndex"]?.int }, [3, 3])
        XCTAssertEqual(glibc.first?.string("level"), "warning")
        XCTAssertEqual(glibc.first?["locations"]?[0]?["physicalLocation"]?["artifactLocation"]?.string("uri"), "var/lib/dpkg/status")
        XCTAssertEqual(glibc.first?["message"]?.string("text"),
                       "libc-bin 2.35-0ubuntu3.1 (deb) in app@sha256:c6801a3dc527… is affected by CVE-2023-4911 (MEDIUM, CVSS 7.8); fixed in 2.35-0ubuntu3.4")
        XCTAssertNotEqual(glibc[0]["partialFingerprints"], glibc[1]["partialFingerprints"], "each finding is its own alert")
        // A package without files is located by its purl.
        let xnet = try XCTUnwrap(results.first { $0.string("ruleId") == "CVE-2023-45288" })
        XCTAssertNil(xnet["locations"]?[0]?["physicalLocation"])
        XCTAssertEqual(xnet["locations"]?[0]?["logicalLocations"]?[0]?.string("fullyQualifiedName"), "pkg:golang/golang.org/x/net@v0.17.0")
    }

    /// Suppressed findings are results with an external, accepted suppression (what code scanning shows
    /// as dismissed); decided ones carry the statement in their properties; the document stays valid.
    func testVEXSuppressionsAndProperties() throws {
        let data = SARIFRenderer().render(VEXReportFixture.report)
        let run = try XCTUnwrap(JSON.parse(data).array("runs").first)
        let results = run.array("results")
        XCTAssertEqual(results.count, 5, "suppressed findings stay results")
        XCTAssertEqual(run["tool"]?["driver"]?.array("rules").compactMap { $0.string("id") },
                       ["CVE-2016-2781", "CVE-2023-32681", "CVE-2023-45288", "CVE-2023-4911"], "every result has its rule")
        func result(_ id: String) throws -> JSON { try XCTUnwrap(results.first { $0.string("ruleId") == id }) }

        let requests = try result("CVE-2023-32681")
        let suppressions = requests.array("suppressions")
        XCTAssertEqual(suppressions.count, 1)
        XCTAssertEqual(suppressions.first?.string("kind"), "external")
        XCTAssertEqual(suppressions.first?.string("status"), "accepted")
        XCTAssertEqual(suppressions.first?.string("justification"),
                       "VEX not_affected (vulnerable_code_not_in_execute_path): The service never sends requests through a proxy, "
                       + "so no Proxy-Authorization header exists to leak. — vex/app.openvex.json, security@example.com")
        XCTAssertEqual(requests["properties"]?["vex"]?.string("status"), "not_affected")
        XCTAssertEqual(try result("CVE-2023-45288").array("suppressions").first?.string("justification"),
                       "VEX fixed — vex/app.openvex.json, security@example.com")
        // A finding the statement kept is not suppressed; its VEX status rides along.
        let coreutils = try result("CVE-2016-2781")
        XCTAssertNil(coreutils["suppressions"])
        XCTAssertEqual(coreutils["properties"]?["vex"]?.string("status"), "under_investigation")
        XCTAssertTrue(coreutils["message"]?.string("text")?.hasSuffix("; not fixed; VEX: under investigation : Canonical Ltd.") ?? false)
        XCTAssertNil(try result("CVE-2023-4911")["properties"]?["vex"], "an undecided finding has no vex property")
        // The same alert identity as without VEX, so an upload after the statement dismisses the open alert.
        let before = try XCTUnwrap(JSON.parse(SARIFRenderer().render(ReportFixture.ubuntu)).array("runs").first?.array("results"))
        XCTAssertEqual(requests["partialFingerprints"], before.first { $0.string("ruleId") == "CVE-2023-32681" }?["partialFingerprints"])

        // Valid against the official schema; and the schema can say no to a suppression status it lacks.
        let broken = Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"accepted\"", with: "\"ignored\"").utf8)
        let verdicts = try validate([data, broken])
        XCTAssertEqual(verdicts.first, "VALID")
        XCTAssertTrue(verdicts.last?.hasPrefix("INVALID ") ?? false, verdicts.last ?? "")
        XCTAssertTrue(verdicts.last?.contains("ignored") ?? false, verdicts.last ?? "")
    }

    func testSecuritySeverityDefaults() {
        func s(_ rating: Severity, _ by: String?, _ cvss: SeverityAssessment.Score?) -> String {
            SARIFRenderer.securitySeverity(SeverityAssessment(rating: rating, ratedBy: by, cvss: cvss))
        }
        XCTAssertEqual(s(.critical, "debian", nil), "9.5")
        XCTAssertEqual(s(.high, "ghsa", nil), "8.0")
        XCTAssertEqual(s(.medium, "ubuntu", nil), "5.5")
        XCTAssertEqual(s(.low, "debian", ReportFixture.score("3.1", 9.8, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "nvd")), "2.0")
        XCTAssertEqual(s(.high, "cvss", ReportFixture.score("3.1", 7.5, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "nvd")), "7.5")
        XCTAssertEqual(s(.unspecified, nil, nil), "0.0")
        XCTAssertEqual(SARIFRenderer.level(.critical), "error")
        XCTAssertEqual(SARIFRenderer.level(.high), "error")
        XCTAssertEqual(SARIFRenderer.level(.medium), "warning")
        XCTAssertEqual(SARIFRenderer.level(.unspecified), "note")
    }

    /// Every member grype's SARIF carries (its presenter snapshot) is in ours, except those listed.
    func testShapeMatchesGrype() throws {
        let grype = try JSON.parse(SharedData.data("examples/grype/grype/presenter/sarif/testdata/snapshot/TestSarifPresenter_image.golden"))
        let ours = try JSON.parse(SARIFRenderer().render(ReportFixture.ubuntu))
        // grype pins a fake one-character region and lists the purl on the rule; vouch locates results by file only.
        let omitted: Set<String> = ["runs.tool.driver.informationUri", "runs.tool.driver.rules.properties.purls",
                                    "runs.results.locations.physicalLocation.region.startColumn",
                                    "runs.results.locations.physicalLocation.region.endLine",
                                    "runs.results.locations.physicalLocation.region.endColumn",
                                    "runs.results.partialFingerprints.primaryLocationLineHash"]
        let missing = paths(grype).subtracting(paths(ours)).subtracting(omitted)
        XCTAssertEqual(missing, [], "members grype writes and vouch does not")
    }

    func paths(_ json: JSON, _ prefix: String = "") -> Set<String> {
        switch json {
        case .object(let o):
            var out = Set<String>()
            for (k, v) in o {
                let p = prefix.isEmpty ? k : prefix + "." + k
                out.insert(p)
                out.formUnion(paths(v, p))
            }
            return out
        case .array(let a): return a.reduce(into: Set<String>()) { $0.formUnion(paths($1, prefix)) }
        default: return []
        }
    }
}
