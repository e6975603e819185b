import Digest
import Foundation
import JSON

/// Blobs and manifests of one repository. `open` of a descriptor typed as a manifest or index
/// fetches `/manifests/<digest>` (registries need not serve manifests under `/blobs/`), so
/// `IndexResolution` walks a registry the same way it walks a layout. Blob bytes are not checked
/// here: callers read them through `VerifyingSource`. Manifests are checked here, because a tag
/// has no digest for the caller to check against.
public final class RegistryBlobStore: BlobStore {
    public let http: RegistryHTTP
    public let repository: String
    private let lock = NSLock()
    private var manifests: [Digest: Data] = [:]

    public static let manifestLimit = 64 << 20
    /// Blobs up to this size are read in one response instead of being spooled.
    static let inMemoryBlobLimit: Int64 = 1 << 20
    public static let manifestAccept = [MediaType.ociIndex, MediaType.ociManifest,
                                        MediaType.dockerManifestList, MediaType.dockerManifest].joined(separator: ", ")

    public init(http: RegistryHTTP, repository: String) {
        self.http = http
        self.repository = repository
    }

    var imageName: String { "\(http.registry)/\(repository)" }
    var scope: String { RegistryHTTP.pullScope(repository) }

    /// GETs a manifest or index by tag or digest. The body must hash to the requested digest and
    /// to the `Docker-Content-Digest` the registry announces; the descriptor carries its sha256
    /// (or the requested digest), the served media type and its exact size.
    public func manifest(reference: String) throws -> (Descriptor, Data) {
        let requested = Digest(reference)
        let what = requested == nil ? "manifest '\(reference)'" : "manifest \(reference)"
        let request = RegistryHTTP.Request(path: "/v2/\(repository)/manifests/\(reference)", headers: ["Accept": Self.manifestAccept],
                                           scope: scope, repository: repository, what: what)
        let response: RegistryHTTP.Response
        do { response = try http.send(request, limit: Self.manifestLimit) } catch RegistryError.tooLarge(let host, _, let w, let limit) {
            throw RegistryError.tooLarge(host: host, repository: repository, what: w, limit: limit)
        }
        try http.check(response, for: request, expect: [200])
        let body = response.body
        if let requested, !requested.matches(body) {
            throw RegistryError.digestMismatch(host: http.registry, repository: repository, what: what,
                                               expected: requested.description, actual: Self.digest(of: body, like: requested))
        }
        if let announced = response.head.header("docker-content-digest")?.trimmingCharacters(in: .whitespaces) {
            guard let digest = Digest(announced) else {
                throw RegistryError.malformed(host: http.registry, repository: repository, what: what,
                                              message: "Docker-Content-Digest '\(announced.prefix(80))' is not a digest")
            }
            guard digest.matches(body) else {
                throw RegistryError.digestMismatch(host: http.registry, repository: repository, what: "\(what) (Docker-Content-Digest)",
                                                   expected: digest.description, actual: Self.digest(of: body, like: digest))
            }
        }
        let digest = requested ?? Digest(sha256Of: body)
        let descriptor = Descriptor(mediaType: Self.mediaType(of: response.head, body: body), digest: digest, size: Int64(body.count))
        lock.withLock { manifests[digest] = body }
        return (descriptor, body)
    }

    public func open(_ descriptor: Descriptor) throws -> ByteSource {
        if let known = lock.withLock({ manifests[descriptor.digest] }) { return DataSource(known) }
        if MediaType.isIndex(descriptor.mediaType) || MediaType.isManifest(descriptor.mediaType) {
            return DataSource(try manifest(reference: descriptor.digest.description).1)
        }
        let request = RegistryHTTP.Request(path: "/v2/\(repository)/blobs/\(descriptor.digest)", scope: scope,
                                           repository: repository, what: "blob \(descriptor.digest.short)")
        do {
            if descriptor.size <= Self.inMemoryBlobLimit {
                // Bounded by the declared size (or room for an error body): a longer answer stops at once
                // instead of filling memory. An exact size check is VerifyingSource's job.
                let response = try http.send(request, limit: Int(max(descriptor.size, 64 << 10)))
                try http.check(response, for: request, expect: [200])
                return DataSource(response.body)
            }
            return try http.open(request).1
        } catch let error as RegistryError where error.statusCode == 404 {
            throw ImageError.missingBlob(image: imageName, digest: descriptor.digest.description)
        } catch RegistryError.tooLarge(let host, _, let what, let limit) {
            throw RegistryError.tooLarge(host: host, repository: repository, what: what, limit: limit)
        }
    }

    /// HEAD on the blob, then on the manifest of that digest. Any failure counts as absent.
    public func exists(_ digest: Digest) -> Bool {
        if lock.withLock({ manifests[digest] != nil }) { return true }
        for (kind, headers) in [("blobs", [String: String]()), ("manifests", ["Accept": Self.manifestAccept])] {
            let request = RegistryHTTP.Request(method: "HEAD", path: "/v2/\(repository)/\(kind)/\(digest)", headers: headers,
                                               scope: scope, repository: repository, what: "\(kind) \(digest.short)")
            if let response = try? http.send(request, limit: 0), response.status == 200 { return true }
        }
        return false
    }

    /// The served Content-Type when it names a manifest or index, else the body's own `mediaType`.
    static func mediaType(of head: HTTPHead, body: Data) -> String {
        if let type = head.header("content-type")?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces),
           MediaType.isIndex(type) || MediaType.isManifest(type) {
            return type
        }
        return (try? JSON.parse(body))?.string("mediaType") ?? ""
    }

    static func digest(of data: Data, like expected: Digest) -> String {
        let h = Hasher(expected.hasherAlgorithm)
        h.update(data)
        return "\(expected.algorithm):\(Hasher.hex(h.finalize()))"
    }
}
