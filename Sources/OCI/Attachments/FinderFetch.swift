import Digest
import Foundation
import JSON

/// Fetching one small JSON document (manifest or index) where a missing blob is worth a warning,
/// not a failure: it must not hide the attachments found elsewhere.
enum FinderFetch {
    static func json(_ descriptor: Descriptor, store: BlobStore, location: String,
                     warnings: inout [AttachmentWarning]) throws -> JSON? {
        let data: Data
        do { data = try store.fetch(descriptor, limit: RegistryBlobStore.manifestLimit) } catch {
            guard isMissing(error) else { throw error }
            warnings.append(AttachmentWarning(location: location, message: "manifest \(descriptor.digest) is missing: \(error)"))
            return nil
        }
        do { return try JSON.parse(data) } catch {
            throw AttachmentError.malformed(location: location, reason: "not JSON: \(error)")
        }
    }

    static func isMissing(_ error: Error) -> Bool {
        if case ImageError.missingBlob = error { return true }
        if let registry = error as? RegistryError, registry.statusCode == 404 { return true }
        return false
    }
}

/// Reads candidate manifests into attachments, each manifest once, and keeps the warnings.
struct FinderCollector {
    let store: BlobStore
    private(set) var attachments: [FoundAttachment] = []
    var warnings: [AttachmentWarning] = []
    private var read: Set<Digest> = []
    /// Manifests fetched, attachments or not; a hostile referrers list cannot make the search endless.
    private(set) var fetched = 0
    static let maxFetches = 2000

    init(store: BlobStore) { self.store = store }

    func hasRead(_ manifest: Digest) -> Bool { read.contains(manifest) }

    /// Fetches the candidate's manifest (unless `json` is given) and adds what it holds. The first
    /// way a manifest was found wins: an attestation manifest listed in the index and also returned
    /// by the referrers API is reported once.
    mutating func collect(_ candidate: FinderCandidate, json given: JSON? = nil) throws {
        // Marked before fetching, so a missing manifest listed in two indexes warns once.
        guard read.insert(candidate.manifest.digest).inserted else { return }
        let json: JSON
        if let given { json = given } else {
            guard countFetch(location: candidate.location),
                  let body = try FinderFetch.json(candidate.manifest, store: store, location: candidate.location, warnings: &warnings)
            else { return }
            json = body
        }
        // A referrers tag is an index anyone with push access can edit: what it lists must name the subject itself.
        if candidate.scheme == .referrer, !FinderManifestReader.isIndex(json) {
            let named = json["subject"]?.string("digest")
            guard named == candidate.subject.description else {
                warnings.append(AttachmentWarning(location: candidate.location,
                                                  message: "manifest \(candidate.manifest.digest.short) names \(named.map { "subject \($0)" } ?? "no subject"), not \(candidate.subject); skipped"))
                return
            }
        }
        attachments += try FinderManifestReader.attachments(json, of: candidate)
    }

    /// Counts one manifest fetch; false (with one warning) once the limit is reached.
    mutating func countFetch(location: String) -> Bool {
        fetched += 1
        if fetched == Self.maxFetches + 1 {
            warnings.append(AttachmentWarning(location: location, message: "stopped after reading \(Self.maxFetches) manifests"))
        }
        return fetched <= Self.maxFetches
    }
}
