import Advisories
import Foundation
import JSON
import SBOM
import XCTest
@testable import Evaluation
@testable import VEX

/// The peers' own VEX test data, applied by vouch to the findings those peers expect, and compared
/// with the peers' expected outputs: vexctl's SARIF filter and CSAF merge, trivy's `pkg/vex` and
/// integration tests, grype's VEX processor and integration tests, CycloneDX's VEX use cases, and the
/// Canonical and Node.js OpenVEX documents against the SBOMs in the shared data.
///
/// Findings are built from what each peer's scan result or Go test lists (package purl, vulnerability
/// id); the Ubuntu case runs vouch's own matcher on Ubuntu's OSV records. Where vouch decides
/// differently, the test asserts vouch's outcome and the comment beside it says why; the table of
/// differences is in the VEX conformance note.
final class VEXRealDataTests: XCTestCase {
    override func setUpWithError() throws { try SharedData.require() }

    static let nginx = "sha256:13d22ec63300e16014d4a42aed735207a8b33c223cff19627dd3042e5a10a3a0"
    static let trivyDebian = "sha256:4482958b4461ff7d9fabc24b3a9ab1e9a2c85ece07b2db1840c7cbc01d053e90"
    static let grypeAlpine = "sha256:124c7d2707904eea7431fffe91522a01e5a861a624ee31d03372cc1d138a3126"

    // MARK: - vexctl

    /// vexctl `pkg/ctl/ctl_test.go` TestVexReport: results left after `vexctl filter` for each SARIF
    /// report and document (the same files are in `examples/sarif`). vouch suppresses exactly the
    /// results vexctl removes: the OpenVEX products name this nginx digest, and the snyk results,
    /// which carry only snyk ids, are reached through the statements' `aliases`.
    func testVexctlFilterOnTheNginxSARIFReports() throws {
        let expected: [(vex: String, left: [String: Int])] = [
            ("sample-1statement.openvex.json", ["Grype": 98, "Trivy": 98, "Snyk Container": 64]),
            ("sample-history.openvex.json", ["Grype": 98, "Trivy": 98, "Snyk Container": 64]),
            ("sample-2vulns.openvex.json", ["Grype": 96, "Trivy": 96, "Snyk Container": 63]),
        ]
        let scans = try ["grype", "trivy", "snyk"].map { try SARIFScan(path: "examples/openvex/vexctl/examples/sarif/nginx-\($0).sarif.json") }
        XCTAssertEqual(scans.map(\.findings.count), [99, 99, 65], "the README's result counts")
        XCTAssertEqual(scans[1].imageName, "nginx@" + Self.nginx)
        let identity = ImageIdentity(digests: [Self.nginx], repository: "nginx")
        for (vex, left) in expected {
            for scan in scans {
                let r = try RealVEX.resolve(scan.findings, ["openvex/vexctl/examples/sarif/" + vex], identity: identity)
                XCTAssertEqual(r.findings.count, left[scan.tool], "\(vex) on \(scan.tool): \(RealVEX.labels(r.suppressed))")
                XCTAssertEqual(r.findings.count + r.suppressed.count, scan.findings.count)
            }
        }
        // Which results: libde265 for CVE-2023-27103, login and passwd (shadow) for CVE-2007-5686 (snyk
        // reports shadow once, on passwd).
        let two = try RealVEX.resolve(scans[0].findings + scans[2].findings, ["openvex/vexctl/examples/sarif/sample-2vulns.openvex.json"], identity: identity)
        XCTAssertEqual(RealVEX.labels(two.suppressed), ["libde265-0 CVE-2023-27103", "libde265-0 SNYK-DEBIAN12-LIBDE265-3361563",
                                                        "login CVE-2007-5686", "passwd CVE-2007-5686", "passwd SNYK-DEBIAN12-SHADOW-1559391"])
        XCTAssertEqual(Set(two.suppressed.compactMap(\.vex?.status)), ["not_affected", "fixed"])
    }

    /// Difference: `vexctl filter` never looks at products (pkg/ctl/implementation.go ApplySingleVEX
    /// matches the rule id alone), so it filters these results for any image. vouch applies a product
    /// only to the image it names: scanned as another image, nothing is suppressed and each statement says why.
    func testVexctlSamplesDoNotApplyToAnotherImage() throws {
        let scan = try SARIFScan(path: "examples/openvex/vexctl/examples/sarif/nginx-trivy.sarif.json")
        let other = ImageIdentity(digests: ["sha256:" + String(repeating: "0", count: 64)], repository: "nginx")
        let r = try RealVEX.resolve(scan.findings, ["openvex/vexctl/examples/sarif/sample-2vulns.openvex.json"], identity: other)
        XCTAssertEqual(r.suppressed.count, 0)
        for e in r.explanations {
            XCTAssertTrue(e.reason?.contains("digest \(Self.nginx) is not this image's") == true, e.reason ?? "applied")
        }
    }

    /// vexctl's first TestVexReport (pkg/ctl/ctl_test.go at 2434d8f): `test.vex.json`, whose statements
    /// name no product, filters 123 trivy results of an older nginx to 122 (CVE-2009-4487 in nginx).
    /// Difference: a file statement without products applies to nothing in vouch (there is no subject
    /// to stand in for them); in an attestation, whose subject is the image, it applies as vexctl's does.
    func testVexctlStatementsWithoutProductsApplyOnlyInAnAttestation() throws {
        let scan = try SARIFScan(path: "examples/openvex/vexctl/pkg/ctl/testdata/nginx.sarif.json")
        XCTAssertEqual(scan.findings.count, 123)
        // The report does not record the image digest; the attestation's subject is whatever the image is.
        let digest = "sha256:" + String(repeating: "a", count: 64)
        let identity = ImageIdentity(digests: [digest], repository: "nginx")
        let asFile = try RealVEX.resolve(scan.findings, ["openvex/vexctl/pkg/ctl/testdata/test.vex.json"], identity: identity)
        XCTAssertEqual(asFile.suppressed.count, 0)
        XCTAssertTrue(asFile.explanations.allSatisfy { $0.reason?.hasPrefix("the statement names no product") == true })

        let attested = try RealVEX.resolve(scan.findings, ["openvex/vexctl/pkg/ctl/testdata/test.vex.json"], identity: identity,
                                           kind: .attestation(subjects: [digest]))
        XCTAssertEqual(attested.findings.count, 122)
        XCTAssertEqual(RealVEX.labels(attested.suppressed), ["nginx CVE-2009-4487"])
        // The affected CVE-2021-44228 (log4j) has no finding in this nginx image.
        XCTAssertTrue(attested.explanations[1].reason?.hasPrefix("vulnerability id unknown") == true, attested.explanations[1].reason ?? "")
    }

    /// The time-order rule on real data: `sample-history.openvex.json` says CVE-2023-27103 twice; the
    /// first statement has its own time (08-15), the second inherits the document's (08-16), so the
    /// second is the later one and wins; the first is reported as overridden.
    func testTheLaterStatementOfAVexHistoryWins() throws {
        let scan = try SARIFScan(path: "examples/openvex/vexctl/examples/sarif/nginx-trivy.sarif.json")
        let identity = ImageIdentity(digests: [Self.nginx], repository: "nginx")
        let r = try RealVEX.resolve(scan.findings, ["openvex/vexctl/examples/sarif/sample-history.openvex.json"], identity: identity)
        let finding = try XCTUnwrap(r.suppressed.first)
        XCTAssertEqual(r.suppressed.count, 1)
        XCTAssertEqual(finding.vex?.timestamp, "2023-08-17T01:55:22Z", "the document's time, 2023-08-16T19:55:22-06:00")
        XCTAssertEqual(r.explanations.map(\.applied), [false, true])
        XCTAssertEqual(r.explanations[1].appliedTo, ["libde265-0 1.0.11-1 CVE-2023-27103"])
        XCTAssertTrue(r.explanations[0].reason?.hasPrefix("overridden by a later statement") == true, r.explanations[0].reason ?? "")
        XCTAssertTrue(r.explanations[0].reason?.contains("sample-history.openvex.json statement 2") == true)

        // Difference, shown on the same history with its last statement turned to `affected`: vouch keeps
        // the finding (the latest statement wins). vexctl takes `StatementsByVulnerability(id)[0]` after
        // go-vex's ascending SortStatements, the oldest statement, and would still filter it; grype's
        // openvex processor takes `doc.Matches(…)[0]`, the same oldest one.
        var documents = try RealVEX.documents(["openvex/vexctl/examples/sarif/sample-history.openvex.json"])
        documents[0].statements[1].status = .affected
        documents[0].statements[1].justification = nil
        let later = VEXResolver(identity: identity).resolve(scan.findings, sources: documents.map { VEXSource(document: $0) })
        XCTAssertEqual(later.suppressed.count, 0)
        XCTAssertEqual(later.findings.first { $0.id == "CVE-2023-27103" }?.vex?.status, "affected")
    }

    /// vexctl `examples/csaf`: the README's `vexctl merge csaf.json openvex.json` gives CVE-2009-4487
    /// not_affected for component1 and CVE-2014-123456 fixed for component2, both packages of
    /// `sbom.spdx.json`. Both findings are suppressed. vexctl writes the CSAF impact threat as the
    /// statement's action_statement; vouch keeps it as the impact statement, which is what a CSAF
    /// `impact` threat is (the outcome is the same).
    func testVexctlCSAFExampleAgainstItsSBOM() throws {
        let inventory = try SBOMReader().read(contentsOf: try SharedData.path("examples/openvex/vexctl/examples/csaf/sbom.spdx.json"))
        func package(_ name: String) throws -> Package { try XCTUnwrap(inventory.packages.first { $0.name == name }, name) }
        let findings = [PeerFinding.make(try package("component1"), "CVE-2009-4487"), PeerFinding.make(try package("component2"), "CVE-2014-123456")]
        let r = try RealVEX.resolve(findings, ["openvex/vexctl/examples/csaf/csaf.json", "openvex/vexctl/examples/csaf/openvex.json"],
                                    identity: ImageIdentity(subject: inventory.subject), packages: inventory.packages)
        XCTAssertEqual(RealVEX.labels(r.suppressed), ["component1 CVE-2009-4487", "component2 CVE-2014-123456"])
        let c1 = try XCTUnwrap(r.suppressed.first { $0.id == "CVE-2009-4487" }?.vex)
        XCTAssertEqual(c1.status, "not_affected")
        XCTAssertEqual(c1.impactStatement, "Class with vulnerable code was removed before shipping.")
        XCTAssertEqual(r.suppressed.first { $0.id == "CVE-2014-123456" }?.vex?.status, "fixed")
    }

    // MARK: - trivy

    /// trivy `pkg/vex/vex_test.go` TestFilter, image report `debian:12` (`debian@sha256:4482958b…`, amd64).
    var trivyImage: ImageIdentity { ImageIdentity(digests: [Self.trivyDebian], repository: "debian", tag: "12", architecture: "amd64", os: "linux") }
    let spring = PeerFinding.package("pkg:maven/org.springframework.boot/spring-boot@2.6.0",
                                     externalRef: "pkg:maven/org.springframework.boot/spring-boot@2.6.0")
    let bash = PeerFinding.package("pkg:deb/debian/bash@5.3")
    let goTransitive = PeerFinding.package("pkg:golang/github.com/aquasecurity/go-transitive@v4.0.0")
    var goModules: [Package] {
        ["pkg:golang/github.com/aquasecurity/go-module@v1.0.0", "pkg:golang/github.com/aquasecurity/go-direct1@v2.0.0",
         "pkg:golang/github.com/aquasecurity/go-direct2@v3.0.0"].map { PeerFinding.package($0) } + [goTransitive]
    }

    func testTrivyOpenVEXFilterCases() throws {
        let vuln1 = PeerFinding.make(spring, "CVE-2021-44228"), vuln2 = PeerFinding.make(spring, "CVE-2021-0001")
        let vuln3 = PeerFinding.make(bash, "CVE-2022-3715")
        let cases: [(name: String, vex: String, findings: [Finding], suppressed: [String])] = [
            ("OpenVEX", "openvex.json", [vuln1], ["org.springframework.boot/spring-boot CVE-2021-44228"]),
            // The later statement (the document's time) is not_affected; the earlier one said affected.
            ("OpenVEX, multiple statements", "openvex-multiple.json", [vuln1, vuln2], ["org.springframework.boot/spring-boot CVE-2021-44228"]),
            // `pkg:oci/debian` without digest or repository_url: the repository's last part is `debian`.
            ("OpenVEX, subcomponents, oci image", "openvex-oci.json", [vuln3], ["bash CVE-2022-3715"]),
            ("OpenVEX, subcomponents, mismatched oci image", "openvex-oci-mismatch.json", [vuln3], []),
            ("CSAF, not affected", "csaf.json", [PeerFinding.make(goTransitive, "CVE-2024-0001")], ["github.com/aquasecurity/go-transitive CVE-2024-0001"]),
        ]
        for c in cases {
            let r = try RealVEX.resolve(c.findings, ["trivy/pkg/vex/testdata/" + c.vex], identity: trivyImage)
            XCTAssertEqual(RealVEX.labels(r.suppressed), c.suppressed, c.name)
            XCTAssertEqual(r.findings.count + r.suppressed.count, c.findings.count, c.name)
        }
        // The mismatched image says why it does not apply.
        let mismatch = try RealVEX.resolve([vuln3], ["trivy/pkg/vex/testdata/openvex-oci-mismatch.json"], identity: trivyImage)
        XCTAssertTrue(mismatch.explanations[0].reason?.contains("name mismatch is not debian") == true, mismatch.explanations[0].reason ?? "")
    }

    /// Difference: trivy applies a statement whose product is a package with subcomponents (OpenVEX
    /// nested, CSAF relationships) only when every dependency path from the subcomponent reaches that
    /// product ("multi paths" and the bash/base-files cycle keep the finding), and follows the SBOM's
    /// dependency graph to do so. vouch reads the flat package list an SBOM gives, with no graph to
    /// confine a subcomponent to paths through its product, so the subcomponent's finding is suppressed
    /// in every one of these cases (VEXResolver `scopes(of:)`).
    func testTrivyDependencyPathCasesAreSuppressedWithoutAGraph() throws {
        let vuln5 = PeerFinding.make(goTransitive, "CVE-2024-0001")
        for vex in ["openvex-nested.json", "csaf-relationships.json"] {
            // trivy: suppressed on the single path (go-module → go-direct1 → go-transitive), kept on multi paths.
            let r = try RealVEX.resolve([vuln5], ["trivy/pkg/vex/testdata/" + vex], identity: trivyImage, packages: goModules)
            XCTAssertEqual(RealVEX.labels(r.suppressed), ["github.com/aquasecurity/go-transitive CVE-2024-0001"], vex)
        }
        // "infinity loop for OS packages" (trivy keeps) and "one parent from multiple paths" (trivy suppresses).
        let r = try RealVEX.resolve([PeerFinding.make(bash, "CVE-2022-3715")], ["trivy/pkg/vex/testdata/openvex-oci.json"], identity: trivyImage)
        XCTAssertEqual(r.suppressed.count, 1)
    }

    /// trivy's CycloneDX VEX (`cyclonedx.json`) names spring-boot by a BOM-link into SBOM
    /// `3e671687-…/1`: trivy suppresses it when the scanned SBOM has that serial and keeps it otherwise
    /// (case "CycloneDX VEX wrong URN"). vouch does the same when the scanned SBOM's serial is known
    /// (see testCycloneDXExampleVEXAgainstItsBOM); here the identity has none (an image, an SPDX SBOM),
    /// so the link's bom-ref, a purl, matches the package by OpenVEX purl rules.
    /// The document's second statement (not_affected without justification or detail) is refused.
    func testTrivyCycloneDXVEXMatchesByTheLinkedPurl() throws {
        let docs = try RealVEX.documents(["trivy/pkg/vex/testdata/cyclonedx.json"])
        XCTAssertEqual(docs[0].statements.map(\.vulnerability), ["CVE-2021-44228"])
        XCTAssertTrue(docs[0].problems.first?.message.contains("not_affected without a justification") == true)
        let r = try RealVEX.resolve([PeerFinding.make(spring, "CVE-2021-44228")], ["trivy/pkg/vex/testdata/cyclonedx.json"], identity: trivyImage)
        XCTAssertEqual(r.suppressed.first?.vex?.justification, "vulnerable_code_not_in_execute_path", "code_not_reachable, mapped")
        XCTAssertEqual(r.suppressed.count, 1, "trivy keeps it when the scanned SBOM's serial is another")
    }

    /// trivy `pkg/result/filter_test.go` "filter by VEX": a file system scan of foo@v1.2.3 with
    /// CVE-2019-0001 (filtered) and CVE-2019-0002 (kept), with `pkg/result/testdata/openvex.json`.
    func testTrivyResultFilterByVEX() throws {
        let foo = PeerFinding.package("pkg:golang/github.com/aquasecurity/foo@v1.2.3")
        let r = try RealVEX.resolve([PeerFinding.make(foo, "CVE-2019-0001"), PeerFinding.make(foo, "CVE-2019-0002")],
                                    ["trivy/pkg/result/testdata/openvex.json"], identity: ImageIdentity(digests: []))
        XCTAssertEqual(RealVEX.labels(r.suppressed), ["github.com/aquasecurity/foo CVE-2019-0001"])
        XCTAssertEqual(RealVEX.labels(r.findings), ["github.com/aquasecurity/foo CVE-2019-0002"])
    }

    /// trivy `integration/repo_test.go` "gomod with local VEX file": without VEX the gomod repository has
    /// GMS-2022-20 in three go.mod files, CVE-2021-38561 (x/text) and CVE-2022-23628 (opa v0.35.0,
    /// `integration/testdata/gomod.json.golden` in trivy's repository); with `fixtures/vex/file/openvex.json`
    /// the golden `gomod-vex.json.golden` lists all but opa. The statement's product is the root module
    /// with opa as subcomponent; vouch suppresses opa alone, and the kept set is the golden file's.
    func testTrivyGomodIntegrationGolden() throws {
        let golden = try JSON.parse(try SharedData.data("examples/trivy/integration/testdata/gomod-vex.json.golden"))
        var kept: [Finding] = []
        for result in golden.array("Results") {
            for v in result.array("Vulnerabilities") {
                let purl = try XCTUnwrap(v["PkgIdentifier"]?.string("PURL"))
                kept.append(PeerFinding.make(PeerFinding.package(purl), try XCTUnwrap(v.string("VulnerabilityID"))))
            }
        }
        XCTAssertEqual(kept.count, 4)
        let opa = PeerFinding.make(PeerFinding.package("pkg:golang/github.com/open-policy-agent/opa@v0.35.0"), "CVE-2022-23628")
        let r = try RealVEX.resolve(kept + [opa], ["trivy/integration/testdata/fixtures/vex/file/openvex.json"], identity: ImageIdentity(digests: []))
        XCTAssertEqual(RealVEX.labels(r.suppressed), ["github.com/open-policy-agent/opa CVE-2022-23628"])
        XCTAssertEqual(RealVEX.labels(r.findings), RealVEX.labels(kept))
        XCTAssertEqual(r.suppressed.first?.vex?.impactStatement, "The vulnerable code isn't called")
    }

    /// trivy `pkg/vex/repo_test.go` TestRepositorySet_NotAffected with the repositories' `bash-vex.json`
    /// documents given as files. One repository: suppressed, as trivy. Two repositories whose documents
    /// carry the same time and version: trivy lets the repository listed first decide ("high priority
    /// affected" keeps the finding, "high priority not affected" suppresses it). Difference: vouch
    /// breaks the tie by order too, but the later document wins (VEXResolver `later(_:than:)`), so
    /// the documents must be listed lowest priority first to get trivy's answer.
    func testTrivyVEXRepositoryPriorities() throws {
        let vuln3 = [PeerFinding.make(bash, "CVE-2022-3715")]
        let root = "trivy/pkg/vex/testdata/"
        let single = try RealVEX.resolve(vuln3, [root + "single-repo/vex/repositories/default/0.1/bash-vex.json"], identity: trivyImage)
        XCTAssertEqual(single.suppressed.count, 1)
        let high = root + "multi-repos/vex/repositories/high-priority/0.1/bash-vex.json"   // affected
        let low = root + "multi-repos/vex/repositories/default/0.1/bash-vex.json"           // not_affected
        XCTAssertEqual(try RealVEX.resolve(vuln3, [high, low], identity: trivyImage).suppressed.count, 1, "trivy: kept (high-priority says affected)")
        XCTAssertEqual(try RealVEX.resolve(vuln3, [low, high], identity: trivyImage).suppressed.count, 0, "trivy: suppressed (default listed first)")
    }

    // MARK: - grype

    /// grype `grype/vex/processor_test.go` TestProcessor_ApplyVEX: libcrypto3 3.0.8-r3 in
    /// `alpine@sha256:124c7d…` with CVE-2023-3817, CVE-2023-1255 and CVE-2023-2975. grype's tests
    /// ignore per rule (`fixed` → 1255 and 2975; `not_affected` + vulnerable_code_not_present → 3817);
    /// `grype --vex` adds both rules by default (cmd/grype/cli/commands/root.go ignoreVEXFixedNotAffected),
    /// which is what vouch always does: the expected set is the union.
    func testGrypeProcessorCases() throws {
        let libcrypto = PeerFinding.package("pkg:apk/alpine/libcrypto3@3.0.8-r3?arch=x86_64&upstream=openssl&distro=alpine-3.17.3")
        let findings = ["CVE-2023-3817", "CVE-2023-1255", "CVE-2023-2975"].map { PeerFinding.make(libcrypto, $0) }
        let identity = ImageIdentity(digests: [Self.grypeAlpine], repository: "alpine")
        let cases: [(String, [String])] = [
            ("openvex-demo1.json", ["CVE-2023-1255"]),
            ("openvex-demo2.json", ["CVE-2023-1255", "CVE-2023-2975", "CVE-2023-3817"]),
            ("csaf-demo1.json", ["CVE-2023-1255"]),
            ("csaf-demo2.json", ["CVE-2023-3817"]),
        ]
        for (vex, suppressed) in cases {
            let r = try RealVEX.resolve(findings, ["grype/grype/vex/testdata/vex-docs/" + vex], identity: identity)
            XCTAssertEqual(r.suppressed.map(\.id).sorted(), suppressed, vex)
            XCTAssertEqual(r.findings.count + r.suppressed.count, 3, vex)
        }
    }

    /// grype TestProcessor_ApplyVEX_ImageNoSubcomponents (an image product applies to every package)
    /// and _ImageWithSubcomponents (only the listed ones: curl keeps its finding). The package product
    /// document (`openvex-package-product.json`) has no expectation in the stored grype tests; vouch
    /// applies a package product to that package wherever it is, and to nothing else.
    func testGrypeImageAndPackageProducts() throws {
        let identity = ImageIdentity(digests: [Self.grypeAlpine], repository: "alpine")
        let libcrypto = PeerFinding.make(PeerFinding.package("pkg:apk/alpine/libcrypto3@3.0.8-r3"), "CVE-2023-1255")
        let libssl = PeerFinding.make(PeerFinding.package("pkg:apk/alpine/libssl3@3.0.8-r3"), "CVE-2023-1255")
        let curl = PeerFinding.make(PeerFinding.package("pkg:apk/alpine/curl@8.1.2-r0"), "CVE-2023-1255")
        let dir = "grype/grype/vex/testdata/vex-docs/"
        XCTAssertEqual(RealVEX.labels(try RealVEX.resolve([libcrypto, libssl], [dir + "openvex-image-no-subcomponents.json"], identity: identity).suppressed),
                       ["libcrypto3 CVE-2023-1255", "libssl3 CVE-2023-1255"])
        let sub = try RealVEX.resolve([libcrypto, curl], [dir + "openvex-demo1.json"], identity: identity)
        XCTAssertEqual(RealVEX.labels(sub.suppressed), ["libcrypto3 CVE-2023-1255"])
        XCTAssertEqual(RealVEX.labels(sub.findings), ["curl CVE-2023-1255"])
        let product = try RealVEX.resolve([libcrypto, libssl], [dir + "openvex-package-product.json"], identity: identity)
        XCTAssertEqual(RealVEX.labels(product.suppressed), ["libcrypto3 CVE-2023-1255"])
    }

    /// `openvex-debian.json` names `pkg:oci/debian@sha256:124c7d…`, the digest of grype's alpine test
    /// image. Difference: grype derives `pkg:oci/alpine@sha256:…` from the image reference
    /// (openvex/implementation_test.go TestIdentifiersFromDigests) and go-vex's PurlMatches then fails
    /// on the name, so grype does not apply it. vouch lets a pinned digest decide whatever repository
    /// the product names: the same bytes are the same image under any name (ImageIdentity).
    func testGrypeDebianDocumentAppliesByDigest() throws {
        let finding = PeerFinding.make(PeerFinding.package("pkg:apk/alpine/libcrypto3@3.0.8-r3"), "CVE-2014-fake-1")
        let r = try RealVEX.resolve([finding], ["grype/grype/vex/testdata/vex-docs/openvex-debian.json"],
                                    identity: ImageIdentity(digests: [Self.grypeAlpine], repository: "alpine"))
        XCTAssertEqual(r.suppressed.count, 1)
    }

    /// grype `test/integration/match_by_image_test.go`: an ignored libvncserver 0.9.9 match
    /// (CVE-2024-0000, `alpine@sha256:ffff…`) is brought back by each `affected` and
    /// `under_investigation` document. vouch never hides a finding before VEX is applied, so the same
    /// finding stays in the results, annotated with the status.
    func testGrypeIntegrationAffectedAndUnderInvestigation() throws {
        let vnc = PeerFinding.make(PeerFinding.package("pkg:apk/alpine/libvncserver@0.9.9?arch=x86_64&distro=alpine-3.12.0"), "CVE-2024-0000")
        let identity = ImageIdentity(digests: ["sha256:" + String(repeating: "f", count: 64)], repository: "alpine")
        let dir = "grype/test/integration/testdata/vex/"
        for (vex, status) in [("csaf/affected.csaf.json", "affected"), ("csaf/under_investigation.csaf.json", "under_investigation"),
                              ("openvex/affected.openvex.json", "affected"), ("openvex/under_investigation.openvex.json", "under_investigation")] {
            let r = try RealVEX.resolve([vnc], [dir + vex], identity: identity)
            XCTAssertEqual(r.suppressed.count, 0, vex)
            XCTAssertEqual(r.findings.first?.vex?.status, status, vex)
        }
        let csaf = try RealVEX.resolve([vnc], [dir + "csaf/affected.csaf.json"], identity: identity)
        XCTAssertEqual(csaf.findings.first?.vex?.actionStatement,
                       "vendor_fix: Customers should update to version 1.1 of product DEF which fixes the issue.")
    }

    // MARK: - CycloneDX

    /// CycloneDX `VEX/vex.json` links jackson-databind 2.10.0 in SBOM `3e671687-…`; the `bom.json` beside
    /// it, which holds that component, has serial `5f0f0da9-…`. By the BOM-link the statement is about
    /// another SBOM (trivy would not apply it, as in its "wrong URN" case). Without the scanned
    /// SBOM's serial vouch applies it (the linked bom-ref is a purl that matches); with it, vouch refuses as trivy does.
    /// (`bom.json` is CycloneDX 1.3, which `SBOMReader` does not read; the component is taken from it as written.)
    func testCycloneDXExampleVEXAgainstItsBOM() throws {
        let bom = try JSON.parse(try SharedData.data("examples/cyclonedx/bom-examples/VEX/bom.json"))
        XCTAssertEqual(bom.string("serialNumber"), "urn:uuid:5f0f0da9-c03d-47d8-b38d-009e6df67094")
        let component = try XCTUnwrap(bom.array("components").first { $0.string("name") == "jackson-databind" })
        let jackson = PeerFinding.package(try XCTUnwrap(component.string("purl")), externalRef: component.string("bom-ref"))
        let r = try RealVEX.resolve([PeerFinding.make(jackson, "CVE-2020-25649")], ["cyclonedx/bom-examples/VEX/vex.json"],
                                    identity: ImageIdentity(digests: []), packages: [jackson])
        XCTAssertEqual(RealVEX.labels(r.suppressed), ["com.fasterxml.jackson.core/jackson-databind CVE-2020-25649"])
        XCTAssertEqual(r.suppressed.first?.vex?.justification, "vulnerable_code_not_in_execute_path")
        // Scanning bom.json itself (its serial known), the link into BOM 3e671687… is about another BOM: as trivy, not applied.
        var identity = ImageIdentity(digests: [])
        identity.bomSerialNumber = "5f0f0da9-c03d-47d8-b38d-009e6df67094"
        let strict = try RealVEX.resolve([PeerFinding.make(jackson, "CVE-2020-25649")], ["cyclonedx/bom-examples/VEX/vex.json"],
                                         identity: identity, packages: [jackson])
        XCTAssertTrue(strict.suppressed.isEmpty, "a link into another BOM does not apply when the scanned SBOM's serial is known")
    }

    /// CycloneDX VEX use cases 6 and 13: CVE-2020-25649 is not exploitable in Acme Products 1 and 2,
    /// and in Product 3 it is not exploitable (case 6) or exploitable (case 13). Each `affects` BOM-link
    /// names the product itself, the `metadata.component` of `bom-N.json` (same serial, version 1). The
    /// use cases leave the products' inventory out; the finding here is on jackson-databind 2.10.0, the
    /// component the CVE is about (from `VEX/bom.json`).
    /// The identity carries the SBOM's serial and subject bom-ref (`ImageIdentity(subject:)`), so a link to
    /// the product as a whole covers all its packages, and a link into another BOM does not apply.
    func testCycloneDXProductLevelBOMLinksApplyToTheWholeProduct() throws {
        let expected = [("Case-6", "bom-1.json", "not_affected"), ("Case-6", "bom-2.json", "not_affected"), ("Case-6", "bom-3.json", "not_affected"),
                        ("Case-13", "bom-1.json", "not_affected"), ("Case-13", "bom-2.json", "not_affected"), ("Case-13", "bom-3.json", "affected")]
        let jackson = PeerFinding.package("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar")
        for (useCase, bom, status) in expected {
            let folder = "cyclonedx/bom-examples/VEX/Use-Cases/\(useCase)/"
            var inventory = try SBOMReader().read(contentsOf: try SharedData.path("examples/" + folder + bom))
            inventory.packages.append(jackson)
            let r = try RealVEX.resolve([PeerFinding.make(jackson, "CVE-2020-25649")], [folder + "vex.json"],
                                        identity: ImageIdentity(subject: inventory.subject), packages: inventory.packages)
            let finding = r.suppressed.first ?? r.findings.first
            XCTAssertEqual(finding?.vex?.status, status, "\(useCase) \(bom): \(r.explanations.map { $0.reason ?? "applied" })")
            XCTAssertEqual(r.suppressed.count, status == "not_affected" ? 1 : 0, "\(useCase) \(bom)")
        }
        // The same VEX against a BOM with another serial applies to nothing, and says why.
        var other = try SBOMReader().read(contentsOf: try SharedData.path("examples/cyclonedx/bom-examples/VEX/Use-Cases/Case-6/bom-1.json"))
        other.subject.bomSerialNumber = "urn:uuid:00000000-0000-0000-0000-000000000000"
        let r = try RealVEX.resolve([PeerFinding.make(jackson, "CVE-2020-25649")], ["cyclonedx/bom-examples/VEX/Use-Cases/Case-6/vex.json"],
                                    identity: ImageIdentity(subject: other.subject), packages: [jackson])
        XCTAssertTrue(r.suppressed.isEmpty)
        XCTAssertTrue(r.explanations.allSatisfy { $0.reason?.contains("points into another BOM") == true }, "\(r.explanations.map(\.reason))")
    }

    // MARK: - Canonical and Node.js

    /// Canonical's OpenVEX for CVE-2016-2781 against the Ubuntu 22.04 image of `sboms/guac-data`,
    /// matched by vouch's own matcher on Ubuntu's OSV records (coreutils: no fix, so a finding). The
    /// document says `under_investigation` (deferred) for jammy's coreutils 8.32-4.1ubuntu1.2; the image
    /// has 8.32-4.1ubuntu1, and under OpenVEX purl rules (go-vex PurlMatches) a versioned statement purl
    /// names that version only, so nothing applies and the explanation names the version. The same image
    /// updated to 8.32-4.1ubuntu1.2 is annotated, and kept: under_investigation never suppresses.
    func testCanonicalCoreutilsVEXAgainstTheUbuntuSBOM() throws {
        let advisories = try AdvisoryImporter().read(try SharedData.path("osv/distro/ubuntu-osv-sample")).advisories
        let matcher = Matcher(lookup: AdvisoryList(advisories), scheme: { VersionSchemes.scheme(forOSVEcosystem: $0) },
                              semver: VersionSchemes.semver, assessor: .standard)
        let vex = ["openvex/ubuntu/CVE-2016-2781.vex.json"]
        var inventory = try SBOMReader().read(contentsOf: try SharedData.path("sboms/guac-data/top-dh-sboms/ubuntu.json"))
        let identity = ImageIdentity(subject: inventory.subject)

        let found = try matcher.match(inventory).findings
        let r = try RealVEX.resolve(found, vex, identity: identity, packages: inventory.packages)
        let coreutils = try XCTUnwrap(r.findings.first { $0.package.name == "coreutils" && $0.id == "CVE-2016-2781" })
        XCTAssertNil(coreutils.vex)
        XCTAssertEqual(r.suppressed.count, 0)
        XCTAssertEqual(r.explanations.map(\.applied), [false, false])
        XCTAssertTrue(r.explanations[1].reason?.contains("version differs (statement 8.32-4.1ubuntu1.2, package 8.32-4.1ubuntu1)") == true,
                      r.explanations[1].reason ?? "")

        inventory.packages = inventory.packages.map { p in
            guard p.name == "coreutils" else { return p }
            var q = p
            q.version = "8.32-4.1ubuntu1.2"
            q.purl = p.purl.replacingOccurrences(of: "@8.32-4.1ubuntu1?", with: "@8.32-4.1ubuntu1.2?")
            return q
        }
        let current = try RealVEX.resolve(try matcher.match(inventory).findings, vex, identity: identity, packages: inventory.packages)
        let annotated = try XCTUnwrap(current.findings.first { $0.package.name == "coreutils" && $0.id == "CVE-2016-2781" })
        XCTAssertEqual(annotated.vex?.status, "under_investigation")
        XCTAssertTrue(annotated.vex?.statusNotes?.contains("currently deferred") == true)
        XCTAssertEqual(current.suppressed.count, 0)
    }

    /// The Node.js security WG's OpenVEX names `pkg:nodejs/node`: `fixed` per release
    /// (`@v5.1.1`), `not_affected` without a version (every release). No SBOM in the shared data holds
    /// Node.js itself, so the node package here is the one the document names. A versioned statement
    /// names that release only (OpenVEX purl rules); the statement about zlib's MiniZip CVE speaks for
    /// Node.js's bundled zlib and leaves the OS zlib1g finding alone.
    func testNodeJSVEX() throws {
        func node(_ v: String) -> Package { PeerFinding.package("pkg:nodejs/node@" + v) }
        let findings = [PeerFinding.make(node("v5.1.1"), "CVE-2015-3193"), PeerFinding.make(node("v5.1.0"), "CVE-2015-3193"),
                        PeerFinding.make(node("v20.11.1"), "CVE-2023-45853"), ReportFixture.zlibFinding]
        let r = try RealVEX.resolve(findings, ["openvex/nodejs/node.openvex.json"], identity: ImageIdentity(digests: [ReportFixture.digest]),
                                    packages: findings.map(\.package))
        XCTAssertEqual(RealVEX.labels(r.suppressed), ["node CVE-2015-3193", "node CVE-2023-45853"])
        XCTAssertEqual(r.suppressed.first { $0.id == "CVE-2015-3193" }?.package.version, "v5.1.1")
        XCTAssertEqual(RealVEX.labels(r.findings), ["node CVE-2015-3193", "zlib1g CVE-2023-45853"])
    }
}
