import Digest
import Foundation
import JSON

/// Where blobs come from: a layout's `blobs/` folder, an archive member, a registry.
public protocol BlobStore: AnyObject {
    /// Opens a blob as an unverified stream. Throws `ImageError.missingBlob` when absent.
    func open(_ descriptor: Descriptor) throws -> ByteSource
    func exists(_ digest: Digest) -> Bool
}

extension BlobStore {
    /// Reads a small blob (manifest, config, attestation) whole and checks it against its descriptor.
    public func fetch(_ descriptor: Descriptor, limit: Int = 64 << 20) throws -> Data {
        guard descriptor.size <= Int64(limit) else {
            throw ImageError.blobTooLarge(digest: descriptor.digest.description, size: descriptor.size, limit: limit)
        }
        let source = VerifyingSource(try open(descriptor), expected: descriptor.digest, size: descriptor.size)
        guard let data = try source.readAll(limit: limit) else {
            throw ImageError.blobTooLarge(digest: descriptor.digest.description, size: descriptor.size, limit: limit)
        }
        try source.finish()
        return data
    }

    public func fetchJSON(_ descriptor: Descriptor, context: String) throws -> JSON {
        let data = try fetch(descriptor)
        do { return try JSON.parse(data) } catch {
            throw ImageError.malformed(context: "\(context) \(descriptor.digest.short)", message: "\(error)")
        }
    }
}

public enum ImageError: Error, CustomStringConvertible {
    case notFound(String)
    case missingBlob(image: String, digest: String)
    case blobTooLarge(digest: String, size: Int64, limit: Int)
    case malformed(context: String, message: String)
    case noMatchingManifest(image: String, wanted: String, available: [String])
    case ambiguous(image: String, available: [String])
    case unsupported(String)
    case registry(String)

    public var description: String {
        switch self {
        case .notFound(let s): return s
        case .missingBlob(let image, let d): return "\(image): blob \(d) is missing"
        case .blobTooLarge(let d, let size, let limit): return "blob \(d) is \(size) bytes, more than the \(limit) allowed for metadata"
        case .malformed(let c, let m): return "\(c): \(m)"
        case .noMatchingManifest(let image, let wanted, let available):
            return "\(image): no image matches \(wanted) (available: \(available.isEmpty ? "none" : available.joined(separator: ", ")))"
        case .ambiguous(let image, let available):
            return "\(image): holds several images, choose one (\(available.joined(separator: ", ")))"
        case .unsupported(let s): return s
        case .registry(let s): return s
        }
    }
}

/// One resolved image: manifest, config and the store its layers come from.
public struct Image {
    /// How the user named it (`oci-dir:./layout:app`), for error messages.
    public var reference: String
    /// Name for the SBOM subject (`bookworm-app`, `team/app`).
    public var name: String
    public var repository: String?
    public var tag: String?
    /// Digest of the manifest (absent for legacy docker-archives, which carry no manifest blob).
    public var manifestDigest: Digest?
    public var manifestDescriptor: Descriptor?
    public var manifest: Manifest
    public var config: ImageConfig
    public var configDigest: Digest
    public var store: BlobStore
    /// The index this image was chosen from, when there was one (attachments live there).
    public var index: ImageIndex?

    public var layers: [Descriptor] { manifest.layers }

    public var platform: Platform? {
        guard let os = config.os, let arch = config.architecture else { return nil }
        return Platform(os: os, architecture: arch, variant: config.variant)
    }
}
