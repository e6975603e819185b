import Digest
import Foundation
import JSON

/// Attaches to an image in an OCI layout. Everything is planned from the layout as read, then the
/// new blobs are written, then index.json is replaced once: the BuildKit scheme re-points the tag's
/// entry at a new image index (keeping its `org.opencontainers.image.ref.name`), referrers are added
/// untagged with their `artifactType` and annotations as `oras attach --oci-layout` adds them, and
/// cosign's attestations get an entry named `sha256-<hex>.att`, the tag cosign uses in a registry, so
/// that `skopeo copy oci:DIR:sha256-<hex>.att` publishes it where cosign looks. (`cosign save` marks
/// its entries with a `kind` annotation instead, which cannot say which image of a multi-image layout
/// they belong to.) Replaced blobs are left in `blobs/`: nothing here deletes files.
struct LayoutAttacher {
    let path: String
    let tag: String?
    let digest: Digest?
    let plan: AttachPlan

    /// index.json's `manifests`, raw (to keep fields we do not model) and parsed, edited in step.
    private struct Entries {
        var raw: [JSON]
        var parsed: [Descriptor]
        mutating func replace(at i: Int, with d: Descriptor) {
            var object = raw[i].object ?? JSONObject()
            object["mediaType"] = .string(d.mediaType)
            object["digest"] = .string(d.digest.description)
            object["size"] = .int(d.size)
            object["platform"] = nil
            raw[i] = .object(object)
            parsed[i] = Descriptor(mediaType: d.mediaType, digest: d.digest, size: d.size, annotations: parsed[i].annotations)
        }
        mutating func remove(at i: Int) { raw.remove(at: i); parsed.remove(at: i) }
        mutating func append(_ d: Descriptor) { raw.append(d.json); parsed.append(d) }
    }

    func attach() throws -> AttachReport {
        let root = URL(fileURLWithPath: path)
        let writer = try LayoutWriter(root: root)
        let layout = try OCILayout(path: path)
        var entries = Entries(raw: layout.index.raw.array("manifests"), parsed: layout.index.manifests)
        var blobs: [AttachmentBlob] = []
        var report = AttachReport(plan: plan)
        for scheme in plan.schemes {
            let payloads = plan.eligible[scheme] ?? []
            switch scheme {
            case .buildkit:
                report.entries.append(try buildkit(payloads, layout: layout, entries: &entries, blobs: &blobs))
            case .referrer:
                for p in payloads { report.entries.append(try referrer(p, layout: layout, entries: &entries, blobs: &blobs)) }
            case .cosign:
                report.entries.append(try cosign(payloads, layout: layout, entries: &entries, blobs: &blobs))
            }
        }
        try writer.writeBlobs(blobs)
        var index = layout.index.raw.object ?? JSONObject()
        index["manifests"] = .array(entries.raw)
        try writer.replaceIndex(with: JSON.object(index).serialized([]))
        return report
    }

    private func fetchManifest(_ d: Descriptor, layout: OCILayout, what: String) throws -> Manifest {
        let json = try layout.store.fetchJSON(d, context: "\(path): \(what)")
        return try Manifest(json: json, context: "\(path): \(what) \(d.digest.short)")
    }

    // MARK: BuildKit

    private func buildkit(_ payloads: [AttachmentPayload], layout: OCILayout, entries: inout Entries,
                          blobs: inout [AttachmentBlob]) throws -> AttachReport.Entry {
        let top = try layout.descriptor(tag: tag, digest: digest)
        guard let position = entries.parsed.firstIndex(where: { $0.digest == top.digest && $0.annotations == top.annotations }) else {
            throw AttachmentError.unsupported(target: plan.target, reason: "the BuildKit scheme re-points an index.json entry, and \(top.digest.short) is not one (name the image by tag)")
        }
        let json = try layout.store.fetchJSON(top, context: "\(path): manifest")
        let subject = plan.subject.digest
        let written: AttachmentWrite
        let index: AttachmentBlob
        if MediaType.isIndex(json.string("mediaType") ?? top.mediaType) || (json["manifests"] != nil && json["config"] == nil) {
            let parsed = try ImageIndex(json: json, context: "\(path): index \(top.digest.short)")
            guard parsed.manifests.contains(where: { $0.digest == subject }) else {
                throw AttachmentError.unsupported(target: plan.target, reason: "the image manifest \(subject.short) is not an entry of the index \(top.digest.short) that the tag names")
            }
            let existingEntry = BuildKitAttestation.existingEntry(in: parsed, subject: subject)
            let existing = try existingEntry.map { try fetchManifest($0, layout: layout, what: "attestation manifest") }
            written = try BuildKitAttestation.write(existing: existing, payloads: payloads, context: "\(path): attestation manifest")
            let entry = BuildKitAttestation.indexEntry(written.manifest.descriptor, subject: subject)
            index = BuildKitAttestation.index(updating: parsed, entry: entry, subject: subject)
        } else {
            guard top.digest == subject else {
                throw AttachmentError.conflict(target: plan.target, reason: "the tag names \(top.digest.short), not the image manifest \(subject.short)")
            }
            written = try BuildKitAttestation.write(existing: nil, payloads: payloads, context: "\(path): attestation manifest")
            let entry = BuildKitAttestation.indexEntry(written.manifest.descriptor, subject: subject)
            let image = Descriptor(mediaType: plan.subject.mediaType, digest: subject, size: plan.subject.size, platform: plan.platform)
            index = BuildKitAttestation.index(wrapping: image, entry: entry)
        }
        blobs += written.blobs + [written.manifest, index]
        entries.replace(at: position, with: index.descriptor)
        return AttachReport.Entry(scheme: .buildkit, manifest: written.manifest.descriptor.digest, index: index.descriptor.digest,
                                  tag: top.annotations[AttachmentAnnotation.refName], place: "index.json",
                                  predicateTypes: payloads.map(\.predicateType), replaced: written.replaced)
    }

    // MARK: referrer

    private func referrer(_ p: AttachmentPayload, layout: OCILayout, entries: inout Entries,
                          blobs: inout [AttachmentBlob]) throws -> AttachReport.Entry {
        let written = ReferrerManifest.write(p, subject: plan.subject, created: plan.created)
        var replaced = 0
        // Manifests planned in this run are not on disk yet; they are of other predicate types anyway.
        let planned = Set(blobs.map(\.descriptor.digest))
        var i = entries.parsed.count - 1
        while i >= 0 {
            let d = entries.parsed[i]
            if d.artifactType == ReferrerManifest.artifactType(for: p), !planned.contains(d.digest),
               try isEarlierReferrer(d, for: p, layout: layout) {
                entries.remove(at: i)
                if d.digest != written.manifest.descriptor.digest { replaced += 1 }
            }
            i -= 1
        }
        blobs += written.blobs + [written.manifest]
        entries.append(written.manifest.descriptor)
        return AttachReport.Entry(scheme: .referrer, manifest: written.manifest.descriptor.digest, index: nil, tag: nil,
                                  place: "index.json", predicateTypes: [p.predicateType], replaced: replaced)
    }

    /// An index.json referrer of the same subject and predicate type. Its manifest decides, because
    /// the entry's own annotations do not name the subject.
    private func isEarlierReferrer(_ d: Descriptor, for p: AttachmentPayload, layout: OCILayout) throws -> Bool {
        guard MediaType.isManifest(d.mediaType) else { return false }
        let manifest = try fetchManifest(d, layout: layout, what: "referrer")
        guard manifest.subject?.digest == plan.subject.digest else { return false }
        let asDescriptor = Descriptor(mediaType: d.mediaType, digest: d.digest, size: d.size, annotations: manifest.annotations,
                                      artifactType: manifest.artifactType)
        return ReferrerManifest.isReplaced(asDescriptor, by: p)
    }

    // MARK: cosign

    private func cosign(_ payloads: [AttachmentPayload], layout: OCILayout, entries: inout Entries,
                        blobs: inout [AttachmentBlob]) throws -> AttachReport.Entry {
        let name = ReferrersTag.cosignAttestationTag(for: plan.subject.digest)
        let position = entries.parsed.firstIndex { $0.annotations[AttachmentAnnotation.refName] == name }
        let existing = try position.map { try fetchManifest(entries.parsed[$0], layout: layout, what: "cosign attestations") }
        let written = try CosignAttestation.write(existing: existing, payloads: payloads, context: "\(path): \(name)")
        blobs += written.blobs + [written.manifest]
        let d = written.manifest.descriptor
        if let position {
            entries.replace(at: position, with: d)
        } else {
            entries.append(Descriptor(mediaType: d.mediaType, digest: d.digest, size: d.size, annotations: [AttachmentAnnotation.refName: name]))
        }
        return AttachReport.Entry(scheme: .cosign, manifest: d.digest, index: nil, tag: name, place: "index.json",
                                  predicateTypes: payloads.map(\.predicateType), replaced: written.replaced)
    }
}

extension AttachReport {
    init(plan: AttachPlan) {
        self.init(target: plan.target, subject: plan.subject.digest,
                  payloads: plan.payloads.map { Payload(predicateType: $0.predicateType, envelope: $0.envelope) },
                  entries: [], skipped: plan.skipped, notes: [])
    }
}
