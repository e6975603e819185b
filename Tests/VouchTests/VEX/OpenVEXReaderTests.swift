import Foundation
import XCTest
@testable import VEX

/// OpenVEX documents as their authors published them (go-vex, vexctl, Node.js, Canonical, trivy, grype):
/// each test checks facts read off the file itself.
final class OpenVEXReaderTests: XCTestCase {
    override func setUpWithError() throws { try SharedData.require() }

    private func read(_ relative: String) throws -> VEXDocument {
        try VEXDocumentReader().read(contentsOf: SharedData.path("examples/" + relative))
    }

    private func time(_ date: Date?, _ expected: Double, file: StaticString = #filePath, line: UInt = #line) {
        guard let date else { return XCTFail("no timestamp", file: file, line: line) }
        XCTAssertEqual(date.timeIntervalSince1970, expected, accuracy: 1e-6, file: file, line: line)
    }

    func testVersion020WithSubcomponentsAndNanosecondOffsetTime() throws {
        let d = try read("openvex/go-vex/pkg/vex/testdata/v0.2.0.json")
        XCTAssertEqual(d.format, .openVEX)
        XCTAssertEqual(d.author, "The OpenVEX Project <openvex@openssf.org>")
        XCTAssertEqual(d.version, 1)
        // 2023-07-17T18:28:47.696004345-06:00
        time(d.timestamp, 1_689_640_127.696004345)
        XCTAssertEqual(d.statements.map(\.vulnerability), ["CVE-2023-1255", "CVE-2023-2650", "CVE-2023-2975", "CVE-2023-3446", "CVE-2023-3817"])
        XCTAssertEqual(d.statements.map(\.status), [.fixed, .fixed, .fixed, .notAffected, .notAffected])
        XCTAssertTrue(d.problems.isEmpty)
        let s = d.statements[3]
        XCTAssertEqual(s.justification, .vulnerableCodeNotPresent)
        XCTAssertNil(s.sourceJustification)
        XCTAssertEqual(s.impactStatement, "affected functions were removed before packaging")
        XCTAssertEqual(s.products.count, 1)
        XCTAssertEqual(s.products[0].purl, "pkg:oci/alpine@sha256%3A124c7d2707904eea7431fffe91522a01e5a861a624ee31d03372cc1d138a3126")
        XCTAssertEqual(s.products[0].subcomponents.map(\.purl), ["pkg:apk/alpine/libssl3@3.0.8-r3", "pkg:apk/alpine/libcrypto3@3.0.8-r3"])
        XCTAssertEqual(s.origin.statementIndex, 3)
        XCTAssertEqual(s.label, "\(d.location) statement 4 (CVE-2023-3446)")
        XCTAssertEqual(s.effectiveTimestamp, d.timestamp)
    }

    func testVersion001StringProductsAndStringVersion() throws {
        for file in ["openvex/go-vex/pkg/vex/testdata/v0.0.1.json", "openvex/go-vex/pkg/vex/testdata/v0.0.1-noversion.json"] {
            let d = try read(file)
            XCTAssertEqual(d.version, 1, file)   // written "1", a string, in 0.0.1
            time(d.timestamp, 1_673_222_523.647787998)
            XCTAssertEqual(d.statements.count, 1, file)
            let s = try XCTUnwrap(d.statements.first)
            XCTAssertEqual(s.vulnerability, "CVE-2023-12345")
            XCTAssertEqual(s.status, .fixed)
            XCTAssertEqual(s.products.map(\.purl), ["pkg:apk/wolfi/git@2.39.0-r1?arch=armv7", "pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64"])
            XCTAssertEqual(s.products.map(\.id), s.products.map(\.purl))
        }
    }

    func testVexctlImagesKeepsNonPurlProductsAsIDs() throws {
        let d = try read("openvex/vexctl/pkg/ctl/testdata/images.vex.json")
        XCTAssertNil(d.timestamp)
        XCTAssertNil(d.version)
        XCTAssertEqual(d.statements.count, 4)
        XCTAssertEqual(d.statements[1].products, [VEXComponent(id: "nginx")])
        XCTAssertEqual(d.statements[2].products, [VEXComponent(id: "registry.k8s.io/kube-apiserver:v1.26.0")])
        XCTAssertEqual(d.statements[3].products.first?.purl, "pkg:oci/kube-apiserver?repository_url=registry.k8s.io&tag=v1.26.0")
        XCTAssertNil(d.statements[0].statusNotes, "an empty status_notes is no note")
        // 2022-12-22T16:36:43-05:00 on each statement; the document has none to fall back on.
        time(d.statements[0].timestamp, 1_671_745_003)
        XCTAssertEqual(d.statements[0].effectiveTimestamp, d.statements[0].timestamp)
    }

    func testStatementsWithoutProductsAreKept() throws {
        let d = try read("openvex/vexctl/pkg/ctl/testdata/test.vex.json")
        XCTAssertEqual(d.statements.count, 2)
        XCTAssertTrue(d.statements.allSatisfy { $0.products.isEmpty })
        XCTAssertEqual(d.statements[0].status, .notAffected)
        XCTAssertEqual(d.statements[0].justification, .vulnerableCodeNotInExecutePath)
        XCTAssertEqual(d.statements[0].actionStatement, "Affected library function not called")
        XCTAssertEqual(d.statements[1].status, .affected)
    }

    func testYAMLDocumentFromGoVex() throws {
        let d = try read("openvex/go-vex/pkg/vex/testdata/vex.yaml")
        XCTAssertEqual(d.format, .openVEX)
        XCTAssertEqual(d.author, "Chainguard")
        XCTAssertNil(d.id, "id is written as the empty string")
        time(d.timestamp, 1_661_813_333.697543267)
        XCTAssertEqual(d.statements.count, 2)
        XCTAssertEqual(d.statements[0].vulnerability, "CVE-2022-31030")
        XCTAssertEqual(d.statements[0].aliases, ["FEDORA-2022-1da581ac6d", "DSA-5162"])
        XCTAssertEqual(d.statements[0].justification, .vulnerableCodeNotInExecutePath)
        XCTAssertEqual(d.statements[1].vulnerabilityIDs, ["CVE-2021-44228", "FEDORA-2021-66d6c484f3", "VU#930724", "cisco-sa-apache-log4j-qRuKNEbd"])
        XCTAssertEqual(d.statements[1].actionStatement, "Customers are advised to upgrade")
    }

    func testCanonicalMetadataNestedDocument() throws {
        let d = try read("openvex/ubuntu/CVE-2016-2781.vex.json")
        XCTAssertEqual(d.author, "Canonical Ltd.")
        XCTAssertEqual(d.id, "https://github.com/canonical/ubuntu-security-notices/blob/main/vex/cve/2016/CVE-2016-2781")
        XCTAssertEqual(d.version, 5)
        // "2025-06-03T18:02:07.153650" (no offset: Canonical means UTC)
        time(d.timestamp, 1_748_973_727.15365)
        XCTAssertTrue(d.problems.isEmpty, "\(d.problems)")
        XCTAssertEqual(d.statements.map(\.status), [.affected, .underInvestigation])
        XCTAssertEqual(d.statements.map(\.products.count), [76, 60])
        let first = d.statements[0]
        XCTAssertEqual(first.products.first?.purl, "pkg:deb/ubuntu/coreutils@8.21-1ubuntu5.4?arch=source&distro=trusty")
        XCTAssertEqual(first.products.last?.purl, "pkg:deb/ubuntu/coreutils-dbgsym@8.30-3ubuntu2?arch=s390x")
        XCTAssertEqual(first.aliases.count, 5)
        XCTAssertEqual(first.actionStatement, "This package (for the given release) is no longer supported. Please upgrade your system.")
        // "2017-02-07 15:59:00 UTC"
        time(first.timestamp, 1_486_483_140)
    }

    func testNodeJSDocument() throws {
        let d = try read("openvex/nodejs/node.openvex.json")
        XCTAssertEqual(d.author, "Node.js Security WG")
        XCTAssertEqual(d.statements.count, 183)
        XCTAssertEqual(d.statements.filter { $0.status == .fixed }.count, 172)
        XCTAssertEqual(d.statements.filter { $0.status == .notAffected }.count, 11)
        XCTAssertEqual(d.statements.filter { $0.justification == .vulnerableCodeNotInExecutePath }.count, 10)
        let s = d.statements[131]
        XCTAssertEqual(s.vulnerability, "CVE-2023-45853")
        XCTAssertEqual(s.justification, .vulnerableCodeNotPresent)
        XCTAssertEqual(s.products, [VEXComponent(id: "pkg:nodejs/node", purl: "pkg:nodejs/node")])
        XCTAssertTrue(s.impactStatement?.hasPrefix("This CVE was created for MiniZip") == true)
        let cve20157384 = try XCTUnwrap(d.statements.first { $0.vulnerability == "CVE-2015-7384" })
        XCTAssertEqual(cve20157384.products.map(\.purl), ["pkg:nodejs/node@v4.1.2"])
    }

    func testTrivyNestedSubcomponentAndIDOnlyVulnerability() throws {
        let nested = try read("trivy/pkg/vex/testdata/openvex-nested.json")
        XCTAssertNil(nested.id)
        let product = try XCTUnwrap(nested.statements.first?.products.first)
        XCTAssertEqual(product.purl, "pkg:golang/github.com/aquasecurity/go-direct1@v2.0.0")
        XCTAssertEqual(product.subcomponents.map(\.purl), ["pkg:golang/github.com/aquasecurity/go-transitive@v4.0.0"])

        // trivy's VEX repositories name the vulnerability by @id alone.
        let repo = try read("trivy/pkg/vex/testdata/multi-repos/vex/repositories/default/0.1/bash-vex.json")
        XCTAssertEqual(repo.statements.first?.vulnerability, "CVE-2022-3715")
        XCTAssertEqual(repo.statements.first?.products.first?.purl, "pkg:deb/debian/bash@5.3")
    }

    func testStatementTimeOverridesDocumentTime() throws {
        let d = try read("openvex/vexctl/examples/sarif/sample-2vulns.openvex.json")
        XCTAssertEqual(d.statements.count, 2)
        time(d.statements[0].timestamp, 1_692_150_922.076684217)
        XCTAssertNil(d.statements[1].timestamp)
        time(d.statements[1].effectiveTimestamp, 1_692_237_322.076684217)
        XCTAssertEqual(d.statements[1].aliases, ["SNYK-DEBIAN12-SHADOW-1559391"])
    }

    func testGrypeImageProductWithQualifiers() throws {
        let d = try read("grype/grype/vex/testdata/vex-docs/openvex-debian.json")
        XCTAssertEqual(d.statements.first?.products.first?.purl,
                       "pkg:oci/debian@sha256%3A124c7d2707904eea7431fffe91522a01e5a861a624ee31d03372cc1d138a3126?repository_url=index.docker.io/library")
        XCTAssertEqual(d.statements.first?.products.first?.subcomponents, [])
    }
}
