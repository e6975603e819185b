import Foundation
import XCTest
@testable import VEX

/// Every VEX document in the shared data, read as `--vex-location` folders: each one reads, the
/// numbers of statements and problems are the ones worked out from the files, and the files around
/// them that are not VEX (SBOMs, SARIF reports, repository indexes, READMEs) are passed over.
///
/// Documents with problems, and why (each checked in the format's own tests):
/// - go-vex `pkg/csaf/testdata/csaf.json` and vexctl's `csaf.json`: the purl `pkg:maven/@1.3.4` has no
///   name, and go-vex's also lists a product id (`ABC:CSAFPID-0002`) its product tree never defines.
/// - trivy `cyclonedx.json`: its second vulnerability is `not_affected` with no justification or detail.
/// - CycloneDX use cases 4, 5, 8, 10 and CISA cases 4, 6, 7, 8: statements about version ranges, or about
///   versions of products that have no purl to name them by; they cannot be represented, so they are
///   reported rather than applied to every version.
final class VEXReaderCorpusTests: XCTestCase {
    override func setUpWithError() throws { try SharedData.require() }

    static let folders = ["examples/openvex", "examples/grype/grype/vex/testdata/vex-docs", "examples/grype/test/integration/testdata/vex",
                          "examples/trivy/pkg/vex/testdata", "examples/cyclonedx/bom-examples/VEX"]

    /// (path under examples/, format, statements, problems)
    static let expected: [(String, VEXFormat, Int, Int)] = [
        ("openvex/go-vex/pkg/csaf/testdata/csaf.json", .csaf, 0, 6),
        ("openvex/go-vex/pkg/csaf/testdata/openvex.json", .openVEX, 1, 0),
        ("openvex/go-vex/pkg/csaf/testdata/rhsa-2020_1358.json", .csaf, 2, 0),
        ("openvex/go-vex/pkg/vex/testdata/csaf.json", .csaf, 1, 0),
        ("openvex/go-vex/pkg/vex/testdata/v0.0.1-noversion.json", .openVEX, 1, 0),
        ("openvex/go-vex/pkg/vex/testdata/v0.0.1.json", .openVEX, 1, 0),
        ("openvex/go-vex/pkg/vex/testdata/v0.2.0.json", .openVEX, 5, 0),
        ("openvex/go-vex/pkg/vex/testdata/v001-1.vex.json", .openVEX, 1, 0),
        ("openvex/go-vex/pkg/vex/testdata/v001-2.vex.json", .openVEX, 1, 0),
        ("openvex/go-vex/pkg/vex/testdata/v020-1.vex.json", .openVEX, 1, 0),
        ("openvex/go-vex/pkg/vex/testdata/v020-2.vex.json", .openVEX, 1, 0),
        ("openvex/go-vex/pkg/vex/testdata/vex.yaml", .openVEX, 2, 0),
        ("openvex/nodejs/node.openvex.json", .openVEX, 183, 0),
        ("openvex/ubuntu/CVE-2016-2781.vex.json", .openVEX, 2, 0),
        ("openvex/vexctl/csaf.json", .csaf, 0, 1),
        ("openvex/vexctl/examples/csaf/csaf.json", .csaf, 1, 0),
        ("openvex/vexctl/examples/csaf/openvex.json", .openVEX, 1, 0),
        ("openvex/vexctl/examples/openvex/demo.vex.json", .openVEX, 1, 0),
        ("openvex/vexctl/examples/openvex/document1.vex.json", .openVEX, 1, 0),
        ("openvex/vexctl/examples/openvex/document2.vex.json", .openVEX, 1, 0),
        ("openvex/vexctl/examples/sarif/sample-1statement.openvex.json", .openVEX, 1, 0),
        ("openvex/vexctl/examples/sarif/sample-2vulns.openvex.json", .openVEX, 2, 0),
        ("openvex/vexctl/examples/sarif/sample-history.openvex.json", .openVEX, 2, 0),
        ("openvex/vexctl/pkg/ctl/testdata/images.vex.json", .openVEX, 4, 0),
        ("openvex/vexctl/pkg/ctl/testdata/sarif/sample-2vulns.json", .openVEX, 2, 0),
        ("openvex/vexctl/pkg/ctl/testdata/sarif/sample-history.json", .openVEX, 2, 0),
        ("openvex/vexctl/pkg/ctl/testdata/sarif/sample.openvex.json", .openVEX, 1, 0),
        ("openvex/vexctl/pkg/ctl/testdata/templates/oci-vexctl.openvex.json", .openVEX, 1, 0),
        ("openvex/vexctl/pkg/ctl/testdata/test.vex.json", .openVEX, 2, 0),
        ("openvex/vexctl/pkg/ctl/testdata/v001-1.vex.json", .openVEX, 1, 0),
        ("openvex/vexctl/pkg/ctl/testdata/v001-2.vex.json", .openVEX, 1, 0),
        ("openvex/vexctl/pkg/ctl/testdata/v020-1.vex.json", .openVEX, 1, 0),
        ("openvex/vexctl/pkg/ctl/testdata/v020-2.vex.json", .openVEX, 1, 0),
        ("grype/grype/vex/testdata/vex-docs/csaf-demo1.json", .csaf, 1, 0),
        ("grype/grype/vex/testdata/vex-docs/csaf-demo2.json", .csaf, 1, 0),
        ("grype/grype/vex/testdata/vex-docs/openvex-debian.json", .openVEX, 1, 0),
        ("grype/grype/vex/testdata/vex-docs/openvex-demo1.json", .openVEX, 1, 0),
        ("grype/grype/vex/testdata/vex-docs/openvex-demo2.json", .openVEX, 5, 0),
        ("grype/grype/vex/testdata/vex-docs/openvex-image-no-subcomponents.json", .openVEX, 1, 0),
        ("grype/grype/vex/testdata/vex-docs/openvex-package-product.json", .openVEX, 1, 0),
        ("grype/test/integration/testdata/vex/csaf/affected.csaf.json", .csaf, 1, 0),
        ("grype/test/integration/testdata/vex/csaf/under_investigation.csaf.json", .csaf, 1, 0),
        ("grype/test/integration/testdata/vex/openvex/affected.openvex.json", .openVEX, 1, 0),
        ("grype/test/integration/testdata/vex/openvex/under_investigation.openvex.json", .openVEX, 1, 0),
        ("trivy/pkg/vex/testdata/csaf-relationships.json", .csaf, 1, 0),
        ("trivy/pkg/vex/testdata/csaf.json", .csaf, 1, 0),
        ("trivy/pkg/vex/testdata/cyclonedx.json", .cycloneDX, 1, 1),
        ("trivy/pkg/vex/testdata/multi-repos/vex/repositories/default/0.1/bash-vex.json", .openVEX, 1, 0),
        ("trivy/pkg/vex/testdata/multi-repos/vex/repositories/high-priority/0.1/bash-vex.json", .openVEX, 1, 0),
        ("trivy/pkg/vex/testdata/openvex-multiple.json", .openVEX, 2, 0),
        ("trivy/pkg/vex/testdata/openvex-nested.json", .openVEX, 1, 0),
        ("trivy/pkg/vex/testdata/openvex-oci-mismatch.json", .openVEX, 1, 0),
        ("trivy/pkg/vex/testdata/openvex-oci.json", .openVEX, 1, 0),
        ("trivy/pkg/vex/testdata/openvex.json", .openVEX, 1, 0),
        ("trivy/pkg/vex/testdata/parent-location-repo/vex/repositories/default/bash-vex.json", .openVEX, 1, 0),
        ("trivy/pkg/vex/testdata/single-repo/vex/repositories/default/0.1/bash-vex.json", .openVEX, 1, 0),
        ("cyclonedx/bom-examples/VEX/CISA-Use-Cases/Case-1/vex-affected.json", .cycloneDX, 1, 0),
        ("cyclonedx/bom-examples/VEX/CISA-Use-Cases/Case-1/vex-fixed.json", .cycloneDX, 1, 0),
        ("cyclonedx/bom-examples/VEX/CISA-Use-Cases/Case-1/vex-not_affected.json", .cycloneDX, 1, 0),
        ("cyclonedx/bom-examples/VEX/CISA-Use-Cases/Case-1/vex-under_investigation.json", .cycloneDX, 1, 0),
        ("cyclonedx/bom-examples/VEX/CISA-Use-Cases/Case-2/vex.json", .cycloneDX, 19, 0),
        ("cyclonedx/bom-examples/VEX/CISA-Use-Cases/Case-3/vex.json", .cycloneDX, 19, 0),
        ("cyclonedx/bom-examples/VEX/CISA-Use-Cases/Case-4/vex.json", .cycloneDX, 0, 3),
        ("cyclonedx/bom-examples/VEX/CISA-Use-Cases/Case-5/vex.json", .cycloneDX, 1, 0),
        ("cyclonedx/bom-examples/VEX/CISA-Use-Cases/Case-6/vex.json", .cycloneDX, 0, 6),
        ("cyclonedx/bom-examples/VEX/CISA-Use-Cases/Case-7/vex.json", .cycloneDX, 0, 11),
        ("cyclonedx/bom-examples/VEX/CISA-Use-Cases/Case-8/vex.json", .cycloneDX, 0, 25),
        ("cyclonedx/bom-examples/VEX/Use-Cases/Case-1/vex.json", .cycloneDX, 1, 0),
        ("cyclonedx/bom-examples/VEX/Use-Cases/Case-10/vex.json", .cycloneDX, 0, 2),
        ("cyclonedx/bom-examples/VEX/Use-Cases/Case-11/vex.json", .cycloneDX, 19, 0),
        ("cyclonedx/bom-examples/VEX/Use-Cases/Case-12/vex.json", .cycloneDX, 3, 0),
        ("cyclonedx/bom-examples/VEX/Use-Cases/Case-13/vex.json", .cycloneDX, 2, 0),
        ("cyclonedx/bom-examples/VEX/Use-Cases/Case-2/vex.json", .cycloneDX, 1, 0),
        ("cyclonedx/bom-examples/VEX/Use-Cases/Case-3/vex.json", .cycloneDX, 1, 0),
        ("cyclonedx/bom-examples/VEX/Use-Cases/Case-4/vex.json", .cycloneDX, 0, 2),
        ("cyclonedx/bom-examples/VEX/Use-Cases/Case-5/vex.json", .cycloneDX, 0, 4),
        ("cyclonedx/bom-examples/VEX/Use-Cases/Case-6/vex.json", .cycloneDX, 1, 0),
        ("cyclonedx/bom-examples/VEX/Use-Cases/Case-7/vex.json", .cycloneDX, 1, 0),
        ("cyclonedx/bom-examples/VEX/Use-Cases/Case-8/vex.json", .cycloneDX, 0, 3),
        ("cyclonedx/bom-examples/VEX/Use-Cases/Case-9/vex.json", .cycloneDX, 19, 0),
        ("cyclonedx/bom-examples/VEX/vex.json", .cycloneDX, 1, 0),
    ]

    func testEveryDocumentInTheFolders() throws {
        let (documents, errors) = VEXLocations.load(try Self.folders.map { try SharedData.path($0) })
        XCTAssertEqual(errors.map(\.description), [])
        let prefix = SharedData.root.path + "/examples/"
        let found = documents.map { "\($0.location.replacingOccurrences(of: prefix, with: "")) \($0.format.rawValue) \($0.statements.count) \($0.problems.count)" }
        XCTAssertEqual(found, Self.expected.map { "\($0.0) \($0.1.rawValue) \($0.2) \($0.3)" })
        XCTAssertEqual(documents.reduce(0) { $0 + $1.statements.count }, 348)

        // Named one by one, each file reads the same as in its folder.
        for document in documents {
            XCTAssertEqual(try VEXDocumentReader().read(contentsOf: document.location), document, document.location)
        }
        // Every statement knows where it came from.
        for document in documents {
            for s in document.statements {
                XCTAssertEqual(s.origin.location, document.location)
                XCTAssertEqual(s.origin.format, document.format)
                XCTAssertEqual(s.origin.documentTimestamp, document.timestamp)
                XCTAssertFalse(s.vulnerability.isEmpty)
            }
        }
    }

    /// What the folders skip quietly is an error when named directly.
    func testNonVEXFilesNamedDirectlyAreErrors() throws {
        let cases = [
            ("cyclonedx/bom-examples/VEX/bom.json", "is a CycloneDX SBOM without vulnerabilities, not VEX"),
            ("cyclonedx/bom-examples/VEX/CISA-Use-Cases/Case-7/bom-1.json", "is a CycloneDX SBOM without vulnerabilities, not VEX"),
            ("openvex/vexctl/examples/sarif/nginx-grype.sarif.json", "is not a VEX document (no OpenVEX @context or statements"),
            ("openvex/vexctl/examples/csaf/sbom.spdx.json", "is an SPDX document, not VEX"),
            ("trivy/pkg/vex/testdata/single-repo/vex/repositories/default/vex-repository.json", "is not a VEX document"),
            ("trivy/pkg/vex/testdata/unknown.json", "is not a VEX document"),
            ("openvex/vexctl/examples/sarif/README.md", "is neither valid JSON nor valid YAML"),
        ]
        for (relative, message) in cases {
            let path = try SharedData.path("examples/" + relative)
            let (documents, errors) = VEXLocations.load([path])
            XCTAssertEqual(documents.count, 0, relative)
            XCTAssertEqual(errors.count, 1, relative)
            XCTAssertTrue(errors.first?.description.hasPrefix("\(path): \(message)") == true, "\(errors)")
        }
    }
}
