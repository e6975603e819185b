import Digest
import Foundation
import JSON
import XCTest

/// `vouch key generate`, `attest`, `attestations list` and `verify` run as a user runs them, on a
/// copy of Samples/image/oci (tag `app`): every outcome is checked by exit status and by the
/// check the report names.
final class AttestVerifyCLITests: XCTestCase {
    var sample: CLISample!

    override func setUpWithError() throws { sample = try CLISample() }
    override func tearDownWithError() throws { sample?.remove() }

    func testKeyGenerate() throws {
        let prefix = sample.path("fresh")
        let first = try VouchBinary.run(["key", "generate", "--output", prefix])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: prefix + ".pub"))
        let mode = try FileManager.default.attributesOfItem(atPath: prefix + ".key")[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600, "the private key must be readable by its owner only")
        XCTAssertTrue(try String(contentsOfFile: prefix + ".key", encoding: .utf8).hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let keyBefore = try Data(contentsOf: URL(fileURLWithPath: prefix + ".key"))

        let again = try VouchBinary.run(["key", "generate", "--output", prefix])
        XCTAssertEqual(again.status, 1)
        CLIAssert.oneErrorLine(again, mentions: [prefix + ".key", "--force"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: prefix + ".key")), keyBefore, "refused, so unchanged")
        let forced = try VouchBinary.run(["key", "generate", "--output", prefix, "--force"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: prefix + ".key")), keyBefore)

        let encrypted = sample.path("encrypted")
        let made = try VouchBinary.run(["key", "generate", "--output", encrypted], environment: ["VOUCH_KEY_PASSWORD": "s3cret"])
        XCTAssertEqual(made.status, 0, made.stderr)
        XCTAssertTrue(made.stdout.contains("encrypted"), made.stdout)
        XCTAssertTrue(try String(contentsOfFile: encrypted + ".key", encoding: .utf8).hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        let attest = ["attest", sample.image, "--key", encrypted + ".key", "--provenance", "--builder-id", CLISample.builder]
        let noPassword = try VouchBinary.run(attest)
        XCTAssertEqual(noPassword.status, 1)
        CLIAssert.oneErrorLine(noPassword, mentions: [encrypted + ".key", "password"])
        XCTAssertEqual(noPassword.stdout, "")
        let withPassword = try VouchBinary.run(attest, environment: ["VOUCH_KEY_PASSWORD": "s3cret"])
        XCTAssertEqual(withPassword.status, 0, withPassword.stderr)
        XCTAssertTrue(withPassword.stdout.hasPrefix("{\"payload"), "the envelope is printed: \(withPassword.stdout.prefix(200))")
    }

    func testAttachListAndVerify() throws {
        try sample.attach()
        try assertNineAttachments()

        let strict = ["--key", sample.pub, "--builder-id", CLISample.builder, "--source-uri", CLISample.sourceURI, "--source-ref", "refs/heads/main"]
        let text = try sample.verify(strict)
        CLIAssert.verified(text, checks: ["signature", "subject", "builder-id", "source-uri", "source-ref"])
        XCTAssertEqual(text.stdout.components(separatedBy: "\nattestation https://slsa.dev/provenance/v1 [dsse]").count - 1, 3,
                       "the provenance of all three schemes is checked: \(text.stdout)")

        let json = try sample.verify(strict + ["--format", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let report = try JSON.parse(Data(json.stdout.utf8))
        XCTAssertEqual(report["verified"]?.bool, true)
        XCTAssertEqual(report.string("digest"), sample.digest)
        let checks = report.array("attestations").flatMap { $0.array("checks") }
        XCTAssertEqual(checks.count, 24, "8 checks × 3 attestations")
        XCTAssertTrue(checks.allSatisfy { $0["passed"]?.bool == true }, "\(checks)")
        XCTAssertEqual(Set(checks.compactMap { $0.string("check") }),
                       ["signature", "payload-type", "statement-type", "subject", "predicate-type", "builder-id", "source-uri", "source-ref"])

        try sample.attach()  // re-attaching replaces, never duplicates
        try assertNineAttachments()
        CLIAssert.verified(try sample.verify(strict), checks: ["signature"])

        let sboms = try sample.verify(["--key", sample.pub, "--type", "spdx", "--type", "cyclonedx"])
        CLIAssert.verified(sboms, checks: ["signature", "subject"])
        XCTAssertTrue(sboms.stdout.contains("PASS  https://spdx.dev/Document: verified"), sboms.stdout)
        XCTAssertTrue(sboms.stdout.contains("PASS  https://cyclonedx.org/bom: verified"), sboms.stdout)

        let vex = try sample.verify(["--key", sample.pub, "--type", "openvex"])
        XCTAssertEqual(vex.status, 1, vex.stdout)
        XCTAssertTrue(vex.stdout.contains("FAIL  https://openvex.dev/ns: no attestation of this type is attached"), vex.stdout)
        XCTAssertTrue(vex.stdout.hasSuffix("NOT verified\n"), vex.stdout)
    }

    private func assertNineAttachments(file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try VouchBinary.run(["attestations", "list", sample.image, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        let rows = try JSON.parse(Data(r.stdout.utf8)).array("attestations")
        XCTAssertEqual(rows.count, 9, r.stdout, file: file, line: line)
        let pairs = Set(rows.map { "\($0.string("predicateType") ?? "?") \($0.string("scheme") ?? "?")" })
        let expected = Set(["https://spdx.dev/Document", "https://cyclonedx.org/bom", "https://slsa.dev/provenance/v1"]
            .flatMap { t in ["buildkit", "referrer", "cosign"].map { "\(t) \($0)" } })
        XCTAssertEqual(pairs, expected, file: file, line: line)
        XCTAssertEqual(Set(rows.compactMap { $0.string("subject") }), [sample.digest], file: file, line: line)
        XCTAssertEqual(Set(rows.compactMap { $0.string("envelope") }), ["dsse"], file: file, line: line)
        // A machine-readable listing names the signing key by the id `key generate` printed.
        XCTAssertEqual(Set(rows.compactMap { $0.string("signedBy") }), [sample.keyID], "signedBy", file: file, line: line)
    }

    func testVerifyRefusals() throws {
        try sample.attach()
        let other = sample.path("other")
        XCTAssertEqual(try VouchBinary.run(["key", "generate", "--output", other]).status, 0)

        CLIAssert.refused(try sample.verify(["--key", other + ".pub"]), at: "signature")
        let key = ["--key", sample.pub]
        CLIAssert.refused(try sample.verify(key + ["--builder-id", "https://evil.example/runner"]), at: "builder-id")
        CLIAssert.refused(try sample.verify(key + ["--source-uri", "git+https://example.com/team/other"]), at: "source-uri")
        CLIAssert.refused(try sample.verify(key + ["--source-ref", "refs/heads/dev"]), at: "source-ref")
        CLIAssert.refused(try sample.verify(key + ["--source-ref", "refs/tags/*"]), at: "source-ref")
        CLIAssert.verified(try sample.verify(key + ["--source-ref", "refs/heads/*"]), checks: ["source-ref"])
        CLIAssert.verified(try sample.verify(key + ["--source-ref", "regex:^refs/heads/ma.n$"]), checks: ["source-ref"])
        CLIAssert.refused(try sample.verify(key + ["--source-ref", "regex:^refs/heads/ma$"]), at: "source-ref")
        // The trusted key among others still verifies; an untrusted one alone never does.
        CLIAssert.verified(try sample.verify(["--key", other + ".pub", "--key", sample.pub]), checks: ["signature"])
    }

    func testPolicyFiles() throws {
        try sample.attach()
        let policies = sample.dir.appendingPathComponent("policies")
        try FileManager.default.createDirectory(at: policies.appendingPathComponent("keys"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: sample.pub, toPath: policies.appendingPathComponent("keys/trusted.pub").path)
        func write(_ name: String, _ text: String) throws -> String {
            let url = policies.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
        let yaml = try write("policy.yaml", """
            keys:
              - keys/trusted.pub
            builderIds:
              - \(CLISample.builder)
            source:
              uri: \(CLISample.sourceURI)
              ref: refs/heads/main
            """)
        let json = try write("policy.json", """
            {"keys": ["keys/trusted.pub"], "builderIds": ["\(CLISample.builder)"],
             "source": {"uri": "\(CLISample.sourceURI)", "ref": "refs/heads/main"}}
            """)
        // Run from elsewhere: key paths are relative to the policy file, not the working directory.
        for policy in [yaml, json] {
            CLIAssert.verified(try sample.verify(["--policy", policy]), checks: ["signature", "builder-id", "source-uri", "source-ref"])
        }
        let otherBuilder = try write("other-builder.yaml", "keys: [keys/trusted.pub]\nbuilderIds: [https://evil.example/runner]\n")
        CLIAssert.refused(try sample.verify(["--policy", otherBuilder]), at: "builder-id")

        let misspelt = try write("misspelt.yaml", "keys: [keys/trusted.pub]\nbuidlerIds: [\(CLISample.builder)]\n")
        let unknown = try sample.verify(["--policy", misspelt])
        XCTAssertEqual(unknown.status, 1)
        CLIAssert.oneErrorLine(unknown, mentions: [misspelt, "buidlerIds"])
        XCTAssertEqual(unknown.stdout, "")

        let badPEM = sample.path("broken.pub")
        try Data("-----BEGIN PUBLIC KEY-----\nnot base64 at all!\n-----END PUBLIC KEY-----\n".utf8).write(to: URL(fileURLWithPath: badPEM))
        let broken = try sample.verify(["--key", badPEM])
        XCTAssertEqual(broken.status, 1)
        CLIAssert.oneErrorLine(broken, mentions: [badPEM])
        XCTAssertEqual(broken.stdout, "")
        let brokenInPolicy = try sample.verify(["--policy", try write("broken-key.yaml", "keys: [\(badPEM)]\n")])
        XCTAssertEqual(brokenInPolicy.status, 1)
        CLIAssert.oneErrorLine(brokenInPolicy, mentions: ["keys", badPEM])
    }

    func testEnvelopeFilesVerifyWithVouchCosignAndInToto() throws {
        let out = sample.path("envelopes")
        let r = try VouchBinary.run(["attest", sample.image, "--key", sample.key, "--sbom", "--provenance", "-o", out] + CLISample.provenanceFlags)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: sample.layout + "/index.json")),
                       try Data(contentsOf: URL(fileURLWithPath: SharedData.repo("Samples/image/oci/index.json"))),
                       "without --attach the layout is left alone")
        let files = ["sbom.spdx.dsse.json": "spdx", "sbom.cdx.dsse.json": "cyclonedx", "provenance.dsse.json": "slsaprovenance1"]
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: out)), Set(files.keys))
        let python = try OutsideTool.venvTool("python")
        let validator = SharedData.root.deletingLastPathComponent().appendingPathComponent("tools/validators/intoto-validate.py").path
        guard FileManager.default.fileExists(atPath: validator) else { throw XCTSkip("in-toto validator absent (expected at \(validator))") }
        for (name, type) in files.sorted(by: { $0.key < $1.key }) {
            let file = out + "/" + name
            let v = try VouchBinary.run(["verify", "--attestation", file, "--digest", sample.digest, "--key", sample.pub, "--type", type])
            CLIAssert.verified(v, checks: ["signature", "subject", "predicate-type"], context: name)
            let (status, output) = try OutsideTool.run(python, [validator, file])
            XCTAssertEqual(status, 0, "\(name): \(output)")
        }
        let cosign = try OutsideTool.venvTool("cosign")
        let (status, output) = try OutsideTool.run(cosign, ["verify-blob-attestation", "--key", sample.pub, "--signature", out + "/provenance.dsse.json",
                                                            "--type", "slsaprovenance1", "--insecure-ignore-tlog=true", "--check-claims=false"])
        XCTAssertEqual(status, 0, output)
    }

    // MARK: attacks on the layout, through the CLI

    /// Someone with write access to the layout rewrites the attached provenance (another builder id)
    /// and keeps the old signature, leaving every digest and size in the layout consistent.
    func testRewrittenProvenanceInLayoutFailsSignature() throws {
        try sample.attach()
        let listed = try sample.list()
        let layers = Set(listed.filter { $0.string("predicateType") == "https://slsa.dev/provenance/v1" }.compactMap { $0.string("layer") })
        XCTAssertEqual(layers.count, 1, "one envelope blob shared by the three schemes")
        var rewrite = LayoutRewrite(root: URL(fileURLWithPath: sample.layout))
        for layer in layers {
            let envelope = try rewrite.blob(layer)
            guard case .object(var object) = try JSON.parse(envelope), let payload = object["payload"]?.string,
                  let statement = Data(base64Encoded: payload).map({ String(decoding: $0, as: UTF8.self) }) else {
                return XCTFail("the attached provenance is not a DSSE envelope")
            }
            XCTAssertTrue(statement.contains(CLISample.builder))
            let forged = statement.replacingOccurrences(of: CLISample.builder, with: "https://evil.example/runner")
            object["payload"] = .string(Data(forged.utf8).base64EncodedString())
            try rewrite.replace(layer, with: JSON.object(object).serialized([]))
        }
        let relisted = try sample.list()
        XCTAssertEqual(relisted.count, 9, "the layout still lists every attachment")
        XCTAssertTrue(relisted.filter { $0.string("predicateType") == "https://slsa.dev/provenance/v1" }
            .allSatisfy { !layers.contains($0.string("layer") ?? "") }, "every scheme now holds the forged envelope")

        // The forged builder id is what vouch reads (builder-id passes), and the signature refuses it.
        let r = try sample.verify(["--key", sample.pub, "--builder-id", "https://evil.example/runner"])
        CLIAssert.refused(r, at: "signature")
        XCTAssertEqual(r.stdout.components(separatedBy: "  FAIL  signature ").count - 1, 3, r.stdout)
        XCTAssertEqual(r.stdout.components(separatedBy: "  PASS  builder-id ").count - 1, 3, r.stdout)
        CLIAssert.verified(try sample.verify(["--key", sample.pub, "--type", "spdx"]), checks: ["signature"])
    }

    /// A correctly signed provenance of another image, copied next to this one as a BuildKit
    /// attestation manifest whose `vnd.docker.reference.digest` claims this image.
    func testAttestationOfAnotherImageFailsSubject() throws {
        let other = try CLISample.copyLayout(to: sample.dir.appendingPathComponent("other"))
        var otherRewrite = LayoutRewrite(root: other)
        let manifest = try JSON.parse(try otherRewrite.blob(sample.digest))
        let configDigest = try XCTUnwrap(manifest["config"]?.string("digest"))
        guard case .object(var config) = try JSON.parse(try otherRewrite.blob(configDigest)) else { return XCTFail("config") }
        config["author"] = .string("someone else")
        try otherRewrite.replace(configDigest, with: JSON.object(config).serialized([]))
        let otherImage = "oci-dir:\(other.path):app"
        let attest = try VouchBinary.run(["attest", otherImage, "--key", sample.key, "--provenance", "--attach", "--schemes", "buildkit"]
                                         + CLISample.provenanceFlags)
        XCTAssertEqual(attest.status, 0, attest.stderr)
        let row = try XCTUnwrap(try sample.list(otherImage).first)
        let otherDigest = try XCTUnwrap(row.string("subject"))
        XCTAssertNotEqual(otherDigest, sample.digest)

        // Move every blob across, then list the attestation manifest in this layout's index.json.
        let blobs = "/blobs/sha256/"
        for name in try FileManager.default.contentsOfDirectory(atPath: other.path + blobs)
        where !FileManager.default.fileExists(atPath: sample.layout + blobs + name) {
            try FileManager.default.copyItem(atPath: other.path + blobs + name, toPath: sample.layout + blobs + name)
        }
        let attestationManifest = try XCTUnwrap(row.string("manifest"))
        let size = try LayoutRewrite(root: URL(fileURLWithPath: sample.layout)).blob(attestationManifest).count
        let indexURL = URL(fileURLWithPath: sample.layout + "/index.json")
        guard case .object(var index) = try JSON.parse(try Data(contentsOf: indexURL)) else { return XCTFail("index.json") }
        let entry: JSON = ["mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": .string(attestationManifest),
                           "size": .int(Int64(size)),
                           "annotations": ["vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": .string(sample.digest)],
                           "platform": ["architecture": "unknown", "os": "unknown"]]
        index["manifests"] = .array((index["manifests"]?.array ?? []) + [entry])
        try JSON.object(index).serialized([]).write(to: indexURL)

        let listed = try sample.list()
        XCTAssertEqual(listed.map { $0.string("subject") }, [sample.digest], "the annotation claims this image")
        let r = try sample.verify(["--key", sample.pub, "--builder-id", CLISample.builder])
        CLIAssert.refused(r, at: "subject")
        XCTAssertTrue(r.stdout.contains("  PASS  signature "), "signed by the trusted key all the same: \(r.stdout)")
        XCTAssertTrue(r.stdout.contains(String(otherDigest.dropFirst("sha256:".count).prefix(12))), "names the digest it found: \(r.stdout)")
    }
}

/// Edits an OCI layout the way someone with write access could while keeping it self-consistent:
/// a changed blob is stored under its new digest, and every manifest, index and index.json naming
/// the old digest (descriptors, cosign's diff_ids) is rewritten, up to the top.
struct LayoutRewrite {
    let root: URL
    private var replaced: [String: (digest: String, size: Int)] = [:]

    init(root: URL) { self.root = root }

    private var blobs: URL { root.appendingPathComponent("blobs/sha256") }

    func blob(_ digest: String) throws -> Data {
        try Data(contentsOf: blobs.appendingPathComponent(String(digest.dropFirst("sha256:".count))))
    }

    mutating func replace(_ old: String, with data: Data) throws {
        replaced[old] = (try store(data), data.count)
        var changed = true
        while changed {
            changed = false
            for name in try FileManager.default.contentsOfDirectory(atPath: blobs.path) {
                let data = try Data(contentsOf: blobs.appendingPathComponent(name))
                guard data.first == UInt8(ascii: "{"), data.count < 4 << 20, let json = try? JSON.parse(data) else { continue }
                let edited = rewrite(json)
                guard edited != json else { continue }
                let bytes = edited.serialized([])
                let digest = try store(bytes)
                if replaced["sha256:" + name]?.digest != digest { replaced["sha256:" + name] = (digest, bytes.count); changed = true }
            }
        }
        let indexURL = root.appendingPathComponent("index.json")
        try rewrite(try JSON.parse(try Data(contentsOf: indexURL))).serialized([]).write(to: indexURL)
    }

    private func store(_ data: Data) throws -> String {
        let digest = Digest(sha256Of: data)
        try data.write(to: blobs.appendingPathComponent(digest.hex))
        return digest.description
    }

    private func rewrite(_ json: JSON) -> JSON {
        switch json {
        case .string(let s): return replaced[s].map { .string($0.digest) } ?? json
        case .array(let a): return .array(a.map(rewrite))
        case .object(let o):
            let target = o["digest"]?.string.flatMap { replaced[$0] }
            return .object(JSONObject(o.map { k, v -> (String, JSON) in
                if k == "size", let target { return (k, .int(Int64(target.size))) }
                return (k, rewrite(v))
            }))
        default: return json
        }
    }
}
