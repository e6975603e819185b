import Digest
import Foundation
import JSON

/// Checks, before anything is written, that an attestation is about the image it is attached to:
/// its Statement (bare, in a DSSE envelope, or in a sigstore bundle's envelope) must have the
/// attached predicate type and name the image manifest digest among its subjects. A mismatch would
/// otherwise surface only later, as a verifier's "subject does not match".
enum PayloadSubjectCheck {
    static func check(_ p: AttachmentPayload, subject: Digest) throws {
        let place = "\(p.predicateType) attestation"
        func fail(_ reason: String) -> AttachmentError { .malformed(location: place, reason: reason) }
        let statementData: Data
        switch p.envelope {
        case .plainDocument:
            return
        case .statement:
            statementData = p.data
        case .dsse:
            statementData = try envelopePayload(try parse(p.data, fail), fail)
        case .sigstoreBundle:
            guard let envelope = try parse(p.data, fail)["dsseEnvelope"] else { throw fail("sigstore bundle has no dsseEnvelope") }
            statementData = try envelopePayload(envelope, fail)
        }
        let statement = try parse(statementData, fail)
        guard let type = statement.string("predicateType") else { throw fail("statement has no predicateType") }
        guard type == p.predicateType else { throw fail("statement's predicateType is \(type.prefix(200))") }
        let subjects = statement.array("subject")
        let named = subjects.contains { $0["digest"]?.string(subject.algorithm)?.lowercased() == subject.hex }
        guard named else {
            let listed = subjects.compactMap { s -> String? in
                guard let first = s["digest"]?.object?.members.first else { return nil }
                return "\(first.key):\((first.value.string ?? "").prefix(12))"
            }
            throw AttachmentError.conflict(target: place, reason: "its statement is about \(listed.isEmpty ? "no subject" : listed.joined(separator: ", ")), not the image manifest \(subject.short)")
        }
    }

    private static func parse(_ data: Data, _ fail: (String) -> AttachmentError) throws -> JSON {
        let json: JSON
        do { json = try JSON.parse(data) } catch { throw fail("not JSON (\(error))") }
        guard case .object = json else { throw fail("not a JSON object") }
        return json
    }

    /// The envelope's payload bytes; DSSE allows standard and URL-safe base64.
    private static func envelopePayload(_ envelope: JSON, _ fail: (String) -> AttachmentError) throws -> Data {
        guard envelope.string("payloadType") == "application/vnd.in-toto+json" else {
            throw fail("DSSE payloadType is '\(envelope.string("payloadType")?.prefix(100) ?? "")', not application/vnd.in-toto+json")
        }
        guard !envelope.array("signatures").isEmpty else { throw fail("DSSE envelope has no signatures") }
        guard let encoded = envelope.string("payload"), let data = decodeBase64(encoded) else {
            throw fail("DSSE payload is missing or not base64")
        }
        return data
    }

    static func decodeBase64(_ s: String) -> Data? {
        var text = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text = text.trimmingCharacters(in: CharacterSet(charactersIn: "="))
        text += String(repeating: "=", count: (4 - text.utf8.count % 4) % 4)
        return Data(base64Encoded: text)
    }
}
