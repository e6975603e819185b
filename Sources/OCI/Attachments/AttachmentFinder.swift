import Digest
import Foundation
import JSON

/// Where an image came from, as far as its attachments are concerned.
public enum AttachmentSource {
    /// An OCI layout or oci-archive: its top-level `index.json` and its blobs.
    case layout(index: ImageIndex, store: BlobStore)
    /// A registry repository; `reference` is the tag or digest the image was named by, whose index
    /// (when it is one) may carry attachments of its own.
    case registry(store: RegistryBlobStore, reference: String?)
    /// Only what the image's own index lists (docker-archives: nothing, for the legacy format).
    case imageOnly

    public static func layout(_ layout: OCILayout) -> AttachmentSource { .layout(index: layout.index, store: layout.store) }

    /// An oci-archive's index.json, read from the tar; `store` is the image's own (a `TarBlobStore`).
    public static func ociArchive(path: String, store: BlobStore) throws -> AttachmentSource {
        let tar = try TarIndex(path: path)
        guard let data = try tar.data("index.json") else { throw ImageError.notFound("\(path): not an oci-archive (no index.json)") }
        let json: JSON
        do { json = try JSON.parse(data) } catch { throw ImageError.malformed(context: "\(path): index.json", message: "\(error)") }
        return .layout(index: try ImageIndex(json: json, context: "\(path): index.json"), store: store)
    }
}

/// Something odd met while finding attachments that did not stop the search (a missing manifest,
/// a referrers tag holding no index).
public struct AttachmentWarning: Sendable, Equatable, CustomStringConvertible {
    public var location: String
    public var message: String
    public init(location: String, message: String) { self.location = location; self.message = message }
    public var description: String { "\(location): \(message)" }
}

public struct AttachmentSearch: Sendable {
    /// BuildKit attestation manifests first, then referrers, then cosign's; each group for the image
    /// manifest first, then for the indexes it was chosen from.
    public var attachments: [FoundAttachment]
    public var warnings: [AttachmentWarning]
    /// The digests attachments were looked for: the image manifest, then the indexes listing it.
    public var subjects: [Digest]
}

/// Finds the attestations attached to an image, reading only manifests and indexes, never a
/// layer blob of the image. Attachments of the image manifest and of the indexes it was chosen
/// from (cosign attests whatever digest it was given, often the multi-platform index) are both
/// returned; each says its `subject`, which its Statement must name.
public struct AttachmentFinder {
    public let manifestDigest: Digest?
    let imageIndex: ImageIndex?
    let source: AttachmentSource
    let store: BlobStore
    public static let blobLimit = 64 << 20

    public init(image: Image, source: AttachmentSource) {
        self.init(manifestDigest: image.manifestDigest, index: image.index, source: source, store: image.store)
    }

    /// For a layout where only a manifest digest is known (no `Image` was loaded).
    public init(layout: OCILayout, manifestDigest: Digest) {
        self.init(manifestDigest: manifestDigest, index: nil, source: .layout(layout), store: layout.store)
    }

    /// Picks the source from how the image was named.
    public init(reference: ImageReference, image: Image) throws {
        let source: AttachmentSource
        switch reference {
        case .ociDirectory(let path, _, _): source = .layout(try OCILayout(path: path))
        case .ociArchive(let path, _): source = try .ociArchive(path: path, store: image.store)
        case .registry(let ref):
            if let store = image.store as? RegistryBlobStore { source = .registry(store: store, reference: ref.reference) } else { source = .imageOnly }
        case .dockerArchive, .directory: source = .imageOnly
        }
        self.init(image: image, source: source)
    }

    init(manifestDigest: Digest?, index: ImageIndex?, source: AttachmentSource, store: BlobStore) {
        self.manifestDigest = manifestDigest
        self.imageIndex = index
        self.source = source
        switch source {
        case .layout(_, let s): self.store = s
        case .registry(let s, _): self.store = s
        case .imageOnly: self.store = store
        }
    }

    /// Attachments whose predicate type is in the family of one of `predicateTypes` (all when nil),
    /// plus those whose predicate type only their blob can tell.
    public func find(predicateTypes: [String]? = nil) throws -> AttachmentSearch {
        var search = try findAll()
        if let predicateTypes {
            search.attachments = search.attachments.filter { AttachmentPredicate.matches($0.predicateType, anyOf: predicateTypes) }
        }
        return search
    }

    /// The attachment's blob (statement, envelope, bundle or document), checked against its digest and size.
    public func load(_ attachment: FoundAttachment) throws -> Data {
        try store.fetch(attachment.layer, limit: Self.blobLimit)
    }

    private func findAll() throws -> AttachmentSearch {
        guard let manifest = manifestDigest else { return AttachmentSearch(attachments: [], warnings: [], subjects: []) }
        var collector = FinderCollector(store: store)
        let graph = try indexGraph(for: manifest, warnings: &collector.warnings)
        let subjects = [manifest] + graph.indexes(containing: manifest)

        // BuildKit: the index the image was chosen from first, then every index around it.
        let imageEntries = (imageIndex?.manifests ?? []).map { FinderIndexGraph.Entry(descriptor: $0, parent: nil) }
        var topLevel = "index"
        if case .layout = source { topLevel = "index.json" }
        for candidate in FinderLayoutScan.buildkit(imageEntries, subjects: [manifest], topLevel: "index")
            + FinderLayoutScan.buildkit(graph.entries, subjects: subjects, topLevel: topLevel) {
            try collector.collect(candidate)
        }
        switch source {
        case .layout(let index, _):
            let cosign = FinderLayoutScan.cosign(index.manifests, subjects: subjects, warnings: &collector.warnings)
            try FinderLayoutScan.referrers(graph.entries, subjects: subjects, skipping: Set(cosign.map(\.manifest.digest)),
                                           collector: &collector)
            for candidate in cosign { try collector.collect(candidate) }
        case .registry(let registry, _):
            try collectFromRegistry(registry, subjects: subjects, collector: &collector)
        case .imageOnly: break
        }
        return AttachmentSearch(attachments: collector.attachments, warnings: collector.warnings, subjects: subjects)
    }

    /// A layout's index.json and what is nested in it; for a registry, the index the image was named by.
    private func indexGraph(for manifest: Digest, warnings: inout [AttachmentWarning]) throws -> FinderIndexGraph {
        switch source {
        case .layout(let index, _):
            return try FinderIndexGraph(top: index.manifests, store: store, warnings: &warnings)
        case .registry(let registry, let reference):
            guard let reference, reference != manifest.description else { return try FinderIndexGraph(top: [], store: store, warnings: &warnings) }
            let (named, _) = try registry.manifest(reference: reference)
            return try FinderIndexGraph(top: MediaType.isIndex(named.mediaType) ? [named] : [], store: store, warnings: &warnings)
        case .imageOnly:
            return try FinderIndexGraph(top: [], store: store, warnings: &warnings)
        }
    }

    /// Referrers (API, else tag schema) and cosign's `.att` tag, for each subject.
    private func collectFromRegistry(_ registry: RegistryBlobStore, subjects: [Digest], collector: inout FinderCollector) throws {
        let lookup = ReferrersLookup(store: registry)
        for subject in subjects {
            let listing = try lookup.referrers(of: subject, warnings: &collector.warnings)
            for d in listing.descriptors where FinderManifestReader.mayHoldAttachments(artifactType: d.artifactType) {
                guard MediaType.isManifest(d.mediaType) else { continue }  // index referrers hold no layers to read
                try collector.collect(FinderCandidate(scheme: .referrer, subject: subject, manifest: d, location: listing.location))
            }
        }
        for subject in subjects {
            guard let (d, location) = try lookup.cosignAttestations(of: subject) else { continue }
            try collector.collect(FinderCandidate(scheme: .cosign, subject: subject, manifest: d, location: location))
        }
    }
}
