import Foundation
import JSON

/// One DSSE signature: the signature bytes over `DSSE.pae(type, payload)` and an optional
/// `keyid`, which is an unauthenticated hint (DSSE forbids basing any decision on it).
public struct DSSESignature: Equatable, Sendable {
    public var keyid: String?
    public var sig: Data

    public init(keyid: String?, sig: Data) {
        self.keyid = keyid
        self.sig = sig
    }
}

/// A DSSE envelope (secure-systems-lab/dsse envelope.md): a typed payload and its signatures.
public struct DSSEEnvelope: Equatable, Sendable {
    public var payloadType: String
    public var payload: Data
    public var signatures: [DSSESignature]

    /// Attestations are SBOMs and provenance; 64 MiB holds the largest seen by far, and keeps a
    /// hostile envelope from making vouch decode gigabytes.
    public static let maximumPayloadSize = 64 << 20
    /// Each signature costs a verification per trusted key; real envelopes carry one or two.
    public static let maximumSignatures = 256
    /// The whole JSON text: the payload's base64 plus room for signatures.
    public static let maximumEnvelopeSize = maximumPayloadSize / 3 * 4 + (4 << 20)

    public init(payloadType: String, payload: Data, signatures: [DSSESignature]) {
        self.payloadType = payloadType
        self.payload = payload
        self.signatures = signatures
    }

    /// Reads an envelope's JSON. Payload and signatures may use standard or URL-safe base64,
    /// padded or not. Missing or ill-typed fields, an empty `signatures` array, non-object JSON
    /// and payloads over `maximumPayloadSize` are typed errors naming the field.
    public init(json: Data) throws {
        guard json.count <= Self.maximumEnvelopeSize else {
            throw DSSEError.tooLarge(field: "envelope", bytes: json.count, limit: Self.maximumEnvelopeSize)
        }
        let tree: JSON
        do { tree = try JSON.parse(json) } catch { throw DSSEError.notJSON(reason: "\(error)") }
        try self.init(tree: tree, path: "")
    }

    /// Reads the envelope object at `path` (empty for a bare envelope, `dsseEnvelope.` inside a
    /// bundle). Protobuf JSON (sigstore bundles) may spell `payloadType` as `payload_type`.
    init(tree: JSON, path: String) throws {
        guard let object = tree.object else {
            throw DSSEError.notAnObject(field: path.isEmpty ? "envelope" : String(path.dropLast()), found: tree.kindName)
        }
        let payloadText = try Self.string(object["payload"], field: path + "payload")
        let typeField = object["payloadType"] == nil && object["payload_type"] != nil ? "payload_type" : "payloadType"
        payloadType = try Self.string(object[typeField], field: path + typeField)
        payload = try Self.base64(payloadText, field: path + "payload", limit: Self.maximumPayloadSize)

        guard let signaturesValue = object["signatures"] else { throw DSSEError.missingField(path + "signatures") }
        guard let list = signaturesValue.array else {
            throw DSSEError.wrongType(field: path + "signatures", expected: "an array", found: signaturesValue.kindName)
        }
        guard !list.isEmpty else { throw DSSEError.noSignatures(field: path + "signatures") }
        guard list.count <= Self.maximumSignatures else {
            throw DSSEError.tooManySignatures(count: list.count, limit: Self.maximumSignatures)
        }
        signatures = try list.enumerated().map { index, value in
            let field = "\(path)signatures[\(index)]"
            guard let entry = value.object else { throw DSSEError.notAnObject(field: field, found: value.kindName) }
            let sigText = try Self.string(entry["sig"], field: field + ".sig")
            let sig = try Self.base64(sigText, field: field + ".sig", limit: 1 << 16)
            var keyid: String?
            switch entry["keyid"] {
            case nil, .null?: keyid = nil
            case .string(let s)?: keyid = s
            case let other?: throw DSSEError.wrongType(field: field + ".keyid", expected: "a string", found: other.kindName)
            }
            return DSSESignature(keyid: keyid, sig: sig)
        }
    }

    private static func string(_ value: JSON?, field: String) throws -> String {
        guard let value else { throw DSSEError.missingField(field) }
        guard let s = value.string else { throw DSSEError.wrongType(field: field, expected: "a string", found: value.kindName) }
        return s
    }

    private static func base64(_ text: String, field: String, limit: Int) throws -> Data {
        // Refuse before decoding: the size check must not itself cost the memory it protects.
        let encodedLimit = limit / 3 * 4 + 4
        guard text.utf8.count <= encodedLimit else {
            throw DSSEError.tooLarge(field: field, bytes: text.utf8.count / 4 * 3, limit: limit)
        }
        guard let data = FlexibleBase64.decode(text) else { throw DSSEError.invalidBase64(field: field) }
        guard data.count <= limit else { throw DSSEError.tooLarge(field: field, bytes: data.count, limit: limit) }
        return data
    }

    /// Compact JSON with members `payload`, `payloadType`, `signatures` and per signature
    /// `keyid`, `sig`, in standard padded base64. `keyid` is always written (as "" when unknown,
    /// like cosign): securesystemslib's reader requires the member.
    public func serialized() -> Data {
        let sigs: [JSON] = signatures.map { s in
            .object(JSONObject([("keyid", .string(s.keyid ?? "")), ("sig", .string(FlexibleBase64.encode(s.sig)))]))
        }
        let object = JSONObject([
            ("payload", .string(FlexibleBase64.encode(payload))),
            ("payloadType", .string(payloadType)),
            ("signatures", .array(sigs)),
        ])
        return JSON.object(object).serialized([])
    }
}

extension JSON {
    /// How a value is named in error messages.
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
