import Digest
import Foundation
import JSON

/// The OCI 1.1 referrers of one digest in one registry repository, and cosign's `.att` tag.
/// The referrers API is asked first; on 404 (distribution-spec: "MUST fallback") and on the other
/// answers registries without the API give (400, 405, 406, 501, or a body that is no index), the
/// referrers tag schema `sha256-<hex>` is read instead.
struct ReferrersLookup {
    let store: RegistryBlobStore
    static let maxPages = 64
    static let indexLimit = 16 << 20
    static let notSupported: Set<Int> = [400, 405, 406, 501]

    struct Listing {
        var descriptors: [Descriptor]
        /// `referrers API` or `tag sha256-<hex>`.
        var location: String
    }

    /// Referrer descriptors of `subject`; with `artifactType`, only those of that type (filtered
    /// here when the registry does not say `OCI-Filters-Applied: artifactType`).
    func referrers(of subject: Digest, artifactType: String? = nil, warnings: inout [AttachmentWarning]) throws -> Listing {
        let location = "referrers API"
        var path = "/v2/\(store.repository)/referrers/\(subject)"
        if let artifactType { path += "?artifactType=" + RegistryHTTP.formEncode(artifactType) }
        guard var url = URL(string: path, relativeTo: store.http.baseURL)?.absoluteURL else {
            throw AttachmentError.malformed(location: location, reason: "invalid request path \(path)")
        }
        var descriptors: [Descriptor] = []
        var visited: Set<String> = []
        for page in 1...Self.maxPages {
            visited.insert(url.absoluteString)
            let request = RegistryHTTP.Request(path: path, url: url, headers: ["Accept": MediaType.ociIndex], scope: store.scope,
                                               repository: store.repository, what: "referrers of \(subject.short)")
            let response = try store.http.send(request, limit: Self.indexLimit)
            let contentType = FinderManifestReader.baseType(response.head.header("content-type") ?? "")
            if page == 1, response.status == 404 || Self.notSupported.contains(response.status) || (response.status == 200 && contentType != MediaType.ociIndex) {
                if response.status != 404 {
                    let answer = response.status == 200 ? "answered with Content-Type '\(contentType)'" : "answered HTTP \(response.status)"
                    warnings.append(AttachmentWarning(location: location, message: "\(answer); read the referrers tag schema instead"))
                }
                return try tagSchema(subject, artifactType: artifactType, warnings: &warnings)
            }
            try store.http.check(response, for: request, expect: [200])
            guard contentType == MediaType.ociIndex else {
                throw AttachmentError.malformed(location: location, reason: "page \(page) has Content-Type '\(contentType)', expected \(MediaType.ociIndex)")
            }
            var listed = try Self.index(response.body, location: location).manifests
            let filtered = (response.head.header("oci-filters-applied") ?? "").split(separator: ",")
                .contains { $0.trimmingCharacters(in: .whitespaces) == "artifactType" }
            if let artifactType, !filtered { listed = listed.filter { $0.artifactType == artifactType } }
            descriptors += listed
            guard let next = Self.nextLink(response.head.header("link")) else { return Listing(descriptors: descriptors, location: location) }
            url = try follow(next, from: url, location: location)
            guard !visited.contains(url.absoluteString) else {
                throw AttachmentError.malformed(location: location, reason: "pagination loops back to \(url.absoluteString)")
            }
        }
        throw AttachmentError.malformed(location: location, reason: "more than \(Self.maxPages) pages of referrers")
    }

    /// The index at the referrers tag. Absent means no referrers; a tag holding something other
    /// than an index is skipped with a warning (distribution-spec: assume no referrers).
    func tagSchema(_ subject: Digest, artifactType: String?, warnings: inout [AttachmentWarning]) throws -> Listing {
        let tag = ReferrersTag.tag(for: subject)
        let location = "tag \(tag)"
        let descriptor: Descriptor, body: Data
        do { (descriptor, body) = try store.manifest(reference: tag) } catch let error as RegistryError where error.statusCode == 404 {
            return Listing(descriptors: [], location: location)
        }
        let isIndex = MediaType.isIndex(descriptor.mediaType) || ((try? JSON.parse(body)).map(FinderManifestReader.isIndex) ?? false)
        guard isIndex else {
            let type = descriptor.mediaType.isEmpty ? "no media type" : descriptor.mediaType
            warnings.append(AttachmentWarning(location: location, message: "is not an image index (\(type)); no referrers read from it"))
            return Listing(descriptors: [], location: location)
        }
        var listed = try Self.index(body, location: location).manifests
        if let artifactType { listed = listed.filter { $0.artifactType == artifactType } }
        return Listing(descriptors: listed, location: location)
    }

    /// The manifest at cosign's `sha256-<hex>.att` tag, or nil when there is none.
    func cosignAttestations(of subject: Digest) throws -> (Descriptor, String)? {
        let tag = ReferrersTag.cosignAttestationTag(for: subject)
        do { return (try store.manifest(reference: tag).0, "tag \(tag)") } catch let error as RegistryError where error.statusCode == 404 {
            return nil
        }
    }

    static func index(_ body: Data, location: String) throws -> ImageIndex {
        let json: JSON
        do { json = try JSON.parse(body) } catch { throw AttachmentError.malformed(location: location, reason: "referrers index is not JSON: \(error)") }
        do { return try ImageIndex(json: json, context: location) } catch let error as DescriptorError {
            throw AttachmentError.malformed(location: location, reason: error.message)
        }
    }

    /// The target of `rel="next"` in an RFC 8288 `Link` header.
    static func nextLink(_ header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ",") {
            let link = part.trimmingCharacters(in: .whitespaces)
            guard link.hasPrefix("<"), let close = link.firstIndex(of: ">") else { continue }
            let params = link[link.index(after: close)...].split(separator: ";")
                .map { $0.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "\"", with: "") }
            if params.contains("rel=next") { return String(link[link.index(after: link.startIndex)..<close]) }
        }
        return nil
    }

    /// Resolves a next-page link against the page it came from; it must stay on the same registry,
    /// which is the only place credentials go.
    private func follow(_ link: String, from page: URL, location: String) throws -> URL {
        guard let next = URL(string: link, relativeTo: page)?.absoluteURL,
              next.scheme?.lowercased() == page.scheme?.lowercased(), next.host?.lowercased() == page.host?.lowercased(),
              next.port == page.port else {
            throw AttachmentError.malformed(location: location, reason: "next-page link '\(link.prefix(200))' leaves the registry")
        }
        return next
    }
}
