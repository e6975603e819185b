import Foundation
import JSON
import XCTest

/// The user's VEX day on the bundled sample: write a statement, scan with it as a file and as a signed
/// attestation, and check the rules that matter for trust: latest statement wins, other images' and
/// untrusted keys' statements do not apply, bad documents never hide findings.
final class VEXCLITests: XCTestCase {
    private var sample: CLISample?
    private static var database: String?
    static let cve = "CVE-2024-3651"   // idna 2.10 in the sample (PYSEC-2024-60)

    override func setUpWithError() throws { try SharedData.require() }
    override func tearDown() { sample?.remove() }

    private func db() throws -> String {
        if let d = Self.database { return d }
        let path = try OutsideTool.temporaryDirectory().appendingPathComponent("advisories.sqlite").path
        let r = try VouchBinary.run(["db", "import", "--db", path, try SharedData.path("osv/PyPI-pypa.tar.gz")], timeout: 300)
        XCTAssertEqual(r.status, 0, r.stderr)
        Self.database = path
        return path
    }

    /// A sample whose SBOM attestation is attached and signed with its key.
    private func attestedSample() throws -> CLISample {
        let s = try CLISample()
        sample = s
        let r = try VouchBinary.run(["attest", s.image, "--key", s.key, "--sbom", "--attach"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return s
    }

    private func vexCreate(_ s: CLISample, _ file: String, status: String = "not_affected", product: String? = nil, epoch: Int = 1_700_000_000,
                           extra: [String] = ["--justification", "vulnerable_code_not_in_execute_path"], author: String = "security@example.com") throws -> String {
        let path = s.path(file)
        let r = try VouchBinary.run(["vex", "create", "--product", product ?? s.image, "--vuln", Self.cve, "--status", status,
                                     "--subcomponent", "pkg:pypi/idna", "--author", author, "-o", path] + extra,
                                    environment: ["SOURCE_DATE_EPOCH": String(epoch)])
        XCTAssertEqual(r.status, 0, r.stderr)
        return path
    }

    private func cves(_ s: CLISample, _ extra: [String]) throws -> (json: JSON, stderr: String) {
        let r = try VouchBinary.run(["cves", s.image, "--db", try db(), "--format", "json", "--only-package-type", "pypi"] + extra)
        XCTAssertEqual(r.status, 0, r.stderr)
        return (try JSON.parse(Data(r.stdout.utf8)), r.stderr)
    }

    private func status(of json: JSON) -> (kept: String?, suppressed: String?) {
        let kept = json.array("findings").first { $0.string("id") == Self.cve }
        let gone = json.array("suppressed").first { $0.string("id") == Self.cve }
        return (kept.map { $0["vex"]?.string("status") ?? "none" }, gone?["vex"]?.string("status"))
    }

    func testAStatementFromAFileAndFromASignedAttestationSuppressesTheFinding() throws {
        let s = try attestedSample()
        let (plain, _) = try cves(s, ["--key", s.pub])
        XCTAssertEqual(status(of: plain).kept, "none", "the sample's idna has \(Self.cve) before any VEX")

        let file = try vexCreate(s, "app.vex.json")
        let (withFile, _) = try cves(s, ["--key", s.pub, "--vex-location", file])
        XCTAssertEqual(status(of: withFile).suppressed, "not_affected")
        XCTAssertNil(status(of: withFile).kept)
        XCTAssertEqual(withFile.array("findings").count + 1, plain.array("findings").count, "only that finding moved")

        let attest = try VouchBinary.run(["vex", "attest", s.image, file, "--key", s.key, "--attach"], environment: ["VOUCH_KEY_PASSWORD": ""])
        XCTAssertEqual(attest.status, 0, attest.stderr)
        XCTAssertTrue(attest.stdout.contains("https://openvex.dev/ns/v0.2.0"), attest.stdout)
        let (attached, notes) = try cves(s, ["--key", s.pub])
        XCTAssertEqual(status(of: attached).suppressed, "not_affected", notes)
        XCTAssertTrue(notes.contains("verified"), notes)
        let (skipped, _) = try cves(s, ["--key", s.pub, "--no-attached-vex"])
        XCTAssertEqual(status(of: skipped).kept, "none")

        // quickview counts what was suppressed
        let q = try VouchBinary.run(["quickview", s.image, "--db", try db(), "--key", s.pub])
        XCTAssertTrue(q.stdout.contains("1 suppressed"), q.stdout)
    }

    func testAStatementSignedByAnUntrustedKeyDoesNotApplyAndTheExplanationSaysSo() throws {
        let s = try attestedSample()
        let other = s.path("other")
        XCTAssertEqual(try VouchBinary.run(["key", "generate", "--output", other]).status, 0)
        let file = try vexCreate(s, "app.vex.json")
        let attest = try VouchBinary.run(["vex", "attest", s.image, file, "--key", other + ".key", "--attach"], environment: ["VOUCH_KEY_PASSWORD": ""])
        XCTAssertEqual(attest.status, 0, attest.stderr)
        let (json, stderr) = try cves(s, ["--key", s.pub, "--explain-vex"])
        XCTAssertEqual(status(of: json).kept, "none", "an untrusted signer's not_affected must not hide the finding")
        XCTAssertTrue(stderr.contains("not applied") && stderr.contains("signature invalid"), stderr)
    }

    func testTheNewerStatementWinsWhicheverOrderTheFilesAreGiven() throws {
        let s = try attestedSample()
        let old = try vexCreate(s, "old.vex.json", status: "not_affected", epoch: 1_700_000_000)
        let new = try vexCreate(s, "new.vex.json", status: "affected", epoch: 1_710_000_000, extra: ["--action-statement", "upgrade idna to 3.7"])
        for order in [[old, new], [new, old]] {
            let (json, _) = try cves(s, ["--key", s.pub] + order.flatMap { ["--vex-location", $0] })
            XCTAssertEqual(status(of: json).kept, "affected", "order \(order)")
            XCTAssertNil(status(of: json).suppressed)
        }
        // A folder holding both reads the same way.
        let (folder, _) = try cves(s, ["--key", s.pub, "--vex-location", s.dir.path])
        XCTAssertEqual(status(of: folder).kept, "affected")
    }

    func testStatementsForAnotherImageOrFromAnUntrustedAuthorDoNotApply() throws {
        let s = try attestedSample()
        let otherImage = try vexCreate(s, "other.vex.json", product: "pkg:oci/app@sha256%3A" + String(repeating: "a", count: 64))
        let (json, stderr) = try cves(s, ["--key", s.pub, "--vex-location", otherImage, "--explain-vex"])
        XCTAssertEqual(status(of: json).kept, "none")
        XCTAssertTrue(stderr.contains("product did not match") && stderr.contains(s.digest), stderr)

        let mine = try vexCreate(s, "mine.vex.json", author: "mallory@evil.example")
        let (filtered, why) = try cves(s, ["--key", s.pub, "--vex-location", mine, "--vex-author", ".*@example\\.com", "--explain-vex"])
        XCTAssertEqual(status(of: filtered).kept, "none")
        XCTAssertTrue(why.contains("author not trusted"), why)
    }

    func testBadDocumentsAreNamedAndNeverHideFindings() throws {
        let s = try attestedSample()
        let (plain, _) = try cves(s, ["--key", s.pub])
        let broken = s.path("broken.vex.json")
        try Data("{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [".utf8).write(to: URL(fileURLWithPath: broken))
        let unknown = s.path("unknown.vex.json")
        try Data("""
        {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "a", "timestamp": "2024-01-01T00:00:00Z", "version": 1,
         "statements": [{"vulnerability": {"name": "\(Self.cve)"}, "products": [{"@id": "pkg:pypi/idna"}], "status": "maybe"}]}
        """.utf8).write(to: URL(fileURLWithPath: unknown))
        let (json, stderr) = try cves(s, ["--key", s.pub, "--vex-location", broken, "--vex-location", unknown])
        XCTAssertEqual(json.array("findings"), plain.array("findings"), "findings unaffected")
        XCTAssertTrue(stderr.contains("broken.vex.json"), stderr)
        XCTAssertTrue(stderr.contains("unknown.vex.json statement 1"), stderr)

        let missing = try VouchBinary.run(["vex", "attest", s.image, unknown, "--key", s.key], environment: ["VOUCH_KEY_PASSWORD": ""])
        XCTAssertEqual(missing.status, 1, "refuses to sign a document with unusable statements")
        XCTAssertTrue(missing.stderr.contains("unknown.vex.json statement 1"), missing.stderr)
    }

    func testTheScanAsAnOpenVEXDocumentCarriesTheDecisions() throws {
        let s = try attestedSample()
        let file = try vexCreate(s, "app.vex.json")
        let r = try VouchBinary.run(["cves", s.image, "--db", try db(), "--key", s.pub, "--vex-location", file, "--format", "openvex"],
                                    environment: ["SOURCE_DATE_EPOCH": "1700000000"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let doc = try JSON.parse(Data(r.stdout.utf8))
        XCTAssertEqual(doc.string("@context"), "https://openvex.dev/ns/v0.2.0")
        let idna = doc.array("statements").first { $0["vulnerability"]?.string("name") == Self.cve }
        XCTAssertEqual(idna?.string("status"), "not_affected")
        XCTAssertEqual(idna?.string("justification"), "vulnerable_code_not_in_execute_path")
        // The written document reads back and applies to the same image.
        let again = s.path("state.vex.json")
        try Data(r.stdout.utf8).write(to: URL(fileURLWithPath: again))
        let (json, _) = try cves(s, ["--key", s.pub, "--vex-location", again])
        XCTAssertEqual(status(of: json).suppressed, "not_affected")
    }
}
