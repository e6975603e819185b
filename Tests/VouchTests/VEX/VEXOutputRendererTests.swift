import Foundation
import JSON
import SBOM
import XCTest
@testable import Evaluation
@testable import VEX

final class VEXOutputRendererTests: XCTestCase {
    static let time = Date(timeIntervalSince1970: 1_700_000_000)  // 2023-11-14T22:13:20Z
    let renderer = OpenVEXReportRenderer(timestamp: VEXOutputRendererTests.time, author: "security@example.com")

    func statements(_ report: VulnerabilityReport, _ renderer: OpenVEXReportRenderer? = nil) throws -> [JSON] {
        try JSON.parse((renderer ?? self.renderer).render(report)).array("statements")
    }

    func statement(_ all: [JSON], _ id: String, _ package: String) throws -> JSON {
        try XCTUnwrap(all.first {
            $0["vulnerability"]?.string("name") == id && $0.array("products").first?.array("subcomponents").first?.string("@id") == package
        }, "\(id) in \(package)")
    }

    func testCurrentStateOfTheScan() throws {
        let json = try JSON.parse(renderer.render(VEXReportFixture.report))
        XCTAssertEqual(json.string("author"), "security@example.com")
        XCTAssertEqual(json.string("timestamp"), "2023-11-14T22:13:20Z")
        XCTAssertEqual(json.string("tooling"), "vouch")
        let all = json.array("statements")
        XCTAssertEqual(all.count, 5, "one statement per vulnerability and package, suppressed ones included")

        // The product is the image by digest; the package is its subcomponent.
        let product = try XCTUnwrap(all.first?.array("products").first)
        XCTAssertEqual(product.string("@id"), "pkg:oci/app@sha256:c6801a3dc527e295df5a810cfa15518eac348837dd0349e4f81616f966bdcfbb")
        XCTAssertEqual(product["identifiers"]?.string("purl"), product.string("@id"))
        XCTAssertEqual(product["hashes"]?.string("sha-256"), "c6801a3dc527e295df5a810cfa15518eac348837dd0349e4f81616f966bdcfbb")

        let requests = try statement(all, "CVE-2023-32681", ReportFixture.requests.purl)
        XCTAssertEqual(requests["vulnerability"]?.array("aliases"), ["GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"])
        XCTAssertEqual(requests.string("status"), "not_affected")
        XCTAssertEqual(requests.string("justification"), "vulnerable_code_not_in_execute_path")
        XCTAssertEqual(requests.string("impact_statement"), VEXReportFixture.notAffected.impactStatement)
        XCTAssertEqual(requests.string("timestamp"), "2024-03-01T10:00:00Z", "the statement keeps its own time")
        XCTAssertEqual(requests.string("status_notes"), "from vex/app.openvex.json (https://openvex.dev/docs/public/vex-example) by security@example.com")

        let xnet = try statement(all, "CVE-2023-45288", ReportFixture.xnet.purl)
        XCTAssertEqual(xnet.string("status"), "fixed")
        XCTAssertEqual(xnet.string("status_notes"), "Backported the upstream fix into the vendored copy.; from vex/app.openvex.json by security@example.com")

        let coreutils = try statement(all, "CVE-2016-2781", ReportFixture.coreutils.purl)
        XCTAssertEqual(coreutils.string("status"), "under_investigation")
        XCTAssertTrue(coreutils.string("status_notes")?.hasPrefix("This package (for the given release) is vulnerable to the CVE") ?? false)
        XCTAssertEqual(coreutils.string("timestamp"), "2017-02-07T15:59:00Z")

        // Nobody decided glibc: under investigation, with what the scanner knows in the notes.
        let libc6 = try statement(all, "CVE-2023-4911", ReportFixture.libc6.purl)
        XCTAssertEqual(libc6.string("status"), "under_investigation")
        XCTAssertNil(libc6["action_statement"])
        XCTAssertNil(libc6["timestamp"], "an undecided finding is stated as of the document")
        XCTAssertEqual(libc6.string("status_notes"),
                       "vouch matched libc6 2.35-0ubuntu3.1 by Ubuntu:22.04 glibc >=0, <2.35-0ubuntu3.4 (UBUNTU-CVE-2023-4911, USN-6409-1); fixed in 2.35-0ubuntu3.4")
        XCTAssertNoThrow(try statement(all, "CVE-2023-4911", ReportFixture.libcBin.purl))
    }

    func testUntriagedAsAffectedCarriesTheFix() throws {
        let affected = OpenVEXReportRenderer(timestamp: Self.time, untriaged: .affected)
        let all = try statements(VEXReportFixture.report, affected)
        XCTAssertEqual(try statement(all, "CVE-2023-4911", ReportFixture.libc6.purl).string("action_statement"), "Update libc6 to 2.35-0ubuntu3.4")
        XCTAssertEqual(try statement(all, "CVE-2023-4911", ReportFixture.libc6.purl).string("status"), "affected")
        XCTAssertEqual(try statement(all, "CVE-2016-2781", ReportFixture.coreutils.purl).string("status"), "under_investigation",
                       "a decision stays what it was")
        let debian = try statements(ReportFixture.debian, affected)
        XCTAssertEqual(debian.first?.string("action_statement"), "No fix available: the distribution will not fix this in zlib1g in this release")
        XCTAssertEqual(try JSON.parse(affected.render(ReportFixture.debian)).string("author"), "Unknown Author", "vexctl's default")
    }

    /// Decisions read from other formats may break OpenVEX's rules; the renderer keeps their text without
    /// breaking them (and so never trips the writer).
    func testDecisionsAreMadeToFitOpenVEX() throws {
        var report = ReportFixture.ubuntu
        report.findings = []
        var bare = ReportFixture.requestsFinding  // CycloneDX not_affected with no justification
        bare.vex = VEXAnnotation(status: "not_affected", source: "app.cdx.json")
        var fixed = ReportFixture.xnetFinding  // a fixed statement with an impact statement and a justification
        fixed.vex = VEXAnnotation(status: "fixed", justification: "code_not_present", impactStatement: "Patched in our fork.", source: "x.json")
        var exploitable = ReportFixture.coreutilsFinding  // CycloneDX exploitable, no response
        exploitable.vex = VEXAnnotation(status: "affected", impactStatement: "Reachable from the CLI.", source: "app.cdx.json")
        var unknown = ReportFixture.glibc(ReportFixture.libc6)
        unknown.vex = VEXAnnotation(status: "maybe", source: "odd.json")
        report.suppressed = [bare, fixed]
        report.findings = [exploitable, unknown]
        let all = try statements(report)
        let requests = try statement(all, "CVE-2023-32681", ReportFixture.requests.purl)
        XCTAssertEqual(requests.string("impact_statement"), "No justification was given; see app.cdx.json")
        let xnet = try statement(all, "CVE-2023-45288", ReportFixture.xnet.purl)
        XCTAssertNil(xnet["impact_statement"])
        XCTAssertNil(xnet["justification"])
        XCTAssertEqual(xnet.string("status_notes"), "justification: code_not_present; impact statement: Patched in our fork.; from x.json")
        let coreutils = try statement(all, "CVE-2016-2781", ReportFixture.coreutils.purl)
        XCTAssertEqual(coreutils.string("action_statement"), "No fix available yet for coreutils; mitigate or accept the risk until one is released")
        XCTAssertEqual(coreutils.string("impact_statement"), "Reachable from the CLI.")
        let glibc = try statement(all, "CVE-2023-4911", ReportFixture.libc6.purl)
        XCTAssertEqual(glibc.string("status"), "under_investigation")
        XCTAssertTrue(glibc.string("status_notes")?.hasSuffix("status \"maybe\" from odd.json is not an OpenVEX status") ?? false)

        let verdicts = try OpenVEXSchema.validate([renderer.render(report)])
        XCTAssertEqual(verdicts, ["VALID"])
    }

    func testSameScanSameBytes() {
        let a = renderer.render(VEXReportFixture.report)
        var shuffled = VEXReportFixture.report
        shuffled.findings.reverse()
        shuffled.suppressed.reverse()
        XCTAssertEqual(renderer.render(shuffled), a)
        XCTAssertEqual(renderer.render(VEXReportFixture.report), a)
        XCTAssertNotEqual(OpenVEXReportRenderer(timestamp: Self.time.addingTimeInterval(60), author: "security@example.com").render(VEXReportFixture.report), a,
                          "the time is part of the document (and of its id)")
    }

    func testOtherSubjectsAndHostileInput() throws {
        // A directory has no digest: it is named by a file IRI, which the schema accepts.
        var dir = ReportFixture.debian
        dir.inventory.subject = Subject(kind: .directory, name: "/srv/root fs")
        let dirJSON = try JSON.parse(renderer.render(dir))
        XCTAssertEqual(dirJSON.array("statements").first?.array("products").first?.string("@id"), "file:///srv/root%20fs")
        // A tagged name without repository is cut to its name; the config digest stands in for a missing manifest digest.
        var archive = ReportFixture.debian
        archive.inventory.subject = Subject(kind: .image, name: "Team/App:1.4", configDigest: "sha256:" + String(repeating: "ab", count: 32))
        XCTAssertEqual(try statements(archive).first?.array("products").first?.string("@id"), "pkg:oci/app@sha256:" + String(repeating: "ab", count: 32))
        // A package without a purl is named so that the statement can never cover the whole image.
        let hostile = try statements(ReportFixture.hostile)
        XCTAssertEqual(hostile.count, 1, "the two identical findings are one statement")
        XCTAssertEqual(hostile.first?.array("products").first?.array("subcomponents").first?.string("@id"), "urn:vouch:package:evil%0Aname@1%090")
        // A clean scan states nothing: an empty statements array (the schema's minItems is the writer's default check).
        XCTAssertEqual(try JSON.parse(renderer.render(ReportFixture.empty)).array("statements"), [])

        let verdicts = try OpenVEXSchema.validate([renderer.render(VEXReportFixture.report), renderer.render(ReportFixture.ubuntu),
                                                   renderer.render(dir), renderer.render(archive), renderer.render(ReportFixture.hostile),
                                                   OpenVEXReportRenderer(timestamp: Self.time, untriaged: .affected).render(ReportFixture.synthetic(50))])
        XCTAssertEqual(verdicts, Array(repeating: "VALID", count: 6))
    }

    /// The report says what VEX decided in CycloneDX's words (mapped in Evaluation, which cannot import
    /// VEX): the same words as the VEX model's, so a written CycloneDX VEX reads back unchanged.
    func testCycloneDXWordsAgreeWithTheVEXModel() {
        for status in VEXStatus.allCases {
            XCTAssertEqual(VEXReportFields.cycloneDXState(status.rawValue), status.cycloneDXState, status.rawValue)
            XCTAssertEqual(VEXStatus(cycloneDXState: status.cycloneDXState), status)
        }
        for justification in VEXJustification.allCases {
            XCTAssertEqual(VEXReportFields.cycloneDXJustification(justification.rawValue), justification.cycloneDX, justification.rawValue)
            XCTAssertEqual(VEXJustification(cycloneDX: justification.cycloneDX), justification)
        }
        XCTAssertNil(VEXReportFields.cycloneDXState("maybe"))
        XCTAssertEqual(VEXReportFields.cycloneDXJustification("protected_at_runtime"), "protected_at_runtime", "CycloneDX's own words pass")
    }

    /// The rendered document, read back by the OpenVEX reader, gives each finding its decision again.
    func testRoundTripsThroughTheReader() throws {
        let read = try OpenVEXReader.read(JSON.parse(renderer.render(VEXReportFixture.report)), location: "state.json")
        XCTAssertEqual(read.problems, [])
        XCTAssertEqual(read.statements.count, 5)
        let requests = try XCTUnwrap(read.statements.first { $0.vulnerability == "CVE-2023-32681" })
        XCTAssertEqual(requests.status, .notAffected)
        XCTAssertEqual(requests.justification, .vulnerableCodeNotInExecutePath)
        XCTAssertEqual(requests.products.first?.purl, "pkg:oci/app@sha256:c6801a3dc527e295df5a810cfa15518eac348837dd0349e4f81616f966bdcfbb")
        XCTAssertEqual(requests.products.first?.subcomponents.first?.purl, ReportFixture.requests.purl)
        // The image product matches the scanned image by the VEX matcher's own rules.
        let identity = ImageIdentity(subject: VEXReportFixture.report.inventory.subject)
        XCTAssertEqual(identity.match(requests.products[0]), .matches)
    }
}
