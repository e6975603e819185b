import Foundation
import JSON
import XCTest
@testable import VEX

/// CSAF 2.0 VEX: Red Hat's RHSA-2020:1358, trivy's relationship example, grype's and go-vex's test documents.
final class CSAFVEXReaderTests: XCTestCase {
    override func setUpWithError() throws { try SharedData.require() }

    private func read(_ relative: String) throws -> VEXDocument {
        try VEXDocumentReader().read(contentsOf: SharedData.path("examples/" + relative))
    }

    func testRelationshipIsProductWithSubcomponent() throws {
        let d = try read("trivy/pkg/vex/testdata/csaf-relationships.json")
        XCTAssertEqual(d.format, .csaf)
        XCTAssertEqual(d.id, "fcf5bd33-41c3-45f9-885a-c2ee812f49c9")
        XCTAssertEqual(d.author, "VMWare, Inc.")
        XCTAssertEqual(d.version, 1)
        XCTAssertEqual(d.timestamp?.timeIntervalSince1970, 1_704_385_045)   // 2024-01-04T17:17:25+01:00
        XCTAssertEqual(d.statements.count, 1)
        let s = d.statements[0]
        XCTAssertEqual(s.vulnerability, "CVE-2024-0001")
        XCTAssertEqual(s.status, .notAffected)
        XCTAssertEqual(s.justification, .vulnerableCodeCannotBeControlledByAdversary)
        XCTAssertEqual(s.impactStatement, "vulnerable_code_not_in_execute_path", "a threat naming no products covers them all")
        XCTAssertEqual(s.products.count, 1)
        XCTAssertEqual(s.products[0].purl, "pkg:golang/github.com/aquasecurity/go-direct1@v2.0.0")
        XCTAssertEqual(s.products[0].subcomponents.map(\.purl), ["pkg:golang/github.com/aquasecurity/go-transitive@v4.0.0"])
    }

    func testRedHatAdvisory() throws {
        let d = try read("openvex/go-vex/pkg/csaf/testdata/rhsa-2020_1358.json")
        XCTAssertEqual(d.id, "RHSA-2020:1358")
        XCTAssertEqual(d.author, "Red Hat Product Security")
        XCTAssertEqual(d.timestamp?.timeIntervalSince1970, 1_586_269_020)   // 2020-04-07T14:17:00Z
        XCTAssertTrue(d.problems.isEmpty, "\(d.problems.prefix(3))")
        XCTAssertEqual(d.statements.map(\.vulnerability), ["CVE-2020-1711", "CVE-2020-7039"])
        XCTAssertEqual(d.statements[0].aliases, ["https://bugzilla.redhat.com/show_bug.cgi?id=1794290"])
        for s in d.statements {
            XCTAssertEqual(s.status, .fixed)
            XCTAssertEqual(s.products.count, 737)
            XCTAssertEqual(s.products.filter { $0.cpe == "cpe:/a:redhat:enterprise_linux:8::crb" }.count, 114)
            XCTAssertEqual(s.impactStatement, "Important")
            XCTAssertTrue(s.actionStatement?.hasPrefix("vendor_fix: For details on how to apply this update") == true)
            XCTAssertTrue(s.actionStatement?.hasSuffix("(https://access.redhat.com/errata/RHSA-2020:1358)") == true)
        }
        let libguestfs = try XCTUnwrap(d.statements[0].products.first {
            $0.subcomponents.first?.id == "libguestfs-1:1.38.4-14.module+el8.1.0+4066+0f1aadab.x86_64"
        })
        XCTAssertEqual(libguestfs.id, "AppStream-8.1.0.Z.MAIN.EUS")
        XCTAssertEqual(libguestfs.cpe, "cpe:/a:redhat:enterprise_linux:8::appstream")
        XCTAssertEqual(libguestfs.subcomponents.count, 1)
    }

    func testFlagsThreatsAndRemediations() throws {
        let fixed = try read("grype/grype/vex/testdata/vex-docs/csaf-demo1.json")
        XCTAssertEqual(fixed.statements.first?.status, .fixed)
        XCTAssertEqual(fixed.statements.first?.impactStatement, "Class with vulnerable code was removed before shipping.")
        XCTAssertEqual(fixed.statements.first?.products.first?.purl,
                       "pkg:apk/alpine/libcrypto3@3.0.8-r3?arch=x86_64&upstream=openssl&distro=alpine-3.17.3")

        let flagged = try read("grype/grype/vex/testdata/vex-docs/csaf-demo2.json")
        XCTAssertEqual(flagged.statements.first?.vulnerability, "CVE-2023-3817")
        XCTAssertEqual(flagged.statements.first?.status, .notAffected)
        XCTAssertEqual(flagged.statements.first?.justification, .vulnerableCodeNotPresent)
        XCTAssertNil(flagged.statements.first?.impactStatement)

        let affected = try read("grype/test/integration/testdata/vex/csaf/affected.csaf.json")
        XCTAssertEqual(affected.statements.first?.status, .affected)
        XCTAssertEqual(affected.statements.first?.actionStatement, "vendor_fix: Customers should update to version 1.1 of product DEF which fixes the issue.")
        let investigating = try read("grype/test/integration/testdata/vex/csaf/under_investigation.csaf.json")
        XCTAssertEqual(investigating.statements.first?.status, .underInvestigation)
        XCTAssertEqual(investigating.statements.first?.products.first?.id, "CSAFPID-0001")
    }

    /// go-vex's CSAF test document is deliberately broken: a purl without a name (`pkg:maven/@1.3.4`)
    /// and a product id (`ABC:CSAFPID-0002`) that the product tree does not define.
    func testGoVexBrokenDocumentReportsEveryStatement() throws {
        let d = try read("openvex/go-vex/pkg/csaf/testdata/csaf.json")
        XCTAssertEqual(d.statements.count, 0)
        XCTAssertEqual(Set(d.problems.compactMap(\.statementIndex)), [0, 1, 2, 3])
        XCTAssertTrue(d.problems[0].description.hasSuffix(
            "csaf.json statement 1: vulnerabilities[0] (CVE-2009-4487) known_not_affected: product \"CSAFPID-0001\" purl \"pkg:maven/@1.3.4\" is not a valid purl: purl has no name"),
                      d.problems[0].description)
        XCTAssertTrue(d.problems.contains { $0.statementIndex == 1 && $0.message.contains("product id \"ABC:CSAFPID-0002\" is not defined in product_tree") })

        // vexctl's fixed copy of the example names the product properly.
        let good = try read("openvex/vexctl/examples/csaf/csaf.json")
        XCTAssertEqual(good.statements.count, 1)
        XCTAssertEqual(good.statements[0].products.first?.purl, "pkg:generic/component1@1.3.4")
        XCTAssertEqual(good.statements[0].impactStatement, "Class with vulnerable code was removed before shipping.")
    }

    /// grype's flagged document with a second product whose flag differs: the status group splits.
    func testGroupSplitsWhereJustificationsDiffer() throws {
        guard case .object(var root) = try JSON.parse(SharedData.data("examples/grype/grype/vex/testdata/vex-docs/csaf-demo2.json")),
              case .object(var tree)? = root["product_tree"], case .array(var vulns)? = root["vulnerabilities"],
              case .object(var v) = vulns[0], case .array(var flags)? = v["flags"], case .object(var status)? = v["product_status"]
        else { throw XCTSkip("csaf-demo2.json changed shape") }
        tree["full_product_names"] = [["name": "zlib 1.3", "product_id": "ZLIB-13",
                                       "product_identification_helper": ["purl": "pkg:apk/alpine/zlib@1.3-r0"]]]
        tree["product_groups"] = [["group_id": "G-ZLIB", "product_ids": ["ZLIB-13"]]]
        flags.append(["label": "component_not_present", "group_ids": ["G-ZLIB"]])
        status["known_not_affected"] = ["SPB-00260", "ZLIB-13"]
        v["flags"] = .array(flags); v["product_status"] = .object(status); vulns[0] = .object(v)
        root["vulnerabilities"] = .array(vulns); root["product_tree"] = .object(tree)

        let d = try VEXDocumentReader().read(json: .object(root), location: "csaf-demo2.json")
        XCTAssertEqual(d.statements.count, 2)
        XCTAssertEqual(d.statements.map(\.justification), [.vulnerableCodeNotPresent, .componentNotPresent])
        XCTAssertEqual(d.statements.map { $0.products.compactMap(\.purl) },
                       [["pkg:apk/alpine/libcrypto3@3.0.8-r3?arch=x86_64&upstream=openssl&distro=alpine-3.17.3"], ["pkg:apk/alpine/zlib@1.3-r0"]])
        XCTAssertEqual(d.statements.map(\.origin.statementIndex), [0, 1])
    }

    func testRelationshipCycleEndsAsUndefined() throws {
        guard case .object(var root) = try JSON.parse(SharedData.data("examples/trivy/pkg/vex/testdata/csaf-relationships.json")),
              case .object(var tree)? = root["product_tree"] else { throw XCTSkip("csaf-relationships.json changed shape") }
        tree["relationships"] = [
            ["category": "default_component_of", "product_reference": "B", "relates_to_product_reference": "go-direct1-v2.0.0-go-transitive-v4.0.0",
             "full_product_name": ["name": "a", "product_id": "A"]],
            ["category": "default_component_of", "product_reference": "A", "relates_to_product_reference": "go-direct1-v2.0.0-go-transitive-v4.0.0",
             "full_product_name": ["name": "b", "product_id": "B"]],
            ["category": "installed_on", "product_reference": "A", "relates_to_product_reference": "B",
             "full_product_name": ["name": "loop", "product_id": "go-direct1-v2.0.0-go-transitive-v4.0.0"]],
        ]
        root["product_tree"] = .object(tree)
        let d = try VEXDocumentReader().read(json: .object(root), location: "cycle.json")
        XCTAssertEqual(d.statements.count, 0)
        XCTAssertTrue(d.problems.contains { $0.message.contains("is not defined in product_tree") })
    }

    func testNonVEXCategoryIsRefused() throws {
        guard case .object(var root) = try JSON.parse(SharedData.data("examples/trivy/pkg/vex/testdata/csaf.json")),
              case .object(var document)? = root["document"] else { throw XCTSkip("csaf.json changed shape") }
        document["category"] = "csaf_informational_advisory"
        root["document"] = .object(document)
        XCTAssertThrowsError(try VEXDocumentReader().read(json: .object(root), location: "info.json")) { error in
            XCTAssertTrue("\(error)".hasPrefix("info.json: is a CSAF document of category \"csaf_informational_advisory\", which carries no VEX product status"), "\(error)")
        }
    }
}
