import Digest
import Foundation
import JSON

/// Predicate types compared by family, so that a request for `https://spdx.dev/Document` also
/// takes `https://spdx.dev/Document/v2.3`. The Attestation module has the same rule
/// (`PredicateType.family`), but OCI must not depend on it.
public enum AttachmentPredicate {
    public static let spdx = "https://spdx.dev/Document"
    public static let cycloneDX = "https://cyclonedx.org/bom"
    public static let openVEX = "https://openvex.dev/ns"

    public static func family(of uri: String) -> String {
        for base in [spdx, cycloneDX, openVEX] where uri == base || uri.hasPrefix(base + "/") { return base }
        return uri
    }

    /// True when `predicateType` is in the family of one of `wanted`. An unknown predicate type
    /// (nil) always matches: only its blob can tell, and the caller decides whether to load it.
    public static func matches(_ predicateType: String?, anyOf wanted: [String]) -> Bool {
        guard let predicateType else { return true }
        let family = family(of: predicateType)
        return wanted.contains { self.family(of: $0) == family }
    }
}

/// One manifest that may hold attachments, and how it was found.
struct FinderCandidate {
    var scheme: AttachmentScheme
    var subject: Digest
    var manifest: Descriptor
    var location: String
}

/// Reads the attachments one manifest holds from its layer descriptors and annotations alone.
enum FinderManifestReader {
    /// Layer media types that say nothing about the content: `oras attach FILE` without a type
    /// writes the first; the manifest's `artifactType` then tells what the file is.
    static let genericLayerTypes: Set<String> = [
        "", MediaType.ociLayerTar, "application/octet-stream", "application/json",
    ]

    static func attachments(_ json: JSON, of candidate: FinderCandidate) throws -> [FoundAttachment] {
        let manifest = try parse(json, candidate)
        switch candidate.scheme {
        case .buildkit: return try buildkit(manifest, candidate)
        case .referrer: return referrer(manifest, candidate)
        case .cosign: return cosign(manifest, candidate)
        }
    }

    /// True when the JSON is an image index rather than a manifest (an index may be a referrer too,
    /// but holds no layers to read).
    static func isIndex(_ json: JSON) -> Bool {
        MediaType.isIndex(json.string("mediaType")) || (json["manifests"] != nil && json["config"] == nil)
    }

    private static func parse(_ json: JSON, _ candidate: FinderCandidate) throws -> Manifest {
        guard case .object = json else {
            throw AttachmentError.malformed(location: candidate.location, reason: "manifest is not a JSON object")
        }
        if isIndex(json) {
            throw AttachmentError.malformed(location: candidate.location, reason: "is an image index, expected a manifest")
        }
        if let layers = json["layers"], layers.array == nil {
            throw AttachmentError.malformed(location: candidate.location, reason: "manifest 'layers' is not an array")
        }
        do { return try Manifest(json: json, context: candidate.location) } catch let error as DescriptorError {
            throw AttachmentError.malformed(location: candidate.location, reason: error.message)
        }
    }

    /// BuildKit's attestation manifest: unsigned Statements (or DSSE envelopes), predicate type per layer.
    private static func buildkit(_ manifest: Manifest, _ candidate: FinderCandidate) throws -> [FoundAttachment] {
        // The OCI-artifact form names its subject; it must be the manifest the index entry points at.
        if let subject = manifest.subject, subject.digest != candidate.subject {
            throw AttachmentError.malformed(location: candidate.location,
                                            reason: "subject \(subject.digest) differs from vnd.docker.reference.digest \(candidate.subject)")
        }
        return manifest.layers.compactMap { layer in
            let envelope: AttachmentEnvelope
            switch baseType(layer.mediaType) {
            case AttachmentMediaType.inTotoStatement: envelope = .statement
            case AttachmentMediaType.dsseEnvelope: envelope = .dsse
            default: return nil  // BuildKit: unknown layer media types are ignored
            }
            return found(candidate, layer, envelope, predicate(layer.annotations[AttachmentAnnotation.inTotoPredicateType]))
        }
    }

    /// cosign's `.att` manifest: one DSSE envelope per layer, predicate type in `predicateType`.
    private static func cosign(_ manifest: Manifest, _ candidate: FinderCandidate) -> [FoundAttachment] {
        manifest.layers.compactMap { layer in
            guard baseType(layer.mediaType) == AttachmentMediaType.dsseEnvelope else { return nil }
            let type = predicate(layer.annotations[AttachmentAnnotation.cosignPredicateType])
                ?? predicate(layer.annotations[AttachmentAnnotation.inTotoPredicateType])
            return found(candidate, layer, .dsse, type)
        }
    }

    /// An OCI 1.1 referrer: its layers' media types decide, and for layers typed generically, its
    /// `artifactType` (or config media type).
    private static func referrer(_ manifest: Manifest, _ candidate: FinderCandidate) -> [FoundAttachment] {
        let annotations = manifest.annotations
        // A bundle over a message signature signs the image itself and carries no Statement.
        if annotations[AttachmentAnnotation.sigstoreBundleContent] == "message-signature" { return [] }
        let artifactKind = kind(of: manifest.artifactType ?? manifest.config.mediaType)
        let manifestPredicate = predicate(annotations[AttachmentAnnotation.sigstoreBundlePredicateType])
            ?? predicate(annotations[AttachmentAnnotation.inTotoPredicateType])
            ?? predicate(annotations[AttachmentAnnotation.cosignPredicateType])
        return manifest.layers.compactMap { layer in
            let layerKind = kind(of: layer.mediaType)
                ?? (genericLayerTypes.contains(baseType(layer.mediaType)) ? artifactKind : nil)
            guard let layerKind else { return nil }
            let layerPredicate = predicate(layer.annotations[AttachmentAnnotation.inTotoPredicateType])
                ?? predicate(layer.annotations[AttachmentAnnotation.cosignPredicateType])
            switch layerKind {
            case .envelope(.sigstoreBundle):
                let type = predicate(annotations[AttachmentAnnotation.sigstoreBundlePredicateType]) ?? layerPredicate
                return found(candidate, layer, .sigstoreBundle, type)
            case .envelope(let envelope):
                return found(candidate, layer, envelope, layerPredicate ?? manifestPredicate)
            case .document(let predicateType):
                return found(candidate, layer, .plainDocument, predicateType)
            }
        }
    }

    private enum Kind {
        case envelope(AttachmentEnvelope)
        /// A bare SBOM file, with the predicate type a Statement holding it would carry.
        case document(String)
    }

    private static func kind(of mediaType: String) -> Kind? {
        if mediaType.lowercased().hasPrefix(AttachmentMediaType.sigstoreBundlePrefix) { return .envelope(.sigstoreBundle) }
        switch baseType(mediaType) {
        case AttachmentMediaType.inTotoStatement: return .envelope(.statement)
        case AttachmentMediaType.dsseEnvelope: return .envelope(.dsse)
        case AttachmentMediaType.cycloneDXJSON: return .document(AttachmentPredicate.cycloneDX)
        case AttachmentMediaType.spdxJSON, "text/spdx+json": return .document(AttachmentPredicate.spdx)
        default: return nil
        }
    }

    /// Whether a referrer with this `artifactType` may hold something we read; nil (not announced)
    /// and config media types say nothing, so those are fetched.
    static func mayHoldAttachments(artifactType: String?) -> Bool {
        guard let artifactType else { return true }
        if kind(of: artifactType) != nil { return true }
        return [MediaType.ociEmpty, MediaType.ociConfig, MediaType.dockerConfig, "",
                AttachmentMediaType.buildkitAttestationManifest].contains(baseType(artifactType))
    }

    /// `application/vnd.in-toto+json; charset=utf-8` → `application/vnd.in-toto+json`.
    static func baseType(_ mediaType: String) -> String {
        String(mediaType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            .trimmingCharacters(in: .whitespaces).lowercased()
    }

    private static func predicate(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    private static func found(_ candidate: FinderCandidate, _ layer: Descriptor, _ envelope: AttachmentEnvelope,
                              _ predicateType: String?) -> FoundAttachment {
        FoundAttachment(scheme: candidate.scheme, envelope: envelope, subject: candidate.subject, manifest: candidate.manifest,
                        layer: layer, predicateType: predicateType, location: candidate.location)
    }
}
