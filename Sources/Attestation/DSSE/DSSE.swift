import Foundation

/// DSSE v1 signing (secure-systems-lab/dsse protocol.md).
public enum DSSE {
    /// The in-toto payload type; in-toto attestations must use it.
    public static let inTotoPayloadType = "application/vnd.in-toto+json"

    /// Pre-Authentication Encoding, the bytes actually signed:
    /// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths as ASCII decimal byte counts.
    /// Binding the type into the signed bytes is what stops a payload being re-read as another type.
    public static func pae(payloadType: String, payload: Data) -> Data {
        let type = Data(payloadType.utf8)
        var out = Data()
        out.reserveCapacity(payload.count + type.count + 32)
        out.append(contentsOf: Array("DSSEv1 \(type.count) ".utf8))
        out.append(type)
        out.append(contentsOf: Array(" \(payload.count) ".utf8))
        out.append(payload)
        return out
    }

    /// Signs `payload` with every key in `keys`, one signature each, `keyid` set to the key's
    /// `keyID` hint. RSA keys sign with `rsaPadding` (PKCS#1 v1.5 by default, which cosign needs).
    public static func sign(payload: Data, payloadType: String, with keys: [PrivateKey],
                            rsaPadding: RSAPadding = .pkcs1v15) throws -> DSSEEnvelope {
        guard !keys.isEmpty else { throw DSSEError.noSigningKeys }
        guard payload.count <= DSSEEnvelope.maximumPayloadSize else {
            throw DSSEError.tooLarge(field: "payload", bytes: payload.count, limit: DSSEEnvelope.maximumPayloadSize)
        }
        let message = pae(payloadType: payloadType, payload: payload)
        let signatures = try keys.map { key in
            DSSESignature(keyid: key.keyID, sig: try key.sign(message, rsaPadding: rsaPadding))
        }
        return DSSEEnvelope(payloadType: payloadType, payload: payload, signatures: signatures)
    }
}
