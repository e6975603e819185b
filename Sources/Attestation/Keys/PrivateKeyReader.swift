import COpenSSL
import Foundation

/// Turns a private-key PEM into an EVP_PKEY, by its label:
/// `PRIVATE KEY` (PKCS#8), `ENCRYPTED PRIVATE KEY` (PKCS#8 PBES2), `EC PRIVATE KEY` (SEC1),
/// `RSA PRIVATE KEY` (PKCS#1), both optionally with legacy `Proc-Type: 4,ENCRYPTED` headers,
/// and cosign's `ENCRYPTED SIGSTORE PRIVATE KEY` / `ENCRYPTED COSIGN PRIVATE KEY`.
/// The DER is decoded directly and passwords are handed over, never asked for: OpenSSL's
/// default of prompting on the terminal would block a CI job.
enum PrivateKeyReader {
    static func read(pem: Data, password: String?, source: String) throws -> OpaquePointer {
        OpenSSL.clearErrors()
        let block = try PEMBlock.first(in: pem, source: source)
        switch block.label {
        case "PRIVATE KEY":
            return try pkcs8(block.body, source: source)
        case "ENCRYPTED PRIVATE KEY":
            return try encryptedPKCS8(block.body, password: try require(password, source), source: source)
        case "EC PRIVATE KEY", "RSA PRIVATE KEY":
            if block.headers["Proc-Type"]?.uppercased().contains("ENCRYPTED") == true {
                return try legacyEncrypted(block, password: try require(password, source), source: source)
            }
            let type = block.label == "EC PRIVATE KEY" ? EVP_PKEY_EC : EVP_PKEY_RSA
            guard let pkey = OpenSSL.decode(block.body, { d2i_PrivateKey(type, nil, $0, $1) }) else {
                let form = type == EVP_PKEY_EC ? "SEC1" : "PKCS#1"
                throw KeyError.malformedKey(source: source, reason: "\(block.label) is not \(form) DER: \(OpenSSL.drainErrors())")
            }
            return pkey
        case "ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY":
            let der = try CosignKeyFile.decrypt(block.body, password: try require(password, source), source: source)
            return try pkcs8(der, source: source)
        case "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE":
            throw KeyError.notAPrivateKey(source: source, label: block.label)
        case "DSA PRIVATE KEY":
            throw KeyError.unsupportedKeyType(source: source, type: "DSA")
        case "OPENSSH PRIVATE KEY":
            throw KeyError.unsupportedKeyType(
                source: source, type: "OpenSSH key file (convert it with: ssh-keygen -p -m PKCS8 -f FILE)")
        case let label:
            throw KeyError.unexpectedPEMLabel(source: source, label: label, expected: "a private key")
        }
    }

    private static func require(_ password: String?, _ source: String) throws -> [UInt8] {
        guard let password else { throw KeyError.passwordRequired(source: source) }
        return Array(password.utf8)
    }

    static func pkcs8(_ der: Data, source: String) throws -> OpaquePointer {
        guard let info = OpenSSL.decode(der, { d2i_PKCS8_PRIV_KEY_INFO(nil, $0, $1) }) else {
            throw KeyError.malformedKey(source: source, reason: "not PKCS#8 DER: \(OpenSSL.drainErrors())")
        }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        guard let pkey = EVP_PKCS82PKEY(info) else {
            throw KeyError.malformedKey(source: source, reason: "PKCS#8 key unreadable: \(OpenSSL.drainErrors())")
        }
        return pkey
    }

    private static func encryptedPKCS8(_ der: Data, password: [UInt8], source: String) throws -> OpaquePointer {
        guard let sig = OpenSSL.decode(der, { d2i_X509_SIG(nil, $0, $1) }) else {
            throw KeyError.malformedKey(source: source, reason: "not encrypted PKCS#8 DER: \(OpenSSL.drainErrors())")
        }
        defer { X509_SIG_free(sig) }
        guard password.count < Int(Int32.max) else { throw KeyError.wrongPassword(source: source) }
        let info = withPasswordPointer(password) { pw, count in PKCS8_decrypt(sig, pw, Int32(count)) }
        guard let info else {
            OpenSSL.clearErrors()
            throw KeyError.wrongPassword(source: source)
        }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        guard let pkey = EVP_PKCS82PKEY(info) else {
            // A wrong password very occasionally yields valid CBC padding over garbage.
            OpenSSL.clearErrors()
            throw KeyError.wrongPassword(source: source)
        }
        return pkey
    }

    /// Legacy `openssl ec -aes256` / `genrsa -aes256` (OpenSSL 1.x) output: PEM headers name the
    /// cipher. Only OpenSSL's PEM reader handles these; it gets the password through a callback.
    private static func legacyEncrypted(_ block: PEMBlock, password: [UInt8], source: String) throws -> OpaquePointer {
        let text = Array(block.text.utf8)
        let box = PasswordBox(password)
        let pkey: OpaquePointer? = text.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, PasswordBox.callback, Unmanaged.passUnretained(box).toOpaque())
        }
        withExtendedLifetime(box) {}
        guard let pkey else {
            OpenSSL.clearErrors()
            throw KeyError.wrongPassword(source: source)
        }
        return pkey
    }
}

/// The password handed to OpenSSL's PEM password callback through its user-data pointer.
final class PasswordBox {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Copies the password into OpenSSL's buffer; -1 (abort) when there is none or it does not
    /// fit, so OpenSSL never falls back to asking on the terminal.
    static let callback: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?) -> Int32 = {
        buffer, size, _, user in
        guard let buffer, let user, size > 0 else { return -1 }
        let box = Unmanaged<PasswordBox>.fromOpaque(user).takeUnretainedValue()
        guard box.bytes.count <= Int(size) else { return -1 }
        box.bytes.withUnsafeBytes { raw in
            if let base = raw.baseAddress { UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: raw.count) }
        }
        return Int32(box.bytes.count)
    }
}
