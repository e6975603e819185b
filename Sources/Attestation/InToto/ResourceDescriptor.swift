import Foundation
import JSON

/// An in-toto v1 ResourceDescriptor (`spec/v1/resource_descriptor.md`): a statement subject, a SLSA
/// resolved dependency, byproduct or v0.2 material. Reading checks only types; what a field must
/// contain is up to the context (subjects need a valid digest, see `InTotoStatement`), because real
/// provenance carries odd dependencies (empty byproducts from Cloud Build, quoted digests from krel).
public struct ResourceDescriptor: Equatable, Sendable {
    public var name: String?
    public var uri: String?
    public var digest: [String: String]
    /// Raw bytes; JSON carries them as base64.
    public var content: Data?
    public var downloadLocation: String?
    public var mediaType: String?
    public var annotations: JSONObject?

    public init(name: String? = nil, uri: String? = nil, digest: [String: String] = [:], content: Data? = nil,
                downloadLocation: String? = nil, mediaType: String? = nil, annotations: JSONObject? = nil) {
        self.name = name
        self.uri = uri
        self.digest = digest
        self.content = content
        self.downloadLocation = downloadLocation
        self.mediaType = mediaType
        self.annotations = annotations
    }

    /// Reads a descriptor; `path` names it in errors (`subject[0]`, `predicate.materials[2]`).
    public init(json: JSON, path: String = "resourceDescriptor") throws {
        try self.init(field: InTotoField(json, path: path))
    }

    init(field: InTotoField) throws {
        guard field.isPresent else { throw InTotoError.missingField(field.path) }
        _ = try field.object()
        name = try field.field("name").string()
        uri = try field.field("uri").string()
        digest = try field.field("digest").stringMap() ?? [:]
        if let text = try field.field("content").string() {
            guard let bytes = FlexibleBase64.decode(text) else {
                throw InTotoError.invalidValue(field: "\(field.path).content", reason: "not base64")
            }
            content = bytes
        }
        downloadLocation = try field.field("downloadLocation").string()
        mediaType = try field.field("mediaType").string()
        annotations = try field.field("annotations").object()
    }

    /// The descriptor as JSON, members in the spec's order, digest algorithms sorted.
    public var json: JSON {
        var o = JSONObject()
        if let name { o["name"] = .string(name) }
        if let uri { o["uri"] = .string(uri) }
        if !digest.isEmpty {
            o["digest"] = .object(JSONObject(digest.keys.sorted().map { ($0, JSON.string(digest[$0] ?? "")) }))
        }
        if let content { o["content"] = .string(content.base64EncodedString()) }
        if let downloadLocation { o["downloadLocation"] = .string(downloadLocation) }
        if let mediaType { o["mediaType"] = .string(mediaType) }
        if let annotations { o["annotations"] = .object(annotations) }
        return .object(o)
    }

    /// True when the descriptor carries `algorithm` with this hex value (hex compared case-insensitively).
    public func hasDigest(algorithm: String, hex: String) -> Bool {
        guard let mine = digest[algorithm] else { return false }
        return mine.lowercased() == hex.lowercased()
    }
}
