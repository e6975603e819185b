import Digest
import Foundation
import JSON

/// Walks from an index to one image manifest: by tag annotation or digest, then by platform,
/// skipping BuildKit attestation manifests (platform unknown/unknown).
struct IndexResolution {
    let imageName: String
    let store: BlobStore
    let platform: Platform?
    static let maxNesting = 8

    static func isAttestation(_ d: Descriptor) -> Bool {
        d.annotations["vnd.docker.reference.type"] == "attestation-manifest"
            || (d.platform?.os == "unknown" && d.platform?.architecture == "unknown")
            || isAttachment(d)
    }

    /// Entries a layout's index.json holds next to images once something is attached: OCI referrers
    /// (they carry `artifactType`, as `oras attach --oci-layout` writes them) and cosign's
    /// `sha256-<hex>.att`/`.sig`/`.sbom` tags and the `sha256-<hex>` referrers tag schema.
    static func isAttachment(_ d: Descriptor) -> Bool {
        if d.artifactType != nil { return true }
        // `cosign save --dir` marks its signature/attestation manifests with a `kind` annotation.
        if let kind = d.annotations["kind"], kind.hasPrefix("dev.cosignproject.cosign/"),
           !["dev.cosignproject.cosign/image", "dev.cosignproject.cosign/imageIndex"].contains(kind) { return true }
        guard let name = d.annotations["org.opencontainers.image.ref.name"], name.hasPrefix("sha256-") else { return false }
        let rest = name.dropFirst("sha256-".count)
        let hex = rest.prefix(64)
        guard hex.count == 64, hex.allSatisfy({ $0.isHexDigit }) else { return false }
        return ["", ".att", ".sig", ".sbom"].contains(String(rest.dropFirst(64)))
    }

    /// Resolves a descriptor (manifest or index) to an image manifest descriptor plus the index it came from.
    func resolve(_ descriptor: Descriptor, depth: Int = 0) throws -> (Descriptor, Manifest, ImageIndex?) {
        guard depth < IndexResolution.maxNesting else {
            throw ImageError.malformed(context: imageName, message: "image indexes nested more than \(IndexResolution.maxNesting) deep")
        }
        let json = try store.fetchJSON(descriptor, context: "\(imageName): manifest")
        let mediaType = json.string("mediaType") ?? descriptor.mediaType
        if MediaType.isIndex(mediaType) || (json["manifests"] != nil && json["config"] == nil) {
            let index = try ImageIndex(json: json, context: "\(imageName): index \(descriptor.digest.short)")
            let chosen = try choose(from: index.manifests)
            let (d, m, inner) = try resolve(chosen, depth: depth + 1)
            return (d, m, inner ?? index)
        }
        let manifest = try Manifest(json: json, context: "\(imageName): manifest \(descriptor.digest.short)")
        return (descriptor, manifest, nil)
    }

    func choose(from manifests: [Descriptor]) throws -> Descriptor {
        let images = manifests.filter { !IndexResolution.isAttestation($0) }
        if let platform {
            let matching = images.filter { $0.platform.map(platform.matches) ?? false }
            if let first = matching.first { return first }
            // A single image without a platform in its descriptor: its config decides later.
            if images.count == 1, images[0].platform == nil { return images[0] }
            throw ImageError.noMatchingManifest(image: imageName, wanted: platform.description,
                                                available: images.compactMap { $0.platform?.description })
        }
        if images.count == 1 { return images[0] }
        if images.isEmpty { throw ImageError.noMatchingManifest(image: imageName, wanted: "an image manifest", available: []) }
        // Several platforms: prefer linux/amd64 as docker does on this host, else ask.
        if let amd = images.first(where: { $0.platform?.os == "linux" && $0.platform?.architecture == "amd64" }) { return amd }
        throw ImageError.ambiguous(image: imageName, available: images.map { $0.platform?.description ?? $0.digest.short })
    }

    func image(from descriptor: Descriptor, reference: String, name: String, repository: String?, tag: String?) throws -> Image {
        let (desc, manifest, index) = try resolve(descriptor)
        let configJSON = try store.fetchJSON(manifest.config, context: "\(imageName): config")
        let config = ImageConfig(json: configJSON)
        if let platform, let actual = Platform(parsing: [config.os, config.architecture].compactMap { $0 }.joined(separator: "/")),
           !platform.matches(actual) {
            throw ImageError.noMatchingManifest(image: imageName, wanted: platform.description, available: [actual.description])
        }
        return Image(reference: reference, name: name, repository: repository, tag: tag, manifestDigest: desc.digest,
                     manifestDescriptor: desc, manifest: manifest, config: config, configDigest: manifest.config.digest,
                     store: store, index: index)
    }
}
