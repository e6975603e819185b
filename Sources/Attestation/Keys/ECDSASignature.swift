import COpenSSL
import Foundation

/// ECDSA signature encodings. vouch writes DER (ASN.1 SEQUENCE of r and s), as cosign and
/// securesystemslib do; sigstore's verifier also reads IEEE P1363 (fixed-size r||s, what
/// WebCrypto and some KMS produce), so vouch reads it too rather than reject what cosign accepts.
enum ECDSASignature {
    /// The DER form of a P1363 signature, or nil when `signature` is not one: it must be exactly
    /// two coordinates long and must not itself parse as DER.
    static func derFromP1363(_ signature: Data, algorithm: KeyAlgorithm) -> Data? {
        guard let size = algorithm.ecdsaCoordinateSize, signature.count == 2 * size else { return nil }
        if isDER(signature) { return nil }
        let bytes = [UInt8](signature)
        guard let sig = ECDSA_SIG_new() else { return nil }
        defer { ECDSA_SIG_free(sig) }
        guard let r = BN_bin2bn(bytes, Int32(size), nil) else { return nil }
        guard let s = bytes.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress! + size, Int32(size), nil) }) else {
            BN_free(r)
            return nil
        }
        // set0 takes ownership of r and s.
        guard ECDSA_SIG_set0(sig, r, s) == 1 else { BN_free(r); BN_free(s); return nil }
        return OpenSSL.der({ i2d_ECDSA_SIG(sig, $0) })
    }

    static func isDER(_ signature: Data) -> Bool {
        guard let sig = OpenSSL.decode(signature, { d2i_ECDSA_SIG(nil, $0, $1) }) else {
            OpenSSL.clearErrors()
            return false
        }
        ECDSA_SIG_free(sig)
        return true
    }
}
