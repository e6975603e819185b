import Digest
import Foundation
import XCTest
@testable import Attestation

/// vouch's DSSE envelopes against the two reference implementations in both directions:
/// securesystemslib (python) and cosign (Go, sigstore). Each test skips when its tool is missing.
final class DSSEInteropTests: XCTestCase {
    private let predicateType = "https://example.com/vouch-test/v1"

    private var dsseVerifyScript: String {
        get throws {
            let path = SharedData.root.deletingLastPathComponent().appendingPathComponent("tools/validators/dsse-verify.py").path
            guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("dsse-verify.py absent (expected \(path))") }
            return path
        }
    }

    /// A minimal in-toto Statement v1 about `blob`; cosign insists on a real Statement.
    private func statement(about blob: Data, name: String = "blob.txt") -> Data {
        let digest = Digest(sha256Of: blob).hex
        return Data(#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"\#(name)","digest":{"sha256":"\#(digest)"}}],"predicateType":"\#(predicateType)","predicate":{"builder":"vouch test"}}"#.utf8)
    }

    private func write(_ data: Data, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    /// cosign's offline check of a DSSE envelope file against a PEM public key.
    private func cosignVerifies(envelope: String, publicKey: String) throws -> (Bool, String) {
        let cosign = try OutsideTool.venvTool("cosign")
        let (status, output) = try OutsideTool.run(cosign, ["verify-blob-attestation", "--key", publicKey, "--signature", envelope,
                                                            "--type", predicateType, "--insecure-ignore-tlog=true", "--check-claims=false"])
        return (status == 0, output)
    }

    func testVouchEnvelopesVerifyWithSecureSystemsLib() throws {
        let python = try OutsideTool.venvTool("python")
        let script = try dsseVerifyScript
        let dir = try KeyFixtures.directory()
        let payload = statement(about: Data("hello".utf8))
        // securesystemslib reads RSA keys as rsassa-pss-sha256, so the RSA envelope uses PSS.
        for algorithm in [KeyAlgorithm.ecdsaP256, .ecdsaP384, .ed25519, .rsa(bits: 2048)] {
            let key = try PrivateKey.generate(algorithm)
            let envelope = try DSSE.sign(payload: payload, payloadType: DSSE.inTotoPayloadType, with: [key], rsaPadding: .pss)
            let pub = try write(Data(key.publicKey.pem.utf8), "\(algorithm.name).pub", in: dir)
            let good = try write(envelope.serialized(), "\(algorithm.name).json", in: dir)
            let (status, output) = try OutsideTool.run(python, [script, good, pub, DSSE.inTotoPayloadType])
            XCTAssertEqual(status, 0, "\(algorithm.name): \(output)")
            var tampered = envelope
            tampered.payload = statement(about: Data("hellO".utf8))
            let bad = try write(tampered.serialized(), "\(algorithm.name)-tampered.json", in: dir)
            let (badStatus, badOutput) = try OutsideTool.run(python, [script, bad, pub])
            XCTAssertEqual(badStatus, 1, "\(algorithm.name) tampered: \(badOutput)")
        }
    }

    func testVouchEnvelopesVerifyWithCosign() throws {
        _ = try OutsideTool.venvTool("cosign")
        let dir = try KeyFixtures.directory()
        let payload = statement(about: Data("hello".utf8))
        // cosign verifies RSA with PKCS#1 v1.5 only, vouch's default RSA padding. P-384 is left
        // out: cosign 2.x verifies every ECDSA key with SHA-256, vouch (like securesystemslib and
        // sigstore-go) signs P-384 with SHA-384.
        for algorithm in [KeyAlgorithm.ecdsaP256, .ed25519, .rsa(bits: 2048)] {
            let key = try PrivateKey.generate(algorithm)
            let envelope = try DSSE.sign(payload: payload, payloadType: DSSE.inTotoPayloadType, with: [key])
            let pub = try write(Data(key.publicKey.pem.utf8), "\(algorithm.name).pub", in: dir)
            let good = try write(envelope.serialized(), "\(algorithm.name).json", in: dir)
            let (ok, output) = try cosignVerifies(envelope: good, publicKey: pub)
            XCTAssertTrue(ok, "\(algorithm.name): \(output)")
            var tampered = envelope
            tampered.payload = statement(about: Data("hellO".utf8))
            let (badOK, badOutput) = try cosignVerifies(envelope: try write(tampered.serialized(), "\(algorithm.name)-bad.json", in: dir),
                                                        publicKey: pub)
            XCTAssertFalse(badOK, "\(algorithm.name) tampered: \(badOutput)")
        }
    }

    func testSecureSystemsLibEnvelopesVerifyWithVouch() throws {
        let python = try OutsideTool.venvTool("python")
        let dir = try KeyFixtures.directory()
        let script = #"""
        import json, sys
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
        from securesystemslib.dsse import Envelope
        from securesystemslib.signer import CryptoSigner, SSlibKey
        out = sys.argv[1]
        keys = {"p256": (ec.generate_private_key(ec.SECP256R1()), None),
                "p384": (ec.generate_private_key(ec.SECP384R1()), None),
                "ed25519": (ed25519.Ed25519PrivateKey.generate(), None),
                "rsa-pss": (rsa.generate_private_key(65537, 2048), None),
                "rsa-pkcs1": (rsa.generate_private_key(65537, 2048), "rsa-pkcs1v15-sha256")}
        for name, (key, scheme) in keys.items():
            public = SSlibKey.from_crypto(key.public_key(), scheme=scheme) if scheme else None
            signer = CryptoSigner(key, public)
            envelope = Envelope(payload=sys.argv[2].encode(), payload_type="application/vnd.in-toto+json", signatures={})
            envelope.sign(signer)
            json.dump(envelope.to_dict(), open(f"{out}/{name}.json", "w"))
            pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            open(f"{out}/{name}.pub", "wb").write(pem)
        """#
        let payload = statement(about: Data("from python".utf8))
        let scriptPath = try write(Data(script.utf8), "sign.py", in: dir)
        let (status, output) = try OutsideTool.run(python, [scriptPath, dir.path, String(decoding: payload, as: UTF8.self)])
        guard status == 0 else { throw XCTSkip("securesystemslib signing failed here: \(output)") }
        var keys: [String: PublicKey] = [:]
        for name in ["p256", "p384", "ed25519", "rsa-pss", "rsa-pkcs1"] {
            keys[name] = try PublicKey(contentsOf: dir.appendingPathComponent("\(name).pub"))
        }
        for (name, key) in keys {
            let envelope = try DSSEEnvelope(json: try Data(contentsOf: dir.appendingPathComponent("\(name).json")))
            XCTAssertEqual(envelope.payload, payload, name)
            XCTAssertTrue(envelope.verify(trusting: [key]).isVerified, "\(name): \(envelope.verify(trusting: [key]))")
            let others = keys.filter { $0.key != name }.map(\.value)
            XCTAssertFalse(envelope.verify(trusting: others).isVerified, "\(name) with the other keys")
            var tampered = envelope
            tampered.payloadType = "application/json"
            XCTAssertFalse(tampered.verify(trusting: [key]).isVerified, name)
        }
        let pss = try DSSEEnvelope(json: try Data(contentsOf: dir.appendingPathComponent("rsa-pss.json")))
        XCTAssertFalse(pss.verify(trusting: [try XCTUnwrap(keys["rsa-pss"])], rsaPaddings: [.pkcs1v15]).isVerified)
    }

    /// `cosign attest-blob` output (bare envelope and new-format bundle) verifies with vouch, and a
    /// cosign.key loads in vouch and signs an envelope cosign accepts.
    func testCosignKeysAndEnvelopesWorkWithVouch() throws {
        let cosign = try OutsideTool.venvTool("cosign")
        let dir = try KeyFixtures.directory()
        let password = "interop-pw"
        try KeyFixtures.cosignKeyPair(password: password, in: dir)
        let blob = try write(Data("the artifact\n".utf8), "blob.txt", in: dir)
        let predicate = try write(Data(#"{"ok":true}"#.utf8), "predicate.json", in: dir)
        let pubURL = dir.appendingPathComponent("cosign.pub")
        let cosignPub = try PublicKey(contentsOf: pubURL)
        let base = ["attest-blob", "--yes", "--key", dir.appendingPathComponent("cosign.key").path, "--tlog-upload=false",
                    "--type", predicateType, "--predicate", predicate]
        let (status, output) = try OutsideTool.run(cosign, base + ["--output-signature", dir.appendingPathComponent("att.json").path, blob],
                                                   environment: ["COSIGN_PASSWORD": password])
        XCTAssertEqual(status, 0, output)
        let envelope = try DSSEEnvelope(json: try Data(contentsOf: dir.appendingPathComponent("att.json")))
        XCTAssertTrue(envelope.verify(trusting: [cosignPub]).isVerified)
        XCTAssertFalse(envelope.verify(trusting: [try PrivateKey.generate(.ecdsaP256).publicKey]).isVerified)

        let (bundleStatus, bundleOutput) = try OutsideTool.run(
            cosign, base + ["--bundle", dir.appendingPathComponent("bundle.json").path, "--new-bundle-format", blob],
            environment: ["COSIGN_PASSWORD": password])
        XCTAssertEqual(bundleStatus, 0, bundleOutput)
        let bundle = try SigstoreBundle(json: try Data(contentsOf: dir.appendingPathComponent("bundle.json")))
        XCTAssertEqual(bundle.hintedKeyID, cosignPub.keyID, "cosign's hint is base64 SHA-256 of the SPKI, vouch's key id in hex")
        XCTAssertTrue(bundle.envelope.verify(trusting: [cosignPub]).isVerified)

        // cosign's own key file, read by vouch, signs what cosign then verifies.
        let key = try PrivateKey(contentsOf: dir.appendingPathComponent("cosign.key"), password: password)
        let mine = try DSSE.sign(payload: statement(about: Data("x".utf8)), payloadType: DSSE.inTotoPayloadType, with: [key])
        let (ok, verifyOutput) = try cosignVerifies(envelope: try write(mine.serialized(), "mine.json", in: dir), publicKey: pubURL.path)
        XCTAssertTrue(ok, verifyOutput)
    }

    /// A key vouch writes in cosign's format is usable by `cosign attest-blob`, and what cosign
    /// signs with it verifies with vouch (for P-384 cosign 2.x hashes with SHA-256, which vouch accepts).
    func testVouchWrittenCosignKeySignsWithCosign() throws {
        let cosign = try OutsideTool.venvTool("cosign")
        let dir = try KeyFixtures.directory()
        let blob = try write(Data("artifact".utf8), "blob.txt", in: dir)
        let predicate = try write(Data(#"{"ok":true}"#.utf8), "predicate.json", in: dir)
        for algorithm in [KeyAlgorithm.ecdsaP256, .ecdsaP384, .ed25519, .rsa(bits: 2048)] {
            let key = try PrivateKey.generate(algorithm)
            let keyPath = try write(Data(try key.cosignPEM(password: "vouch-pw").utf8), "\(algorithm.name).key", in: dir)
            let out = dir.appendingPathComponent("\(algorithm.name).json").path
            let (status, output) = try OutsideTool.run(cosign, ["attest-blob", "--yes", "--key", keyPath, "--tlog-upload=false",
                                                                "--type", predicateType, "--predicate", predicate, "--output-signature", out, blob],
                                                       environment: ["COSIGN_PASSWORD": "vouch-pw"])
            XCTAssertEqual(status, 0, "\(algorithm.name): \(output)")
            guard status == 0 else { continue }
            let envelope = try DSSEEnvelope(json: try Data(contentsOf: URL(fileURLWithPath: out)))
            XCTAssertTrue(envelope.verify(trusting: [key.publicKey]).isVerified, algorithm.name)
        }
    }

    /// A key pair made by `cosign generate-key-pair` loads with its password and matches cosign.pub.
    func testCosignGeneratedKeyPairLoads() throws {
        let dir = try KeyFixtures.directory()
        try KeyFixtures.cosignKeyPair(password: "vouch-test-pw", in: dir)
        let keyURL = dir.appendingPathComponent("cosign.key")
        XCTAssertTrue(String(decoding: try Data(contentsOf: keyURL), as: UTF8.self).contains("BEGIN ENCRYPTED SIGSTORE PRIVATE KEY"))
        let key = try PrivateKey(contentsOf: keyURL, password: "vouch-test-pw")
        XCTAssertEqual(key.algorithm, .ecdsaP256)
        XCTAssertEqual(key.publicKey, try PublicKey(contentsOf: dir.appendingPathComponent("cosign.pub")))
        XCTAssertThrowsError(try PrivateKey(contentsOf: keyURL, password: "vouch-test-pW")) {
            XCTAssertEqual($0 as? KeyError, .wrongPassword(source: keyURL.path))
        }
        // The older label is the same format.
        let old = String(decoding: try Data(contentsOf: keyURL), as: UTF8.self).replacingOccurrences(of: "SIGSTORE", with: "COSIGN")
        XCTAssertEqual(try PrivateKey(pem: Data(old.utf8), password: "vouch-test-pw").publicKey, key.publicKey)
    }
}

/// Key files made by the `openssl` CLI (and cosign) in a temporary folder, for the key and DSSE tests.
enum KeyFixtures {
    static func directory() throws -> URL { try OutsideTool.temporaryDirectory() }

    /// Runs `openssl` with `arguments` in `directory`; a failure stops the test with its output.
    @discardableResult
    static func openssl(_ arguments: [String], in directory: URL, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let tool = "/usr/bin/openssl"
        guard FileManager.default.isExecutableFile(atPath: tool) else { throw XCTSkip("openssl CLI not installed") }
        let (status, output) = try OutsideTool.run("/bin/sh", ["-c", "cd '\(directory.path)' && exec \(tool) \"$@\"", "sh"] + arguments)
        if status != 0 {
            XCTFail("openssl \(arguments.joined(separator: " ")) failed: \(output)", file: file, line: line)
            throw XCTSkip("openssl failed")
        }
        return output
    }

    static func read(_ name: String, in directory: URL) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    /// `cosign generate-key-pair` output (cosign.key, cosign.pub) in `directory`.
    static func cosignKeyPair(password: String, in directory: URL) throws {
        let cosign = try OutsideTool.venvTool("cosign")
        let (status, output) = try OutsideTool.run("/bin/sh", ["-c", "cd '\(directory.path)' && exec '\(cosign)' generate-key-pair"],
                                                   environment: ["COSIGN_PASSWORD": password])
        guard status == 0 else { throw XCTSkip("cosign generate-key-pair failed: \(output)") }
    }

    static func hex(_ text: String) -> [UInt8] {
        let digits = Array(text.utf8).filter { $0 != 0x20 && $0 != 0x0A }
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }
}
