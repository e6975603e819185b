import Foundation
import JSON
import XCTest
@testable import Attestation

final class DSSETests: XCTestCase {
    private let statementType = DSSE.inTotoPayloadType
    private let grype = "examples/grype/grype/pkg/testdata/"

    func testPAEMatchesTheSpecVector() {
        let pae = DSSE.pae(payloadType: "http://example.com/HelloWorld", payload: Data("hello world".utf8))
        XCTAssertEqual(String(decoding: pae, as: UTF8.self), "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
        // Lengths are byte counts, not character counts.
        XCTAssertEqual(String(decoding: DSSE.pae(payloadType: "é", payload: Data()), as: UTF8.self), "DSSEv1 2 é 0 ")
    }

    func testEveryBase64SpellingReadsTheSameEnvelope() throws {
        // 0xfb 0xff 0xbf encodes to "+/+/" in the standard alphabet and "-_-_" in the URL-safe one.
        let payload = Data([0xfb, 0xff, 0xbf, 0x01])
        let sig = Data([0xff, 0xfe, 0xfd, 0xfc, 0xfb])
        let spellings = [("+/+/AQ==", "//79/Ps="), ("+/+/AQ", "//79/Ps"), ("-_-_AQ==", "__79_Ps="), ("-_-_AQ", "__79_Ps")]
        for (p, s) in spellings {
            let text = #"{"payloadType":"t","payload":"\#(p)","signatures":[{"keyid":"k","sig":"\#(s)"}]}"#
            let envelope = try DSSEEnvelope(json: Data(text.utf8))
            XCTAssertEqual(envelope.payload, payload, p)
            XCTAssertEqual(envelope.signatures, [DSSESignature(keyid: "k", sig: sig)], s)
        }
        for bad in ["+/+/AQ=", "+/+/A", "+/ +/AQ==", "+/+/AQ==AA", "+/+/AQ=="  + "=", "*+/+"] {
            let text = #"{"payloadType":"t","payload":"\#(bad)","signatures":[{"sig":"AA=="}]}"#
            XCTAssertThrowsError(try DSSEEnvelope(json: Data(text.utf8)), bad) {
                XCTAssertEqual($0 as? DSSEError, .invalidBase64(field: "payload"), bad)
            }
        }
        let badSig = #"{"payloadType":"t","payload":"","signatures":[{"sig":"AA=="},{"sig":"A!=="}]}"#
        XCTAssertThrowsError(try DSSEEnvelope(json: Data(badSig.utf8))) {
            XCTAssertEqual($0 as? DSSEError, .invalidBase64(field: "signatures[1].sig"))
        }
    }

    func testMalformedEnvelopesNameTheField() throws {
        let cases: [(String, DSSEError)] = [
            ("[]", .notAnObject(field: "envelope", found: "an array")),
            ("\"x\"", .notAnObject(field: "envelope", found: "a string")),
            (#"{"payloadType":"t","signatures":[{"sig":"AA=="}]}"#, .missingField("payload")),
            (#"{"payload":"","signatures":[{"sig":"AA=="}]}"#, .missingField("payloadType")),
            (#"{"payload":"","payloadType":7,"signatures":[{"sig":"AA=="}]}"#, .wrongType(field: "payloadType", expected: "a string", found: "a number")),
            (#"{"payload":null,"payloadType":"t","signatures":[{"sig":"AA=="}]}"#, .wrongType(field: "payload", expected: "a string", found: "null")),
            (#"{"payload":"","payloadType":"t"}"#, .missingField("signatures")),
            (#"{"payload":"","payloadType":"t","signatures":{}}"#, .wrongType(field: "signatures", expected: "an array", found: "an object")),
            (#"{"payload":"","payloadType":"t","signatures":[]}"#, .noSignatures(field: "signatures")),
            (#"{"payload":"","payloadType":"t","signatures":["AA=="]}"#, .notAnObject(field: "signatures[0]", found: "a string")),
            (#"{"payload":"","payloadType":"t","signatures":[{"keyid":"k"}]}"#, .missingField("signatures[0].sig")),
            (#"{"payload":"","payloadType":"t","signatures":[{"sig":"AA==","keyid":5}]}"#, .wrongType(field: "signatures[0].keyid", expected: "a string", found: "a number")),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try DSSEEnvelope(json: Data(text.utf8)), text) { XCTAssertEqual($0 as? DSSEError, expected, text) }
        }
        XCTAssertThrowsError(try DSSEEnvelope(json: Data("{\"payload\":".utf8))) {
            guard case .notJSON? = $0 as? DSSEError else { return XCTFail("\($0)") }
        }
        let many = (0...DSSEEnvelope.maximumSignatures).map { _ in #"{"sig":"AA=="}"# }.joined(separator: ",")
        XCTAssertThrowsError(try DSSEEnvelope(json: Data(#"{"payload":"","payloadType":"t","signatures":[\#(many)]}"#.utf8))) {
            XCTAssertEqual($0 as? DSSEError, .tooManySignatures(count: DSSEEnvelope.maximumSignatures + 1, limit: DSSEEnvelope.maximumSignatures))
        }
        // A payload just over 64 MiB is refused by its encoded size, naming the field.
        var big = Data(#"{"payloadType":"t","signatures":[{"sig":"AA=="}],"payload":""#.utf8)
        big.append(Data(repeating: UInt8(ascii: "A"), count: DSSEEnvelope.maximumPayloadSize / 3 * 4 + 8))
        big.append(Data("\"}".utf8))
        XCTAssertThrowsError(try DSSEEnvelope(json: big)) {
            guard case .tooLarge(field: "payload", _, limit: DSSEEnvelope.maximumPayloadSize)? = $0 as? DSSEError else { return XCTFail("\($0)") }
        }
    }

    func testSerializationIsCompactAndRoundTrips() throws {
        let key = try PrivateKey.generate(.ecdsaP256)
        let envelope = try DSSE.sign(payload: Data("{\"a\":1}".utf8), payloadType: statementType, with: [key])
        let text = String(decoding: envelope.serialized(), as: UTF8.self)
        XCTAssertTrue(text.hasPrefix(#"{"payload":"eyJhIjoxfQ==","payloadType":"application/vnd.in-toto+json","signatures":[{"keyid":""#), text)
        XCTAssertFalse(text.contains("\n"))
        XCTAssertEqual(try DSSEEnvelope(json: envelope.serialized()), envelope)
        XCTAssertEqual(envelope.signatures.first?.keyid, key.keyID)
        var anonymous = envelope
        anonymous.signatures[0].keyid = nil
        XCTAssertTrue(String(decoding: anonymous.serialized(), as: UTF8.self).contains(#""keyid":"","#), "a missing keyid is written as \"\"")
    }

    func testSignAndVerifyWithEveryKeyKind() throws {
        let payload = Data(#"{"_type":"https://in-toto.io/Statement/v1"}"#.utf8)
        for algorithm in [KeyAlgorithm.ecdsaP256, .ecdsaP384, .ed25519, .rsa(bits: 2048)] {
            let key = try PrivateKey.generate(algorithm)
            for padding in RSAPadding.allCases {
                let envelope = try DSSE.sign(payload: payload, payloadType: statementType, with: [key], rsaPadding: padding)
                let parsed = try DSSEEnvelope(json: envelope.serialized())
                let result = parsed.verify(trusting: [key.publicKey])
                XCTAssertTrue(result.isVerified, "\(algorithm) \(padding): \(result)")
                XCTAssertEqual(result.verifyingKeys, [key.publicKey])
                XCTAssertEqual(result.checks.first?.verifiedBy, key.publicKey)
                if case .rsa = algorithm {
                    let other: RSAPadding = padding == .pss ? .pkcs1v15 : .pss
                    XCTAssertFalse(parsed.verify(trusting: [key.publicKey], rsaPaddings: [other]).isVerified)
                }
            }
        }
    }

    // MARK: Real signed attestations (grype's test data, signed by cosign)

    func testGrypeSignedSBOMAttestationsVerify() throws {
        let key = try PublicKey(pem: try SharedData.data(grype + "cosign.pub"), source: "cosign.pub")
        let another = try PublicKey(pem: try SharedData.data(grype + "another_cosign.pub"), source: "another_cosign.pub")
        for name in ["alpine.att.json", "alpine.cdx.att.json"] {
            let envelope = try DSSEEnvelope(json: try SharedData.data(grype + name))
            XCTAssertEqual(envelope.payloadType, statementType)
            let statement = try JSON.parse(envelope.payload)
            XCTAssertEqual(statement.string("_type"), "https://in-toto.io/Statement/v0.1")
            let result = envelope.verify(trusting: [key])
            XCTAssertTrue(result.isVerified, "\(name): \(result)")
            XCTAssertEqual(result.checks.map(\.keyid), [""])
            XCTAssertEqual(envelope.verify(trusting: [another]).failure, .noSignatureVerifies(keysTried: 1), name)
            XCTAssertTrue(envelope.verify(trusting: [another, key]).isVerified, "one trusted key of two suffices")
        }
        for name in ["alpine-tampered.att.json", "alpine-tampered.cdx.att.json"] {
            let envelope = try DSSEEnvelope(json: try SharedData.data(grype + name))
            XCTAssertEqual(envelope.verify(trusting: [key]).failure, .noSignatureVerifies(keysTried: 1), name)
        }
        XCTAssertThrowsError(try PublicKey(pem: try SharedData.data(grype + "cosign_broken.pub"), source: "cosign_broken.pub")) {
            guard case .unreadablePEM(source: "cosign_broken.pub", let reason)? = $0 as? KeyError else { return XCTFail("\($0)") }
            XCTAssertTrue(reason.contains("base64"), reason)
        }
    }

    // MARK: Attacks

    func testAttacksAreRejected() throws {
        let key = try PrivateKey.generate(.ecdsaP256)
        let stranger = try PrivateKey.generate(.ecdsaP256)
        let payload = Data(#"{"predicateType":"https://spdx.dev/Document"}"#.utf8)
        let good = try DSSE.sign(payload: payload, payloadType: statementType, with: [key])
        XCTAssertTrue(good.verify(trusting: [key.publicKey]).isVerified)

        var tampered = good
        tampered.payload = Data(#"{"predicateType":"https://spdx.dev/Document "}"#.utf8)
        XCTAssertEqual(tampered.verify(trusting: [key.publicKey]).failure, .noSignatureVerifies(keysTried: 1), "tampered payload")

        XCTAssertEqual(good.verify(trusting: [stranger.publicKey]).failure, .noSignatureVerifies(keysTried: 1), "wrong key")

        var typeSwapped = good
        typeSwapped.payloadType = "application/json"
        XCTAssertFalse(typeSwapped.verify(trusting: [key.publicKey]).isVerified, "payloadType swapped after signing")

        let withoutPAE = DSSEEnvelope(payloadType: statementType, payload: payload,
                                      signatures: [DSSESignature(keyid: key.keyID, sig: try key.sign(payload))])
        XCTAssertFalse(withoutPAE.verify(trusting: [key.publicKey]).isVerified, "signature over the raw payload, not the PAE")

        var unsigned = good
        unsigned.signatures = []
        XCTAssertEqual(unsigned.verify(trusting: [key.publicKey]).failure, .noSignatures)
        XCTAssertEqual(unsigned.verify(trusting: [key.publicKey]).failure?.description, "no signatures")

        var garbage = good
        garbage.signatures = [DSSESignature(keyid: key.keyID, sig: Data((0..<71).map { UInt8($0 * 7 % 256) })),
                              DSSESignature(keyid: nil, sig: Data())]
        let garbageResult = garbage.verify(trusting: [key.publicKey, stranger.publicKey])
        XCTAssertEqual(garbageResult.failure, .noSignatureVerifies(keysTried: 2))
        XCTAssertEqual(garbageResult.failure?.description, "no signature verifies with the trusted keys (2 tried)")
        XCTAssertEqual(garbageResult.checks.map(\.problem), ["no trusted key verifies it (2 tried)", "empty signature"])

        // A keyid naming a trusted key does not make a stranger's signature count.
        let lying = DSSEEnvelope(payloadType: statementType, payload: payload, signatures: [
            DSSESignature(keyid: key.keyID, sig: try stranger.sign(DSSE.pae(payloadType: statementType, payload: payload)))])
        XCTAssertFalse(lying.verify(trusting: [key.publicKey]).isVerified)
        // And a wrong keyid does not stop a good signature from counting.
        var misnamed = good
        misnamed.signatures[0].keyid = stranger.keyID
        XCTAssertEqual(misnamed.verify(trusting: [stranger.publicKey, key.publicKey]).verifyingKeys, [key.publicKey])
    }

    func testThresholdCountsDistinctKeys() throws {
        let a = try PrivateKey.generate(.ecdsaP256)
        let b = try PrivateKey.generate(.ed25519)
        let payload = Data("{}".utf8)
        let single = try DSSE.sign(payload: payload, payloadType: statementType, with: [a])

        var duplicated = single
        duplicated.signatures += single.signatures
        let dup = duplicated.verify(trusting: [a.publicKey, b.publicKey], threshold: 2)
        XCTAssertEqual(dup.failure, .thresholdNotMet(distinctKeys: 1, threshold: 2), "the same signature twice")
        XCTAssertEqual(dup.failure?.description, "only 1 of threshold 2 distinct keys verified")
        XCTAssertEqual(dup.checks.map(\.problem), [nil, "same key as signature 0, counted once"])

        // ECDSA signatures are randomised: two different signatures by one key still count once.
        let twice = try DSSE.sign(payload: payload, payloadType: statementType, with: [a, a])
        XCTAssertNotEqual(twice.signatures[0].sig, twice.signatures[1].sig)
        XCTAssertEqual(twice.verify(trusting: [a.publicKey], threshold: 2).failure, .thresholdNotMet(distinctKeys: 1, threshold: 2))
        // Listing the same trusted key twice does not make it two keys.
        XCTAssertEqual(twice.verify(trusting: [a.publicKey, a.publicKey], threshold: 2).failure,
                       .thresholdNotMet(distinctKeys: 1, threshold: 2))

        let both = try DSSE.sign(payload: payload, payloadType: statementType, with: [a, b])
        let ok = both.verify(trusting: [b.publicKey, a.publicKey], threshold: 2)
        XCTAssertTrue(ok.isVerified, "\(ok)")
        XCTAssertEqual(ok.verifyingKeys, [a.publicKey, b.publicKey])
        XCTAssertEqual(both.verify(trusting: [a.publicKey], threshold: 2).failure, .thresholdNotMet(distinctKeys: 1, threshold: 2))
        XCTAssertEqual(both.verify(trusting: [a.publicKey], threshold: 0).failure, .invalidThreshold(0))
        XCTAssertEqual(both.verify(trusting: []).failure, .noTrustedKeys)
        XCTAssertThrowsError(try DSSE.sign(payload: payload, payloadType: statementType, with: [])) {
            XCTAssertEqual($0 as? DSSEError, .noSigningKeys)
        }
    }

    // MARK: Sigstore bundles

    /// Keyless bundles from cosign's and trivy's test data: the DSSE signature verifies with the
    /// signing certificate's key (only the signature; the chain is not this layer's business).
    func testSigstoreBundleEnvelopesVerifyWithTheirCertificateKey() throws {
        let files = ["examples/provenance/cosign/pkg/cosign/testdata/oci-attestation.sigstore.json",
                     "examples/trivy/pkg/fanal/artifact/image/testdata/sigstore-bundle.json",
                     "examples/provenance/slsa-verifier/cli/slsa-verifier/testdata/gha_container-based/v1.7.0/binary-linux-amd64-workflow_dispatch.intoto.sigstore"]
        for file in files {
            let bundle = try SigstoreBundle(json: try SharedData.data(file))
            XCTAssertTrue(bundle.mediaType.hasPrefix("application/vnd.dev.sigstore.bundle"), file)
            XCTAssertEqual(bundle.envelope.payloadType, statementType, file)
            XCTAssertEqual(try DSSEEnvelope(sigstoreBundle: try SharedData.data(file)), bundle.envelope)
            let key = try XCTUnwrap(try bundle.certificatePublicKey(), file)
            XCTAssertTrue(bundle.envelope.verify(trusting: [key]).isVerified, file)
            var tampered = bundle.envelope
            tampered.payload.append(0x20)
            XCTAssertFalse(tampered.verify(trusting: [key]).isVerified, file)
            XCTAssertFalse(bundle.envelope.verify(trusting: [try PrivateKey.generate(.ecdsaP256).publicKey]).isVerified)
        }
    }

    func testSigstoreBundleFieldSpellingsAndErrors() throws {
        let key = try PrivateKey.generate(.ecdsaP256)
        let envelope = try DSSE.sign(payload: Data("{}".utf8), payloadType: statementType, with: [key])
        let sig = envelope.signatures[0].sig.base64EncodedString()
        let hint = Data(KeyFixtures.hex(key.keyID)).base64EncodedString()
        let snake = #"{"media_type":"application/vnd.dev.sigstore.bundle.v0.3+json","verification_material":{"public_key":{"hint":"\#(hint)"}},"dsse_envelope":{"payload":"e30","payload_type":"\#(statementType)","signatures":[{"sig":"\#(sig)"}]}}"#
        let bundle = try SigstoreBundle(json: Data(snake.utf8))
        XCTAssertEqual(bundle.publicKeyHint, hint)
        XCTAssertEqual(bundle.hintedKeyID, key.keyID)
        XCTAssertNil(bundle.certificateDER)
        XCTAssertTrue(bundle.envelope.verify(trusting: [key.publicKey]).isVerified)

        let errors: [(String, DSSEError)] = [
            ("[1]", .notAnObject(field: "bundle", found: "an array")),
            (#"{"mediaType":"application/json","dsseEnvelope":{}}"#, .notASigstoreBundle(reason: "media type 'application/json'")),
            (#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","messageSignature":{}}"#,
             .notASigstoreBundle(reason: "it holds a message signature")),
            (#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","dsseEnvelope":[]}"#,
             .notAnObject(field: "dsseEnvelope", found: "an array")),
            (#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","dsseEnvelope":{"payload":"e30","payloadType":"t","signatures":[]}}"#,
             .noSignatures(field: "dsseEnvelope.signatures")),
            (#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"certificate":{"rawBytes":"%"}},"dsseEnvelope":{"payload":"e30","payloadType":"t","signatures":[{"sig":"AA"}]}}"#,
             .invalidBase64(field: "verificationMaterial.certificate.rawBytes")),
        ]
        for (text, expected) in errors {
            XCTAssertThrowsError(try SigstoreBundle(json: Data(text.utf8)), text) { XCTAssertEqual($0 as? DSSEError, expected, text) }
        }
        let badCert = #"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"certificate":{"rawBytes":"AAAA"}},"dsseEnvelope":{"payload":"e30","payloadType":"t","signatures":[{"sig":"AA"}]}}"#
        XCTAssertThrowsError(try SigstoreBundle(json: Data(badCert.utf8)).certificatePublicKey()) {
            guard case .malformedKey? = $0 as? KeyError else { return XCTFail("\($0)") }
        }
    }

    /// Every truncation and a spread of byte flips of a signed envelope give an envelope (that
    /// then fails or passes verification) or a DSSEError, never a crash.
    func testMangledEnvelopesNeverCrash() throws {
        let key = try PrivateKey.generate(.ecdsaP256)
        let envelope = try DSSE.sign(payload: Data(#"{"_type":"https://in-toto.io/Statement/v1"}"#.utf8),
                                     payloadType: statementType, with: [key])
        let bytes = [UInt8](envelope.serialized())
        var variants = (0..<bytes.count).map { Array(bytes.prefix($0)) }
        var seed: UInt64 = 42
        for _ in 0..<2000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var mangled = bytes
            mangled[Int(seed >> 33) % bytes.count] ^= UInt8(truncatingIfNeeded: seed >> 8) | 1
            variants.append(mangled)
        }
        var verified = 0
        for variant in variants {
            do {
                if try DSSEEnvelope(json: Data(variant)).verify(trusting: [key.publicKey]).isVerified { verified += 1 }
            } catch is DSSEError {} catch { XCTFail("untyped error \(error)") }
            do { _ = try SigstoreBundle(json: Data(variant)) } catch is DSSEError {} catch { XCTFail("untyped error \(error)") }
        }
        // Only flips that leave the decoded bytes alone (keyid, padding-free spellings) may still verify.
        XCTAssertLessThan(verified, variants.count / 10)
    }
}
