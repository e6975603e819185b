import Digest
import Foundation
@testable import OCI
import XCTest

/// Pulls the real bookworm test image back out of a local Distribution registry after skopeo pushed it.
final class RegistryClientTests: XCTestCase {
    private var registry: LocalRegistry?
    private let repository = "test/bookworm"

    override func setUpWithError() throws {
        let layout = try SharedData.image("oci")
        let registry = try LocalRegistry()
        self.registry = registry
        try registry.push(layout: layout, tag: "bookworm", to: repository, as: "1")
    }

    override func tearDown() {
        registry?.stop()
        registry = nil
    }

    /// Plain HTTP, and a docker config path that does not exist, so nothing on this machine leaks in.
    private func options(insecure: Bool = true) throws -> RegistryOptions {
        let registry = try XCTUnwrap(registry)
        return RegistryOptions(insecure: insecure, dockerConfigPath: registry.directory.appendingPathComponent("no-config.json").path)
    }

    private func reference(_ tagOrDigest: String = ":1") throws -> RegistryReference {
        try RegistryReference.parse("\(try XCTUnwrap(registry).address)/\(repository)\(tagOrDigest)")
    }

    /// The row for `tag` in images.tsv (manifest digest, layer count, compressed bytes).
    private func truth(_ tag: String) throws -> (digest: String, layers: Int, bytes: Int64) {
        let text = try String(contentsOfFile: try SharedData.image("images.tsv"), encoding: .utf8)
        let rows = text.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        let row = try XCTUnwrap(rows.first { $0.first == tag }, "images.tsv has no row for \(tag)")
        return (row[1], try XCTUnwrap(Int(row[2])), try XCTUnwrap(Int64(row[3])))
    }

    func testImageLoaderReadsPushedImageAndLayersVerify() throws {
        let expected = try truth("bookworm")
        let ref = try ImageReference.parse("registry:\(try XCTUnwrap(registry).address)/\(repository):1")
        let image = try ImageLoader(registryOptions: try options()).load(ref)

        XCTAssertEqual(image.manifestDigest?.description, expected.digest)
        XCTAssertEqual(image.manifestDescriptor?.digest.description, expected.digest)
        XCTAssertEqual(image.manifestDescriptor?.mediaType, MediaType.ociManifest)
        XCTAssertEqual(image.name, repository)
        XCTAssertEqual(image.repository, repository)
        XCTAssertEqual(image.tag, "1")
        XCTAssertEqual(image.reference, ref.description)
        XCTAssertEqual(image.platform?.description, "linux/amd64")
        XCTAssertEqual(image.layers.count, expected.layers)
        XCTAssertEqual(image.layers.reduce(0) { $0 + $1.size }, expected.bytes)

        // The same image read from the layout on disk must have the same config and layers.
        let local = try OCILayout(path: try SharedData.image("oci")).image(reference: "oci", tag: "bookworm", digest: nil, platform: nil)
        XCTAssertEqual(image.configDigest, local.configDigest)
        XCTAssertEqual(image.layers, local.layers)
        XCTAssertEqual(image.config.diffIDs, local.config.diffIDs)

        // The layer (about 50 MB) streams through the spool and verifies against its descriptor.
        let layer = try XCTUnwrap(image.layers.first)
        let source = VerifyingSource(try image.store.open(layer), expected: layer.digest, size: layer.size)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var reads = 0
        while try buffer.withUnsafeMutableBytes({ try source.read(into: $0) }) > 0 { reads += 1 }
        try source.finish()
        XCTAssertEqual(source.count, layer.size)
        XCTAssertGreaterThan(reads, 1)
    }

    func testDigestReferenceAndPlatformChoice() throws {
        let expected = try truth("bookworm")
        let client = RegistryClient(options: try options(), environment: [:])
        let byDigest = try client.image(try reference("@" + expected.digest), platform: Platform(os: "linux", architecture: "amd64"))
        XCTAssertEqual(byDigest.manifestDigest?.description, expected.digest)
        XCTAssertNil(byDigest.tag)

        XCTAssertThrowsError(try client.image(try reference(), platform: Platform(os: "linux", architecture: "arm64"))) { error in
            guard case ImageError.noMatchingManifest(_, let wanted, let available) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(wanted, "linux/arm64")
            XCTAssertEqual(available, ["linux/amd64"])
        }
    }

    func testTLSIsRequiredUnlessInsecure() throws {
        let address = try XCTUnwrap(registry).address
        XCTAssertThrowsError(try RegistryClient(options: try options(insecure: false), environment: [:]).image(try reference(), platform: nil)) { error in
            guard case RegistryError.tls(let host, _) = error else { return XCTFail("expected a TLS error, got \(error)") }
            XCTAssertEqual(host, address)
            XCTAssertTrue("\(error)".contains("--insecure"), "\(error)")
            XCTAssertFalse("\(error)".contains("\n"))
        }
    }

    func testMissingTagNamesRegistryRepositoryStatusAndRegistryMessage() throws {
        let address = try XCTUnwrap(registry).address
        XCTAssertThrowsError(try RegistryClient(options: try options(), environment: [:]).image(try reference(":missing"), platform: nil)) { error in
            guard case RegistryError.status(let host, let repo, _, let status, let errors) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(host, address)
            XCTAssertEqual(repo, repository)
            XCTAssertEqual(status, 404)
            XCTAssertEqual(errors.first?.code, "MANIFEST_UNKNOWN")
            let text = "\(error)"
            for part in [address, repository, "'missing'", "404", "MANIFEST_UNKNOWN"] { XCTAssertTrue(text.contains(part), text) }
        }
        XCTAssertThrowsError(try RegistryClient(options: try options(), environment: [:]).image(
            RegistryReference.parse("\(address)/test/absent:1"), platform: nil)) { error in
            XCTAssertEqual((error as? RegistryError)?.statusCode, 404, "\(error)")
        }
    }

    func testMissingBlobsAndExistence() throws {
        let client = RegistryClient(options: try options(), environment: [:])
        let image = try client.image(try reference(), platform: nil)
        let store = try XCTUnwrap(image.store as? RegistryBlobStore)
        XCTAssertTrue(store.exists(image.configDigest))
        XCTAssertTrue(store.exists(try XCTUnwrap(image.layers.first).digest))
        let absent = Digest(sha256Of: Data("not in this registry".utf8))
        XCTAssertFalse(store.exists(absent))
        // Both paths: a small blob read in one response, a large one spooled.
        for size in [Int64(100), Int64(8 << 20)] {
            XCTAssertThrowsError(try store.open(Descriptor(mediaType: MediaType.ociLayerGzip, digest: absent, size: size))) { error in
                guard case ImageError.missingBlob(_, let digest) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(digest, absent.description)
            }
        }
        // A blob served with more bytes than its descriptor declares stops at the declared size.
        var config = image.manifest.config
        config.size -= 10
        XCTAssertThrowsError(try store.fetch(config)) { error in
            XCTAssertTrue(error is BlobVerificationError, "\(error)")
        }
    }

    func testAbandonedLayerReadLeavesTheStoreWorking() throws {
        let image = try RegistryClient(options: try options(), environment: [:]).image(try reference(), platform: nil)
        let layer = try XCTUnwrap(image.layers.first)
        do {
            let partial = try image.store.open(layer)
            var buffer = [UInt8](repeating: 0, count: 4096)
            XCTAssertGreaterThan(try buffer.withUnsafeMutableBytes { try partial.read(into: $0) }, 0)
        }
        let again = VerifyingSource(try image.store.open(layer), expected: layer.digest, size: layer.size)
        try again.finish()
        XCTAssertEqual(again.count, layer.size)
        XCTAssertEqual(try image.store.fetch(image.manifest.config).count, Int(image.manifest.config.size))
    }
}
