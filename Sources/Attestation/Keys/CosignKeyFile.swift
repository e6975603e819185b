import COpenSSL
import Foundation
import JSON

/// The body of cosign's `ENCRYPTED SIGSTORE PRIVATE KEY` (go-securesystemslib `encrypted`):
/// `{"kdf":{"name":"scrypt","params":{"N":…,"r":…,"p":…},"salt":"…"},
///   "cipher":{"name":"nacl/secretbox","nonce":"…"},"ciphertext":"…"}`
/// where the box key is scrypt(password, salt, N, r, p) → 32 bytes and the box holds PKCS#8 DER.
enum CosignKeyFile {
    struct ScryptParameters: Equatable {
        let n: Int, r: Int, p: Int
        /// What cosign writes (go-securesystemslib's "standard" strength).
        static let standard = ScryptParameters(n: 65536, r: 8, p: 1)
    }

    /// A hostile key file must not make vouch allocate gigabytes or spin for minutes:
    /// N up to 2^18 and scrypt memory (128·N·r) up to 256 MiB. cosign itself writes N=2^15–2^17.
    static func check(_ params: ScryptParameters, source: String) throws {
        let n = params.n, r = params.r, p = params.p
        guard n >= 2, n <= 1 << 18, n & (n - 1) == 0 else {
            throw KeyError.unsupportedEncryption(source: source, reason: "scrypt N=\(n) (must be a power of two up to 262144)")
        }
        guard (1...32).contains(r), (1...16).contains(p), 128 * n * r <= 256 << 20 else {
            throw KeyError.unsupportedEncryption(source: source, reason: "scrypt parameters N=\(n) r=\(r) p=\(p) are out of range")
        }
    }

    static func decrypt(_ body: Data, password: [UInt8], source: String) throws -> Data {
        let json: JSON
        do { json = try JSON.parse(body) } catch {
            throw KeyError.malformedKey(source: source, reason: "cosign key body is not JSON (\(error))")
        }
        func field(_ value: JSON?, _ name: String) throws -> JSON {
            guard let value else { throw KeyError.malformedKey(source: source, reason: "cosign key has no '\(name)'") }
            return value
        }
        func string(_ value: JSON?, _ name: String) throws -> String {
            guard let s = try field(value, name).string else {
                throw KeyError.malformedKey(source: source, reason: "cosign key field '\(name)' is not a string")
            }
            return s
        }
        func base64(_ value: JSON?, _ name: String) throws -> [UInt8] {
            guard let d = FlexibleBase64.decode(try string(value, name)) else {
                throw KeyError.malformedKey(source: source, reason: "cosign key field '\(name)' is not base64")
            }
            return [UInt8](d)
        }
        func integer(_ value: JSON?, _ name: String) throws -> Int {
            guard let i = try field(value, name).int, let v = Int(exactly: i) else {
                throw KeyError.malformedKey(source: source, reason: "cosign key field '\(name)' is not an integer")
            }
            return v
        }
        guard json.object != nil else { throw KeyError.malformedKey(source: source, reason: "cosign key body is not a JSON object") }
        let kdf = try field(json["kdf"], "kdf")
        let kdfName = try string(kdf["name"], "kdf.name")
        guard kdfName == "scrypt" else {
            throw KeyError.unsupportedEncryption(source: source, reason: "KDF '\(kdfName)' (only scrypt)")
        }
        let params = try field(kdf["params"], "kdf.params")
        let scrypt = ScryptParameters(n: try integer(params["N"], "kdf.params.N"), r: try integer(params["r"], "kdf.params.r"),
                                      p: try integer(params["p"], "kdf.params.p"))
        try check(scrypt, source: source)
        let salt = try base64(kdf["salt"], "kdf.salt")
        let cipher = try field(json["cipher"], "cipher")
        let cipherName = try string(cipher["name"], "cipher.name")
        guard cipherName == "nacl/secretbox" else {
            throw KeyError.unsupportedEncryption(source: source, reason: "cipher '\(cipherName)' (only nacl/secretbox)")
        }
        let nonce = try base64(cipher["nonce"], "cipher.nonce")
        guard nonce.count == SecretBox.nonceSize else {
            throw KeyError.malformedKey(source: source, reason: "secretbox nonce is \(nonce.count) bytes, not 24")
        }
        let box = try base64(json["ciphertext"], "ciphertext")
        guard box.count >= SecretBox.tagSize else {
            throw KeyError.malformedKey(source: source, reason: "ciphertext is shorter than its 16-byte tag")
        }
        let key = try Scrypt.derive(password: password, salt: salt, parameters: scrypt, source: source)
        guard let plaintext = SecretBox.open(box, nonce: nonce, key: key) else {
            throw KeyError.wrongPassword(source: source)
        }
        return Data(plaintext)
    }

    static func encrypt(_ plaintext: Data, password: [UInt8], parameters: ScryptParameters = .standard) throws -> Data {
        let salt = try OpenSSL.randomBytes(32)
        let nonce = try OpenSSL.randomBytes(SecretBox.nonceSize)
        let key = try Scrypt.derive(password: password, salt: salt, parameters: parameters, source: "cosign key export")
        guard let box = SecretBox.seal([UInt8](plaintext), nonce: nonce, key: key) else {
            throw KeyError.exportFailed(reason: "secretbox sealing failed")
        }
        let json: JSON = [
            "kdf": ["name": "scrypt",
                    "params": ["N": .int(Int64(parameters.n)), "r": .int(Int64(parameters.r)), "p": .int(Int64(parameters.p))],
                    "salt": .string(Data(salt).base64EncodedString())],
            "cipher": ["name": "nacl/secretbox", "nonce": .string(Data(nonce).base64EncodedString())],
            "ciphertext": .string(Data(box).base64EncodedString()),
        ]
        return json.serialized([])
    }
}

/// scrypt through OpenSSL's EVP_PBE_scrypt, always 32 bytes (a secretbox key).
enum Scrypt {
    static func derive(password: [UInt8], salt: [UInt8], parameters: CosignKeyFile.ScryptParameters,
                       source: String) throws -> [UInt8] {
        var key = [UInt8](repeating: 0, count: 32)
        // OpenSSL refuses work above maxmem (32 MiB by default); allow what the parameters need.
        let maxmem = UInt64(128 * parameters.r * (parameters.n + parameters.p + 2)) + (1 << 20)
        let ok = withPasswordPointer(password) { pw, count in
            EVP_PBE_scrypt(pw, count, salt, salt.count,
                           UInt64(parameters.n), UInt64(parameters.r), UInt64(parameters.p), maxmem, &key, key.count)
        }
        guard ok == 1 else {
            throw KeyError.unsupportedEncryption(source: source, reason: "scrypt failed: \(OpenSSL.drainErrors())")
        }
        return key
    }
}
