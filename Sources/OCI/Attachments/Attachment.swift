import Digest
import Foundation
import JSON

/// Media types, annotations and tags of the three attachment schemes peers read
/// (BuildKit attestation manifests, OCI 1.1 referrers, cosign tags) and of sigstore bundles.
public enum AttachmentMediaType {
    public static let inTotoStatement = "application/vnd.in-toto+json"
    public static let dsseEnvelope = "application/vnd.dsse.envelope.v1+json"
    public static let sigstoreBundleV03 = "application/vnd.dev.sigstore.bundle.v0.3+json"
    /// Older sigstore bundle media types (`…+json;version=0.1`, `;version=0.2`) start with this.
    public static let sigstoreBundlePrefix = "application/vnd.dev.sigstore.bundle"
    public static let buildkitAttestationManifest = "application/vnd.docker.attestation.manifest.v1+json"
    /// `artifactType` of the OCI referrers vouch writes.
    public static let vouchAttestationArtifact = "application/vnd.in-toto+json"
    /// Plain SBOM files as `oras attach` stores them (no in-toto Statement around them).
    public static let cycloneDXJSON = "application/vnd.cyclonedx+json"
    public static let spdxJSON = "application/spdx+json"
}

public enum AttachmentAnnotation {
    public static let referenceType = "vnd.docker.reference.type"
    public static let referenceDigest = "vnd.docker.reference.digest"
    public static let attestationManifest = "attestation-manifest"
    /// BuildKit's per-layer predicate type.
    public static let inTotoPredicateType = "in-toto.io/predicate-type"
    /// cosign's per-layer predicate type on `.att` layers.
    public static let cosignPredicateType = "predicateType"
    public static let cosignSignature = "dev.cosignproject.cosign/signature"
    public static let sigstoreBundleContent = "dev.sigstore.bundle.content"
    public static let sigstoreBundlePredicateType = "dev.sigstore.bundle.predicateType"
    public static let created = "org.opencontainers.image.created"
    public static let refName = "org.opencontainers.image.ref.name"
    /// Who signed what vouch attached (the envelope's key ids): re-attaching replaces only an earlier
    /// attestation of the same predicate type by the same signer, never another tool's or signer's.
    public static let vouchSigner = "dev.vouch.signer"
}

/// Where an attachment lives.
public enum AttachmentScheme: String, CaseIterable, Sendable {
    /// An attestation manifest in the image index (`vnd.docker.reference.type: attestation-manifest`).
    case buildkit
    /// An OCI 1.1 manifest whose `subject` is the image: referrers API, `sha256-<hex>` tag schema, or a layout's index.json.
    case referrer
    /// cosign's `sha256-<hex>.att` tag.
    case cosign
}

/// How an attachment's blob is encoded.
public enum AttachmentEnvelope: String, Sendable {
    /// A bare in-toto Statement (unsigned; BuildKit's default).
    case statement
    /// A DSSE envelope around a Statement.
    case dsse
    /// A sigstore bundle (v0.1–v0.3) holding a DSSE envelope.
    case sigstoreBundle
    /// A bare document that is not an attestation (a CycloneDX or SPDX file attached with `oras attach`):
    /// unsigned, and with no Statement subject of its own.
    case plainDocument
}

/// One attestation found next to an image, known from manifests and annotations alone.
/// Its blob is fetched only by `AttachmentFinder.load(_:)`, after choosing by predicate type.
public struct FoundAttachment: Sendable {
    public var scheme: AttachmentScheme
    public var envelope: AttachmentEnvelope
    /// Digest of the image manifest the attachment refers to.
    public var subject: Digest
    /// The manifest holding the attachment (attestation manifest, referrer, `.att` manifest).
    public var manifest: Descriptor
    /// The layer whose blob is the statement, envelope or bundle.
    public var layer: Descriptor
    /// Predicate type from annotations, when they say; nil when only the blob can tell.
    public var predicateType: String?
    /// Human-readable place: `index.json attestation-manifest sha256:…`, `tag sha256-<hex>.att`, `referrers API`.
    public var location: String

    public init(scheme: AttachmentScheme, envelope: AttachmentEnvelope, subject: Digest, manifest: Descriptor,
                layer: Descriptor, predicateType: String?, location: String) {
        self.scheme = scheme; self.envelope = envelope; self.subject = subject; self.manifest = manifest
        self.layer = layer; self.predicateType = predicateType; self.location = location
    }
}

/// One statement to attach: already serialized (a DSSE envelope or a bare Statement).
public struct AttachmentPayload: Sendable {
    public var envelope: AttachmentEnvelope
    public var predicateType: String
    public var data: Data

    public init(envelope: AttachmentEnvelope, predicateType: String, data: Data) {
        self.envelope = envelope; self.predicateType = predicateType; self.data = data
    }

    /// The signer identity recorded in `dev.vouch.signer`: the envelope's key ids, sorted and
    /// comma-separated (`unsigned` for a bare statement, `document` for a plain document).
    public var signer: String {
        func keyids(_ envelope: JSON?) -> String {
            let ids = (envelope?.array("signatures") ?? []).compactMap { $0.string("keyid") }.filter { !$0.isEmpty }
            return ids.isEmpty ? "unknown" : Set(ids).sorted().joined(separator: ",")
        }
        switch envelope {
        case .statement: return "unsigned"
        case .plainDocument: return "document"
        case .dsse: return keyids(try? JSON.parse(data))
        case .sigstoreBundle: return keyids((try? JSON.parse(data))?["dsseEnvelope"])
        }
    }

    public var mediaType: String {
        switch envelope {
        case .statement: return AttachmentMediaType.inTotoStatement
        case .dsse: return AttachmentMediaType.dsseEnvelope
        case .sigstoreBundle: return AttachmentMediaType.sigstoreBundleV03
        case .plainDocument:
            if predicateType.hasPrefix("https://cyclonedx.org/bom") { return AttachmentMediaType.cycloneDXJSON }
            if predicateType.hasPrefix("https://spdx.dev/Document") { return AttachmentMediaType.spdxJSON }
            return "application/json"
        }
    }
}

public enum AttachmentError: Error, CustomStringConvertible {
    case unsupported(target: String, reason: String)
    case malformed(location: String, reason: String)
    case conflict(target: String, reason: String)

    public var description: String {
        switch self {
        case .unsupported(let t, let r): return "\(t): cannot attach: \(r)"
        case .malformed(let l, let r): return "\(l): \(r)"
        case .conflict(let t, let r): return "\(t): \(r)"
        }
    }
}

/// The OCI referrers tag schema: `<alg>-<hex>` with the algorithm cut to 32 and the hex to 64 characters.
public enum ReferrersTag {
    public static func tag(for digest: Digest) -> String {
        func clean(_ s: Substring) -> String {
            String(s.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" ? $0 : "-" })
        }
        return clean(digest.algorithm.prefix(32)) + "-" + clean(digest.hex.prefix(64))
    }
    /// cosign's attestation tag `sha256-<hex>.att`.
    public static func cosignAttestationTag(for digest: Digest) -> String { tag(for: digest) + ".att" }
}
