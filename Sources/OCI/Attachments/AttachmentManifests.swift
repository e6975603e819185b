import Digest
import Foundation
import JSON

/// One blob or manifest to write, with the descriptor that names it.
struct AttachmentBlob {
    var descriptor: Descriptor
    var data: Data

    init(mediaType: String, data: Data, annotations: [String: String] = [:], artifactType: String? = nil) {
        descriptor = Descriptor(mediaType: mediaType, digest: Digest(sha256Of: data), size: Int64(data.count),
                                annotations: annotations, artifactType: artifactType)
        self.data = data
    }

    init(json: JSON, mediaType: String, annotations: [String: String] = [:], artifactType: String? = nil) {
        self.init(mediaType: mediaType, data: json.serialized([]), annotations: annotations, artifactType: artifactType)
    }

    /// The OCI empty descriptor's blob, `{}`.
    static let empty = AttachmentBlob(mediaType: MediaType.ociEmpty, data: Data("{}".utf8))
}

/// A manifest to write and the blobs it needs, plus how many earlier layers or manifests it replaces.
struct AttachmentWrite {
    var manifest: AttachmentBlob
    var blobs: [AttachmentBlob]
    var replaced: Int
}

/// Layers of an existing manifest merged with new ones: layers of a predicate type being attached
/// are dropped (the new one replaces them), all others are kept in their order, the new ones follow.
struct LayerMerge {
    var layers: [JSON] = []
    var digests: [Digest] = []
    var replaced = 0

    init(existing: Manifest?, adding new: [AttachmentBlob], predicateKey: String, context: String) throws {
        // A layer is replaced only by one of the same predicate type from the same signer: another
        // tool's (cosign's, BuildKit's) or another key's attestation stays.
        let newKeys = Set(new.compactMap { b in
            b.descriptor.annotations[predicateKey].map { "\($0)\n\(b.descriptor.annotations[AttachmentAnnotation.vouchSigner] ?? "")" }
        })
        if let existing {
            for (i, raw) in existing.raw.array("layers").enumerated() {
                let d = try Descriptor(json: raw, context: "\(context) layer \(i + 1)")
                if let type = d.annotations[predicateKey], let signer = d.annotations[AttachmentAnnotation.vouchSigner],
                   newKeys.contains("\(type)\n\(signer)") { replaced += 1; continue }
                layers.append(raw); digests.append(d.digest)
            }
        }
        for blob in new { layers.append(blob.descriptor.json); digests.append(blob.descriptor.digest) }
    }
}

/// Layers for each scheme, from one payload.
enum AttachmentLayer {
    /// BuildKit: bare statements as `application/vnd.in-toto+json`, signed ones as
    /// `application/vnd.dsse.envelope.v1+json`, both with BuildKit's predicate-type annotation.
    /// Docker's archived docker/attest library used `application/vnd.in-toto.<name>+dsse` for three
    /// predicate types; that suffix is not a registered one (oci-image-tool rejects the layer) and
    /// Docker now signs attestation manifests through referrers instead, so it is not followed.
    static func buildkit(_ p: AttachmentPayload) -> AttachmentBlob {
        AttachmentBlob(mediaType: p.mediaType, data: p.data, annotations: [AttachmentAnnotation.inTotoPredicateType: p.predicateType,
                                                                           AttachmentAnnotation.vouchSigner: p.signer])
    }

    static func referrer(_ p: AttachmentPayload) -> AttachmentBlob {
        let annotations = p.envelope == .plainDocument
            ? [AttachmentAnnotation.vouchSigner: p.signer]
            : [AttachmentAnnotation.inTotoPredicateType: p.predicateType, AttachmentAnnotation.vouchSigner: p.signer]
        return AttachmentBlob(mediaType: p.mediaType, data: p.data, annotations: annotations)
    }

    static func cosign(_ p: AttachmentPayload) -> AttachmentBlob {
        AttachmentBlob(mediaType: AttachmentMediaType.dsseEnvelope, data: p.data,
                       annotations: [AttachmentAnnotation.cosignPredicateType: p.predicateType, AttachmentAnnotation.cosignSignature: "",
                                     AttachmentAnnotation.vouchSigner: p.signer])
    }
}

/// BuildKit's attestation manifest and its image-index entry (moby/buildkit docs/attestations/attestation-storage.md).
enum BuildKitAttestation {
    static let unknownPlatform = Platform(os: "unknown", architecture: "unknown")

    /// Merges the payloads into the subject's attestation manifest. A new one takes BuildKit's legacy
    /// form (image config with unknown/unknown, no `subject`): that is what docker and buildx read today,
    /// and a `subject` would also list it as a referrer next to the one the referrer scheme writes.
    /// An existing manifest in BuildKit's OCI-artifact form keeps that form.
    static func write(existing: Manifest?, payloads: [AttachmentPayload], context: String) throws -> AttachmentWrite {
        let layers = payloads.map(AttachmentLayer.buildkit)
        let merge = try LayerMerge(existing: existing, adding: layers, predicateKey: AttachmentAnnotation.inTotoPredicateType, context: context)
        var blobs = layers
        var manifest: JSONObject = ["schemaVersion": 2, "mediaType": .string(MediaType.ociManifest)]
        if let existing, existing.artifactType == AttachmentMediaType.buildkitAttestationManifest, let subject = existing.raw["subject"] {
            manifest["artifactType"] = .string(AttachmentMediaType.buildkitAttestationManifest)
            manifest["config"] = AttachmentBlob.empty.descriptor.json
            manifest["layers"] = .array(merge.layers)
            manifest["subject"] = subject
            blobs.append(.empty)
        } else {
            let config: JSON = ["architecture": "unknown", "os": "unknown", "config": [:],
                                "rootfs": ["type": "layers", "diff_ids": .array(merge.digests.map { .string($0.description) })]]
            let configBlob = AttachmentBlob(json: config, mediaType: MediaType.ociConfig)
            manifest["config"] = configBlob.descriptor.json
            manifest["layers"] = .array(merge.layers)
            blobs.append(configBlob)
        }
        if let annotations = existing?.raw["annotations"] { manifest["annotations"] = annotations }
        return AttachmentWrite(manifest: AttachmentBlob(json: .object(manifest), mediaType: MediaType.ociManifest),
                               blobs: blobs, replaced: merge.replaced)
    }

    static func indexEntry(_ manifest: Descriptor, subject: Digest) -> Descriptor {
        Descriptor(mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.size,
                   annotations: [AttachmentAnnotation.referenceDigest: subject.description,
                                 AttachmentAnnotation.referenceType: AttachmentAnnotation.attestationManifest],
                   platform: unknownPlatform)
    }

    static func isEntry(_ d: Descriptor, for subject: Digest) -> Bool {
        d.annotations[AttachmentAnnotation.referenceType] == AttachmentAnnotation.attestationManifest
            && d.annotations[AttachmentAnnotation.referenceDigest] == subject.description
    }

    /// The existing attestation-manifest entry for the subject in an index, if any.
    static func existingEntry(in index: ImageIndex, subject: Digest) -> Descriptor? {
        index.manifests.first { isEntry($0, for: subject) }
    }

    /// The index with the attestation entry in place of any earlier ones for the subject (at the first
    /// one's position), or appended. Other members of the index are kept as they were.
    static func index(updating index: ImageIndex, entry: Descriptor, subject: Digest) -> AttachmentBlob {
        var manifests: [JSON] = []
        var placed = false
        for (raw, d) in zip(index.raw.array("manifests"), index.manifests) {
            if isEntry(d, for: subject) {
                if !placed { manifests.append(entry.json); placed = true }
                continue
            }
            manifests.append(raw)
        }
        if !placed { manifests.append(entry.json) }
        var object = index.raw.object ?? JSONObject()
        object["manifests"] = .array(manifests)
        return AttachmentBlob(json: .object(object), mediaType: index.mediaType ?? MediaType.ociIndex)
    }

    /// A new index around a single image manifest: the image (with its platform) and its attestation entry.
    static func index(wrapping image: Descriptor, entry: Descriptor) -> AttachmentBlob {
        let index: JSON = ["schemaVersion": 2, "mediaType": .string(MediaType.ociIndex), "manifests": [image.json, entry.json]]
        return AttachmentBlob(json: index, mediaType: MediaType.ociIndex)
    }
}

/// An OCI 1.1 referrer: empty config, the payload as its one layer, `subject` = the image manifest.
enum ReferrerManifest {
    /// The `artifactType` a payload's referrer gets: in-toto for statements and DSSE (the shared model's
    /// choice; the layer's media type says which), cosign v3's bundle type for sigstore bundles, and the
    /// document's own type for plain documents, as `oras attach` does.
    static func artifactType(for p: AttachmentPayload) -> String {
        switch p.envelope {
        case .statement, .dsse: return AttachmentMediaType.vouchAttestationArtifact
        default: return p.mediaType
        }
    }

    /// The manifest annotation naming the predicate type (cosign v3 uses its own for bundles).
    static func predicateKey(for p: AttachmentPayload) -> String {
        p.envelope == .sigstoreBundle ? AttachmentAnnotation.sigstoreBundlePredicateType : AttachmentAnnotation.inTotoPredicateType
    }

    static func write(_ p: AttachmentPayload, subject: Descriptor, created: String) -> AttachmentWrite {
        let layer = AttachmentLayer.referrer(p)
        var annotations: [String: String] = [AttachmentAnnotation.created: created, AttachmentAnnotation.vouchSigner: p.signer]
        if p.envelope != .plainDocument { annotations[predicateKey(for: p)] = p.predicateType }
        if p.envelope == .sigstoreBundle { annotations[AttachmentAnnotation.sigstoreBundleContent] = "dsse-envelope" }
        let type = artifactType(for: p)
        let subjectJSON = Descriptor(mediaType: subject.mediaType, digest: subject.digest, size: subject.size).json
        let manifest: JSON = ["schemaVersion": 2, "mediaType": .string(MediaType.ociManifest), "artifactType": .string(type),
                              "config": AttachmentBlob.empty.descriptor.json, "layers": [layer.descriptor.json],
                              "subject": subjectJSON,
                              "annotations": .object(JSONObject(annotations.sorted { $0.key < $1.key }.map { ($0.key, JSON.string($0.value)) }))]
        let blob = AttachmentBlob(json: manifest, mediaType: MediaType.ociManifest, annotations: annotations, artifactType: type)
        return AttachmentWrite(manifest: blob, blobs: [.empty, layer], replaced: 0)
    }

    /// Whether a referrer descriptor (whose annotations are its manifest's) is an earlier one for the same predicate type.
    static func isReplaced(_ d: Descriptor, by p: AttachmentPayload) -> Bool {
        guard d.artifactType == artifactType(for: p), d.annotations[AttachmentAnnotation.vouchSigner] == p.signer else { return false }
        if p.envelope == .plainDocument { return true }
        return d.annotations[predicateKey(for: p)] == p.predicateType
    }
}

/// cosign's `sha256-<hex>.att` manifest (sigstore/cosign specs/ATTESTATION_SPEC.md).
enum CosignAttestation {
    /// Merges the DSSE payloads into the existing `.att` manifest. The config is rebuilt the way
    /// cosign's go-containerregistry writes it, with `rootfs.diff_ids` and `history` one per layer in
    /// layer order: the layers are stored uncompressed, so each diff_id is the layer digest, and the
    /// next `cosign attest` refuses a config whose diff_ids disagree with the layers.
    static func write(existing: Manifest?, payloads: [AttachmentPayload], context: String) throws -> AttachmentWrite {
        let layers = payloads.map(AttachmentLayer.cosign)
        let merge = try LayerMerge(existing: existing, adding: layers, predicateKey: AttachmentAnnotation.cosignPredicateType, context: context)
        let docker = existing?.mediaType == MediaType.dockerManifest
        let zeroTime: JSON = "0001-01-01T00:00:00Z"
        let config: JSON = ["architecture": "", "created": zeroTime,
                            "history": .array(merge.digests.map { _ in ["created": zeroTime] }), "os": "",
                            "rootfs": ["type": "layers", "diff_ids": .array(merge.digests.map { .string($0.description) })],
                            "config": [:]]
        let configBlob = AttachmentBlob(json: config, mediaType: docker ? MediaType.dockerConfig : MediaType.ociConfig)
        let mediaType = docker ? MediaType.dockerManifest : MediaType.ociManifest
        var manifest: JSONObject = ["schemaVersion": 2, "mediaType": .string(mediaType), "config": configBlob.descriptor.json,
                                    "layers": .array(merge.layers)]
        if let annotations = existing?.raw["annotations"] { manifest["annotations"] = annotations }
        return AttachmentWrite(manifest: AttachmentBlob(json: .object(manifest), mediaType: mediaType),
                               blobs: layers + [configBlob], replaced: merge.replaced)
    }
}
