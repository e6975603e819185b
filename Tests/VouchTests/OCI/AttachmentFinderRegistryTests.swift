import Digest
import Foundation
import JSON
@testable import OCI
import XCTest

/// AttachmentFinder against registries: Debian's docker-registry (no referrers API) with real
/// `oras attach` and `cosign attest` output, and a scripted registry for the referrers API itself.
final class AttachmentFinderRegistryTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try OutsideTool.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(at: directory) }

    func client() -> RegistryClient { RegistryClient(options: RegistryOptions(insecure: true), environment: [:]) }

    // MARK: docker-registry + oras + cosign

    func testOrasTagSchemaAndCosignAttTagWithoutReadingImageLayers() throws {
        let oras = try OutsideTool.venvTool("oras"), cosign = try OutsideTool.venvTool("cosign")
        let registry = try LocalRegistry()
        defer { registry.stop() }
        let layoutDir = directory.appendingPathComponent("layout")
        try TestLayout.write(at: layoutDir, tag: "test", layers: [TestLayout.Layer(data: try TestLayout.tar([TestLayout.debianOSRelease]))])
        try registry.push(layout: layoutDir.path, tag: "test", to: "team/app", as: "v1")
        let manifest = try XCTUnwrap(try OCILayout(path: layoutDir.path).index.manifests.first?.digest)
        let pinned = "\(registry.address)/team/app@\(manifest)"

        let cdx = directory.appendingPathComponent("app.cdx.json")
        try Data(#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}"#.utf8).write(to: cdx)
        var (status, output) = try OutsideTool.run(oras, ["attach", "--plain-http", "--disable-path-validation", "--artifact-type",
                                                          AttachmentMediaType.cycloneDXJSON, pinned, "\(cdx.path):\(AttachmentMediaType.cycloneDXJSON)"])
        XCTAssertEqual(status, 0, output)
        let env = ["COSIGN_PASSWORD": "vouch-test"]
        let key = directory.appendingPathComponent("k").path
        (status, output) = try OutsideTool.run(cosign, ["generate-key-pair", "--output-key-prefix", key], environment: env)
        XCTAssertEqual(status, 0, output)
        let predicate = directory.appendingPathComponent("p.json")
        try Data(#"{"buildDefinition":{"buildType":"https://example.com/t","externalParameters":{}},"runDetails":{"builder":{"id":"https://example.com/b"}}}"#.utf8)
            .write(to: predicate)
        let insecure = ["--allow-insecure-registry", "--allow-http-registry"]
        (status, output) = try OutsideTool.run(cosign, ["attest", "--yes", "--key", key + ".key", "--tlog-upload=false"] + insecure
            + ["--type", "slsaprovenance1", "--predicate", predicate.path, pinned], environment: env)
        XCTAssertEqual(status, 0, output)
        let saved = directory.appendingPathComponent("saved")
        (status, output) = try OutsideTool.run(cosign, ["save"] + insecure + ["--dir", saved.path, pinned], environment: env)
        XCTAssertEqual(status, 0, output)

        // Remove the image's layer from the registry: reading it now fails, so finding must not.
        let image = try client().image(try RegistryReference.parse("\(registry.address)/team/app:v1"), platform: nil)
        XCTAssertEqual(image.manifestDigest, manifest)
        let layer = try XCTUnwrap(image.layers.first)
        try FileManager.default.removeItem(at: registry.directory.appendingPathComponent("data/docker/registry/v2/blobs/sha256/\(layer.digest.hex.prefix(2))/\(layer.digest.hex)"))
        XCTAssertThrowsError(try image.store.fetch(layer))

        let finder = try AttachmentFinder(reference: .registry(try RegistryReference.parse("\(registry.address)/team/app:v1")), image: image)
        let search = try finder.find()
        XCTAssertEqual(search.warnings, [], "docker-registry answers 404 to the referrers API: a silent fallback")
        XCTAssertEqual(search.subjects, [manifest])
        XCTAssertEqual(search.attachments.count, 2)
        let sbom = search.attachments[0], provenance = search.attachments[1]
        XCTAssertEqual(sbom.scheme, .referrer)
        XCTAssertEqual(sbom.envelope, .plainDocument)
        XCTAssertEqual(sbom.predicateType, "https://cyclonedx.org/bom")
        XCTAssertEqual(sbom.location, "tag sha256-\(manifest.hex)")
        XCTAssertEqual(try finder.load(sbom), try Data(contentsOf: cdx))
        XCTAssertEqual(provenance.scheme, .cosign)
        XCTAssertEqual(provenance.envelope, .dsse)
        XCTAssertEqual(provenance.predicateType, "https://slsa.dev/provenance/v1")
        XCTAssertEqual(provenance.location, "tag sha256-\(manifest.hex).att")
        XCTAssertTrue([sbom, provenance].allSatisfy { $0.subject == manifest })
        let envelope = try JSON.parse(try finder.load(provenance))
        let payload = try XCTUnwrap(Data(base64Encoded: envelope.string("payload") ?? ""))
        XCTAssertEqual(try JSON.parse(payload)["subject"]?[0]?["digest"]?.string("sha256"), manifest.hex)
        XCTAssertEqual(try finder.find(predicateTypes: ["https://cyclonedx.org/bom/v1.6"]).attachments.map(\.scheme), [.referrer])

        // What `cosign save --dir` wrote: kind annotations on index.json entries, no tags.
        let layout = try OCILayout(path: saved.path)
        XCTAssertEqual(Set(layout.index.manifests.compactMap { $0.annotations["kind"] }),
                       ["dev.cosignproject.cosign/image", "dev.cosignproject.cosign/atts"])
        let local = try AttachmentFinder(layout: layout, manifestDigest: manifest).find()
        XCTAssertEqual(local.warnings, [])
        XCTAssertEqual(local.attachments.map(\.scheme), [.cosign])
        XCTAssertEqual(local.attachments.first?.layer, provenance.layer)
        XCTAssertEqual(local.attachments.first?.location, "index.json cosign attestations \(provenance.manifest.digest.short)")
    }

    // MARK: the referrers API (scripted registry, see `Scripted`)

    static let indexType = ["Content-Type": MediaType.ociIndex]

    func testReferrersAPIPagesBundlesAndSkipsUnrelatedArtifacts() throws {
        let s = try Scripted()
        defer { s.registry.stop() }
        let bundleType = AttachmentMediaType.sigstoreBundleV03, oldBundle = "application/vnd.dev.sigstore.bundle+json;version=0.2"
        // cosign >= 2.5 lists its bundle with the empty artifact type (sigstore/cosign#4422): found by its layer.
        var bundle = s.referrer(artifactType: nil, layers: [Scripted.layer(bundleType, "b1")],
                                annotations: [AttachmentAnnotation.sigstoreBundlePredicateType: "https://slsa.dev/provenance/v1",
                                              AttachmentAnnotation.sigstoreBundleContent: "dsse-envelope"])
        bundle.artifactType = MediaType.ociEmpty
        let notation = s.referrer(artifactType: "application/vnd.cncf.notary.signature", layers: [Scripted.layer("application/jose+json", "sig")])
        let dsse = s.referrer(artifactType: AttachmentMediaType.dsseEnvelope,
                              layers: [Scripted.layer(AttachmentMediaType.dsseEnvelope, "env", annotations: ["predicateType": "https://spdx.dev/Document"])])
        let older = s.referrer(artifactType: oldBundle, layers: [Scripted.layer(oldBundle, "b2")],
                               annotations: [AttachmentAnnotation.sigstoreBundlePredicateType: "https://cyclonedx.org/bom"])
        let signature = s.referrer(artifactType: bundleType, layers: [Scripted.layer(bundleType, "b3")],
                                   annotations: [AttachmentAnnotation.sigstoreBundleContent: "message-signature"])
        s.registry.routes[s.referrersPath] = .init(headers: Self.indexType.merging(["Link": "<\(s.referrersPath)?last=2>; rel=\"next\""]) { $1 },
                                                   body: s.index([bundle, notation]))
        s.registry.routes[s.referrersPath + "?last=2"] = .init(headers: Self.indexType, body: s.index([dsse, older, signature]))

        let search = try s.finder().find()
        XCTAssertEqual(search.warnings, [])
        XCTAssertEqual(search.attachments.map(\.manifest.digest), [bundle.digest, dsse.digest, older.digest])
        XCTAssertEqual(search.attachments.map(\.envelope), [.sigstoreBundle, .dsse, .sigstoreBundle])
        XCTAssertEqual(search.attachments.map(\.predicateType), ["https://slsa.dev/provenance/v1", "https://spdx.dev/Document", "https://cyclonedx.org/bom"])
        XCTAssertTrue(search.attachments.allSatisfy { $0.scheme == .referrer && $0.location == "referrers API" && $0.subject == s.image.digest })
        let requests = s.registry.requests
        XCTAssertFalse(requests.contains { $0.contains(notation.digest.hex) }, "an unrelated artifact type is not fetched")
        XCTAssertFalse(requests.contains { $0.contains(Digest(sha256Of: Data("never".utf8)).hex) }, "the image layer is never read")
        XCTAssertFalse(requests.contains { $0.hasSuffix(s.tagPath) }, "the API answered: no tag-schema fallback")
        XCTAssertEqual(requests.filter { $0.contains("/blobs/") }.count, 1, "only the image config, when loading the image: \(requests)")
    }

    func testFiltersAppliedHeaderIsTrustedOtherwiseFilteredHere() throws {
        let s = try Scripted()
        defer { s.registry.stop() }
        let cdx = s.referrer(artifactType: AttachmentMediaType.cycloneDXJSON, layers: [Scripted.layer(AttachmentMediaType.cycloneDXJSON, "c")])
        let spdx = s.referrer(artifactType: AttachmentMediaType.spdxJSON, layers: [Scripted.layer(AttachmentMediaType.spdxJSON, "s")])
        let path = s.referrersPath + "?artifactType=application%2Fvnd.cyclonedx%2Bjson"
        let store = RegistryBlobStore(http: try RegistryHTTP(registry: s.registry.address, options: RegistryOptions(insecure: true), environment: [:]),
                                      repository: s.repository)
        var warnings: [AttachmentWarning] = []
        s.registry.routes[path] = .init(headers: Self.indexType, body: s.index([cdx, spdx]))
        let filteredHere = try ReferrersLookup(store: store).referrers(of: s.image.digest, artifactType: AttachmentMediaType.cycloneDXJSON, warnings: &warnings)
        XCTAssertEqual(filteredHere.descriptors.map(\.digest), [cdx.digest])
        s.registry.routes[path] = .init(headers: Self.indexType.merging(["OCI-Filters-Applied": "artifactType"]) { $1 }, body: s.index([cdx, spdx]))
        let filteredThere = try ReferrersLookup(store: store).referrers(of: s.image.digest, artifactType: AttachmentMediaType.cycloneDXJSON, warnings: &warnings)
        XCTAssertEqual(filteredThere.descriptors.map(\.digest), [cdx.digest, spdx.digest], "the registry said it filtered")
        XCTAssertEqual(warnings, [])
    }

    func testUnsupportedAnswersFallBackToTheTagSchemaWithAWarning() throws {
        let s = try Scripted()
        defer { s.registry.stop() }
        let cdx = s.referrer(artifactType: AttachmentMediaType.cycloneDXJSON, layers: [Scripted.layer(AttachmentMediaType.cycloneDXJSON, "c")])
        s.registry.serve(try JSON.parse(s.index([cdx])), repository: s.repository, tag: ReferrersTag.tag(for: s.image.digest))
        let answers: [(FakeRegistry.Route, String)] = [
            (.init(status: 400, headers: ["Content-Type": "application/json"], body: #"{"errors":[{"code":"UNSUPPORTED"}]}"#), "answered HTTP 400"),
            (.init(status: 405), "answered HTTP 405"),
            (.init(headers: ["Content-Type": "text/html"], body: "<html>registry UI</html>"), "Content-Type 'text/html'"),
        ]
        for (answer, expected) in answers {
            s.registry.routes[s.referrersPath] = answer
            let search = try s.finder().find()
            XCTAssertEqual(search.attachments.map(\.location), ["tag \(ReferrersTag.tag(for: s.image.digest))"], expected)
            XCTAssertEqual(search.attachments.first?.envelope, .plainDocument)
            XCTAssertEqual(search.warnings.count, 1)
            XCTAssertEqual(search.warnings.first?.location, "referrers API")
            XCTAssertTrue(search.warnings.first?.message.contains(expected) ?? false, "\(search.warnings)")
        }
    }

    func testMalformedReferrersIndexesAreTypedErrors() throws {
        let s = try Scripted()
        defer { s.registry.stop() }
        let tag = ReferrersTag.tag(for: s.image.digest)
        let cases: [(FakeRegistry.Route?, JSON?, String, String)] = [
            (.init(headers: Self.indexType, body: #"{"schemaVersion":2,"manifests":[{"mediaType":"x","digest":5,"size":1}]}"#), nil, "referrers API", "no digest"),
            (.init(headers: Self.indexType, body: #"{"schemaVersion":2,"manifests":{}}"#), nil, "referrers API", "no manifests array"),
            (.init(headers: Self.indexType, body: "[1,"), nil, "referrers API", "not JSON"),
            (.init(headers: Self.indexType.merging(["Link": "<http://elsewhere.example/v2/x>; rel=next"]) { $1 }, body: s.index([])),
             nil, "referrers API", "leaves the registry"),
            (nil, ["schemaVersion": 2, "mediaType": .string(MediaType.ociIndex),
                   "manifests": [["mediaType": .string(MediaType.ociManifest), "digest": .string(s.image.digest.description), "size": "big"]]],
             "tag \(tag)", "no valid size"),
        ]
        for (api, tagged, location, reason) in cases {
            s.registry.routes[s.referrersPath] = api
            s.registry.routes[s.tagPath] = nil
            if let tagged { s.registry.serve(tagged, repository: s.repository, tag: tag) }
            XCTAssertThrowsError(try s.finder().find(), reason) { error in
                guard case AttachmentError.malformed(let l, let why) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(l, location)
                XCTAssertTrue(why.contains(reason), why)
            }
        }
    }

    func testBadReferrersTagAndBadEntriesDoNotHideTheOthers() throws {
        let s = try Scripted()
        defer { s.registry.stop() }
        let manifestsPath = "/v2/\(s.repository)/manifests/"
        // The referrers tag holds an image manifest, not an index: no referrers read from it.
        s.registry.routes[s.tagPath] = s.registry.routes[manifestsPath + s.image.digest.description]
        let att: JSON = ["schemaVersion": 2, "mediaType": .string(MediaType.ociManifest),
                         "config": ["mediaType": .string(MediaType.ociConfig), "digest": .string(s.image.digest.description), "size": 1],
                         "layers": [Scripted.layer(AttachmentMediaType.dsseEnvelope, "att", annotations: ["predicateType": "https://slsa.dev/provenance/v1"])]]
        s.registry.serve(att, repository: s.repository, tag: ReferrersTag.cosignAttestationTag(for: s.image.digest))
        var search = try s.finder().find()
        XCTAssertEqual(search.attachments.map(\.scheme), [.cosign])
        XCTAssertEqual(search.attachments.first?.location, "tag \(ReferrersTag.cosignAttestationTag(for: s.image.digest))")
        XCTAssertEqual(search.warnings.map(\.location), ["tag \(ReferrersTag.tag(for: s.image.digest))"])
        XCTAssertTrue(search.warnings.first?.message.contains("is not an image index") ?? false, "\(search.warnings)")

        // An index listing a manifest that is gone and one that refers to another image: both skipped, the third found.
        let gone = Descriptor(mediaType: MediaType.ociManifest, digest: Digest(sha256Of: Data("gone".utf8)), size: 4, artifactType: AttachmentMediaType.spdxJSON)
        let elsewhere = s.referrer(artifactType: AttachmentMediaType.spdxJSON, layers: [Scripted.layer(AttachmentMediaType.spdxJSON, "x")],
                                   subject: Digest(sha256Of: Data("other image".utf8)))
        let good = s.referrer(artifactType: AttachmentMediaType.cycloneDXJSON, layers: [Scripted.layer(AttachmentMediaType.cycloneDXJSON, "c")])
        s.registry.routes[s.tagPath] = nil
        s.registry.serve(try JSON.parse(s.index([gone, elsewhere, good])), repository: s.repository, tag: ReferrersTag.tag(for: s.image.digest))
        search = try s.finder().find()
        XCTAssertEqual(search.attachments.first?.manifest.digest, good.digest)
        XCTAssertEqual(search.attachments.map(\.scheme), [.referrer, .cosign])
        XCTAssertEqual(search.warnings.count, 2, "\(search.warnings)")
        XCTAssertTrue(search.warnings[0].message.contains("missing"), "\(search.warnings)")
        XCTAssertTrue(search.warnings[1].message.contains("not \(s.image.digest)"), "\(search.warnings)")
    }

    func testIndexTagBringsBuildKitEntriesAndTheIndexOwnAttachments() throws {
        let s = try Scripted()
        defer { s.registry.stop() }
        let statement = Scripted.layer(MediaType.inToto, "stmt", annotations: [AttachmentAnnotation.inTotoPredicateType: "https://spdx.dev/Document"])
        let attestation = s.registry.serve(["schemaVersion": 2, "mediaType": .string(MediaType.ociManifest),
                                            "config": ["mediaType": .string(MediaType.ociConfig), "digest": .string(s.image.digest.description), "size": 1],
                                            "layers": [statement]], repository: s.repository)
        var platformImage = s.image
        platformImage.platform = Platform(os: "linux", architecture: "amd64")
        var entry = attestation
        entry.platform = Platform(os: "unknown", architecture: "unknown")
        entry.annotations = [AttachmentAnnotation.referenceType: AttachmentAnnotation.attestationManifest,
                             AttachmentAnnotation.referenceDigest: s.image.digest.description]
        let index = s.registry.serve(["schemaVersion": 2, "mediaType": .string(MediaType.ociIndex), "manifests": [platformImage.json, entry.json]],
                                     repository: s.repository, tag: "v2")
        let att: JSON = ["schemaVersion": 2, "mediaType": .string(MediaType.ociManifest),
                         "config": ["mediaType": .string(MediaType.ociConfig), "digest": .string(index.digest.description), "size": 1],
                         "layers": [Scripted.layer(AttachmentMediaType.dsseEnvelope, "att", annotations: ["predicateType": "https://slsa.dev/provenance/v1"])]]
        s.registry.serve(att, repository: s.repository, tag: ReferrersTag.cosignAttestationTag(for: index.digest))

        let search = try s.finder(tag: "v2").find()
        XCTAssertEqual(search.warnings, [])
        XCTAssertEqual(search.subjects, [s.image.digest, index.digest])
        XCTAssertEqual(search.attachments.map(\.scheme), [.buildkit, .cosign])
        XCTAssertEqual(search.attachments.map(\.subject), [s.image.digest, index.digest])
        XCTAssertEqual(search.attachments.map(\.location), ["index attestation-manifest \(attestation.digest.short)",
                                                           "tag \(ReferrersTag.cosignAttestationTag(for: index.digest))"])
        let asked = s.registry.requests
        for subject in [s.image.digest, index.digest] {
            XCTAssertTrue(asked.contains("GET /v2/\(s.repository)/referrers/\(subject)"), "\(asked)")
            XCTAssertTrue(asked.contains("GET /v2/\(s.repository)/manifests/\(ReferrersTag.tag(for: subject))"), "\(asked)")
        }
    }
}
