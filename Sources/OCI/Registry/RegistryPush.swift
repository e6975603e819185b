import Digest
import Foundation
import JSON

extension RegistryHTTP {
    /// Token scope for writing to a repository (reads need it too when the same token is reused).
    public static func pushScope(_ repository: String) -> String { "repository:\(repository):pull,push" }
}

/// A manifest as the registry served it, with the ETag to make a conditional update against.
public struct FetchedManifest {
    public var descriptor: Descriptor
    public var data: Data
    public var etag: String?
}

/// Writes to one repository: monolithic blob uploads (POST, then PUT to the Location with
/// `?digest=`), skipping blobs the registry already has, manifest PUTs, deletes and the referrers API.
/// Every request carries the push scope, so a bearer token is fetched once for reads and writes.
public struct RegistryPush {
    public let http: RegistryHTTP
    public let repository: String

    public init(http: RegistryHTTP, repository: String) {
        self.http = http
        self.repository = repository
    }

    var scope: String { RegistryHTTP.pushScope(repository) }

    private func request(_ method: String, _ path: String, url: URL? = nil, headers: [String: String] = [:], body: Data? = nil,
                         what: String) -> RegistryHTTP.Request {
        RegistryHTTP.Request(method: method, path: path, url: url, headers: headers, body: body, scope: scope,
                             repository: repository, what: what)
    }

    /// HEAD on the blob: true on 200, false on 404, the registry's error otherwise.
    public func blobExists(_ digest: Digest) throws -> Bool {
        let r = request("HEAD", "/v2/\(repository)/blobs/\(digest)", what: "blob \(digest.short)")
        let response = try http.send(r, limit: 0)
        if response.status == 404 { return false }
        try http.check(response, for: r, expect: [200])
        return true
    }

    /// Uploads a blob unless the registry has it already.
    public func upload(_ data: Data, digest: Digest, what: String) throws {
        guard try !blobExists(digest) else { return }
        let start = request("POST", "/v2/\(repository)/blobs/uploads/", headers: ["Content-Length": "0"], what: "upload of \(what)")
        let started = try http.send(start, limit: 64 << 10)
        try http.check(started, for: start, expect: [202])
        guard let location = started.head.header("location"), let url = uploadURL(location: location, digest: digest) else {
            throw RegistryError.malformed(host: http.registry, repository: repository, what: "upload of \(what)",
                                          message: "the registry gave no usable upload Location")
        }
        let put = request("PUT", url.path, url: url, headers: ["Content-Type": "application/octet-stream", "Content-Length": String(data.count)],
                          body: data, what: "upload of \(what)")
        let done = try http.send(put, limit: 64 << 10)
        try http.check(done, for: put, expect: [201, 204])
    }

    /// The upload URL with `digest=` added to whatever query the Location already has. A relative
    /// Location is resolved against the registry; an absolute one may not drop from HTTPS to HTTP.
    func uploadURL(location: String, digest: Digest) -> URL? {
        guard let resolved = URL(string: location, relativeTo: http.baseURL)?.absoluteURL,
              var components = URLComponents(url: resolved, resolvingAgainstBaseURL: false),
              let scheme = components.scheme?.lowercased(), scheme == "https" || (scheme == "http" && http.options.insecure) else { return nil }
        let existing = components.percentEncodedQuery ?? ""
        components.percentEncodedQuery = (existing.isEmpty ? "" : existing + "&") + "digest=" + digest.description
        return components.url
    }

    /// GET a manifest or index by tag or digest; nil when the registry answers 404.
    public func manifest(_ reference: String) throws -> FetchedManifest? {
        let what = Digest(reference) == nil ? "manifest '\(reference)'" : "manifest \(reference)"
        let r = request("GET", "/v2/\(repository)/manifests/\(reference)", headers: ["Accept": RegistryBlobStore.manifestAccept], what: what)
        let response = try http.send(r, limit: RegistryBlobStore.manifestLimit)
        if response.status == 404 { return nil }
        try http.check(response, for: r, expect: [200])
        let digest = try verifiedDigest(of: response.body, requested: Digest(reference), announced: response.head.header("docker-content-digest"), what: what)
        let descriptor = Descriptor(mediaType: RegistryBlobStore.mediaType(of: response.head, body: response.body), digest: digest,
                                    size: Int64(response.body.count))
        return FetchedManifest(descriptor: descriptor, data: response.body, etag: response.head.header("etag"))
    }

    public struct PushedManifest {
        public var digest: Digest
        /// The `OCI-Subject` header: the registry indexed the manifest's subject in its referrers API.
        public var subject: String?
    }

    /// PUT a manifest under a tag or its digest. `ifMatch` makes the update conditional (tag schema index).
    /// A 412 is thrown as `RegistryError.status` with status 412, for the caller to retry.
    @discardableResult
    public func putManifest(_ data: Data, mediaType: String, reference: String, ifMatch: String? = nil, what: String) throws -> PushedManifest {
        var headers = ["Content-Type": mediaType]
        if let ifMatch { headers["If-Match"] = ifMatch }
        let r = request("PUT", "/v2/\(repository)/manifests/\(reference)", headers: headers, body: data, what: what)
        let response = try http.send(r, limit: 64 << 10)
        try http.check(response, for: r, expect: [200, 201, 202, 204])
        let digest = Digest(sha256Of: data)
        if let announced = response.head.header("docker-content-digest")?.trimmingCharacters(in: .whitespaces), !announced.isEmpty,
           Digest(announced) != digest {
            throw RegistryError.digestMismatch(host: http.registry, repository: repository, what: what,
                                               expected: digest.description, actual: String(announced.prefix(80)))
        }
        return PushedManifest(digest: digest, subject: response.head.header("oci-subject"))
    }

    /// DELETE a manifest by digest (202 or 200; 404 counts as already gone).
    public func deleteManifest(_ digest: Digest) throws {
        let r = request("DELETE", "/v2/\(repository)/manifests/\(digest)", what: "delete of manifest \(digest.short)")
        let response = try http.send(r, limit: 64 << 10)
        if response.status == 404 { return }
        try http.check(response, for: r, expect: [200, 202])
    }

    /// The referrers API's list for a subject, filtered to `artifactType` (client-side too, since a
    /// registry may ignore the filter), following `Link: rel="next"` pages. nil when the API answers 404.
    public func referrers(of subject: Digest, artifactType: String? = nil, maximumPages: Int = 20) throws -> [Descriptor]? {
        var path = "/v2/\(repository)/referrers/\(subject)"
        if let artifactType, let q = artifactType.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "+&="))) {
            path += "?artifactType=" + q
        }
        var next: URL? = URL(string: path, relativeTo: http.baseURL)?.absoluteURL
        var found: [Descriptor] = []
        var page = 0
        while let url = next, page < maximumPages {
            let what = "referrers of \(subject.short)"
            let r = request("GET", url.path, url: url, headers: ["Accept": MediaType.ociIndex], what: what)
            let response = try http.send(r, limit: RegistryBlobStore.manifestLimit)
            if response.status == 404, page == 0 { return nil }
            try http.check(response, for: r, expect: [200])
            let index: ImageIndex
            do { index = try ImageIndex(json: try JSON.parse(response.body), context: what) } catch {
                throw RegistryError.malformed(host: http.registry, repository: repository, what: what, message: "\(error)")
            }
            found += index.manifests.filter { artifactType == nil || $0.artifactType == artifactType }
            next = RegistryPush.nextLink(response.head.header("link"), base: url)
            page += 1
        }
        return found
    }

    /// The `rel="next"` target of an RFC 5988 Link header, on the same host only.
    static func nextLink(_ header: String?, base: URL) -> URL? {
        guard let header else { return nil }
        for part in header.split(separator: ",") where part.contains("rel=\"next\"") || part.contains("rel=next") {
            guard let open = part.firstIndex(of: "<"), let close = part.firstIndex(of: ">"), open < close else { continue }
            let target = String(part[part.index(after: open)..<close])
            guard let url = URL(string: target, relativeTo: base)?.absoluteURL, url.host == base.host, url.port == base.port else { return nil }
            return url
        }
        return nil
    }

    private func verifiedDigest(of body: Data, requested: Digest?, announced: String?, what: String) throws -> Digest {
        if let requested, !requested.matches(body) {
            throw RegistryError.digestMismatch(host: http.registry, repository: repository, what: what,
                                               expected: requested.description, actual: RegistryBlobStore.digest(of: body, like: requested))
        }
        if let announced = announced?.trimmingCharacters(in: .whitespaces), !announced.isEmpty {
            guard let digest = Digest(announced), digest.matches(body) else {
                throw RegistryError.digestMismatch(host: http.registry, repository: repository, what: "\(what) (Docker-Content-Digest)",
                                                   expected: String(announced.prefix(80)), actual: Digest(sha256Of: body).description)
            }
        }
        return requested ?? Digest(sha256Of: body)
    }
}
