import Digest
import Foundation
import JSON
@testable import OCI
import XCTest

/// AttachmentFinder on OCI layouts: the real cosign-saved layout from slsa-verifier's test data,
/// BuildKit indexes written by hand from attestation-storage.md, and `oras attach --oci-layout`.
/// Image layer blobs are left out of every layout, so any attempt to read one fails the test.
final class AttachmentFinderTests: XCTestCase {
    static let slsaLayout = "examples/provenance/slsa-verifier/cli/slsa-verifier/testdata/gha_generic_container/v2.1.0/container_workflow_dispatch"
    let slsaIndex = Digest("sha256:234e2c830c2fb31ac5671789d22adfe44d30c3ee831d01beae5e237841a13122")!
    let slsaImage = Digest("sha256:d1fc0de9c6a33e502c488221644de1736c53d8ddb59b0e41b4946fb26af50e69")!
    var directory: URL!

    override func setUpWithError() throws { directory = try OutsideTool.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(at: directory) }

    // MARK: the real layout (cosign save of a BuildKit image; one image layer blob is absent)

    func testSlsaVerifierLayoutFindsBuildKitProvenanceAndCosignAttestation() throws {
        let path = try SharedData.path(Self.slsaLayout)
        let layout = try OCILayout(path: path)
        // Two untagged entries (cosign's image index and its .att manifest): the image is named by digest.
        let image = try layout.image(reference: "oci-dir:\(path)", tag: nil, digest: slsaIndex, platform: nil)
        XCTAssertEqual(image.manifestDigest, slsaImage)
        let missingLayer = try XCTUnwrap(image.layers.last)
        XCTAssertFalse(layout.store.exists(missingLayer.digest), "the layout was expected to lack one layer blob")

        let search = try AttachmentFinder(image: image, source: .layout(layout)).find()
        XCTAssertEqual(search.warnings, [])
        XCTAssertEqual(search.subjects, [slsaImage, slsaIndex])
        XCTAssertEqual(search.attachments.count, 2)

        let buildkit = try XCTUnwrap(search.attachments.first)
        XCTAssertEqual(buildkit.scheme, .buildkit)
        XCTAssertEqual(buildkit.envelope, .statement)
        XCTAssertEqual(buildkit.subject, slsaImage)
        XCTAssertEqual(buildkit.manifest.digest.description, "sha256:a79645dc6fd76a0db9c9c04f5ba722ecb7d1fa8cdfc1d848d931d884cbab02ea")
        XCTAssertEqual(buildkit.layer.digest.description, "sha256:8d63b5e440cc7cfa68622b4a3cae2dbe215f8f8dcc9f2fa4ffd3078d40d61a84")
        XCTAssertEqual(buildkit.predicateType, "https://slsa.dev/provenance/v0.2")
        XCTAssertEqual(buildkit.location, "index attestation-manifest sha256:a79645dc6fd7")

        let cosign = try XCTUnwrap(search.attachments.last)
        XCTAssertEqual(cosign.scheme, .cosign)
        XCTAssertEqual(cosign.envelope, .dsse)
        XCTAssertEqual(cosign.subject, slsaIndex, "cosign attested the multi-platform index it was given")
        XCTAssertEqual(cosign.manifest.digest.description, "sha256:21454caf3a160dfbe6359f0501aa8401c6c0f2c7a8b71380ea21f8c4b48b64fe")
        XCTAssertEqual(cosign.layer.digest.description, "sha256:e163b472f2e5d66e5a2a45e26e020c51a0d2da7dc8b567b31fc2ebfd33dbc33a")
        XCTAssertEqual(cosign.predicateType, "https://slsa.dev/provenance/v0.2")
        XCTAssertEqual(cosign.location, "index.json cosign attestations sha256:21454caf3a16")

        // The blobs load, and each Statement names the subject the finder reported.
        let finder = AttachmentFinder(image: image, source: .layout(layout))
        let statement = try JSON.parse(try finder.load(buildkit))
        XCTAssertEqual(statement["subject"]?[0]?["digest"]?.string("sha256"), slsaImage.hex)
        let envelope = try JSON.parse(try finder.load(cosign))
        XCTAssertEqual(envelope.string("payloadType"), "application/vnd.in-toto+json")
        let payload = try XCTUnwrap(Data(base64Encoded: envelope.string("payload") ?? ""))
        XCTAssertEqual(try JSON.parse(payload)["subject"]?[0]?["digest"]?.string("sha256"), slsaIndex.hex)

        // Without an Image: the layout and the manifest digest are enough.
        let byDigest = try AttachmentFinder(layout: layout, manifestDigest: slsaImage).find()
        XCTAssertEqual(byDigest.attachments.map(\.layer.digest), search.attachments.map(\.layer.digest))

        XCTAssertEqual(try finder.find(predicateTypes: ["https://spdx.dev/Document"]).attachments.count, 0)
        XCTAssertEqual(try finder.find(predicateTypes: ["https://slsa.dev/provenance/v0.2"]).attachments.count, 2)
        XCTAssertEqual(try finder.find(predicateTypes: ["https://slsa.dev/provenance/v1"]).attachments.count, 0)
    }

    // MARK: BuildKit indexes, legacy and OCI-artifact forms

    func testBuildKitAttestationManifestsInNestedIndexAndIndexJSON() throws {
        let fixture = try BuildKitFixture(at: directory)
        let layout = try OCILayout(path: directory.path)
        let image = try layout.image(reference: "oci-dir:test", tag: "app", digest: nil, platform: nil)
        XCTAssertEqual(image.manifestDigest, fixture.image)
        let finder = AttachmentFinder(image: image, source: .layout(layout))
        let search = try finder.find()
        XCTAssertEqual(search.warnings, [])
        XCTAssertEqual(search.subjects, [fixture.image, fixture.index])

        let found = search.attachments
        XCTAssertEqual(found.map(\.layer.digest), fixture.expectedLayers)
        XCTAssertEqual(found.map(\.envelope), [.statement, .statement, .statement, .statement, .dsse])
        XCTAssertEqual(found.map(\.predicateType), ["https://spdx.dev/Document/v2.3", "https://slsa.dev/provenance/v0.2",
                                                    "https://slsa.dev/provenance/v1", nil, "https://openvex.dev/ns/v0.2.0"])
        XCTAssertTrue(found.allSatisfy { $0.scheme == .buildkit && $0.subject == fixture.image })
        XCTAssertEqual(found.map(\.location), [
            "index attestation-manifest \(fixture.legacy.short)", "index attestation-manifest \(fixture.legacy.short)",
            "index attestation-manifest \(fixture.artifact.short)", "index attestation-manifest \(fixture.artifact.short)",
            "index.json attestation-manifest \(fixture.topLevel.short)",
        ])
        for attachment in found {
            XCTAssertEqual(try finder.load(attachment), fixture.blobs[attachment.layer.digest])
        }

        // Family match: SPDX 2.3 counts as SPDX; an unknown predicate type is kept for the caller.
        let spdx = try finder.find(predicateTypes: ["https://spdx.dev/Document"]).attachments
        XCTAssertEqual(spdx.map(\.predicateType), ["https://spdx.dev/Document/v2.3", nil])
        let vex = try finder.find(predicateTypes: ["https://openvex.dev/ns"]).attachments
        XCTAssertEqual(vex.map(\.predicateType), [nil, "https://openvex.dev/ns/v0.2.0"])
    }

    func testMissingAttestationManifestIsAWarningAndOthersAreStillFound() throws {
        let fixture = try BuildKitFixture(at: directory)
        try FileManager.default.removeItem(atPath: directory.appendingPathComponent("blobs/sha256/\(fixture.artifact.hex)").path)
        let layout = try OCILayout(path: directory.path)
        let image = try layout.image(reference: "oci-dir:test", tag: "app", digest: nil, platform: nil)
        let search = try AttachmentFinder(image: image, source: .layout(layout)).find()
        XCTAssertEqual(search.attachments.map(\.manifest.digest), [fixture.legacy, fixture.legacy, fixture.topLevel])
        XCTAssertEqual(search.warnings.count, 1)
        XCTAssertEqual(search.warnings.first?.location, "index attestation-manifest \(fixture.artifact.short)")
        XCTAssertTrue(search.warnings.first?.message.contains("missing") ?? false, "\(search.warnings)")
    }

    func testMalformedAttestationManifestsAreTypedErrorsNamingThem() throws {
        let cases: [(String, String)] = [
            ("not json at all", "not JSON"),
            (#"{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:\#(String(repeating: "a", count: 64))","size":2},"layers":"many"}"#,
             "'layers' is not an array"),
            (#"{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:\#(String(repeating: "a", count: 64))","size":2},"layers":[{"mediaType":"application/vnd.in-toto+json","digest":"sha256:zz","size":1}]}"#,
             "invalid digest"),
            (#"{"schemaVersion":2,"manifests":[]}"#, "is an image index"),
        ]
        for (index, (body, reason)) in cases.enumerated() {
            let dir = directory.appendingPathComponent("case\(index)")
            let builder = try LayoutBuilder(at: dir)
            let image = try builder.image(tag: "app")
            let bad = try builder.put(Data(body.utf8))
            try builder.writeIndex([image.json, builder.attestationEntry(bad, mediaType: MediaType.ociManifest, of: image.digest)])
            let layout = try OCILayout(path: dir.path)
            let loaded = try layout.image(reference: "oci-dir:x", tag: "app", digest: nil, platform: nil)
            XCTAssertThrowsError(try AttachmentFinder(image: loaded, source: .layout(layout)).find(), body) { error in
                guard case AttachmentError.malformed(let location, let why) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(location, "index.json attestation-manifest \(bad.digest.short)")
                XCTAssertTrue(why.contains(reason), "\(why)")
                XCTAssertFalse("\(error)".contains("\n"))
            }
        }
    }

    // MARK: oras attach --oci-layout

    func testOrasAttachOnLayoutIsFoundAsReferrerPlainDocument() throws {
        let oras = try OutsideTool.venvTool("oras")
        let layoutDir = directory.appendingPathComponent("layout")
        let layer = try TestLayout.tar([TestLayout.debianOSRelease])
        try TestLayout.write(at: layoutDir, tag: "test", layers: [TestLayout.Layer(data: layer, omitBlob: true)])
        let cdx = directory.appendingPathComponent("app.cdx.json")
        let spdx = directory.appendingPathComponent("app.spdx.json")
        try Data(#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}"#.utf8).write(to: cdx)
        try Data(#"{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT"}"#.utf8).write(to: spdx)
        for args in [["--artifact-type", "application/vnd.cyclonedx+json", "\(layoutDir.path):test", "\(cdx.path):application/vnd.cyclonedx+json"],
                     // No layer media type: oras stores the file as a generic layer; the artifact type tells.
                     ["--artifact-type", "application/spdx+json", "\(layoutDir.path):test", spdx.path]] {
            let (status, output) = try OutsideTool.run(oras, ["attach", "--oci-layout", "--disable-path-validation"] + args)
            XCTAssertEqual(status, 0, output)
        }

        let layout = try OCILayout(path: layoutDir.path)
        XCTAssertEqual(layout.index.manifests.count, 3, "oras lists its referrers in index.json")
        let image = try layout.image(reference: "oci-dir:x", tag: "test", digest: nil, platform: nil)
        let manifest = try XCTUnwrap(image.manifestDigest)
        let finder = AttachmentFinder(image: image, source: .layout(layout))
        let search = try finder.find()
        XCTAssertEqual(search.warnings, [])
        XCTAssertEqual(search.attachments.count, 2)
        XCTAssertTrue(search.attachments.allSatisfy { $0.scheme == .referrer && $0.envelope == .plainDocument && $0.subject == manifest })
        XCTAssertEqual(search.attachments.map(\.location), search.attachments.map { "index.json referrer \($0.manifest.digest.short)" })
        // oras does not keep index.json in attach order: pick each by its predicate type.
        let byType = Dictionary(search.attachments.map { ($0.predicateType ?? "", $0) }) { a, _ in a }
        XCTAssertEqual(Set(byType.keys), ["https://cyclonedx.org/bom", "https://spdx.dev/Document"])
        let cdxFound = try XCTUnwrap(byType["https://cyclonedx.org/bom"]), spdxFound = try XCTUnwrap(byType["https://spdx.dev/Document"])
        XCTAssertEqual(cdxFound.layer.mediaType, AttachmentMediaType.cycloneDXJSON)
        XCTAssertEqual(spdxFound.layer.mediaType, MediaType.ociLayerTar, "typed by the manifest's artifactType only")
        XCTAssertEqual(try finder.load(cdxFound), try Data(contentsOf: cdx))
        XCTAssertEqual(try finder.load(spdxFound), try Data(contentsOf: spdx))
        XCTAssertEqual(try finder.find(predicateTypes: ["https://spdx.dev/Document/v2.3"]).attachments.map(\.layer.digest),
                       [spdxFound.layer.digest])

        // The same layout as an oci-archive: the attachments come from the tar's index.json and blobs.
        let archive = directory.appendingPathComponent("app.oci.tar").path
        let (status, output) = try OutsideTool.run("/usr/bin/tar", ["-cf", archive, "-C", layoutDir.path, "oci-layout", "index.json", "blobs"])
        XCTAssertEqual(status, 0, output)
        let reference = ImageReference.ociArchive(path: archive, tag: "test")
        let fromArchive = try AttachmentFinder(reference: reference, image: try ImageLoader().load(reference))
        XCTAssertEqual(Set(try fromArchive.find().attachments.map(\.layer.digest)), Set(search.attachments.map(\.layer.digest)))
        XCTAssertEqual(try fromArchive.load(cdxFound), try Data(contentsOf: cdx))
    }

    // MARK: units

    func testPredicateFamilies() {
        XCTAssertEqual(AttachmentPredicate.family(of: "https://spdx.dev/Document/v2.3"), "https://spdx.dev/Document")
        XCTAssertEqual(AttachmentPredicate.family(of: "https://cyclonedx.org/bom/v1.6"), "https://cyclonedx.org/bom")
        XCTAssertEqual(AttachmentPredicate.family(of: "https://spdx.dev/Documentation"), "https://spdx.dev/Documentation")
        XCTAssertEqual(AttachmentPredicate.family(of: "https://slsa.dev/provenance/v1"), "https://slsa.dev/provenance/v1")
        XCTAssertTrue(AttachmentPredicate.matches(nil, anyOf: ["https://slsa.dev/provenance/v1"]))
        XCTAssertFalse(AttachmentPredicate.matches("https://slsa.dev/provenance/v0.2", anyOf: ["https://slsa.dev/provenance/v1"]))
    }

    func testNextPageLink() {
        XCTAssertEqual(ReferrersLookup.nextLink(#"</v2/a/referrers/sha256:1?last=x>; rel="next""#), "/v2/a/referrers/sha256:1?last=x")
        XCTAssertEqual(ReferrersLookup.nextLink(#"<https://r/prev>; rel="prev", <https://r/next>; rel=next"#), "https://r/next")
        XCTAssertNil(ReferrersLookup.nextLink(#"<https://r/prev>; rel="prev""#))
        XCTAssertNil(ReferrersLookup.nextLink("garbage"))
        XCTAssertNil(ReferrersLookup.nextLink(nil))
    }
}
