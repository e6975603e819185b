import Attestation
import Foundation
import JSON
import XCTest

/// Real provenance from slsa-verifier's testdata (GitHub generators, Cloud Build, npm, BCR),
/// guac-data's krel statements and BuildKit's docs. Signatures are not checked here: payloads are
/// only base64-decoded. Broken variants whose damage is in the statement or predicate must fail
/// naming the field, or show the mismatching value.
final class ProvenanceRealDataTests: XCTestCase {
    override func setUpWithError() throws { try SharedData.require() }

    static let root = "examples/provenance/slsa-verifier/"
    static let generator = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/"

    /// Every payload whose statement or predicate is broken, by `file#payload index`, and the field
    /// the error must name. "payload" is a payload that is not base64 JSON at all.
    static let expectedFailures: [String: String] = [
        "verifiers/internal/gcb/slsaprovenance/v0.1/testdata/gcloud-container-invalid-intotoheader.json#0": "_type",
        // predicateType says v0.2 but the body is v0.1: no buildType.
        "verifiers/internal/gcb/slsaprovenance/v0.1/testdata/gcloud-container-invalid-slsaheader.json#0": "predicate.buildType",
        "verifiers/internal/gha/testdata/npm-stmt-mismatch-prov-type.intoto.sigstore#0": "_type",
        "verifiers/internal/gha/testdata/npm-stmt-mismatch-pub-type.intoto.sigstore#1": "_type",
        "verifiers/internal/gha/testdata/npm-att-publish-nodigest.intoto.sigstore#1": "subject[0].digest",
        "verifiers/internal/gha/testdata/npm-att-publish-nosubjects.intoto.sigstore#1": "subject",
        // The publish statement's digest was turned into a string (which also breaks the signature).
        "verifiers/internal/gha/testdata/npm-att-publish-invalid-signature.intoto.sigstore#1": "subject[0].digest",
        "verifiers/internal/gha/testdata/npm-stmt-mismatch-prov-predicatetype.intoto.sigstore#0": "predicateType",
        // A bundle-verification fixture (its signature is fine) whose statement leaves predicateType "",
        // which statement.md requires.
        "verifiers/internal/gha/testdata/bundle/valid.intoto.sigstore#0": "predicateType",
        "verifiers/internal/gcb/testdata/gcloud-container-empty-payload.json#0": "payload",
        "verifiers/internal/gcb/testdata/gcloud-container-no-payload.json#0": "payload",
        "verifiers/internal/gcb/testdata/gcloud-container-invalid-payload-encoding.json#0": "payload",
        // Cloud Build signature tests whose second payload was cut short.
        "verifiers/internal/gcb/testdata/v1.0-gcloud-container-github-both-invalid-sig.json#0": "payload",
        "verifiers/internal/gcb/testdata/v1.0-gcloud-container-github-both-invalid-sig.json#1": "payload",
        "verifiers/internal/gcb/testdata/v1.0-gcloud-container-github-single-invalid-sig.json#0": "payload",
        "verifiers/internal/gcb/testdata/v1.0-gcloud-container-github-v0.1-valid.json#0": "payload",
        "verifiers/internal/gcb/testdata/v1.0-gcloud-container-github-v1.0-valid.json#1": "payload",
    ]

    struct Payload {
        let key: String
        let bytes: Data?
        let payloadType: String?
        /// npm's attestation list repeats the predicate type outside the signed payload.
        let wrapperPredicateType: String?
    }

    /// The payloads a file carries: DSSE envelopes (one per JSON Lines line), sigstore bundles
    /// (`dsseEnvelope`), npm's `attestations[].bundle`, Cloud Build's `provenance_summary.provenance[].envelope`,
    /// or a bare statement. Nil when the file is not JSON.
    static func payloads(_ relative: String) throws -> [Payload]? {
        let data = try SharedData.data(root + relative)
        var documents: [JSON] = []
        if let whole = try? JSON.parse(data) {
            documents = [whole]
        } else {
            for line in data.split(separator: UInt8(ascii: "\n")) where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
                guard let doc = try? JSON.parse(Data(line)) else { return nil }
                documents.append(doc)
            }
        }
        var envelopes: [(JSON, String?)] = []
        var bare: [Data] = []
        for doc in documents {
            if doc["payload"] != nil {
                envelopes.append((doc, nil))
            } else if let env = doc["dsseEnvelope"] {
                envelopes.append((env, nil))
            } else if let list = doc["attestations"]?.array {
                envelopes += list.compactMap { a in a["bundle"]?["dsseEnvelope"].map { ($0, a.string("predicateType")) } }
            } else if let summary = doc["provenance_summary"] {
                envelopes += summary.array("provenance").compactMap { p in p["envelope"].map { ($0, nil) } }
            } else if doc["_type"] != nil {
                bare.append(doc.serialized([]))
            }
        }
        var out: [Payload] = []
        for (env, wrapper) in envelopes {
            let bytes = env.string("payload").flatMap { FlexibleBase64.decode($0) }
            out.append(Payload(key: "\(relative)#\(out.count)", bytes: bytes, payloadType: env.string("payloadType"), wrapperPredicateType: wrapper))
        }
        for b in bare { out.append(Payload(key: "\(relative)#\(out.count)", bytes: b, payloadType: nil, wrapperPredicateType: nil)) }
        return out
    }

    /// Parses one payload: the Statement, then the summary when the predicate is SLSA provenance
    /// (or claims to be: a damaged `provenance` type must not slip through as "not provenance").
    static func parse(_ p: Payload) -> Result<(InTotoStatement, ProvenanceSummary?), InTotoError> {
        guard let bytes = p.bytes, !bytes.isEmpty else { return .failure(.missingField("payload")) }
        do {
            let statement = try InTotoStatement(data: bytes)
            let claimsProvenance = statement.predicateType.contains("slsa.dev/provenanc")
            let summary = claimsProvenance ? try ProvenanceSummary.parse(statement) : nil
            return .success((statement, summary))
        } catch let e as InTotoError {
            if case .notJSON = e { return .failure(.missingField("payload")) }
            return .failure(e)
        } catch { return .failure(.invalidValue(field: "?", reason: "\(error)")) }
    }

    static func allFiles() throws -> [String] {
        let base = try SharedData.path(root)
        guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
        return walker.compactMap { $0 as? String }.filter { path in
            [".json", ".jsonl", ".sigstore", ".slsa"].contains { path.hasSuffix($0) }
                && !path.hasSuffix("index.json") && !path.contains("substitution") && !path.hasSuffix("internalParameters.json")
        }.sorted()
    }

    func testEveryStatementInSLSAVerifierTestdata() throws {
        var parsed = 0, summaries = 0, notJSON: [String] = [], seenFailures = Set<String>()
        for file in try Self.allFiles() {
            guard let payloads = try Self.payloads(file) else { notJSON.append(file); continue }
            for p in payloads {
                switch Self.parse(p) {
                case .success(let (_, summary)):
                    parsed += 1
                    if summary != nil { summaries += 1 }
                    XCTAssertNil(Self.expectedFailures[p.key], "\(p.key) was expected to fail")
                case .failure(let e):
                    seenFailures.insert(p.key)
                    XCTAssertEqual(e.field, Self.expectedFailures[p.key] ?? "(none)", "\(p.key): \(e)")
                }
            }
        }
        XCTAssertEqual(seenFailures, Set(Self.expectedFailures.keys))
        XCTAssertEqual(notJSON.map { ($0 as NSString).lastPathComponent }.sorted(),
                       ["gcloud-container-no-signature.json", "gcloud-container-no-signature.json",
                        "gcloud-container-no-signature.json", "v1.0-gcloud-container-github-nosigs.json"])
        XCTAssertGreaterThan(parsed, 350)
        XCTAssertGreaterThan(summaries, 300)
    }

    func summary(_ file: String, _ index: Int = 0) throws -> (InTotoStatement, ProvenanceSummary) {
        let p = try XCTUnwrap(try Self.payloads(file)?[index], file)
        let (statement, summary) = try Self.parse(p).get()
        return (statement, try XCTUnwrap(summary, file))
    }

    func testGitHubGeneratorProvenance() throws {
        let (_, go) = try summary("cli/slsa-verifier/testdata/gha_go/v1.2.0/binary-linux-amd64-push-v14.intoto.jsonl")
        XCTAssertEqual(go.version, .v0_2)
        XCTAssertEqual(go.builderID, Self.generator + "builder_go_slsa3.yml@refs/tags/v1.2.0")
        XCTAssertEqual(go.buildType, "https://github.com/slsa-framework/slsa-github-generator/go@v1")
        XCTAssertEqual(go.sourceURI, "git+https://github.com/slsa-framework/example-package")
        XCTAssertEqual(go.sourceRef, "refs/tags/v14")
        XCTAssertEqual(go.sourceDigest, ["sha1": "dcd26fed2ccf37087005539ad8e8ce4db23b501d"])
        XCTAssertEqual(go.entryPoint, ".github/workflows/verifier-e2e.go.tag.main.config-ldflags-assets.slsa3.yml")
        XCTAssertEqual(go.invocationID, "2700464408-1")

        let (tagged, annotated) = try summary("cli/slsa-verifier/testdata/annotated-tag.intoto.jsonl")
        XCTAssertEqual(annotated.sourceURI, "git+https://github.com/asraa/slsa-on-github-test")
        XCTAssertEqual(annotated.sourceRef, "refs/tags/v1.5.0")
        XCTAssertTrue(annotated.refMatches("v1.5.0"))
        XCTAssertEqual(tagged.subjects.map(\.name), ["artifact1", "artifact2"])

        let (_, delegator) = try summary("cli/slsa-verifier/testdata/gha_delegator/v2.1.0/binary-linux-amd64-push-v14.build.slsa")
        XCTAssertEqual(delegator.version, .v1)
        XCTAssertEqual(delegator.builderID, "https://github.com/slsa-framework/example-trw/.github/workflows/builder_high-perms_slsa3.yml@refs/tags/v2.1.0")
        XCTAssertEqual(delegator.sourceURI, "git+https://github.com/slsa-framework/example-package")
        XCTAssertEqual(delegator.sourceRef, "refs/tags/v14")
        XCTAssertEqual(delegator.sourceDigest, ["gitCommit": "4d329c75e7ec1725f7c9ce917a8799d408d06be3"])
        XCTAssertEqual(delegator.externalParameterKeys, ["inputs", "vars"])
        XCTAssertEqual(delegator.invocationID, "https://github.com/slsa-framework/example-package/actions/runs/13530999509/attempts/1")

        let (_, container) = try summary("cli/slsa-verifier/testdata/gha_container-based/v2.1.0/binary-linux-amd64-push-v14.intoto.build.slsa")
        XCTAssertEqual(container.sourceURI, "git+https://github.com/slsa-framework/example-package")
        XCTAssertEqual(container.sourceDigest, ["sha1": "4d329c75e7ec1725f7c9ce917a8799d408d06be3"])
        XCTAssertEqual(container.entryPoint, ".github/configs-docker/config-tag-v14.toml")

        let (_, draft) = try summary("verifiers/internal/gha/testdata/bundle/attestation.intoto.sigstore")
        XCTAssertEqual(draft.predicateType, "https://slsa.dev/provenance/v1.0?draft")
        XCTAssertEqual(draft.sourceURI, "git+https://github.com/asraa/slsa-on-github-test")
        XCTAssertEqual(draft.sourceRef, "refs/heads/main")
    }

    func testGitHubWorkflowBuildTypes() throws {
        let (_, bcr) = try summary("cli/slsa-verifier/testdata/bcr/MODULE.bazel.intoto.jsonl")
        XCTAssertEqual(bcr.buildType, "https://actions.github.io/buildtypes/workflow/v1")
        XCTAssertEqual(bcr.builderID, "https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml@refs/tags/v0.0.1")
        XCTAssertEqual(bcr.sourceURI, "https://github.com/aspect-build/rules_lint")
        XCTAssertEqual(bcr.sourceRef, "refs/heads/publish-to-bcr")
        XCTAssertEqual(bcr.sourceDigest, ["gitCommit": "8f70009fde0c94ade6ce2a054b94718c819126ec"])
        XCTAssertEqual(bcr.entryPoint, ".github/workflows/release.yml")

        let (_, npm) = try summary("cli/slsa-verifier/testdata/npm/gha/provenance-npm-test-cli-v1-prega.tgz.json", 1)
        XCTAssertEqual(npm.buildType, "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1")
        XCTAssertEqual(npm.builderID, "https://github.com/actions/runner/github-hosted")
        XCTAssertTrue(npm.sourceMatches("github.com/sigstore/sigstore-js"))
        XCTAssertEqual(npm.sourceDigest, ["gitCommit": "46e7056ff9912ebfee5298d94024895a9fea76c0"])
    }

    func testCloudBuildProvenance() throws {
        let (_, v1) = try summary("verifiers/internal/gcb/testdata/v1.0-gcloud-container-github.json", 0)
        XCTAssertEqual(v1.builderID, "https://cloudbuild.googleapis.com/GoogleHostedWorker")
        XCTAssertEqual(v1.sourceURI, "git+https://github.com/khalkie/gcb-prod-prov")
        XCTAssertEqual(v1.sourceRef, "refs/heads/main")
        XCTAssertEqual(v1.sourceDigest, ["gitCommit": "2ce3f90facdb51aeb950d5bc641e981be61fdf48"])
        XCTAssertEqual(v1.entryPoint, "cloudbuild.yaml")
        XCTAssertEqual(v1.startedOn?.timeIntervalSince1970 ?? 0, 1_691_520_021.016, accuracy: 0.001)
        let (_, v01) = try summary("verifiers/internal/gcb/testdata/v1.0-gcloud-container-github.json", 1)
        XCTAssertEqual(v01.version, .v0_1)
        XCTAssertEqual(v01.builderID, "https://cloudbuild.googleapis.com/GoogleHostedWorker@v0.3")
        XCTAssertEqual(v01.buildType, "https://cloudbuild.googleapis.com/CloudBuildYaml@v0.1")
        XCTAssertEqual(v01.invocationID, "9c11d255-0469-4a6a-b7d0-d510c6697c54")

        // Damaged variants: the summary shows the value a verifier must reject.
        let (_, diff) = try summary("verifiers/internal/gcb/testdata/v1.0-gcloud-container-github-sourcediff.json")
        XCTAssertEqual(diff.sourceURI, "git+https://github.com/khalkie/gcb-prod-prov-different")
        XCTAssertEqual(diff.sourceDigest, [:], "no resolved dependency is that repository")
        XCTAssertFalse(diff.sourceMatches("github.com/khalkie/gcb-prod-prov"))
        let (_, tag) = try summary("verifiers/internal/gcb/testdata/v1.0-gcloud-container-github-tag.json")
        XCTAssertEqual(tag.sourceRef, "refs/tags/v33.0.4")
        let (_, old) = try summary("verifiers/internal/gcb/testdata/gcloud-container-invalid-builderv01.json")
        XCTAssertFalse(old.builderMatches("https://cloudbuild.googleapis.com/GoogleHostedWorker@v0.2"))
        let (_, recipe) = try summary("verifiers/internal/gcb/testdata/gcloud-container-invalid-recipetypecloudv02.json")
        XCTAssertEqual(recipe.buildType, "https://cloudbuild.googleapis.com/CloudBuildYaml@v0.1")
        let mismatch = "cli/slsa-verifier/testdata/gcb_container/v0.2/gcloud-container-mismatch-payload-"
        XCTAssertEqual(try summary(mismatch + "builderid.json").1.builderID, "https://cloudbuild.googleapis.com/GoogleHostedWorker@v0.1")
        let imageDigest = "sha256:1a033b002f89ed2b8ea733162497fb70f1a4049a7f8602d6a33682b4ad9921fd"
        XCTAssertFalse(try summary(mismatch + "digest.json").0.matchesSubject(digest: imageDigest))
        XCTAssertTrue(try summary("cli/slsa-verifier/testdata/gcb_container/v0.2/gcloud-container-github.json").0.matchesSubject(digest: imageDigest))
    }

    func testMaliciousAndMismatchedVariants() throws {
        let (_, untrusted) = try summary("cli/slsa-verifier/testdata/binary-linux-amd64-untrusted-builder.intoto.jsonl")
        XCTAssertEqual(untrusted.builderID, "https://github.com/asraa/slsa-github-generator/.github/workflows/builder_go_slsa3.yml@refs/tags/v1.4.0")
        XCTAssertFalse(untrusted.builderMatches(Self.generator + "builder_go_slsa3.yml"))
        let (_, trusted) = try summary("cli/slsa-verifier/testdata/binary-linux-amd64-sharded.intoto.jsonl")
        XCTAssertTrue(trusted.builderMatches(Self.generator + "builder_go_slsa3.yml"))
        XCTAssertEqual(trusted.sourceURI, "git+https://github.com/slsa-framework/slsa-verifier")

        let (multi, _) = try summary("cli/slsa-verifier/testdata/binary-linux-amd64-multi-subject-first.intoto.jsonl")
        XCTAssertEqual(multi.subjects.count, 3)
        for s in multi.subjects { XCTAssertTrue(multi.matchesSubject(digest: "sha256", hex: s.digest["sha256"] ?? "")) }

        // npm: the unsigned list entry names another predicate type, or the envelope another payload type.
        for side in ["prov", "pub"] {
            let mismatch = try XCTUnwrap(try Self.payloads("verifiers/internal/gha/testdata/npm-att-mismatch-\(side)-predicatetype.intoto.sigstore"))
            let damaged = mismatch.filter { p in
                guard case .success(let (s, _)) = Self.parse(p) else { return false }
                return s.predicateType != p.wrapperPredicateType
            }
            XCTAssertEqual(damaged.count, 1, side)
            let payloadType = try XCTUnwrap(try Self.payloads("verifiers/internal/gha/testdata/npm-att-mismatch-\(side)-payloadtype.intoto.sigstore"))
            XCTAssertEqual(payloadType.filter { $0.payloadType != "application/vnd.in-toto+json" }.count, 1, side)
        }
    }

    func testKrelStatementsFromGuacData() throws {
        for (version, invocation) in [("v1.24.1", "b6186090-c8ff-4f91-97cf-7a3b47699e57"), ("v1.25.2", "e104dca7-68b0-45ae-bdea-651349da1c50")] {
            let statement = try InTotoStatement(data: try SharedData.data("examples/provenance/guac-data/kube-slsa-\(version).json"))
            XCTAssertEqual(statement.type, StatementType.v01)
            XCTAssertEqual(statement.subjects.count, 113)
            let s = try ProvenanceSummary.parse(statement)
            XCTAssertEqual(s.builderID, "https://git.k8s.io/release/docs/krel")
            XCTAssertEqual(s.buildType, "https://cloudbuild.googleapis.com/CloudBuildYaml@v1")
            XCTAssertEqual(s.sourceURI, "git+https://github.com/kubernetes/kubernetes")
            XCTAssertEqual(s.sourceDigest["sha1"]?.hasPrefix("'"), true, "krel quotes its digest; kept verbatim, so it matches no real commit")
            XCTAssertEqual(s.entryPoint, "https://git.k8s.io/release/gcb/stage/cloudbuild.yaml")
            XCTAssertEqual(s.invocationID, invocation)
            XCTAssertEqual(s.externalParameterKeys, ["branch", "build-version", "nomock", "type"])
        }
    }
}
