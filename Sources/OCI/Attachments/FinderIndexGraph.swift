import Digest
import Foundation
import JSON

/// Every descriptor listed by some top-level descriptors (a layout's index.json, or the index a
/// registry tag names) and by the image indexes nested under them. Only indexes are fetched.
struct FinderIndexGraph {
    struct Entry {
        var descriptor: Descriptor
        /// The index listing it; nil for the top level (a layout's index.json).
        var parent: Digest?
    }

    static let maxDepth = 8
    static let maxIndexes = 1024
    static let maxEntries = 100_000

    private(set) var entries: [Entry] = []
    private var parents: [Digest: [Digest]] = [:]

    /// `top` are the entries of the top level itself; the index descriptors among them (and below) are fetched.
    init(top: [Descriptor], store: BlobStore, warnings: inout [AttachmentWarning]) throws {
        var queue: [(Entry, Int)] = top.map { (Entry(descriptor: $0, parent: nil), 0) }
        var walked: Set<Digest> = []
        var head = 0
        while head < queue.count {
            let (entry, depth) = queue[head]
            head += 1
            guard entries.count < Self.maxEntries else {
                warnings.append(AttachmentWarning(location: "index", message: "stopped after \(Self.maxEntries) index entries"))
                break
            }
            entries.append(entry)
            let d = entry.descriptor
            if let parent = entry.parent { parents[d.digest, default: []].append(parent) }
            guard MediaType.isIndex(d.mediaType), walked.insert(d.digest).inserted else { continue }
            guard depth < Self.maxDepth, walked.count <= Self.maxIndexes else {
                warnings.append(AttachmentWarning(location: "index \(d.digest.short)",
                                                  message: "not read: indexes nested more than \(Self.maxDepth) deep or more than \(Self.maxIndexes) of them"))
                continue
            }
            let location = "index \(d.digest.short)"
            guard let json = try FinderFetch.json(d, store: store, location: location, warnings: &warnings) else { continue }
            let index: ImageIndex
            do { index = try ImageIndex(json: json, context: location) } catch let error as DescriptorError {
                throw AttachmentError.malformed(location: location, reason: error.message)
            }
            queue += index.manifests.map { (Entry(descriptor: $0, parent: d.digest), depth + 1) }
        }
    }

    /// The indexes that list `target`, directly or through nested indexes, nearest first.
    func indexes(containing target: Digest) -> [Digest] {
        var found: [Digest] = []
        var seen: Set<Digest> = [target]
        var frontier = [target]
        while !frontier.isEmpty {
            var next: [Digest] = []
            for digest in frontier {
                for parent in parents[digest] ?? [] where seen.insert(parent).inserted {
                    found.append(parent)
                    next.append(parent)
                }
            }
            frontier = next
        }
        return found
    }
}
