import Digest
import Foundation
import JSON
@testable import OCI
import XCTest

final class AttacherLayoutTests: XCTestCase {
    private var dir: URL!
    private var image: Image!
    private var subject: Digest { image.manifestDigest! }
    private let fixedTime = ["SOURCE_DATE_EPOCH": "1700000000"]

    override func setUpWithError() throws {
        dir = try AttachFixture.layout()
        image = try OCILayout(path: dir.path).image(reference: "test", tag: "app", digest: nil, platform: nil)
    }

    override func tearDown() {
        if let dir { try? FileManager.default.removeItem(at: dir) }
    }

    @discardableResult
    private func attach(_ payloads: [AttachmentPayload], _ schemes: Set<AttachmentScheme>,
                        environment: [String: String]? = nil) throws -> AttachReport {
        try Attacher(target: .layout(path: dir.path, tag: "app", digest: nil), environment: environment ?? fixedTime)
            .attach(payloads, to: image, schemes: schemes)
    }

    private func indexJSON() throws -> JSON { try AttachFixture.json(dir.appendingPathComponent("index.json")) }

    /// The image index the tag names, and its attestation entries.
    private func taggedIndex() throws -> (JSON, [JSON]) {
        let top = try indexJSON().array("manifests").first { $0["annotations"]?.string("org.opencontainers.image.ref.name") == "app" }
        let index = try AttachFixture.blobJSON(dir, top?.string("digest"))
        return (index, index.array("manifests").filter { $0["annotations"]?.string("vnd.docker.reference.type") == "attestation-manifest" })
    }

    /// Every descriptor must name a blob of that size and digest.
    private func assertBlob(_ descriptor: JSON?, file: StaticString = #filePath, line: UInt = #line) throws {
        let d = try XCTUnwrap(descriptor, file: file, line: line)
        let digest = try XCTUnwrap(Digest(d.string("digest") ?? ""), file: file, line: line)
        let url = AttachFixture.blob(dir, digest.description)
        let data = try Data(contentsOf: url)
        XCTAssertEqual(Int64(data.count), d["size"]?.int, "size of \(digest)", file: file, line: line)
        XCTAssertTrue(digest.matches(data), "content of \(digest)", file: file, line: line)
        let mode = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o644, "mode of \(digest)", file: file, line: line)
    }

    func testBuildKitSchemeWrapsTheTaggedManifestExactlyAsBuildKitStoresIt() throws {
        let sizeBefore = image.manifestDescriptor!.size
        let report = try attach([AttachFixture.statement(subject: subject, predicateType: AttachFixture.spdx)], [.buildkit])

        let top = try indexJSON().array("manifests")
        XCTAssertEqual(top.count, 1)
        XCTAssertEqual(top[0].string("mediaType"), MediaType.ociIndex)
        XCTAssertEqual(top[0]["annotations"], ["org.opencontainers.image.ref.name": "app"])
        try assertBlob(top[0])
        XCTAssertNil(top[0]["platform"])

        let (index, attestations) = try taggedIndex()
        XCTAssertEqual(index.string("mediaType"), MediaType.ociIndex)
        let entries = index.array("manifests")
        XCTAssertEqual(entries.count, 2)
        XCTAssertEqual(entries[0].string("digest"), subject.description)
        XCTAssertEqual(entries[0]["size"]?.int, sizeBefore)
        XCTAssertEqual(entries[0]["platform"], ["architecture": "amd64", "os": "linux"])
        try assertBlob(entries[0])
        XCTAssertEqual(attestations.count, 1)
        let entry = entries[1]
        XCTAssertEqual(entry.string("mediaType"), MediaType.ociManifest)
        XCTAssertEqual(entry["annotations"], ["vnd.docker.reference.digest": .string(subject.description),
                                              "vnd.docker.reference.type": "attestation-manifest"])
        XCTAssertEqual(entry["platform"], ["architecture": "unknown", "os": "unknown"])
        try assertBlob(entry)
        XCTAssertEqual(entry.string("digest"), report.entries.first?.manifest.description)

        let manifest = try AttachFixture.blobJSON(dir, entry.string("digest"))
        XCTAssertNil(manifest["subject"])
        XCTAssertEqual(manifest["config"]?.string("mediaType"), MediaType.ociConfig)
        try assertBlob(manifest["config"])
        let layers = manifest.array("layers")
        XCTAssertEqual(layers.count, 1)
        XCTAssertEqual(layers[0].string("mediaType"), "application/vnd.in-toto+json")
        XCTAssertEqual(layers[0]["annotations"], ["dev.vouch.signer": "unsigned", "in-toto.io/predicate-type": .string(AttachFixture.spdx)])
        try assertBlob(layers[0])
        let config = try AttachFixture.blobJSON(dir, manifest["config"]?.string("digest"))
        XCTAssertEqual(config, ["architecture": "unknown", "os": "unknown", "config": [:],
                                "rootfs": ["type": "layers", "diff_ids": [layers[0]["digest"] ?? .null]]])

        // The tag still resolves to the same image manifest, and an untagged read still finds one image.
        let again = try OCILayout(path: dir.path).image(reference: "test", tag: "app", digest: nil, platform: nil)
        XCTAssertEqual(again.manifestDigest, subject)
        XCTAssertEqual(try OCILayout(path: dir.path).image(reference: "test", tag: nil, digest: nil, platform: nil).manifestDigest, subject)
        XCTAssertEqual(report.lines, ["attached \(AttachFixture.spdx) (statement) → index attestation-manifest \(report.entries[0].manifest)"])
    }

    func testSignedLayersAreDSSEEnvelopesWithThePredicateAnnotation() throws {
        let signer = try OpenSSLTestSigner()
        try attach([try signer.dsse(subject: subject, predicateType: AttachFixture.spdx),
                    try signer.dsse(subject: subject, predicateType: AttachFixture.custom)], [.buildkit])
        let (_, attestations) = try taggedIndex()
        let layers = try AttachFixture.blobJSON(dir, attestations.first?.string("digest")).array("layers")
        XCTAssertEqual(layers.map { $0.string("mediaType") }, ["application/vnd.dsse.envelope.v1+json", "application/vnd.dsse.envelope.v1+json"])
        XCTAssertEqual(layers.map { $0["annotations"]?.string("in-toto.io/predicate-type") }, [AttachFixture.spdx, AttachFixture.custom])
    }

    func testAttachingTwiceReplacesAndOtherPredicateTypesAccumulate() throws {
        let signer = try OpenSSLTestSigner()
        let spdx = try signer.dsse(subject: subject, predicateType: AttachFixture.spdx)
        let all: Set<AttachmentScheme> = [.buildkit, .referrer, .cosign]
        let first = try attach([spdx], all)
        XCTAssertEqual(first.entries.map(\.replaced), [0, 0, 0])
        // Without SOURCE_DATE_EPOCH the referrer gets a new creation time, so a new digest: it must replace, not add.
        let second = try attach([spdx], all, environment: [:])
        XCTAssertEqual(second.entries.map(\.scheme), [.buildkit, .referrer, .cosign])
        XCTAssertEqual(second.entries.map(\.replaced), [1, 1, 1])
        try assertState(types: [AttachFixture.spdx])

        let third = try attach([try signer.dsse(subject: subject, predicateType: AttachFixture.cyclonedx)], all)
        XCTAssertEqual(third.entries.map(\.replaced), [0, 0, 0])
        try assertState(types: [AttachFixture.spdx, AttachFixture.cyclonedx])

        // A changed statement of a type already there replaces that one only.
        let changed = try signer.dsse(subject: subject, predicateType: AttachFixture.spdx, predicate: ["note": "second build"])
        XCTAssertEqual(try attach([changed], all).entries.map(\.replaced), [1, 1, 1])
        try assertState(types: [AttachFixture.cyclonedx, AttachFixture.spdx])
        let (_, attestations) = try taggedIndex()
        let layers = try AttachFixture.blobJSON(dir, attestations.first?.string("digest")).array("layers")
        XCTAssertEqual(try Data(contentsOf: AttachFixture.blob(dir, layers[1].string("digest") ?? "")), changed.data)
    }

    /// One attestation manifest, one referrer and one `.att` layer per predicate type, in this order.
    private func assertState(types: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let (index, attestations) = try taggedIndex()
        XCTAssertEqual(index.array("manifests").count, 2, file: file, line: line)
        XCTAssertEqual(attestations.count, 1, file: file, line: line)
        let manifest = try AttachFixture.blobJSON(dir, attestations.first?.string("digest"))
        XCTAssertEqual(manifest.array("layers").map { $0["annotations"]?.string("in-toto.io/predicate-type") }, types, file: file, line: line)
        let config = try AttachFixture.blobJSON(dir, manifest["config"]?.string("digest"))
        XCTAssertEqual(config["rootfs"]?.array("diff_ids"), manifest.array("layers").map { $0["digest"] ?? .null }, file: file, line: line)

        let entries = try indexJSON().array("manifests")
        let referrers = entries.filter { $0.string("artifactType") == "application/vnd.in-toto+json" }
        XCTAssertEqual(Set(referrers.compactMap { $0["annotations"]?.string("in-toto.io/predicate-type") }), Set(types), file: file, line: line)
        XCTAssertEqual(referrers.count, types.count, file: file, line: line)
        for r in referrers {
            try assertBlob(r, file: file, line: line)
            let m = try AttachFixture.blobJSON(dir, r.string("digest"))
            XCTAssertEqual(m["subject"]?.string("digest"), subject.description, file: file, line: line)
            XCTAssertEqual(m["config"]?.string("digest"), "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", file: file, line: line)
            try assertBlob(m["config"], file: file, line: line)
            XCTAssertNil(r["annotations"]?.string("org.opencontainers.image.ref.name"), file: file, line: line)
        }

        let attName = "sha256-\(subject.hex).att"
        let att = entries.filter { $0["annotations"]?.string("org.opencontainers.image.ref.name") == attName }
        XCTAssertEqual(att.count, 1, file: file, line: line)
        let cosign = try AttachFixture.blobJSON(dir, att.first?.string("digest"))
        let layers = cosign.array("layers")
        XCTAssertEqual(layers.compactMap { $0["annotations"]?.string("predicateType") }, types, file: file, line: line)
        XCTAssertTrue(layers.allSatisfy { $0.string("mediaType") == "application/vnd.dsse.envelope.v1+json"
            && $0["annotations"]?.string("dev.cosignproject.cosign/signature") == "" }, file: file, line: line)
        let cosignConfig = try AttachFixture.blobJSON(dir, cosign["config"]?.string("digest"))
        XCTAssertEqual(cosignConfig["rootfs"]?.array("diff_ids"), layers.map { $0["digest"] ?? .null }, file: file, line: line)
        XCTAssertEqual(cosignConfig.array("history").count, layers.count, file: file, line: line)
        XCTAssertEqual(entries.count, 2 + types.count, file: file, line: line)
    }

    func testAnExistingIndexKeepsItsEntriesAndItsAttestationLayersMerge() throws {
        // First attach makes the tag an index; a second, of another type, must merge into its attestation manifest.
        try attach([AttachFixture.statement(subject: subject, predicateType: AttachFixture.cyclonedx)], [.buildkit])
        let (indexBefore, _) = try taggedIndex()
        try attach([AttachFixture.statement(subject: subject, predicateType: AttachFixture.spdx)], [.buildkit])
        let (index, attestations) = try taggedIndex()
        XCTAssertEqual(index.array("manifests").first, indexBefore.array("manifests").first)
        XCTAssertEqual(attestations.count, 1)
        let layers = try AttachFixture.blobJSON(dir, attestations.first?.string("digest")).array("layers")
        XCTAssertEqual(layers.map { $0["annotations"]?.string("in-toto.io/predicate-type") }, [AttachFixture.cyclonedx, AttachFixture.spdx])
        XCTAssertEqual(try OCILayout(path: dir.path).image(reference: "t", tag: "app", digest: nil, platform: nil).manifestDigest, subject)
    }

    /// oci-image-tool 1.0.0-rc1's whole-layout check (`--type image DIR`) accepts only tar layers, so it
    /// refuses every attestation layer, BuildKit's own included. It checks the layout before attaching;
    /// afterwards every index, manifest and config written is checked against the image-spec schemas.
    func testOCIImageToolAcceptsEveryDocumentWritten() throws {
        guard let tool = LocalRegistry.tool("oci-image-tool") else { throw XCTSkip("oci-image-tool is not installed") }
        let (before, beforeOutput) = try OutsideTool.run(tool, ["validate", "--type", "image", dir.path])
        XCTAssertEqual(before, 0, beforeOutput)
        let signer = try OpenSSLTestSigner()
        let report = try attach([try signer.dsse(subject: subject, predicateType: AttachFixture.spdx),
                                 AttachFixture.statement(subject: subject, predicateType: AttachFixture.cyclonedx)], [.buildkit, .referrer, .cosign])
        var documents: [(String, String)] = [("imageIndex", try XCTUnwrap(report.entries.first?.index?.description))]
        for entry in report.entries {
            documents.append(("manifest", entry.manifest.description))
            let config = try XCTUnwrap(AttachFixture.blobJSON(dir, entry.manifest.description)["config"])
            if config.string("mediaType") == MediaType.ociConfig { documents.append(("config", config.string("digest") ?? "")) }
        }
        XCTAssertEqual(documents.count, 1 + 4 + 2)
        for (type, digest) in documents {
            let (status, output) = try OutsideTool.run(tool, ["validate", "--type", type, AttachFixture.blob(dir, digest).path])
            XCTAssertEqual(status, 0, "\(type) \(digest): \(output)")
            XCTAssertTrue(output.contains("Validation succeeded"), output)
        }
    }

    func testOrasDiscoversTheReferrer() throws {
        let oras = try OutsideTool.venvTool("oras")
        let report = try attach([AttachFixture.statement(subject: subject, predicateType: AttachFixture.spdx)], [.referrer])
        let (status, output) = try OutsideTool.run(oras, ["discover", "--oci-layout", "\(dir.path):app"])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains(try XCTUnwrap(report.entries.first?.manifest.description)), output)
        XCTAssertTrue(output.contains("application/vnd.in-toto+json"), output)
    }

    func testMalformedIndexJSONIsATypedErrorAndNothingIsWritten() throws {
        for broken in ["{\"schemaVersion\": 2, \"manifests\": [", "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"sha256:zz\",\"size\":1}]}"] {
            try Data(broken.utf8).write(to: dir.appendingPathComponent("index.json"))
            let before = try AttachFixture.snapshot(dir)
            XCTAssertThrowsError(try attach([AttachFixture.statement(subject: subject, predicateType: AttachFixture.spdx)], [.buildkit, .referrer])) {
                XCTAssertTrue($0 is ImageError || $0 is DescriptorError, "\(type(of: $0)): \($0)")
                XCTAssertTrue("\($0)".contains("index.json"), "\($0)")
            }
            XCTAssertEqual(try AttachFixture.snapshot(dir), before)
        }
    }

    func testSymlinkedBlobFolderIsRefused() throws {
        let outside = try OutsideTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: outside) }
        let blobs = dir.appendingPathComponent("blobs/sha256")
        try FileManager.default.moveItem(at: blobs, to: outside.appendingPathComponent("sha256"))
        try FileManager.default.createSymbolicLink(at: blobs, withDestinationURL: outside.appendingPathComponent("sha256"))
        let before = try AttachFixture.snapshot(outside)
        let index = try Data(contentsOf: dir.appendingPathComponent("index.json"))
        XCTAssertThrowsError(try attach([AttachFixture.statement(subject: subject, predicateType: AttachFixture.spdx)], [.buildkit])) {
            XCTAssertTrue($0 is LayoutWriteError, "\($0)")
        }
        XCTAssertEqual(try AttachFixture.snapshot(outside), before)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("index.json")), index)
    }

    func testAttestationAboutAnotherImageIsRefusedBeforeWriting() throws {
        let other = Digest(sha256Of: Data("another image".utf8))
        let before = try AttachFixture.snapshot(dir)
        XCTAssertThrowsError(try attach([AttachFixture.statement(subject: other, predicateType: AttachFixture.spdx)], [.buildkit])) {
            guard case AttachmentError.conflict = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(try AttachFixture.snapshot(dir), before)
    }

    func testUnsignedStatementsAreNotPutInCosignsTag() throws {
        let statement = AttachFixture.statement(subject: subject, predicateType: AttachFixture.cyclonedx)
        XCTAssertThrowsError(try attach([statement], [.cosign])) {
            guard case AttachmentError.unsupported = $0 else { return XCTFail("\($0)") }
        }
        let signer = try OpenSSLTestSigner()
        let report = try attach([statement, try signer.dsse(subject: subject, predicateType: AttachFixture.spdx)], [.cosign, .referrer])
        XCTAssertEqual(report.skipped.count, 1)
        XCTAssertEqual(report.entries.filter { $0.scheme == .cosign }.first?.predicateTypes, [AttachFixture.spdx])
        let attName = "sha256-\(subject.hex).att"
        XCTAssertEqual(report.lines.last, "attached \(AttachFixture.spdx) (dsse) → referrer \(report.entries[1].manifest) (index.json), cosign tag \(attName)")
    }
}
