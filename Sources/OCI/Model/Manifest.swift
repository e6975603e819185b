import Digest
import Foundation
import JSON

/// An image manifest (OCI or Docker schema 2).
public struct Manifest: Sendable {
    public var mediaType: String?
    public var config: Descriptor
    public var layers: [Descriptor]
    public var subject: Descriptor?
    public var artifactType: String?
    public var annotations: [String: String]
    public var raw: JSON

    public init(json: JSON, context: String) throws {
        guard case .object = json else { throw DescriptorError(context: context, message: "manifest is not a JSON object") }
        if let v = json["schemaVersion"]?.int, v != 2 {
            throw DescriptorError(context: context, message: "unsupported manifest schemaVersion \(v)")
        }
        guard let c = json["config"] else { throw DescriptorError(context: context, message: "manifest has no config") }
        raw = json
        mediaType = json.string("mediaType")
        config = try Descriptor(json: c, context: context + " config")
        layers = try json.array("layers").enumerated().map { try Descriptor(json: $0.element, context: "\(context) layer \($0.offset + 1)") }
        subject = try json["subject"].map { try Descriptor(json: $0, context: context + " subject") }
        artifactType = json.string("artifactType")
        annotations = Descriptor.stringMap(json["annotations"])
    }
}

/// An image index (OCI) or manifest list (Docker).
public struct ImageIndex: Sendable {
    public var mediaType: String?
    public var manifests: [Descriptor]
    public var annotations: [String: String]
    public var raw: JSON

    public init(json: JSON, context: String) throws {
        guard case .object = json else { throw DescriptorError(context: context, message: "index is not a JSON object") }
        raw = json
        mediaType = json.string("mediaType")
        guard let list = json["manifests"]?.array else { throw DescriptorError(context: context, message: "index has no manifests array") }
        manifests = try list.enumerated().map { try Descriptor(json: $0.element, context: "\(context) manifests[\($0.offset)]") }
        annotations = Descriptor.stringMap(json["annotations"])
    }
}

/// The parts of an image config vouch uses.
public struct ImageConfig: Sendable {
    public var architecture: String?
    public var os: String?
    public var variant: String?
    public var created: String?
    public var diffIDs: [String]
    public var labels: [String: String]
    public var history: [String]
    public var raw: JSON

    public init(json: JSON) {
        raw = json
        architecture = json.string("architecture")
        os = json.string("os")
        variant = json.string("variant")
        created = json.string("created")
        diffIDs = json["rootfs"]?.array("diff_ids").compactMap(\.string) ?? []
        labels = Descriptor.stringMap(json["config"]?["Labels"])
        history = json.array("history").compactMap { $0.string("created_by") }
    }
}
