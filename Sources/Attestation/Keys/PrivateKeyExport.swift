import COpenSSL
import Foundation

extension PrivateKey {
    /// PBKDF2-HMAC-SHA256 rounds for encrypted PKCS#8 (OWASP's 2023 figure; OpenSSL's own
    /// default of 2048 is far too cheap for a password).
    public static let pkcs8Iterations: Int32 = 600_000

    /// DER PKCS#8 PrivateKeyInfo, unencrypted (what cosign key files carry inside their box).
    func pkcs8DER() throws -> Data {
        guard let info = EVP_PKEY2PKCS8(pkey) else {
            throw KeyError.exportFailed(reason: "cannot build PKCS#8: \(OpenSSL.drainErrors())")
        }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        guard let der = OpenSSL.der({ i2d_PKCS8_PRIV_KEY_INFO(info, $0) }) else {
            throw KeyError.exportFailed(reason: "cannot encode PKCS#8: \(OpenSSL.drainErrors())")
        }
        return der
    }

    /// PKCS#8 PEM: `PRIVATE KEY` without a password, or `ENCRYPTED PRIVATE KEY` (PBES2 with
    /// PBKDF2-HMAC-SHA256 and AES-256-CBC) with one. OpenSSL, Python's `cryptography` and
    /// securesystemslib read both; cosign reads only the unencrypted one (see `cosignPEM`).
    public func pkcs8PEM(password: String?) throws -> String {
        OpenSSL.clearErrors()
        guard let password else { return PEMBlock.encode(label: "PRIVATE KEY", der: try pkcs8DER()) }
        guard let info = EVP_PKEY2PKCS8(pkey) else {
            throw KeyError.exportFailed(reason: "cannot build PKCS#8: \(OpenSSL.drainErrors())")
        }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        let bytes = Array(password.utf8)
        guard bytes.count < 1 << 20 else { throw KeyError.exportFailed(reason: "password too long") }
        let encrypted: OpaquePointer? = withPasswordPointer(bytes) { pw, count in
            // NID -1 with a cipher selects PBES2; PBKDF2's PRF defaults to HMAC-SHA256.
            PKCS8_encrypt(-1, EVP_aes_256_cbc(), pw, Int32(count), nil, 0, Self.pkcs8Iterations, info)
        }
        guard let encrypted else {
            throw KeyError.exportFailed(reason: "PKCS#8 encryption failed: \(OpenSSL.drainErrors())")
        }
        defer { X509_SIG_free(encrypted) }
        guard let der = OpenSSL.der({ i2d_X509_SIG(encrypted, $0) }) else {
            throw KeyError.exportFailed(reason: "cannot encode encrypted PKCS#8: \(OpenSSL.drainErrors())")
        }
        return PEMBlock.encode(label: "ENCRYPTED PRIVATE KEY", der: der)
    }

    /// cosign's `ENCRYPTED SIGSTORE PRIVATE KEY`, which `cosign sign/attest --key` reads with
    /// `COSIGN_PASSWORD`: scrypt (N=65536, r=8, p=1) and NaCl secretbox over PKCS#8 DER.
    /// An empty password is allowed, as cosign allows it.
    public func cosignPEM(password: String) throws -> String {
        let body = try CosignKeyFile.encrypt(try pkcs8DER(), password: Array(password.utf8))
        return PEMBlock.encode(label: "ENCRYPTED SIGSTORE PRIVATE KEY", der: body)
    }
}
