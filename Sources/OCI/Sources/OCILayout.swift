import Digest
import Foundation
import JSON

/// Blobs under an OCI layout's `blobs/<algorithm>/<hex>`.
public final class LayoutBlobStore: BlobStore {
    public let root: URL
    let imageName: String
    public init(root: URL, imageName: String) { self.root = root; self.imageName = imageName }

    public func path(of digest: Digest) -> String {
        root.appendingPathComponent("blobs").appendingPathComponent(digest.algorithm).appendingPathComponent(digest.hex).path
    }
    public func exists(_ digest: Digest) -> Bool { FileManager.default.fileExists(atPath: path(of: digest)) }
    public func open(_ descriptor: Descriptor) throws -> ByteSource {
        let p = path(of: descriptor.digest)
        var st = stat()
        guard lstat(p, &st) == 0 else { throw ImageError.missingBlob(image: imageName, digest: descriptor.digest.description) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw ImageError.malformed(context: imageName, message: "blob \(descriptor.digest) is not a regular file")
        }
        if Int64(st.st_size) != descriptor.size {
            throw BlobVerificationError.sizeMismatch(digest: descriptor.digest.description, declared: descriptor.size, actual: Int64(st.st_size))
        }
        return try FileRangeSource(path: p)
    }
}

/// An OCI image layout directory (`oci-layout`, `index.json`, `blobs/`), possibly holding many tags and platforms.
public struct OCILayout {
    public let root: URL
    public let store: LayoutBlobStore
    public let index: ImageIndex

    public init(path: String) throws {
        root = URL(fileURLWithPath: path)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw ImageError.notFound("\(path): no such OCI layout directory")
        }
        let indexPath = root.appendingPathComponent("index.json").path
        guard let data = FileManager.default.contents(atPath: indexPath) else {
            throw ImageError.notFound("\(path): not an OCI layout (no index.json)")
        }
        guard data.count <= 64 << 20 else { throw ImageError.malformed(context: indexPath, message: "index.json is larger than 64 MiB") }
        let json: JSON
        do { json = try JSON.parse(data) } catch { throw ImageError.malformed(context: indexPath, message: "\(error)") }
        index = try ImageIndex(json: json, context: indexPath)
        store = LayoutBlobStore(root: root, imageName: path)
    }

    /// Tag names found in `org.opencontainers.image.ref.name` annotations.
    public var tags: [String] {
        index.manifests.compactMap { $0.annotations["org.opencontainers.image.ref.name"] }
    }

    public static func tagMatches(_ annotation: String?, _ tag: String) -> Bool {
        guard let a = annotation else { return false }
        if a == tag { return true }
        // Annotations may carry a full reference (`docker.io/library/app:1.0`); compare the tag part.
        if let colon = a.lastIndex(of: ":"), !a[colon...].contains("/") { return String(a[a.index(after: colon)...]) == tag }
        return false
    }

    /// Picks the manifest named by a tag or digest, or the only one.
    public func descriptor(tag: String?, digest: Digest?) throws -> Descriptor {
        let name = root.path
        if let digest {
            if let d = index.manifests.first(where: { $0.digest == digest }) { return d }
            guard store.exists(digest) else {
                throw ImageError.noMatchingManifest(image: name, wanted: digest.description, available: index.manifests.map { $0.digest.description })
            }
            let size = try FileManager.default.attributesOfItem(atPath: store.path(of: digest))[.size] as? Int64 ?? 0
            return Descriptor(mediaType: "", digest: digest, size: size)
        }
        let candidates = index.manifests.filter { !IndexResolution.isAttestation($0) }
        if let tag {
            let hits = candidates.filter { OCILayout.tagMatches($0.annotations["org.opencontainers.image.ref.name"], tag) }
            guard let first = hits.first else {
                throw ImageError.noMatchingManifest(image: name, wanted: "tag '\(tag)'", available: tags)
            }
            return first
        }
        if candidates.count == 1 { return candidates[0] }
        if candidates.isEmpty { throw ImageError.noMatchingManifest(image: name, wanted: "an image", available: []) }
        let names = candidates.map { $0.annotations["org.opencontainers.image.ref.name"] ?? $0.digest.short }
        throw ImageError.ambiguous(image: name, available: names)
    }

    public func image(reference: String, tag: String?, digest: Digest?, platform: Platform?) throws -> Image {
        let top = try descriptor(tag: tag, digest: digest)
        let resolution = IndexResolution(imageName: reference, store: store, platform: platform)
        let refName = top.annotations["org.opencontainers.image.ref.name"]
        let displayTag = tag ?? refName
        let name = displayTag ?? root.lastPathComponent
        return try resolution.image(from: top, reference: reference, name: name, repository: nil, tag: displayTag)
    }
}
