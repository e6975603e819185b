import Digest
import Foundation
import JSON

/// What an index graph records next to an image: BuildKit attestation entries (any index),
/// and for layouts also cosign save's `kind` entries, `sha256-<hex>.att` ref names and manifests
/// whose `subject` is the image (oras attach --oci-layout lists those in index.json, untagged).
enum FinderLayoutScan {
    /// Annotation and values `cosign save --dir` puts on index.json entries.
    static let cosignKind = "kind"
    static let cosignImageKinds: Set<String> = ["dev.cosignproject.cosign/image", "dev.cosignproject.cosign/imageIndex"]
    static let cosignAttestationsKind = "dev.cosignproject.cosign/atts"

    /// Entries with `vnd.docker.reference.type: attestation-manifest` whose reference digest is a subject.
    /// Entries with another reference type are not attestation manifests and are ignored (BuildKit's rule).
    /// `topLevel` names where entries without a parent index are listed (`index.json`, `index`).
    static func buildkit(_ entries: [FinderIndexGraph.Entry], subjects: [Digest], topLevel: String) -> [FinderCandidate] {
        entries.compactMap { entry in
            let d = entry.descriptor
            guard d.annotations[AttachmentAnnotation.referenceType] == AttachmentAnnotation.attestationManifest,
                  let referenced = d.annotations[AttachmentAnnotation.referenceDigest].flatMap(Digest.init),
                  subjects.contains(referenced) else { return nil }
            let place = entry.parent == nil ? topLevel : "index"
            return FinderCandidate(scheme: .buildkit, subject: referenced, manifest: d,
                                   location: "\(place) attestation-manifest \(d.digest.short)")
        }
    }

    /// cosign's attestation manifests in a layout's top level: the `kind: …/atts` entry belongs to
    /// the one `kind: …/image(Index)` entry beside it (cosign save writes one image per layout);
    /// an entry named `sha256-<hex>.att` belongs to that digest.
    static func cosign(_ top: [Descriptor], subjects: [Digest], warnings: inout [AttachmentWarning]) -> [FinderCandidate] {
        var found: [FinderCandidate] = []
        let images = top.filter { cosignImageKinds.contains($0.annotations[cosignKind] ?? "") }
        let attestations = top.filter { $0.annotations[cosignKind] == cosignAttestationsKind }
        if !attestations.isEmpty {
            if images.count == 1, subjects.contains(images[0].digest) {
                found += attestations.map {
                    FinderCandidate(scheme: .cosign, subject: images[0].digest, manifest: $0,
                                    location: "index.json cosign attestations \($0.digest.short)")
                }
            } else if images.count > 1 {
                warnings.append(AttachmentWarning(location: "index.json",
                                                  message: "cosign attestations next to \(images.count) images; cannot tell which they belong to"))
            }
        }
        for subject in subjects {
            let tag = ReferrersTag.cosignAttestationTag(for: subject)
            for d in top where OCILayout.tagMatches(d.annotations[AttachmentAnnotation.refName], tag) {
                found.append(FinderCandidate(scheme: .cosign, subject: subject, manifest: d, location: "index.json tag \(tag)"))
            }
        }
        return found
    }

    /// Manifests in the graph whose `subject` is one of `subjects`. Index descriptors already tell
    /// enough to skip most entries (the image itself, platform images, BuildKit and cosign entries,
    /// artifact types we do not read); the rest are fetched to read their `subject`.
    static func referrers(_ entries: [FinderIndexGraph.Entry], subjects: [Digest], skipping known: Set<Digest>,
                          collector: inout FinderCollector) throws {
        for entry in entries {
            let d = entry.descriptor
            guard !subjects.contains(d.digest), !known.contains(d.digest), !collector.hasRead(d.digest), mayBeReferrer(d) else { continue }
            let place = entry.parent == nil ? "index.json" : "index"
            let location = "\(place) referrer \(d.digest.short)"
            guard let json = try fetchUnrelated(d, location: location, collector: &collector),
                  !FinderManifestReader.isIndex(json),
                  let subject = json["subject"]?.string("digest").flatMap(Digest.init),
                  subjects.contains(subject) else { continue }
            try collector.collect(FinderCandidate(scheme: .referrer, subject: subject, manifest: d, location: location), json: json)
        }
    }

    private static func mayBeReferrer(_ d: Descriptor) -> Bool {
        guard MediaType.isManifest(d.mediaType) || d.mediaType.isEmpty else { return false }
        if d.annotations[AttachmentAnnotation.referenceType] != nil || d.annotations[cosignKind] != nil { return false }
        if let platform = d.platform, platform.os != "unknown" { return false }
        return FinderManifestReader.mayHoldAttachments(artifactType: d.artifactType)
    }

    /// A manifest that may be unrelated to the image: a missing or unreadable one is only a warning,
    /// since nothing says it was an attachment.
    private static func fetchUnrelated(_ d: Descriptor, location: String, collector: inout FinderCollector) throws -> JSON? {
        guard collector.countFetch(location: location) else { return nil }
        do {
            return try FinderFetch.json(d, store: collector.store, location: location, warnings: &collector.warnings)
        } catch let error as AttachmentError {
            collector.warnings.append(AttachmentWarning(location: location, message: "skipped, cannot tell its subject: \(error)"))
            return nil
        }
    }
}
