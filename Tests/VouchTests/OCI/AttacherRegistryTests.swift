import Digest
import Foundation
import JSON
@testable import OCI
import XCTest

/// Attaching to Debian's docker-registry 2.8 (no referrers API, so the `sha256-<hex>` tag schema),
/// checked with the peers that read each scheme: oras for referrers, cosign for `.att`.
final class AttacherRegistryTests: XCTestCase {
    private var registry: LocalRegistry?
    private var layout: URL?
    private let insecure = RegistryOptions(insecure: true)
    /// No docker config, no VOUCH_REGISTRY_*: only what a test passes.
    private var environment: [String: String] { ["HOME": layout?.path ?? "/nonexistent", "SOURCE_DATE_EPOCH": "1700000000"] }

    override func tearDown() {
        registry?.stop()
        if let layout { try? FileManager.default.removeItem(at: layout) }
    }

    private func pushedImage(_ registry: LocalRegistry, credentials: String? = nil,
                             options: RegistryOptions? = nil) throws -> (RegistryReference, Image) {
        let dir = try AttachFixture.layout()
        layout = dir
        try registry.push(layout: dir.path, tag: "app", to: "team/app", as: "v1", credentials: credentials)
        let ref = try RegistryReference.parse("\(registry.address)/team/app:v1")
        let image = try RegistryClient(options: options ?? insecure, environment: environment).image(ref, platform: nil)
        return (ref, image)
    }

    private func push(_ ref: RegistryReference) throws -> RegistryPush {
        RegistryPush(http: try RegistryHTTP(registry: ref.registry, options: insecure, environment: environment), repository: ref.repository)
    }

    private func manifestJSON(_ push: RegistryPush, _ reference: String) throws -> JSON {
        try JSON.parse(try XCTUnwrap(try push.manifest(reference), "no manifest \(reference)").data)
    }

    func testAllThreeSchemesAreReadByOrasAndCosign() throws {
        let cosign = try OutsideTool.venvTool("cosign")
        let oras = try OutsideTool.venvTool("oras")
        let registry = try LocalRegistry()
        self.registry = registry
        let (ref, image) = try pushedImage(registry)
        let subject = try XCTUnwrap(image.manifestDigest)
        let signer = try OpenSSLTestSigner()
        let payloads = [try signer.dsse(subject: subject, predicateType: AttachFixture.custom),
                        try signer.dsse(subject: subject, predicateType: AttachFixture.spdx)]
        let attacher = Attacher(target: .registry(ref), registryOptions: insecure, environment: environment)
        let report = try attacher.attach(payloads, to: image, schemes: [.buildkit, .referrer, .cosign])
        XCTAssertEqual(report.entries.map(\.scheme), [.buildkit, .referrer, .referrer, .cosign])
        XCTAssertEqual(report.entries[1].tag, "sha256-\(subject.hex)")
        XCTAssertEqual(report.entries[3].tag, "sha256-\(subject.hex).att")

        // The tag is now an index holding the unchanged image manifest and BuildKit's attestation entry.
        let reloaded = try RegistryClient(options: insecure, environment: environment).image(ref, platform: nil)
        XCTAssertEqual(reloaded.manifestDigest, subject)
        let registryPush = try push(ref)
        let index = try manifestJSON(registryPush, "v1")
        XCTAssertEqual(index.array("manifests").map { $0.string("digest") }, [subject.description, report.entries[0].manifest.description])
        XCTAssertEqual(index.array("manifests").last?["annotations"]?.string("vnd.docker.reference.type"), "attestation-manifest")

        let at = "\(registry.address)/team/app@\(subject)"
        let (orasStatus, discovered) = try OutsideTool.run(oras, ["discover", "--plain-http", at])
        XCTAssertEqual(orasStatus, 0, discovered)
        for entry in report.entries where entry.scheme == .referrer {
            XCTAssertTrue(discovered.contains(entry.manifest.description), discovered)
        }

        let flags = ["--key", signer.publicKey, "--insecure-ignore-tlog=true", "--allow-insecure-registry", "--allow-http-registry"]
        for type in [AttachFixture.custom, AttachFixture.spdx] {
            let (status, output) = try OutsideTool.run(cosign, ["verify-attestation"] + flags + ["--type", type, at])
            XCTAssertEqual(status, 0, "cosign verify-attestation --type \(type): \(output)")
        }

        // Attaching again leaves one of each; the referrers tag index and .att keep one entry per predicate type.
        let again = try attacher.attach(payloads, to: image, schemes: [.buildkit, .referrer, .cosign])
        XCTAssertEqual(again.entries.map(\.replaced), [2, 0, 0, 2])
        let tagIndex = try manifestJSON(registryPush, "sha256-\(subject.hex)").array("manifests")
        XCTAssertEqual(tagIndex.compactMap { $0["annotations"]?.string("in-toto.io/predicate-type") }.sorted(),
                       [AttachFixture.custom, AttachFixture.spdx].sorted())
        XCTAssertTrue(tagIndex.allSatisfy { $0.string("artifactType") == "application/vnd.in-toto+json" })
        let att = try manifestJSON(registryPush, "sha256-\(subject.hex).att")
        XCTAssertEqual(att.array("layers").compactMap { $0["annotations"]?.string("predicateType") }, [AttachFixture.custom, AttachFixture.spdx])
        XCTAssertEqual(try manifestJSON(registryPush, "v1").array("manifests").count, 2)
        // A changed SPDX attestation is a new referrer; the tag schema index drops the earlier one.
        let changed = try signer.dsse(subject: subject, predicateType: AttachFixture.spdx, predicate: ["note": "rebuilt"])
        XCTAssertEqual(try attacher.attach([changed], to: image, schemes: [.referrer]).entries.map(\.replaced), [1])
        let retagged = try manifestJSON(registryPush, "sha256-\(subject.hex)").array("manifests")
        XCTAssertEqual(retagged.count, 2)
        XCTAssertFalse(retagged.contains { $0.string("digest") == report.entries[2].manifest.description })

        // cosign attest after vouch: it appends to the .att image, which works only when diff_ids match the layers.
        let predicate = layout!.appendingPathComponent("predicate.json")
        try Data(#"{"scanner":"test"}"#.utf8).write(to: predicate)
        let cosignKey = signer.directory.appendingPathComponent("own.key").path
        var env = ["COSIGN_PASSWORD": "test-password", "HOME": signer.directory.path]
        let (genStatus, genOutput) = try OutsideTool.run(cosign, ["generate-key-pair", "--output-key-prefix",
                                                                  signer.directory.appendingPathComponent("own").path], environment: env)
        XCTAssertEqual(genStatus, 0, genOutput)
        env["COSIGN_YES"] = "true"
        let (attestStatus, attestOutput) = try OutsideTool.run(cosign, ["attest", "--yes", "--key", cosignKey, "--tlog-upload=false",
                                                                        "--allow-insecure-registry", "--allow-http-registry",
                                                                        "--type", "https://example.com/cosign-own/v1", "--predicate", predicate.path, at], environment: env)
        XCTAssertEqual(attestStatus, 0, attestOutput)
        let after = try manifestJSON(registryPush, "sha256-\(subject.hex).att")
        XCTAssertEqual(after.array("layers").count, 3)
        let config = try JSON.parse(try registryPush.http.send(RegistryHTTP.Request(
            path: "/v2/team/app/blobs/\(after["config"]?.string("digest") ?? "")", what: "config")).body)
        XCTAssertEqual(config["rootfs"]?.array("diff_ids"), after.array("layers").map { $0["digest"] ?? .null })
        let (status, output) = try OutsideTool.run(cosign, ["verify-attestation"] + flags + ["--type", AttachFixture.spdx, at])
        XCTAssertEqual(status, 0, "after cosign attest: \(output)")

        // And vouch attaching once more keeps cosign's own layer.
        let last = try attacher.attach([payloads[1]], to: image, schemes: [.cosign])
        XCTAssertEqual(last.entries.first?.replaced, 1)
        let final = try manifestJSON(registryPush, "sha256-\(subject.hex).att").array("layers")
        XCTAssertEqual(final.compactMap { $0["annotations"]?.string("predicateType") },
                       [AttachFixture.custom, "https://example.com/cosign-own/v1", AttachFixture.spdx])
    }

    func testRefusedCredentialsAreOneClearError() throws {
        let registry = try LocalRegistry(htpasswd: ("vouch", "right-password"))
        self.registry = registry
        let good = RegistryOptions(insecure: true, username: "vouch", password: "right-password")
        let (ref, image) = try pushedImage(registry, credentials: "vouch:right-password", options: good)
        let signer = try OpenSSLTestSigner()
        let payload = try signer.dsse(subject: try XCTUnwrap(image.manifestDigest), predicateType: AttachFixture.spdx)
        let wrong = RegistryOptions(insecure: true, username: "vouch", password: "wrong-password")
        for schemes: Set<AttachmentScheme> in [[.buildkit, .referrer, .cosign], [.referrer], [.cosign]] {
            XCTAssertThrowsError(try Attacher(target: .registry(ref), registryOptions: wrong, environment: environment)
                .attach([payload], to: image, schemes: schemes)) { error in
                guard case RegistryError.unauthorized(_, _, _, let status, _, _) = error else { return XCTFail("\(type(of: error)): \(error)") }
                XCTAssertEqual(status, 401)
                XCTAssertFalse("\(error)".contains("wrong-password"))
                XCTAssertTrue("\(error)".contains("registry \(registry.address)"), "\(error)")
            }
        }
        // The right credentials then work, and the registry holds what the refused attempts did not write.
        let report = try Attacher(target: .registry(ref), registryOptions: good, environment: environment)
            .attach([payload], to: image, schemes: [.referrer, .cosign])
        XCTAssertEqual(report.entries.map(\.replaced), [0, 0])
    }

    func testBearerTokenRegistryGetsAPushScope() throws {
        let tokens = try TokenServer(user: "vouch", password: "token-password")
        defer { tokens.stop() }
        let registry = try LocalRegistry(token: tokens)
        self.registry = registry
        let options = RegistryOptions(insecure: true, username: "vouch", password: "token-password")
        let (ref, image) = try pushedImage(registry, credentials: "vouch:token-password", options: options)
        let payload = AttachFixture.statement(subject: try XCTUnwrap(image.manifestDigest), predicateType: AttachFixture.spdx)
        let before = try tokens.requests().count
        let report = try Attacher(target: .registry(ref), registryOptions: options, environment: environment)
            .attach([payload], to: image, schemes: [.buildkit, .referrer])
        XCTAssertEqual(report.entries.count, 2)
        // One token, asked with the push scope from the first request on, serves every read and write.
        let requests = try tokens.requests().dropFirst(before)
        XCTAssertEqual(requests.count, 1, "\(requests.map { $0.scope ?? [] })")
        XCTAssertTrue(requests.first?.scope?.contains("repository:team/app:pull,push") == true, "\(requests.map { $0.scope ?? [] })")
    }

    func testUploadLocationKeepsItsQueryAndResolvesRelativePaths() throws {
        let http = try RegistryHTTP(registry: "127.0.0.1:5000", options: insecure, environment: [:])
        let push = RegistryPush(http: http, repository: "a/b")
        let digest = Digest(sha256Of: Data("x".utf8))
        XCTAssertEqual(push.uploadURL(location: "/v2/a/b/blobs/uploads/u1?_state=ab%3D", digest: digest)?.absoluteString,
                       "http://127.0.0.1:5000/v2/a/b/blobs/uploads/u1?_state=ab%3D&digest=\(digest)")
        XCTAssertEqual(push.uploadURL(location: "http://storage.example:9000/up/u2", digest: digest)?.absoluteString,
                       "http://storage.example:9000/up/u2?digest=\(digest)")
        let secure = RegistryPush(http: try RegistryHTTP(registry: "registry.example", environment: [:]), repository: "a/b")
        XCTAssertNil(secure.uploadURL(location: "http://registry.example/v2/a/b/blobs/uploads/u3", digest: digest), "HTTPS must not drop to HTTP")
        XCTAssertEqual(RegistryPush.nextLink(#"</v2/a/b/referrers/sha256:1?n=2&last=x>; rel="next""#, base: try XCTUnwrap(URL(string: "https://registry.example/v2/a/b/referrers/sha256:1")))?.absoluteString,
                       "https://registry.example/v2/a/b/referrers/sha256:1?n=2&last=x")
        XCTAssertNil(RegistryPush.nextLink(#"<https://elsewhere.example/x>; rel="next""#, base: try XCTUnwrap(URL(string: "https://registry.example/v2/"))))
    }
}
