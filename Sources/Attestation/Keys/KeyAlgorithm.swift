import COpenSSL
import Foundation

/// The signature algorithms vouch signs and verifies with. Each fixes its hash, so a key alone
/// decides how a signature is made: P-256 with SHA-256, P-384 with SHA-384, Ed25519 pure,
/// RSA with SHA-256 (padding chosen per signature, see `RSAPadding`).
public enum KeyAlgorithm: Hashable, Sendable, CustomStringConvertible {
    case ecdsaP256
    case ecdsaP384
    case ed25519
    case rsa(bits: Int)

    public static let minimumRSABits = 2048
    /// Verifying with a huge modulus costs seconds; no real signing key is this large.
    public static let maximumRSABits = 16384

    /// Display name: `ecdsa-p256`, `ecdsa-p384`, `ed25519`, `rsa-3072`.
    public var name: String {
        switch self {
        case .ecdsaP256: return "ecdsa-p256"
        case .ecdsaP384: return "ecdsa-p384"
        case .ed25519: return "ed25519"
        case .rsa(let bits): return "rsa-\(bits)"
        }
    }
    public var description: String { name }

    /// Parses the display names back (`rsa` alone means 3072 bits), for `vouch key generate --algorithm`.
    public init?(name: String) {
        let lower = name.lowercased()
        switch lower {
        case "ecdsa-p256", "p256", "p-256", "ecdsa", "ecdsa-sha2-nistp256": self = .ecdsaP256
        case "ecdsa-p384", "p384", "p-384", "ecdsa-sha2-nistp384": self = .ecdsaP384
        case "ed25519": self = .ed25519
        case "rsa": self = .rsa(bits: 3072)
        default:
            guard lower.hasPrefix("rsa-"), let bits = Int(lower.dropFirst(4)) else { return nil }
            self = .rsa(bits: bits)
        }
    }

    /// The digest the signature is computed with; nil for Ed25519, which hashes internally.
    var digest: OpaquePointer? {
        switch self {
        case .ecdsaP256, .rsa: return EVP_sha256()
        case .ecdsaP384: return EVP_sha384()
        case .ed25519: return nil
        }
    }

    /// The digests a signature is accepted with. P-384 also takes SHA-256: cosign 2.x signs and
    /// verifies every ECDSA key with SHA-256, while securesystemslib and sigstore-go pair P-384
    /// with SHA-384 (which vouch signs with).
    var verificationDigests: [OpaquePointer?] {
        self == .ecdsaP384 ? [EVP_sha384(), EVP_sha256()] : [digest]
    }

    /// Size of one ECDSA coordinate, for reading IEEE P1363 (r||s) signatures.
    var ecdsaCoordinateSize: Int? {
        switch self {
        case .ecdsaP256: return 32
        case .ecdsaP384: return 48
        default: return nil
        }
    }

    /// Classifies a loaded key, rejecting every type vouch does not sign with by name.
    static func of(_ pkey: OpaquePointer, source: String) throws -> KeyAlgorithm {
        let id = EVP_PKEY_get_base_id(pkey)
        switch id {
        case EVP_PKEY_EC:
            var name = [CChar](repeating: 0, count: 64)
            var length = 0
            guard EVP_PKEY_get_group_name(pkey, &name, name.count, &length) == 1 else {
                OpenSSL.clearErrors()
                throw KeyError.unsupportedKeyType(source: source, type: "EC key with explicit curve parameters")
            }
            switch String(cString: name) {
            case "prime256v1", "P-256", "secp256r1": return .ecdsaP256
            case "secp384r1", "P-384": return .ecdsaP384
            case "secp521r1", "P-521": throw KeyError.unsupportedKeyType(source: source, type: "ECDSA P-521")
            case let other: throw KeyError.unsupportedKeyType(source: source, type: "EC curve \(other)")
            }
        case EVP_PKEY_ED25519:
            return .ed25519
        case EVP_PKEY_RSA:
            let bits = Int(EVP_PKEY_get_bits(pkey))
            guard bits >= minimumRSABits else { throw KeyError.rsaTooSmall(source: source, bits: bits) }
            guard bits <= maximumRSABits else { throw KeyError.rsaTooLarge(source: source, bits: bits) }
            return .rsa(bits: bits)
        case EVP_PKEY_RSA_PSS:
            throw KeyError.unsupportedKeyType(source: source, type: "RSA-PSS-restricted key (use a plain rsaEncryption key)")
        case EVP_PKEY_DSA:
            throw KeyError.unsupportedKeyType(source: source, type: "DSA")
        case EVP_PKEY_ED448:
            throw KeyError.unsupportedKeyType(source: source, type: "Ed448")
        case EVP_PKEY_X25519, EVP_PKEY_X448, EVP_PKEY_DH, EVP_PKEY_DHX:
            throw KeyError.unsupportedKeyType(source: source, type: "key-agreement key (\(typeName(pkey)))")
        default:
            throw KeyError.unsupportedKeyType(source: source, type: typeName(pkey))
        }
    }

    private static func typeName(_ pkey: OpaquePointer) -> String {
        if let name = EVP_PKEY_get0_type_name(pkey) { return String(cString: name) }
        return "NID \(EVP_PKEY_get_base_id(pkey))"
    }
}

/// RSA signature padding. `.pss` is what securesystemslib's `rsassa-pss-sha256` makes (SHA-256,
/// MGF1-SHA-256, salt as long as the digest); `.pkcs1v15` is what cosign makes and accepts for RSA keys.
public enum RSAPadding: String, Hashable, Sendable, CaseIterable {
    case pss
    case pkcs1v15
}
