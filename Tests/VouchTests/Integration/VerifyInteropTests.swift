import Foundation
import JSON
import XCTest

/// `vouch verify` against what other tools wrote, and other tools against what vouch attached:
/// cosign and oras on a local Distribution registry, and grype's signed attestation fixtures.
final class VerifyInteropTests: XCTestCase {
    private var registry: LocalRegistry?
    private var sample: CLISample?

    override func tearDown() {
        registry?.stop()
        sample?.remove()
    }

    /// A real SLSA provenance v1 predicate, as a CI system would hand it to `cosign attest`.
    private static let cosignBuilder = "https://ci.example.com/cosign-runner"
    private static let provenancePredicate = """
        {"buildDefinition": {"buildType": "https://example.com/container-build/v1",
          "externalParameters": {"repository": "https://example.com/team/app", "ref": "refs/heads/main"},
          "resolvedDependencies": [{"uri": "git+https://example.com/team/app@refs/heads/main",
                                    "digest": {"gitCommit": "0123456789abcdef0123456789abcdef01234567"}}]},
         "runDetails": {"builder": {"id": "\(cosignBuilder)"},
                        "metadata": {"invocationId": "https://ci.example.com/runs/42", "startedOn": "2025-01-01T00:00:00Z"}}}
        """

    func testCosignAndVouchAttestationsOnOneRegistryImage() throws {
        let cosign = try OutsideTool.venvTool("cosign"), oras = try OutsideTool.venvTool("oras")
        guard LocalRegistry.tool("skopeo") != nil else { throw XCTSkip("skopeo is not installed (apt-get install skopeo)") }
        let registry = try LocalRegistry()
        self.registry = registry
        let sample = try CLISample()
        self.sample = sample
        try registry.push(layout: SharedData.repo("Samples/image/oci"), tag: "app", to: "team/app", as: "v1")
        let image = "registry:\(registry.address)/team/app:v1"
        let pinned = "\(registry.address)/team/app@\(sample.digest)"
        let http = ["--allow-insecure-registry", "--allow-http-registry"]

        // cosign's key pair and its attestation (in-toto Statement v0.1 in the sha256-<hex>.att tag).
        let env = ["COSIGN_PASSWORD": "cosign-test"]
        let (genStatus, genOutput) = try OutsideTool.run(cosign, ["generate-key-pair", "--output-key-prefix", sample.path("cosign")], environment: env)
        XCTAssertEqual(genStatus, 0, genOutput)
        let predicate = sample.path("prov.json")
        try Data(Self.provenancePredicate.utf8).write(to: URL(fileURLWithPath: predicate))
        let (attStatus, attOutput) = try OutsideTool.run(cosign, ["attest", "--yes", "--key", sample.path("cosign.key"), "--tlog-upload=false"]
            + http + ["--type", "slsaprovenance1", "--predicate", predicate, pinned], environment: env)
        XCTAssertEqual(attStatus, 0, attOutput)

        let cosignPub = sample.path("cosign.pub")
        let fromCosign = try VouchBinary.run(["verify", image, "--insecure", "--key", cosignPub, "--builder-id", Self.cosignBuilder])
        CLIAssert.verified(fromCosign, checks: ["signature", "statement-type", "subject", "builder-id"])
        XCTAssertTrue(fromCosign.stdout.contains("PASS  statement-type       https://in-toto.io/Statement/v0.1"), fromCosign.stdout)
        CLIAssert.refused(try VouchBinary.run(["verify", image, "--insecure", "--key", sample.pub]), at: "signature")
        CLIAssert.refused(try VouchBinary.run(["verify", image, "--insecure", "--key", cosignPub, "--builder-id", CLISample.builder]),
                          at: "builder-id")

        // vouch attaches its own next to cosign's.
        let attest = try VouchBinary.run(["attest", image, "--insecure", "--key", sample.key, "--sbom", "--provenance", "--attach"]
                                         + CLISample.provenanceFlags)
        XCTAssertEqual(attest.status, 0, attest.stderr)
        let list = try VouchBinary.run(["attestations", "list", image, "--insecure", "--format", "json"])
        XCTAssertEqual(list.status, 0, list.stderr)
        let rows = try JSON.parse(Data(list.stdout.utf8)).array("attestations")
        let vouchRows = rows.filter { ($0.string("signedBy") ?? "").hasPrefix(sample.keyID.prefix(16)) }
        XCTAssertEqual(vouchRows.count, 9, list.stdout)
        let cosignRows = rows.filter { !($0.string("signedBy") ?? "").hasPrefix(sample.keyID.prefix(16)) }
        XCTAssertEqual(cosignRows.map { "\($0.string("scheme") ?? "?") \($0.string("predicateType") ?? "?")" },
                       ["cosign https://slsa.dev/provenance/v1"], "cosign's own attestation is still listed: \(list.stdout)")
        // … and cosign's still verifies: attaching must not drop another signer's attestation.
        CLIAssert.verified(try VouchBinary.run(["verify", image, "--insecure", "--key", cosignPub, "--builder-id", Self.cosignBuilder]),
                           checks: ["signature", "builder-id"], otherSigners: true)

        let (cvStatus, cvOutput) = try OutsideTool.run(cosign, ["verify-attestation", "--key", sample.pub, "--insecure-ignore-tlog=true"]
            + http + ["--type", "slsaprovenance1", pinned])
        XCTAssertEqual(cvStatus, 0, "cosign accepts vouch's attestation: \(cvOutput.suffix(800))")
        let (badStatus, badOutput) = try OutsideTool.run(cosign, ["verify-attestation", "--key", sample.path("cosign.pub"),
                                                                  "--insecure-ignore-tlog=true"] + http + ["--type", "spdxjson", pinned])
        XCTAssertNotEqual(badStatus, 0, "vouch's SBOM attestation is not cosign's key's: \(badOutput.suffix(400))")

        let (orasStatus, discovered) = try OutsideTool.run(oras, ["discover", "--plain-http", "--format", "json", pinned])
        XCTAssertEqual(orasStatus, 0, discovered)
        let referrers = rows.filter { $0.string("scheme") == "referrer" }.compactMap { $0.string("manifest") }
        XCTAssertEqual(referrers.count, 3)
        for manifest in referrers { XCTAssertTrue(discovered.contains(manifest), "oras discover lists \(manifest): \(discovered)") }

        let strict = ["--builder-id", CLISample.builder, "--source-uri", CLISample.sourceURI, "--source-ref", "refs/heads/main"]
        CLIAssert.verified(try VouchBinary.run(["verify", image, "--insecure", "--key", sample.pub] + strict),
                           checks: ["signature", "builder-id", "source-uri", "source-ref"], otherSigners: true)
        CLIAssert.verified(try VouchBinary.run(["verify", image, "--insecure", "--key", sample.pub, "--type", "spdx", "--type", "cyclonedx"]),
                           checks: ["signature", "subject"])
    }

    // MARK: grype's signed fixtures (cosign attest, Statement v0.1)

    private static let testdata = "examples/grype/grype/pkg/testdata/"

    /// `vouch verify --attestation FILE` with the subject digest the statement names.
    private func verifyFile(_ name: String, key: String, type: String) throws -> VouchBinary.Result {
        let file = try SharedData.path(Self.testdata + name)
        let subject = try Self.subjectDigest(of: try SharedData.path(Self.testdata + name.replacingOccurrences(of: "-tampered", with: "")))
        return try VouchBinary.run(["verify", "--attestation", file, "--digest", subject, "--key", try SharedData.path(Self.testdata + key),
                                    "--type", type])
    }

    private static func subjectDigest(of envelope: String) throws -> String {
        let json = try JSON.parse(try Data(contentsOf: URL(fileURLWithPath: envelope)))
        let payload = try XCTUnwrap(json.string("payload").flatMap { Data(base64Encoded: $0) })
        let hex = try XCTUnwrap(try JSON.parse(payload).array("subject").first?["digest"]?.string("sha256"))
        return "sha256:" + hex
    }

    func testGrypeAttestationsVerify() throws {
        let syft = "https://syft.dev/bom"
        CLIAssert.verified(try verifyFile("alpine.att.json", key: "cosign.pub", type: syft),
                           checks: ["signature", "statement-type", "subject", "predicate-type"])
        CLIAssert.verified(try verifyFile("alpine.cdx.att.json", key: "cosign.pub", type: "cyclonedx"),
                           checks: ["signature", "statement-type", "subject", "predicate-type"])
        // The syft document is not a CycloneDX one: asked for CycloneDX, there is none.
        let wrongType = try verifyFile("alpine.att.json", key: "cosign.pub", type: "cyclonedx")
        XCTAssertEqual(wrongType.status, 1, wrongType.stdout)
        XCTAssertTrue(wrongType.stdout.hasSuffix("FAIL  https://cyclonedx.org/bom: no attestation of this type is attached\nNOT verified\n"),
                      wrongType.stdout)
    }

    func testGrypeTamperedAttestationsAndWrongKeysAreRefused() throws {
        CLIAssert.refused(try verifyFile("alpine-tampered.att.json", key: "cosign.pub", type: "https://syft.dev/bom"), at: "signature")
        CLIAssert.refused(try verifyFile("alpine-tampered.cdx.att.json", key: "cosign.pub", type: "cyclonedx"), at: "signature")
        CLIAssert.refused(try verifyFile("alpine.att.json", key: "another_cosign.pub", type: "https://syft.dev/bom"), at: "signature")
        CLIAssert.refused(try verifyFile("alpine.cdx.att.json", key: "another_cosign.pub", type: "cyclonedx"), at: "signature")

        let broken = try verifyFile("alpine.att.json", key: "cosign_broken.pub", type: "https://syft.dev/bom")
        XCTAssertEqual(broken.status, 1)
        CLIAssert.oneErrorLine(broken, mentions: ["cosign_broken.pub"])
        XCTAssertEqual(broken.stdout, "")
    }
}

// MARK: - helpers shared with AttestVerifyCLITests

/// A copy of Samples/image/oci (tag `app`) and a fresh key pair in a temporary folder.
struct CLISample {
    static let builder = "https://ci.example.com/runner"
    static let sourceURI = "git+https://example.com/team/app"
    static let provenanceFlags = ["--builder-id", builder, "--source-uri", sourceURI, "--source-ref", "refs/heads/main",
                                  "--source-digest", "sha1:0123456789abcdef0123456789abcdef01234567"]

    let dir: URL
    let digest: String
    let keyID: String
    var layout: String { dir.appendingPathComponent("layout").path }
    var image: String { "oci-dir:\(layout):app" }
    var key: String { path("signing.key") }
    var pub: String { path("signing.pub") }

    init() throws {
        dir = try OutsideTool.temporaryDirectory()
        try Self.copyLayout(to: dir.appendingPathComponent("layout"))
        let index = try JSON.parse(try Data(contentsOf: URL(fileURLWithPath: SharedData.repo("Samples/image/oci/index.json"))))
        digest = try XCTUnwrap(index.array("manifests").first?.string("digest"))
        let r = try VouchBinary.run(["key", "generate", "--output", dir.appendingPathComponent("signing").path])
        guard r.status == 0, let line = r.stdout.split(separator: "\n").first(where: { $0.hasPrefix("key id ") }) else {
            throw NSError(domain: "CLISample", code: 1, userInfo: [NSLocalizedDescriptionKey: "key generate failed: \(r.stderr)"])
        }
        keyID = String(line.dropFirst("key id ".count))
    }

    @discardableResult
    static func copyLayout(to url: URL) throws -> URL {
        try FileManager.default.copyItem(atPath: SharedData.repo("Samples/image/oci"), toPath: url.path)
        return url
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    func remove() { try? FileManager.default.removeItem(at: dir) }

    func attach(file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try VouchBinary.run(["attest", image, "--key", key, "--sbom", "--provenance", "--attach"] + Self.provenanceFlags)
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
    }

    /// `vouch attestations list --format json`, its rows.
    func list(_ target: String? = nil) throws -> [JSON] {
        let r = try VouchBinary.run(["attestations", "list", target ?? image, "--format", "json"])
        guard r.status == 0 else { throw NSError(domain: "CLISample", code: 2, userInfo: [NSLocalizedDescriptionKey: r.stderr]) }
        return try JSON.parse(Data(r.stdout.utf8)).array("attestations")
    }

    /// `vouch verify IMAGE …` on the copied layout.
    func verify(_ arguments: [String]) throws -> VouchBinary.Result {
        try VouchBinary.run(["verify", image] + arguments)
    }
}

/// The contract of `vouch verify` and of errors, checked on what the user sees. Each assertion
/// reports all its problems in one failure, with the whole output.
enum CLIAssert {
    private static func column(_ check: String) -> String { check.padding(toLength: 20, withPad: " ", startingAt: 0) }

    private static func report(_ problems: [String], _ r: VouchBinary.Result, _ context: String, _ file: StaticString, _ line: UInt) {
        guard !problems.isEmpty else { return }
        XCTFail("\(context.isEmpty ? "" : context + ": ")\(problems.joined(separator: "; "))\n\(r.stdout)\(r.stderr)", file: file, line: line)
    }

    /// Exit 0, the verdict, no failing check, and each named check reported as passing.
    /// `otherSigners`: the image also carries attestations by keys not trusted here (cosign's next to
    /// vouch's); they are reported failing, and one attestation passing every check is enough.
    static func verified(_ r: VouchBinary.Result, checks: [String], otherSigners: Bool = false, context: String = "",
                         file: StaticString = #filePath, line: UInt = #line) {
        var problems: [String] = []
        if r.status != 0 { problems.append("exit status \(r.status), expected 0") }
        if !r.stdout.hasSuffix("\nverified\n") { problems.append("no 'verified' verdict") }
        let blocks = r.stdout.components(separatedBy: "\nattestation ").dropFirst()
        if otherSigners {
            if !blocks.contains(where: { !$0.contains("  FAIL  ") }) { problems.append("no attestation passed every check") }
        } else if r.stdout.contains("  FAIL  ") {
            problems.append("a check failed")
        }
        for c in checks where !r.stdout.contains("  PASS  \(column(c)) ") { problems.append("check \(c) did not pass") }
        report(problems, r, context, file, line)
    }

    /// Exit 1, NOT verified, the check failing on an attestation, and the requirement line naming it.
    static func refused(_ r: VouchBinary.Result, at check: String, context: String = "", file: StaticString = #filePath, line: UInt = #line) {
        var problems: [String] = []
        if r.status != 1 { problems.append("exit status \(r.status), expected 1") }
        if !r.stdout.hasSuffix("\nNOT verified\n") { problems.append("no 'NOT verified' verdict") }
        if !r.stdout.contains("  FAIL  \(column(check)) ") { problems.append("check \(check) did not fail") }
        let requirement = r.stdout.split(separator: "\n").first { $0.hasPrefix("FAIL  ") } ?? ""
        if !requirement.contains("(\(check): ") { problems.append("the failed requirement does not name \(check)") }
        report(problems, r, context, file, line)
    }

    /// Exit status is checked by the caller; here: one line on stderr, `vouch: error: `, naming what it must.
    static func oneErrorLine(_ r: VouchBinary.Result, mentions: [String], file: StaticString = #filePath, line: UInt = #line) {
        var problems: [String] = []
        if r.stderrLines.count != 1 { problems.append("\(r.stderrLines.count) lines on stderr, expected one") }
        let message = r.stderrLines.first ?? ""
        if !message.hasPrefix("vouch: error: ") { problems.append("not a 'vouch: error: ' line") }
        for m in mentions where !message.contains(m) { problems.append("does not mention '\(m)'") }
        report(problems, r, "", file, line)
    }
}
