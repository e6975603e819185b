import COpenSSL
import Digest
import Foundation

/// A public key vouch can verify with: ECDSA P-256/P-384, Ed25519 or RSA (2048–16384 bits).
/// Two keys are equal when their SubjectPublicKeyInfo DER is, whatever form they were read from.
public final class PublicKey: Hashable, CustomStringConvertible, @unchecked Sendable {
    // Only read after init; OpenSSL allows concurrent verification with one EVP_PKEY.
    let pkey: OpaquePointer
    public let algorithm: KeyAlgorithm
    /// DER SubjectPublicKeyInfo, the form `PUBLIC KEY` PEM files hold.
    public let spkiDER: Data
    /// Lowercase hex SHA-256 of the SPKI DER. A stable name for the key, used as the DSSE
    /// `keyid` hint; it is not authenticated and never decides whether a signature counts.
    public let keyID: String

    /// Takes ownership of `pkey` (freed here on failure, in deinit otherwise).
    init(owning pkey: OpaquePointer, source: String) throws {
        let algorithm: KeyAlgorithm
        do { algorithm = try KeyAlgorithm.of(pkey, source: source) } catch { EVP_PKEY_free(pkey); throw error }
        guard let der = OpenSSL.der({ i2d_PUBKEY(pkey, $0) }) else {
            EVP_PKEY_free(pkey)
            throw KeyError.malformedKey(source: source, reason: "cannot encode the public key: \(OpenSSL.drainErrors())")
        }
        self.pkey = pkey
        self.algorithm = algorithm
        self.spkiDER = der
        self.keyID = Hasher.sha256Hex(der)
    }

    deinit { EVP_PKEY_free(pkey) }

    /// Reads a `PUBLIC KEY` (SPKI), `RSA PUBLIC KEY` (PKCS#1) or `CERTIFICATE` PEM; a certificate
    /// gives its subject's key (nothing about the certificate itself is checked here).
    public convenience init(pem: Data, source: String = "public key") throws {
        let block = try PEMBlock.first(in: pem, source: source)
        switch block.label {
        case "PUBLIC KEY":
            try self.init(spkiDER: block.body, source: source)
        case "RSA PUBLIC KEY":
            guard let pkey = OpenSSL.decode(block.body, { d2i_PublicKey(EVP_PKEY_RSA, nil, $0, $1) }) else {
                throw KeyError.malformedKey(source: source, reason: "RSA PUBLIC KEY is not PKCS#1 DER: \(OpenSSL.drainErrors())")
            }
            try self.init(owning: pkey, source: source)
        case "CERTIFICATE":
            try self.init(certificateDER: block.body, source: source)
        case let label where label.hasSuffix("PRIVATE KEY"):
            throw KeyError.notAPublicKey(source: source, label: label)
        case let label:
            throw KeyError.unexpectedPEMLabel(source: source, label: label, expected: "a public key or certificate")
        }
    }

    public convenience init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw KeyError.unreadablePEM(source: url.path, reason: "cannot read the file (\(error.localizedDescription))")
        }
        try self.init(pem: data, source: url.path)
    }

    /// DER SubjectPublicKeyInfo, as in a sigstore bundle's or a PEM file's body.
    public convenience init(spkiDER: Data, source: String = "public key") throws {
        guard let pkey = OpenSSL.decode(spkiDER, { d2i_PUBKEY(nil, $0, $1) }) else {
            throw KeyError.malformedKey(source: source, reason: "not a DER SubjectPublicKeyInfo: \(OpenSSL.drainErrors())")
        }
        try self.init(owning: pkey, source: source)
    }

    /// The subject key of a DER X.509 certificate (a sigstore bundle's `certificate.rawBytes`).
    public convenience init(certificateDER: Data, source: String = "certificate") throws {
        guard let cert = OpenSSL.decode(certificateDER, { d2i_X509(nil, $0, $1) }) else {
            throw KeyError.malformedKey(source: source, reason: "not a DER X.509 certificate: \(OpenSSL.drainErrors())")
        }
        defer { X509_free(cert) }
        guard let pkey = X509_get_pubkey(cert) else {
            throw KeyError.malformedKey(source: source, reason: "certificate key unreadable: \(OpenSSL.drainErrors())")
        }
        try self.init(owning: pkey, source: source)
    }

    public var algorithmName: String { algorithm.name }
    /// SPKI `PUBLIC KEY` PEM, the form cosign and securesystemslib read.
    public var pem: String { PEMBlock.encode(label: "PUBLIC KEY", der: spkiDER) }
    public var description: String { "\(algorithm.name) \(keyID.prefix(16))" }

    public static func == (a: PublicKey, b: PublicKey) -> Bool { a.spkiDER == b.spkiDER }
    public func hash(into hasher: inout Swift.Hasher) { hasher.combine(spkiDER) }

    /// Whether `signature` is this key's signature over `message`. ECDSA signatures are read as
    /// DER, or as IEEE P1363 r||s when they are exactly that size and not DER (sigstore's verifier
    /// accepts both; securesystemslib and cosign write DER), and P-384 ones with SHA-384 or, as
    /// cosign 2.x makes them, SHA-256. RSA signatures are tried with each padding in `rsaPaddings`.
    public func verify(signature: Data, for message: Data,
                       rsaPaddings: Set<RSAPadding> = Set(RSAPadding.allCases)) -> Bool {
        defer { OpenSSL.clearErrors() }
        guard !signature.isEmpty, signature.count <= 4096 else { return false }
        switch algorithm {
        case .rsa:
            // Fixed order so the result does not depend on Set iteration.
            return RSAPadding.allCases.filter(rsaPaddings.contains).contains {
                verifyOnce(signature, message, digest: algorithm.digest, rsaPadding: $0)
            }
        case .ecdsaP256, .ecdsaP384:
            let der = ECDSASignature.derFromP1363(signature, algorithm: algorithm) ?? signature
            return algorithm.verificationDigests.contains { verifyOnce(der, message, digest: $0, rsaPadding: nil) }
        case .ed25519:
            return verifyOnce(signature, message, digest: nil, rsaPadding: nil)
        }
    }

    private func verifyOnce(_ signature: Data, _ message: Data, digest: OpaquePointer?, rsaPadding: RSAPadding?) -> Bool {
        guard let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        var pctx: OpaquePointer?
        guard EVP_DigestVerifyInit(ctx, &pctx, digest, nil, pkey) == 1 else { return false }
        if let rsaPadding, let pctx {
            guard RSAPaddingSetup.apply(rsaPadding, to: pctx, verifying: true) else { return false }
        }
        return signature.withUnsafeBytes { sig in
            message.withNonNilBytes { msg, msgCount in
                EVP_DigestVerify(ctx, sig.baseAddress?.assumingMemoryBound(to: UInt8.self), sig.count, msg, msgCount) == 1
            }
        }
    }
}

extension Data {
    /// Calls `body` with a pointer that is never nil (an empty Data has no base address, and
    /// some OpenSSL one-shot functions reject NULL even with a zero length).
    func withNonNilBytes<R>(_ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows -> R {
        if isEmpty {
            var zero: UInt8 = 0
            return try body(&zero, 0)
        }
        return try withUnsafeBytes { raw in
            try body(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), raw.count)
        }
    }
}

/// RSA padding parameters on an EVP_PKEY_CTX, the same for signing and verifying except for the
/// PSS salt length: signing uses the digest length (what securesystemslib and Go write), verifying
/// reads it from the signature so other salt lengths from other signers still verify.
enum RSAPaddingSetup {
    static func apply(_ padding: RSAPadding, to pctx: OpaquePointer, verifying: Bool) -> Bool {
        switch padding {
        case .pkcs1v15:
            return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1
        case .pss:
            return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1
                && EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) == 1
                && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, verifying ? RSA_PSS_SALTLEN_AUTO : RSA_PSS_SALTLEN_DIGEST) == 1
        }
    }
}
