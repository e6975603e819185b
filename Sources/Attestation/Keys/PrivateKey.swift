import COpenSSL
import Foundation

/// A signing key (ECDSA P-256/P-384, Ed25519, RSA 2048–16384 bits) held as an OpenSSL EVP_PKEY.
public final class PrivateKey: CustomStringConvertible, @unchecked Sendable {
    // Only read after init; OpenSSL allows concurrent signing with one EVP_PKEY.
    let pkey: OpaquePointer
    public let algorithm: KeyAlgorithm
    public let publicKey: PublicKey

    /// Takes ownership of `pkey` (freed here on failure, in deinit otherwise).
    init(owning pkey: OpaquePointer, source: String) throws {
        do {
            let algorithm = try KeyAlgorithm.of(pkey, source: source)
            guard let spki = OpenSSL.der({ i2d_PUBKEY(pkey, $0) }) else {
                throw KeyError.malformedKey(source: source, reason: "no public key derivable: \(OpenSSL.drainErrors())")
            }
            self.publicKey = try PublicKey(spkiDER: spki, source: source)
            self.algorithm = algorithm
        } catch {
            EVP_PKEY_free(pkey)
            throw error
        }
        self.pkey = pkey
    }

    deinit { EVP_PKEY_free(pkey) }

    /// Reads any private-key PEM vouch supports (see `PrivateKeyReader`). `password` is needed
    /// only for encrypted forms; `source` names the key in errors (the file path, usually).
    public convenience init(pem: Data, password: String? = nil, source: String = "private key") throws {
        try self.init(owning: try PrivateKeyReader.read(pem: pem, password: password, source: source), source: source)
    }

    public convenience init(contentsOf url: URL, password: String? = nil) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw KeyError.unreadablePEM(source: url.path, reason: "cannot read the file (\(error.localizedDescription))")
        }
        try self.init(pem: data, password: password, source: url.path)
    }

    /// A fresh key from OpenSSL's CSPRNG. RSA keys below 2048 bits (or above 16384) are refused.
    public static func generate(_ algorithm: KeyAlgorithm) throws -> PrivateKey {
        OpenSSL.clearErrors()
        let typeName: String
        switch algorithm {
        case .ecdsaP256, .ecdsaP384: typeName = "EC"
        case .ed25519: typeName = "ED25519"
        case .rsa(let bits):
            guard bits >= KeyAlgorithm.minimumRSABits else { throw KeyError.rsaTooSmall(source: "key generation", bits: bits) }
            guard bits <= KeyAlgorithm.maximumRSABits else { throw KeyError.rsaTooLarge(source: "key generation", bits: bits) }
            typeName = "RSA"
        }
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, typeName, nil) else {
            throw KeyError.generationFailed(reason: "\(algorithm.name) unavailable: \(OpenSSL.drainErrors())")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else {
            throw KeyError.generationFailed(reason: OpenSSL.drainErrors())
        }
        let configured: Bool
        switch algorithm {
        case .ecdsaP256: configured = EVP_PKEY_CTX_set_group_name(ctx, "P-256") == 1
        case .ecdsaP384: configured = EVP_PKEY_CTX_set_group_name(ctx, "P-384") == 1
        case .ed25519: configured = true
        case .rsa(let bits): configured = EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, Int32(bits)) == 1
        }
        guard configured else { throw KeyError.generationFailed(reason: OpenSSL.drainErrors()) }
        var pkey: OpaquePointer?
        guard EVP_PKEY_generate(ctx, &pkey) == 1, let pkey else {
            throw KeyError.generationFailed(reason: OpenSSL.drainErrors())
        }
        return try PrivateKey(owning: pkey, source: "generated \(algorithm.name) key")
    }

    /// The public key's id: lowercase hex SHA-256 of its SPKI DER (a hint only, see `PublicKey.keyID`).
    public var keyID: String { publicKey.keyID }
    public var algorithmName: String { algorithm.name }
    public var description: String { "\(algorithm.name) private key \(keyID.prefix(16))" }

    /// Signs `message`: ECDSA P-256 with SHA-256 and P-384 with SHA-384 (DER signatures),
    /// Ed25519 pure, RSA with SHA-256 and `rsaPadding`. PKCS#1 v1.5 is the default because
    /// cosign verifies RSA only with it; choose `.pss` for securesystemslib's `rsassa-pss-sha256`.
    public func sign(_ message: Data, rsaPadding: RSAPadding = .pkcs1v15) throws -> Data {
        OpenSSL.clearErrors()
        guard let ctx = EVP_MD_CTX_new() else { throw signingError("no digest context") }
        defer { EVP_MD_CTX_free(ctx) }
        var pctx: OpaquePointer?
        guard EVP_DigestSignInit(ctx, &pctx, algorithm.digest, nil, pkey) == 1 else {
            throw signingError(OpenSSL.drainErrors())
        }
        if case .rsa = algorithm {
            guard let pctx, RSAPaddingSetup.apply(rsaPadding, to: pctx, verifying: false) else {
                throw signingError("cannot set \(rsaPadding.rawValue) padding: \(OpenSSL.drainErrors())")
            }
        }
        return try message.withNonNilBytes { msg, count in
            var length = 0
            guard EVP_DigestSign(ctx, nil, &length, msg, count) == 1, length > 0 else {
                throw signingError(OpenSSL.drainErrors())
            }
            var signature = [UInt8](repeating: 0, count: length)
            guard EVP_DigestSign(ctx, &signature, &length, msg, count) == 1 else {
                throw signingError(OpenSSL.drainErrors())
            }
            return Data(signature.prefix(length))
        }
    }

    private func signingError(_ reason: String) -> KeyError {
        .signingFailed(algorithm: algorithm.name, reason: reason)
    }
}
