import Foundation
import JSON

/// One attestation as found next to an image or in a file, decoded but not yet trusted.
public struct AttestationEvidence {
    public enum Encoding: String, Sendable { case statement, dsse, sigstoreBundle }

    /// Where it came from, for the report (`index attestation-manifest sha256:…`, a file path).
    public var location: String
    public var encoding: Encoding
    /// The predicate type the container (layer annotation, referrer manifest) claims; nil when it says none.
    public var claimedPredicateType: String?
    /// The signed envelope; nil for a bare statement.
    public var envelope: DSSEEnvelope?
    /// The statement, or why it could not be read.
    public var statement: Result<InTotoStatement, EvidenceError>

    public init(location: String, encoding: Encoding, claimedPredicateType: String?,
                envelope: DSSEEnvelope?, statement: Result<InTotoStatement, EvidenceError>) {
        self.location = location; self.encoding = encoding; self.claimedPredicateType = claimedPredicateType
        self.envelope = envelope; self.statement = statement
    }

    /// Decodes a blob: a DSSE envelope, a sigstore bundle holding one, or a bare statement.
    /// Errors in the envelope itself throw (nothing to check); a payload that is not a valid
    /// statement is kept as a failed `statement` so the report names it.
    public static func decode(_ data: Data, encoding: Encoding, location: String, claimedPredicateType: String?) throws -> AttestationEvidence {
        switch encoding {
        case .statement:
            return AttestationEvidence(location: location, encoding: encoding, claimedPredicateType: claimedPredicateType,
                                       envelope: nil, statement: parseStatement(data))
        case .dsse, .sigstoreBundle:
            let envelope: DSSEEnvelope
            do {
                envelope = encoding == .dsse ? try DSSEEnvelope(json: data) : try DSSEEnvelope(sigstoreBundle: data)
            } catch {
                throw EvidenceError.envelope(location: location, reason: "\(error)")
            }
            let statement: Result<InTotoStatement, EvidenceError> = envelope.payloadType == DSSE.inTotoPayloadType
                ? parseStatement(envelope.payload)
                : .failure(.payloadType(envelope.payloadType))
            return AttestationEvidence(location: location, encoding: encoding, claimedPredicateType: claimedPredicateType,
                                       envelope: envelope, statement: statement)
        }
    }

    /// Tells a file's encoding from its top-level members: DSSE envelopes have `payloadType`,
    /// sigstore bundles `dsseEnvelope` or a sigstore `mediaType`; anything else is read as a statement.
    /// (Member order varies by writer, so a prefix of the text cannot decide it.)
    public static func sniff(_ data: Data) -> Encoding {
        guard let top = (try? JSON.parse(data))?.object else { return .statement }
        if top["dsseEnvelope"] != nil || top["dsse_envelope"] != nil
            || (top["mediaType"]?.string?.hasPrefix("application/vnd.dev.sigstore.bundle") ?? false) { return .sigstoreBundle }
        if top["payloadType"] != nil { return .dsse }
        return .statement
    }

    static func parseStatement(_ data: Data) -> Result<InTotoStatement, EvidenceError> {
        do { return .success(try InTotoStatement(data: data)) } catch {
            return .failure(.statement("\(error)"))
        }
    }
}

public enum EvidenceError: Error, CustomStringConvertible, Equatable {
    case envelope(location: String, reason: String)
    case payloadType(String)
    case statement(String)

    public var description: String {
        switch self {
        case .envelope(let l, let r): return "\(l): not a readable envelope: \(r)"
        case .payloadType(let t): return "payloadType is '\(t)', not '\(DSSE.inTotoPayloadType)'"
        case .statement(let r): return "payload is not an in-toto statement: \(r)"
        }
    }
}
