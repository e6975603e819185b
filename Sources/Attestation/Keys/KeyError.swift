import Foundation

/// Why a key could not be read, made, exported or used. `source` names where the key came from
/// (a file path, or a description the caller chose), so each error prints as one line a user can act on.
public enum KeyError: Error, Equatable, CustomStringConvertible, Sendable {
    /// No PEM block, a truncated block, a bad base64 body, or headers that make no sense.
    case unreadablePEM(source: String, reason: String)
    /// A PEM block whose label is not a key (or not the kind of key asked for).
    case unexpectedPEMLabel(source: String, label: String, expected: String)
    /// The PEM was fine but the DER (or cosign JSON) inside it did not parse.
    case malformedKey(source: String, reason: String)
    case unsupportedKeyType(source: String, type: String)
    case rsaTooSmall(source: String, bits: Int)
    case rsaTooLarge(source: String, bits: Int)
    /// The key is encrypted and no password was given.
    case passwordRequired(source: String)
    case wrongPassword(source: String)
    /// A cosign key file whose KDF, cipher or parameters vouch will not run.
    case unsupportedEncryption(source: String, reason: String)
    /// A private key was expected and the PEM holds only a public key or a certificate.
    case notAPrivateKey(source: String, label: String)
    /// A public key was expected and the PEM holds a private key.
    case notAPublicKey(source: String, label: String)
    case generationFailed(reason: String)
    case signingFailed(algorithm: String, reason: String)
    case exportFailed(reason: String)

    public var description: String {
        switch self {
        case .unreadablePEM(let source, let reason):
            return "\(source): not a readable PEM key: \(reason)"
        case .unexpectedPEMLabel(let source, let label, let expected):
            return "\(source): PEM block '\(label)' is not \(expected)"
        case .malformedKey(let source, let reason):
            return "\(source): malformed key: \(reason)"
        case .unsupportedKeyType(let source, let type):
            return "\(source): unsupported key type \(type) (vouch signs with ECDSA P-256/P-384, Ed25519 or RSA ≥ 2048 bits)"
        case .rsaTooSmall(let source, let bits):
            return "\(source): RSA key of \(bits) bits is too small (at least 2048 bits)"
        case .rsaTooLarge(let source, let bits):
            return "\(source): RSA key of \(bits) bits is larger than vouch accepts (at most 16384 bits)"
        case .passwordRequired(let source):
            return "\(source): the private key is encrypted and no password was given"
        case .wrongPassword(let source):
            return "\(source): wrong password or corrupt key"
        case .unsupportedEncryption(let source, let reason):
            return "\(source): unsupported key encryption: \(reason)"
        case .notAPrivateKey(let source, let label):
            return "\(source): PEM block '\(label)' is not a private key"
        case .notAPublicKey(let source, let label):
            return "\(source): PEM block '\(label)' is a private key; give the public key (or a certificate) instead"
        case .generationFailed(let reason):
            return "key generation failed: \(reason)"
        case .signingFailed(let algorithm, let reason):
            return "signing with \(algorithm) failed: \(reason)"
        case .exportFailed(let reason):
            return "key export failed: \(reason)"
        }
    }
}
