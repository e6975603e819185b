import Digest
import Foundation
import JSON

public struct Platform: Hashable, Sendable, CustomStringConvertible {
    public var os: String
    public var architecture: String
    public var variant: String?
    public init(os: String, architecture: String, variant: String? = nil) {
        self.os = os; self.architecture = architecture; self.variant = variant
    }
    /// Parses `linux/amd64`, `linux/arm64/v8`.
    public init?(parsing s: String) {
        let p = s.split(separator: "/").map(String.init)
        guard p.count >= 2, p.count <= 3, !p[0].isEmpty, !p[1].isEmpty else { return nil }
        self.init(os: p[0], architecture: p[1], variant: p.count == 3 ? p[2] : nil)
    }
    public var description: String { [os, architecture, variant].compactMap { $0 }.joined(separator: "/") }
    /// Matches when the variant is unspecified on either side.
    public func matches(_ other: Platform) -> Bool {
        os == other.os && architecture == other.architecture && (variant == nil || other.variant == nil || variant == other.variant)
    }
}

public struct DescriptorError: Error, CustomStringConvertible {
    public let context: String
    public let message: String
    public var description: String { "\(context): \(message)" }
}

/// An OCI content descriptor.
public struct Descriptor: Sendable, Equatable {
    public var mediaType: String
    public var digest: Digest
    public var size: Int64
    public var annotations: [String: String]
    public var platform: Platform?
    public var artifactType: String?

    public init(mediaType: String, digest: Digest, size: Int64, annotations: [String: String] = [:],
                platform: Platform? = nil, artifactType: String? = nil) {
        self.mediaType = mediaType; self.digest = digest; self.size = size
        self.annotations = annotations; self.platform = platform; self.artifactType = artifactType
    }

    public init(json: JSON, context: String) throws {
        guard case .object = json else { throw DescriptorError(context: context, message: "descriptor is not an object") }
        guard let d = json.string("digest") else { throw DescriptorError(context: context, message: "descriptor has no digest") }
        guard let digest = Digest(d) else { throw DescriptorError(context: context, message: "invalid digest '\(d.prefix(80))'") }
        guard let size = json["size"]?.int, size >= 0 else {
            throw DescriptorError(context: context, message: "descriptor \(d) has no valid size")
        }
        self.digest = digest
        self.size = size
        mediaType = json.string("mediaType") ?? ""
        annotations = Descriptor.stringMap(json["annotations"])
        artifactType = json.string("artifactType")
        if let p = json["platform"], let os = p.string("os"), let arch = p.string("architecture") {
            platform = Platform(os: os, architecture: arch, variant: p.string("variant"))
        }
    }

    public var json: JSON {
        var o: JSONObject = ["mediaType": .string(mediaType), "digest": .string(digest.description), "size": .int(size)]
        if let artifactType { o["artifactType"] = .string(artifactType) }
        if !annotations.isEmpty {
            o["annotations"] = .object(JSONObject(annotations.sorted { $0.key < $1.key }.map { ($0.key, JSON.string($0.value)) }))
        }
        if let platform {
            var p: JSONObject = ["architecture": .string(platform.architecture), "os": .string(platform.os)]
            if let v = platform.variant { p["variant"] = .string(v) }
            o["platform"] = .object(p)
        }
        return .object(o)
    }

    static func stringMap(_ j: JSON?) -> [String: String] {
        guard let o = j?.object else { return [:] }
        var m: [String: String] = [:]
        for (k, v) in o { if let s = v.string { m[k] = s } }
        return m
    }
}
