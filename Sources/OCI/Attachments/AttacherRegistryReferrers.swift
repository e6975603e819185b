import Digest
import Foundation
import JSON

/// Pushes OCI referrers and keeps them discoverable. A registry that indexes subjects itself says so
/// with `OCI-Subject` on the PUT, or answers the referrers API; there an earlier referrer of the same
/// predicate type is deleted. A registry without the API (404) gets the distribution-spec fallback:
/// the `sha256-<hex>` tag holds an index of the subject's referrers, which is read, edited (earlier
/// vouch referrers of the same predicate type out, the new one in) and written back with `If-Match`
/// on the ETag it was read with, retrying when another writer got there first.
struct RegistryReferrerWriter {
    let push: RegistryPush
    let plan: AttachPlan
    private(set) var notes: [String] = []
    private var usesAPI: Bool?

    static let conditionalRetries = 4

    init(push: RegistryPush, plan: AttachPlan) {
        self.push = push
        self.plan = plan
    }

    mutating func attach(_ p: AttachmentPayload) throws -> AttachReport.Entry {
        let written = ReferrerManifest.write(p, subject: plan.subject, created: plan.created)
        var done = Set<Digest>()
        for blob in written.blobs where done.insert(blob.descriptor.digest).inserted {
            try push.upload(blob.data, digest: blob.descriptor.digest, what: "referrer blob \(blob.descriptor.digest.short)")
        }
        let digest = written.manifest.descriptor.digest
        let pushed = try push.putManifest(written.manifest.data, mediaType: MediaType.ociManifest, reference: digest.description,
                                          what: "referrer manifest")
        let subject = plan.subject.digest
        if usesAPI == nil {
            if pushed.subject != nil { usesAPI = true } else { usesAPI = try push.referrers(of: subject, maximumPages: 1) != nil }
        }
        if usesAPI == true {
            let replaced = try deleteEarlier(p, keeping: digest)
            return AttachReport.Entry(scheme: .referrer, manifest: digest, index: nil, tag: nil, place: "referrers API",
                                      predicateTypes: [p.predicateType], replaced: replaced)
        }
        let tag = ReferrersTag.tag(for: subject)
        let replaced = try updateTagSchema(tag, adding: written.manifest.descriptor, for: p)
        return AttachReport.Entry(scheme: .referrer, manifest: digest, index: nil, tag: tag, place: "tag \(tag)",
                                  predicateTypes: [p.predicateType], replaced: replaced)
    }

    /// Deletes the subject's earlier referrers of this predicate type. A registry may refuse deletes
    /// (405); the attach still stands, and the note says which referrer is left.
    private mutating func deleteEarlier(_ p: AttachmentPayload, keeping digest: Digest) throws -> Int {
        let listed = try push.referrers(of: plan.subject.digest, artifactType: ReferrerManifest.artifactType(for: p)) ?? []
        var replaced = 0
        for d in listed where d.digest != digest && ReferrerManifest.isReplaced(d, by: p) {
            do {
                try push.deleteManifest(d.digest)
                replaced += 1
            } catch {
                notes.append("the earlier \(p.predicateType) referrer \(d.digest) could not be deleted: \(error)")
            }
        }
        return replaced
    }

    /// Read-edit-write of the tag schema index; returns how many earlier referrers it dropped.
    private func updateTagSchema(_ tag: String, adding descriptor: Descriptor, for p: AttachmentPayload) throws -> Int {
        var attempt = 0
        while true {
            attempt += 1
            let current = try push.manifest(tag)
            var object: JSONObject = ["schemaVersion": 2, "mediaType": .string(MediaType.ociIndex)]
            var kept: [JSON] = []
            var replaced = 0
            if let current {
                let index: ImageIndex
                do { index = try ImageIndex(json: try JSON.parse(current.data), context: "referrers tag '\(tag)'") } catch {
                    throw ImageError.malformed(context: "\(push.http.registry)/\(push.repository): referrers tag '\(tag)'", message: "\(error)")
                }
                object = index.raw.object ?? object
                for (raw, d) in zip(index.raw.array("manifests"), index.manifests) {
                    if d.digest == descriptor.digest { continue }
                    if ReferrerManifest.isReplaced(d, by: p) { replaced += 1; continue }
                    kept.append(raw)
                }
            }
            kept.append(descriptor.json)
            object["manifests"] = .array(kept)
            let data = JSON.object(object).serialized([])
            do {
                try push.putManifest(data, mediaType: MediaType.ociIndex, reference: tag, ifMatch: current?.etag,
                                     what: "referrers tag '\(tag)'")
                return replaced
            } catch let error as RegistryError where error.statusCode == 412 && attempt < RegistryReferrerWriter.conditionalRetries {
                continue
            }
        }
    }
}
