import Foundation
import JSON
import XCTest
@testable import VEX

/// CycloneDX VEX from the CycloneDX bom-examples (the VEX and CISA use cases) and trivy's test data.
final class CycloneDXVEXReaderTests: XCTestCase {
    override func setUpWithError() throws { try SharedData.require() }

    private func read(_ relative: String) throws -> VEXDocument {
        try VEXDocumentReader().read(contentsOf: SharedData.path("examples/" + relative))
    }

    private static let useCases = "cyclonedx/bom-examples/VEX/Use-Cases/"
    private static let cisa = "cyclonedx/bom-examples/VEX/CISA-Use-Cases/"

    func testBOMLinkIsSplitAndJustificationMapped() throws {
        let d = try read("cyclonedx/bom-examples/VEX/vex.json")
        XCTAssertEqual(d.format, .cycloneDX)
        XCTAssertEqual(d.version, 1)
        let s = try XCTUnwrap(d.statements.first)
        XCTAssertEqual(d.statements.count, 1)
        XCTAssertEqual(s.vulnerability, "CVE-2020-25649")
        XCTAssertEqual(s.aliases, ["SNYK-JAVA-COMFASTERXMLJACKSONCORE-1048302"])
        XCTAssertEqual(s.status, .notAffected)
        XCTAssertEqual(s.justification, .vulnerableCodeNotInExecutePath)
        XCTAssertEqual(s.sourceJustification, "code_not_reachable")
        XCTAssertTrue(s.impactStatement?.hasPrefix("Automated dataflow analysis and manual code review") == true)
        XCTAssertEqual(s.actionStatement, "response: will_not_fix, update; recommendation: Upgrade com.fasterxml.jackson.core:jackson-databind to version 2.6.7.4, 2.9.10.7, 2.10.5.1 or higher.")
        let product = try XCTUnwrap(s.products.first)
        XCTAssertEqual(product.bomLink, BOMLink(serialNumber: "3e671687-395b-41f5-a30f-a58921a69b79", version: 1,
                                                ref: "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar"))
        XCTAssertEqual(product.purl, "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar")
        XCTAssertNil(product.id, "a bom-ref in another BOM is not one of this document's")
    }

    func testSubjectIsTheProduct() throws {
        let d = try read(Self.useCases + "Case-1/vex.json")
        XCTAssertEqual(d.timestamp?.timeIntervalSince1970, 1_642_032_000)
        XCTAssertEqual(d.statements.count, 1)
        XCTAssertEqual(d.statements[0].products, [VEXComponent(id: "acme-product")])
        XCTAssertEqual(d.statements[0].actionStatement, "response: will_not_fix, update")
    }

    func testEveryStateAndJustificationOfTheUseCases() throws {
        let case12 = try read(Self.useCases + "Case-12/vex.json")
        XCTAssertEqual(case12.statements.map(\.vulnerability), ["CVE-2020-25649", "CVE-2020-35491", "CVE-2020-14195"])
        XCTAssertEqual(case12.statements.map(\.status), [.notAffected, .affected, .notAffected])
        XCTAssertEqual(case12.statements[2].justification, .inlineMitigationsAlreadyExist)
        XCTAssertEqual(case12.statements[2].sourceJustification, "protected_by_mitigating_control")
        XCTAssertEqual(case12.statements[1].impactStatement, "Update to Acme Product v2.4.0 or higher")

        let cisa3 = try read(Self.cisa + "Case-3/vex.json")
        XCTAssertEqual(cisa3.statements.count, 19)
        let counts = Dictionary(grouping: cisa3.statements, by: \.status).mapValues(\.count)
        XCTAssertEqual(counts, [.underInvestigation: 5, .affected: 5, .notAffected: 6, .fixed: 3])
        XCTAssertEqual(cisa3.statements.first { $0.vulnerability == "CVE-2020-11906" }?.justification, .vulnerableCodeNotPresent)

        let cisa1 = try ["vex-affected", "vex-fixed", "vex-not_affected", "vex-under_investigation"].map { try read(Self.cisa + "Case-1/\($0).json") }
        XCTAssertEqual(cisa1.map { $0.statements.first?.status }, [.affected, .fixed, .notAffected, .underInvestigation])
        XCTAssertEqual(cisa1.map { $0.statements.first?.products.first?.id }, ["product-DEF", "product-DEF", "product-ABC", "product-GHI"])
    }

    func testBOMLinksToOtherBOMs() throws {
        let d = try read(Self.useCases + "Case-13/vex.json")
        XCTAssertEqual(d.statements.count, 2)
        XCTAssertEqual(d.statements[0].products.compactMap(\.bomLink?.ref), ["acme-product-1", "acme-product-2"])
        XCTAssertEqual(d.statements[0].products.map(\.bomLink?.serialNumber),
                       ["2c385cf7-e1ee-46e9-a51c-13de1ecb380a", "6ffac0b2-5246-4fb9-a6fe-7993041856a0"])
        XCTAssertEqual(d.statements[1].status, .affected)
        XCTAssertEqual(d.statements[1].products.first?.bomLink?.description, "urn:cdx:240b5b0b-917d-4f48-816c-97e1944d8079/1#acme-product-3")
        XCTAssertNil(d.statements[1].products.first?.purl)
    }

    func testNoAffectsMeansNoProductsAndManufactureIsTheAuthor() throws {
        let d = try read(Self.useCases + "Case-7/vex.json")
        XCTAssertEqual(d.author, "Acme, Inc.")
        XCTAssertEqual(d.timestamp?.timeIntervalSince1970, 1_586_809_239)   // 2020-04-13T20:20:39+00:00
        XCTAssertEqual(d.statements.count, 1)
        XCTAssertEqual(d.statements[0].products, [])
    }

    func testVersionListsWithoutPurlCannotBeNamedAndAreReported() throws {
        let individual = try read(Self.useCases + "Case-10/vex.json")
        XCTAssertEqual(individual.statements.count, 0, "13 versions of a component without purl or version: none can be named")
        XCTAssertEqual(individual.problems.count, 2)
        XCTAssertTrue(individual.problems[0].description.hasSuffix(
            "Case-10/vex.json statement 1: CVE-2020-25649: affects[0] \"acme-product\": 2.2.0, 2.2.1, 2.2.2, 2.3.0, 2.3.1, 2.3.1, 2.3.2, 2.3.3 and 5 more: versions other than the component's own cannot be named without a purl; left out"),
                      individual.problems[0].description)
        XCTAssertTrue(individual.problems[1].message.contains("statement is not used"))

        let range = try read(Self.useCases + "Case-4/vex.json")
        XCTAssertEqual(range.statements.count, 0)
        XCTAssertTrue(range.problems[0].message.contains("vers:semver/>=2.2.0|<=2.4.0 (unaffected): version ranges cannot be represented"), range.problems[0].message)

        // CISA case 7, fourth entry: version 5.1 without a status is "affected" by CycloneDX's default,
        // which contradicts the entry's "resolved".
        let cisa7 = try read(Self.cisa + "Case-7/vex.json")
        XCTAssertEqual(cisa7.statements.count, 0)
        XCTAssertTrue(cisa7.problems.contains { $0.statementIndex == 3 && $0.message.contains("5.1 (affected): the version status contradicts the analysis state fixed") },
                      cisa7.problems.map(\.description).joined(separator: "\n"))
    }

    /// trivy's document: the second vulnerability is `not_affected` with neither justification nor detail.
    func testNotAffectedWithoutReasonIsSkipped() throws {
        let d = try read("trivy/pkg/vex/testdata/cyclonedx.json")
        XCTAssertEqual(d.statements.count, 1)
        XCTAssertEqual(d.statements[0].vulnerability, "CVE-2021-44228")
        XCTAssertEqual(d.statements[0].products.first?.purl, "pkg:maven/org.springframework.boot/spring-boot@2.6.0")
        XCTAssertEqual(d.problems.count, 1)
        XCTAssertEqual(d.problems[0].statementIndex, 1)
        XCTAssertTrue(d.problems[0].description.hasSuffix("cyclonedx.json statement 2: CVE-2022-27943: not_affected without a justification or analysis.detail"))
    }

    /// trivy's document with the missing justification supplied: the version list then decides.
    func testVersionsOfAPurlComponent() throws {
        var root = try JSON.parse(SharedData.data("examples/trivy/pkg/vex/testdata/cyclonedx.json"))
        func second(_ versions: JSON) throws -> VEXDocument {
            guard case .object(var bom) = root, case .array(var vulns)? = bom["vulnerabilities"], case .object(var v) = vulns[1],
                  case .object(var analysis)? = v["analysis"], case .array(var affects)? = v["affects"], case .object(var entry) = affects[0]
            else { throw XCTSkip("trivy's cyclonedx.json changed shape") }
            analysis["justification"] = "code_not_present"
            entry["versions"] = versions
            affects[0] = .object(entry); v["affects"] = .array(affects); v["analysis"] = .object(analysis)
            vulns[1] = .object(v); bom["vulnerabilities"] = .array(vulns)
            root = .object(bom)
            return try VEXDocumentReader().read(json: root, location: "cyclonedx.json")
        }
        // As written: "12.3.0-1ubuntu1~22.04" is "affected", which contradicts not_affected.
        let asWritten = try second([["version": "12.3.0-1ubuntu1~22.04", "status": "affected"]])
        XCTAssertEqual(asWritten.statements.count, 1)
        XCTAssertTrue(asWritten.problems.contains { $0.message.contains("contradicts the analysis state not_affected") })

        let linked = "pkg:deb/ubuntu/libstdc%2B%2B6@12.3.0-1ubuntu1~22.04?arch=amd64&distro=ubuntu-22.04"
        let named = try second([["version": "12.3.0-1ubuntu1~22.04", "status": "unaffected"],
                                ["version": "12.3.0-1ubuntu1~22.04.1", "status": "unaffected"],
                                ["range": "vers:deb/<12.3.0", "status": "unaffected"]])
        XCTAssertEqual(named.statements.count, 2)
        let products = named.statements[1].products
        XCTAssertEqual(products.count, 2)
        XCTAssertEqual(products[0].purl, linked, "its own version: the component as written")
        XCTAssertNotNil(products[0].bomLink)
        XCTAssertEqual(products[1], VEXComponent(purl: "pkg:deb/ubuntu/libstdc%2B%2B6@12.3.0-1ubuntu1~22.04.1?arch=amd64&distro=ubuntu-22.04"))
        XCTAssertEqual(named.problems.count, 1)
        XCTAssertTrue(named.problems[0].message.contains("vers:deb/<12.3.0 (unaffected): version ranges cannot be represented"))
    }

    /// Use case 1 with its subject given a purl, hashes and a serial number: a bom-ref and a BOM-link
    /// back into the same document both resolve to the component's names.
    func testBomRefResolvesToTheComponentsNames() throws {
        guard case .object(var root) = try JSON.parse(SharedData.data("examples/" + Self.useCases + "Case-1/vex.json")),
              case .object(var metadata)? = root["metadata"], case .object(var subject)? = metadata["component"],
              case .array(var vulns)? = root["vulnerabilities"], case .object(var v) = vulns[0]
        else { throw XCTSkip("Case-1 changed shape") }
        subject["purl"] = "pkg:generic/acme/acme-product@2.4.0"
        subject["hashes"] = [["alg": "SHA-256", "content": "AB12"], ["alg": "SHA-1", "content": "cd34"]]
        metadata["component"] = .object(subject)
        root["metadata"] = .object(metadata)
        root["serialNumber"] = "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"
        v["affects"] = [["ref": "acme-product"], ["ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#acme-product"]]
        vulns[0] = .object(v)
        root["vulnerabilities"] = .array(vulns)

        let d = try VEXDocumentReader().read(json: .object(root), location: "case1.json")
        XCTAssertEqual(d.id, "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79")
        let products = try XCTUnwrap(d.statements.first?.products)
        XCTAssertEqual(products.count, 2)
        XCTAssertEqual(products[0], VEXComponent(id: "acme-product", purl: "pkg:generic/acme/acme-product@2.4.0",
                                                 hashes: ["sha-256": "ab12", "sha1": "cd34"]))
        XCTAssertEqual(products[1].purl, products[0].purl)
        XCTAssertEqual(products[1].hashes, products[0].hashes)
        XCTAssertEqual(products[1].bomLink?.ref, "acme-product")
    }

    /// Use case 12 with its second vulnerability's state and third's justification damaged.
    func testUnknownStateOrJustificationSkipsOnlyThatStatement() throws {
        guard case .object(var root) = try JSON.parse(SharedData.data("examples/" + Self.useCases + "Case-12/vex.json")),
              case .array(var vulns)? = root["vulnerabilities"], case .object(var second) = vulns[1], case .object(var third) = vulns[2],
              case .object(var a2)? = second["analysis"], case .object(var a3)? = third["analysis"]
        else { throw XCTSkip("Case-12 changed shape") }
        a2["state"] = "maybe"; second["analysis"] = .object(a2); vulns[1] = .object(second)
        a3["justification"] = "trust_me"; third["analysis"] = .object(a3); vulns[2] = .object(third)
        root["vulnerabilities"] = .array(vulns)
        let d = try VEXDocumentReader().read(json: .object(root), location: "case12.json")
        XCTAssertEqual(d.statements.map(\.vulnerability), ["CVE-2020-25649"])
        XCTAssertEqual(d.problems.map(\.description), [
            "case12.json statement 2: CVE-2020-35491: unknown status \"maybe\" (analysis.state; expected resolved, resolved_with_pedigree, exploitable, in_triage, false_positive, not_affected)",
            "case12.json statement 3: CVE-2020-14195: unknown justification \"trust_me\" (analysis.justification)",
        ])
    }

    func testScannerReportWithoutAnalysisIsAnEmptyVEXDocument() throws {
        let d = try read("trivy/integration/testdata/npm-cyclonedx.json.golden")
        XCTAssertEqual(d.format, .cycloneDX)
        XCTAssertEqual(d.statements.count, 0)
        XCTAssertEqual(d.problems.count, 0)
    }

    func testPlainSBOMIsNotVEX() throws {
        let path = try SharedData.path("examples/cyclonedx/bom-examples/VEX/bom.json")
        XCTAssertThrowsError(try VEXDocumentReader().read(contentsOf: path)) { error in
            XCTAssertEqual("\(error)", "\(path): is a CycloneDX SBOM without vulnerabilities, not VEX")
        }
    }
}
