import Foundation
import JSON
import XCTest
@testable import Attestation

/// Each attack on a signed attestation is refused, and the report names the check that caught it.
final class VerifierAttackTests: XCTestCase {
    private let imageDigest = "sha256:" + String(repeating: "ab", count: 32)
    private let otherDigest = "sha256:" + String(repeating: "cd", count: 32)
    private var key: PrivateKey!
    private var otherKey: PrivateKey!

    override func setUpWithError() throws {
        key = try PrivateKey.generate(.ecdsaP256)
        otherKey = try PrivateKey.generate(.ed25519)
    }

    // MARK: building blocks

    private func statement(digest: String? = nil, predicateType: String = PredicateType.slsaProvenanceV1,
                           builder: String = "https://ci.example.com/runner") throws -> Data {
        let hex = String((digest ?? imageDigest).dropFirst("sha256:".count))
        let provenance = try SLSAProvenanceV1(
            context: CIEnvironment(name: "", builderID: builder, sourceURI: "git+https://example.com/team/app",
                                   sourceRef: "refs/heads/main", sourceDigest: ["gitCommit": String(repeating: "1", count: 40)]))
        let predicate = predicateType == PredicateType.slsaProvenanceV1 ? provenance.predicate : JSON.object(["spdxVersion": "SPDX-2.3"])
        return InTotoStatement(subjects: [ResourceDescriptor(name: "pkg:docker/app", digest: ["sha256": hex])],
                               predicateType: predicateType, predicate: predicate).serialized()
    }

    private func envelope(_ payload: Data, keys: [PrivateKey]? = nil) throws -> DSSEEnvelope {
        try DSSE.sign(payload: payload, payloadType: DSSE.inTotoPayloadType, with: keys ?? [key])
    }

    private func evidence(_ envelope: DSSEEnvelope, claimed: String? = PredicateType.slsaProvenanceV1) throws -> AttestationEvidence {
        try AttestationEvidence.decode(envelope.serialized(), encoding: .dsse, location: "test", claimedPredicateType: claimed)
    }

    private func policy(threshold: Int = 1, keys: [PublicKey]? = nil) -> VerificationPolicy {
        var p = VerificationPolicy()
        p.keys = keys ?? [key.publicKey]
        p.threshold = threshold
        p.builderIDs = ["https://ci.example.com/runner"]
        p.sourceURIs = ["git+https://example.com/team/app"]
        p.sourceRefs = ["refs/heads/main"]
        return p
    }

    private func verify(_ e: AttestationEvidence, policy: VerificationPolicy? = nil) throws -> VerificationReport {
        try AttestationVerifier(policy: policy ?? self.policy(), imageDigest: imageDigest).verify(image: "test", evidence: [e])
    }

    private func failedChecks(_ report: VerificationReport) -> [String] {
        report.attestations.flatMap { $0.outcomes.filter { !$0.passed }.map(\.check) }
    }

    // MARK: the honest case

    func testAnHonestAttestationPassesEveryCheck() throws {
        let report = try verify(try evidence(try envelope(try statement())))
        XCTAssertTrue(report.verified, report.text())
        XCTAssertEqual(report.attestations.first?.outcomes.map(\.check),
                       ["signature", "payload-type", "statement-type", "subject", "predicate-type", "builder-id", "source-uri", "source-ref"])
        XCTAssertEqual(failedChecks(report), [])
    }

    // MARK: attacks

    func testTamperedPayloadFailsTheSignature() throws {
        var env = try envelope(try statement())
        env.payload = try statement(builder: "https://evil.example/runner")
        let report = try verify(try evidence(env))
        XCTAssertFalse(report.verified)
        XCTAssertEqual(failedChecks(report), ["signature", "builder-id"])
    }

    func testWrongKeyFailsTheSignature() throws {
        let report = try verify(try evidence(try envelope(try statement(), keys: [otherKey])))
        XCTAssertFalse(report.verified)
        XCTAssertEqual(failedChecks(report), ["signature"])
        XCTAssertTrue(report.text().contains("no signature verifies with the trusted keys"), report.text())
    }

    func testSignatureOverThePayloadWithoutPAEIsRefused() throws {
        let payload = try statement()
        let raw = try key.sign(payload)  // what a naive signer would do: no pre-authentication encoding
        let env = DSSEEnvelope(payloadType: DSSE.inTotoPayloadType, payload: payload, signatures: [DSSESignature(keyid: key.keyID, sig: raw)])
        let report = try verify(try evidence(env))
        XCTAssertEqual(failedChecks(report), ["signature"])
    }

    func testPayloadTypeSwappedAfterSigningIsRefused() throws {
        var env = try envelope(try statement())
        env.payloadType = "application/json"
        let report = try verify(try evidence(env))
        XCTAssertFalse(report.verified)
        // PAE binds the type, so the signature breaks; the type check names the swap too.
        XCTAssertEqual(Set(failedChecks(report)).intersection(["signature", "payload-type"]), ["signature", "payload-type"])
    }

    func testSubjectOfAnotherImageIsRefused() throws {
        let report = try verify(try evidence(try envelope(try statement(digest: otherDigest))))
        XCTAssertEqual(failedChecks(report), ["subject"])
        XCTAssertTrue(report.text().contains("no subject is the image digest"), report.text())
    }

    func testStatementOfAnotherTypeThanItsAnnotationClaimsIsRefused() throws {
        // The layer annotation says provenance; the signed statement is an SPDX SBOM.
        let env = try envelope(try statement(predicateType: PredicateType.spdx))
        let report = try verify(try evidence(env, claimed: PredicateType.slsaProvenanceV1))
        XCTAssertFalse(report.verified)
        XCTAssertTrue(failedChecks(report).contains("predicate-type"), report.text())
        XCTAssertTrue(report.text().contains("its annotation claims"), report.text())
    }

    func testEmptySignaturesAreRefusedWhenDecoding() throws {
        let env = DSSEEnvelope(payloadType: DSSE.inTotoPayloadType, payload: try statement(), signatures: [])
        XCTAssertThrowsError(try evidence(env)) { error in
            XCTAssertTrue("\(error)".contains("signatures"), "\(error)")
        }
    }

    func testOneKeySigningTwiceDoesNotMeetAThresholdOfTwo() throws {
        var env = try envelope(try statement())
        env.signatures.append(env.signatures[0])
        let report = try verify(try evidence(env), policy: policy(threshold: 2, keys: [key.publicKey, otherKey.publicKey]))
        XCTAssertEqual(failedChecks(report), ["signature"])
        XCTAssertTrue(report.text().contains("only 1 of threshold 2"), report.text())
        // Two distinct keys do meet it.
        let both = try envelope(try statement(), keys: [key, otherKey])
        XCTAssertTrue(try verify(try evidence(both), policy: policy(threshold: 2, keys: [key.publicKey, otherKey.publicKey])).verified)
    }

    func testAnUnsignedStatementFailsTheSignatureCheck() throws {
        let e = try AttestationEvidence.decode(try statement(), encoding: .statement, location: "bare", claimedPredicateType: nil)
        let report = try verify(e)
        XCTAssertEqual(failedChecks(report), ["signature"])
        XCTAssertTrue(report.text().contains("not signed"), report.text())
    }

    func testMalformedPEMIsATypedError() {
        let pem = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEFRk//8DKJlhLGay1c2sB5ApHblJB\n-----END PUBLIC KEY-----\n"
        XCTAssertThrowsError(try PublicKey(pem: Data(pem.utf8), source: "broken.pub")) { error in
            XCTAssertTrue(error is KeyError, "\(error)")
            XCTAssertTrue("\(error)".contains("broken.pub"), "\(error)")
        }
    }

    func testStatementTypeCanBeRestrictedToV1() throws {
        var json = try JSON.parse(try statement())
        if case .object(var o) = json { o["_type"] = .string(StatementType.v01); json = .object(o) }
        let env = try envelope(json.serialized([]))
        XCTAssertTrue(try verify(try evidence(env)).verified, "v0.1 (cosign 2.5) is accepted by default")
        var strict = policy()
        strict.statementTypes = [StatementType.v1]
        XCTAssertEqual(failedChecks(try verify(try evidence(env), policy: strict)), ["statement-type"])
    }

    func testMissingRequiredTypeIsReported() throws {
        var p = policy()
        p.requiredPredicateTypes = [PredicateType.spdx]
        let report = try AttestationVerifier(policy: p, imageDigest: imageDigest).verify(image: "test", evidence: [try evidence(try envelope(try statement()))])
        XCTAssertFalse(report.verified)
        XCTAssertTrue(report.requirements.first?.reason.contains("no attestation of this type is attached") == true, report.text())
    }

    func testPatternsInPolicies() throws {
        let e = try evidence(try envelope(try statement()))
        for (refs, ok) in [(["refs/heads/*"], true), (["refs/tags/*"], false), (["regex:^refs/heads/ma.n$"], true), (["regex:heads"], false), (["main"], true)] {
            var p = policy()
            p.sourceRefs = refs
            XCTAssertEqual(try verify(e, policy: p).verified, ok, "\(refs)")
        }
        var p = policy()
        p.builderIDs = ["regex:("]
        XCTAssertThrowsError(try verify(e, policy: p))
    }

    func testPolicyFileRejectsUnknownKeysAndReadsRelativeKeyPaths() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vouch-policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(key.publicKey.pem.utf8).write(to: dir.appendingPathComponent("signing.pub"))
        let good = dir.appendingPathComponent("policy.yaml")
        try Data("""
        keys: [signing.pub]
        builderIds: https://ci.example.com/runner
        source:
          uri: git+https://example.com/team/app
          ref: refs/heads/*
        """.utf8).write(to: good)
        let p = try VerificationPolicy.load(path: good.path)
        XCTAssertEqual(p.keys, [key.publicKey])
        XCTAssertTrue(try AttestationVerifier(policy: p, imageDigest: imageDigest).verify(image: "t", evidence: [try evidence(try envelope(try statement()))]).verified)

        let typo = dir.appendingPathComponent("typo.json")
        try Data(#"{"keys": ["signing.pub"], "buidlerIds": ["x"]}"#.utf8).write(to: typo)
        XCTAssertThrowsError(try VerificationPolicy.load(path: typo.path)) { error in
            XCTAssertTrue("\(error)".contains("buidlerIds"), "\(error)")
        }
        let wrongType = dir.appendingPathComponent("wrong.yaml")
        try Data("threshold: many\n".utf8).write(to: wrongType)
        XCTAssertThrowsError(try VerificationPolicy.load(path: wrongType.path)) { XCTAssertTrue("\($0)".contains("threshold"), "\($0)") }
        // Nesting and alias bombs are refused before Yams composes them (it recurses and expands aliases).
        let deep = dir.appendingPathComponent("deep.yaml")
        try Data(("keys: " + String(repeating: "[", count: 100_000)).utf8).write(to: deep)
        XCTAssertThrowsError(try VerificationPolicy.load(path: deep.path)) { XCTAssertTrue("\($0)".contains("brackets deep"), "\($0)") }
        let bomb = dir.appendingPathComponent("bomb.yaml")
        try Data("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n".utf8).write(to: bomb)
        XCTAssertThrowsError(try VerificationPolicy.load(path: bomb.path)) { XCTAssertTrue("\($0)".contains("anchors and aliases"), "\($0)") }
    }
}
