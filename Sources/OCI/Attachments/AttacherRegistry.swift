import Digest
import Foundation
import JSON

/// Attaches to an image in a registry. Blobs go first, then manifests by digest, then the tags that
/// name them, so a tag never points at something missing. Each scheme is written whole before the
/// next starts; a failure after one was written is thrown as `AttachFailure` saying what was.
struct RegistryAttacher {
    let reference: RegistryReference
    let push: RegistryPush
    let plan: AttachPlan

    func attach() throws -> AttachReport {
        var report = AttachReport(plan: plan)
        var referrers = RegistryReferrerWriter(push: push, plan: plan)
        do {
            for scheme in plan.schemes {
                let payloads = plan.eligible[scheme] ?? []
                switch scheme {
                case .buildkit:
                    report.entries.append(try buildkit(payloads))
                case .referrer:
                    for p in payloads { report.entries.append(try referrers.attach(p)) }
                case .cosign:
                    report.entries.append(try cosign(payloads))
                }
            }
        } catch {
            guard report.entries.isEmpty else { throw AttachFailure(target: plan.target, written: report.entries, underlying: error) }
            throw error
        }
        report.notes += referrers.notes
        return report
    }

    private var name: String { "\(push.http.registry)/\(push.repository)" }

    private func manifest(_ fetched: FetchedManifest, what: String) throws -> Manifest {
        do { return try Manifest(json: try JSON.parse(fetched.data), context: "\(name): \(what) \(fetched.descriptor.digest.short)") } catch {
            throw ImageError.malformed(context: "\(name): \(what) \(fetched.descriptor.digest.short)", message: "\(error)")
        }
    }

    /// Pushes blobs (skipping those present) and the manifest by digest.
    func upload(_ write: AttachmentWrite, what: String) throws {
        var done = Set<Digest>()
        for blob in write.blobs where done.insert(blob.descriptor.digest).inserted {
            try push.upload(blob.data, digest: blob.descriptor.digest, what: "\(what) blob \(blob.descriptor.digest.short)")
        }
        try push.putManifest(write.manifest.data, mediaType: write.manifest.descriptor.mediaType,
                             reference: write.manifest.descriptor.digest.description, what: "\(what) manifest")
    }

    // MARK: BuildKit

    private func buildkit(_ payloads: [AttachmentPayload]) throws -> AttachReport.Entry {
        guard let tag = reference.tag else {
            throw AttachmentError.unsupported(target: plan.target, reason: "the BuildKit scheme re-points a tag, and the image is named by digest only")
        }
        guard let top = try push.manifest(tag) else {
            throw ImageError.notFound("\(name): tag '\(tag)' not found")
        }
        let subject = plan.subject.digest
        let json: JSON
        do { json = try JSON.parse(top.data) } catch {
            throw ImageError.malformed(context: "\(name): manifest '\(tag)'", message: "\(error)")
        }
        let written: AttachmentWrite
        let index: AttachmentBlob
        if MediaType.isIndex(json.string("mediaType") ?? top.descriptor.mediaType) || (json["manifests"] != nil && json["config"] == nil) {
            let parsed: ImageIndex
            do { parsed = try ImageIndex(json: json, context: "\(name): index '\(tag)'") } catch {
                throw ImageError.malformed(context: "\(name): index '\(tag)'", message: "\(error)")
            }
            guard parsed.manifests.contains(where: { $0.digest == subject }) else {
                throw AttachmentError.conflict(target: plan.target, reason: "the index tag '\(tag)' names does not list the image manifest \(subject.short) (was the tag moved?)")
            }
            var existing: Manifest?
            if let entry = BuildKitAttestation.existingEntry(in: parsed, subject: subject) {
                guard let fetched = try push.manifest(entry.digest.description) else {
                    throw ImageError.missingBlob(image: name, digest: entry.digest.description)
                }
                existing = try manifest(fetched, what: "attestation manifest")
            }
            written = try BuildKitAttestation.write(existing: existing, payloads: payloads, context: "\(name): attestation manifest")
            index = BuildKitAttestation.index(updating: parsed, entry: BuildKitAttestation.indexEntry(written.manifest.descriptor, subject: subject),
                                              subject: subject)
        } else {
            guard top.descriptor.digest == subject else {
                throw AttachmentError.conflict(target: plan.target, reason: "tag '\(tag)' names \(top.descriptor.digest.short), not the image manifest \(subject.short) (was the tag moved?)")
            }
            written = try BuildKitAttestation.write(existing: nil, payloads: payloads, context: "\(name): attestation manifest")
            let image = Descriptor(mediaType: plan.subject.mediaType, digest: subject, size: plan.subject.size, platform: plan.platform)
            index = BuildKitAttestation.index(wrapping: image, entry: BuildKitAttestation.indexEntry(written.manifest.descriptor, subject: subject))
        }
        try upload(written, what: "attestation")
        try push.putManifest(index.data, mediaType: index.descriptor.mediaType, reference: tag, what: "image index for tag '\(tag)'")
        return AttachReport.Entry(scheme: .buildkit, manifest: written.manifest.descriptor.digest, index: index.descriptor.digest,
                                  tag: tag, place: "tag \(tag)", predicateTypes: payloads.map(\.predicateType), replaced: written.replaced)
    }

    // MARK: cosign

    private func cosign(_ payloads: [AttachmentPayload]) throws -> AttachReport.Entry {
        let tag = ReferrersTag.cosignAttestationTag(for: plan.subject.digest)
        let existing = try push.manifest(tag).map { try manifest($0, what: "cosign attestations '\(tag)'") }
        let written = try CosignAttestation.write(existing: existing, payloads: payloads, context: "\(name): \(tag)")
        var done = Set<Digest>()
        for blob in written.blobs where done.insert(blob.descriptor.digest).inserted {
            try push.upload(blob.data, digest: blob.descriptor.digest, what: "cosign attestation blob \(blob.descriptor.digest.short)")
        }
        try push.putManifest(written.manifest.data, mediaType: written.manifest.descriptor.mediaType, reference: tag,
                             what: "cosign attestations '\(tag)'")
        return AttachReport.Entry(scheme: .cosign, manifest: written.manifest.descriptor.digest, index: nil, tag: tag,
                                  place: "tag \(tag)", predicateTypes: payloads.map(\.predicateType), replaced: written.replaced)
    }
}
