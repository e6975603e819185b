import Foundation
import XCTest
@testable import Attestation

final class KeyTests: XCTestCase {
    private let message = Data("the bytes being signed".utf8)

    func testGeneratedKeysSignAndVerifyForEveryAlgorithm() throws {
        let cases: [(KeyAlgorithm, String)] = [(.ecdsaP256, "ecdsa-p256"), (.ecdsaP384, "ecdsa-p384"), (.ed25519, "ed25519"),
                                               (.rsa(bits: 2048), "rsa-2048"), (.rsa(bits: 3072), "rsa-3072")]
        let other = try PrivateKey.generate(.ecdsaP256)
        for (algorithm, name) in cases {
            let key = try PrivateKey.generate(algorithm)
            XCTAssertEqual(key.algorithm, algorithm)
            XCTAssertEqual(key.algorithmName, name)
            XCTAssertEqual(key.publicKey.algorithmName, name)
            for padding in RSAPadding.allCases {
                let signature = try key.sign(message, rsaPadding: padding)
                XCTAssertTrue(key.publicKey.verify(signature: signature, for: message), "\(name) \(padding)")
                XCTAssertFalse(key.publicKey.verify(signature: signature, for: message + Data([0])), "\(name) tampered")
                XCTAssertFalse(other.publicKey.verify(signature: signature, for: message), "\(name) other key")
                if case .rsa = algorithm {
                    let otherPadding: RSAPadding = padding == .pss ? .pkcs1v15 : .pss
                    XCTAssertTrue(key.publicKey.verify(signature: signature, for: message, rsaPaddings: [padding]))
                    XCTAssertFalse(key.publicKey.verify(signature: signature, for: message, rsaPaddings: [otherPadding]),
                                   "\(name): a \(padding) signature must not pass when only \(otherPadding) is allowed")
                }
            }
            if algorithm == .ecdsaP256 || algorithm == .ecdsaP384 {
                XCTAssertTrue(ECDSASignature.isDER(try key.sign(message)), "ECDSA signatures are written as DER")
            }
        }
    }

    func testRSABelow2048BitsIsRefused() throws {
        XCTAssertThrowsError(try PrivateKey.generate(.rsa(bits: 1024))) {
            XCTAssertEqual($0 as? KeyError, .rsaTooSmall(source: "key generation", bits: 1024))
        }
        let dir = try KeyFixtures.directory()
        try KeyFixtures.openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", "small.pem"], in: dir)
        XCTAssertThrowsError(try PrivateKey(pem: try KeyFixtures.read("small.pem", in: dir), source: "small.pem")) {
            XCTAssertEqual($0 as? KeyError, .rsaTooSmall(source: "small.pem", bits: 1024))
        }
    }

    /// Every PEM form, as the openssl CLI writes it, loads; the private key's public half equals the
    /// public key read from openssl's own `-pubout`; and signatures cross-verify with the CLI.
    func testEveryPEMFormMadeByOpenSSL() throws {
        let dir = try KeyFixtures.directory()
        let pw = "correct horse"
        try KeyFixtures.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec8.pem"], in: dir)
        try KeyFixtures.openssl(["ec", "-in", "ec8.pem", "-out", "sec1.pem"], in: dir)
        try KeyFixtures.openssl(["ec", "-in", "ec8.pem", "-aes256", "-passout", "pass:\(pw)", "-out", "sec1-legacy-enc.pem"], in: dir)
        try KeyFixtures.openssl(["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "ec8.pem", "-passout", "pass:\(pw)", "-out", "ec8-enc.pem"], in: dir)
        try KeyFixtures.openssl(["pkey", "-in", "ec8.pem", "-pubout", "-out", "ec-spki.pem"], in: dir)
        try KeyFixtures.openssl(["req", "-x509", "-new", "-key", "ec8.pem", "-subj", "/CN=vouch test", "-days", "1", "-out", "ec-cert.pem"], in: dir)
        try KeyFixtures.openssl(["genrsa", "-traditional", "-out", "rsa1.pem", "2048"], in: dir)
        try KeyFixtures.openssl(["pkcs8", "-topk8", "-in", "rsa1.pem", "-passout", "pass:\(pw)", "-out", "rsa8-enc.pem"], in: dir)
        try KeyFixtures.openssl(["rsa", "-in", "rsa1.pem", "-RSAPublicKey_out", "-out", "rsa-pkcs1-pub.pem"], in: dir)
        try KeyFixtures.openssl(["pkey", "-in", "rsa1.pem", "-pubout", "-out", "rsa-spki.pem"], in: dir)
        try KeyFixtures.openssl(["genpkey", "-algorithm", "ED25519", "-out", "ed.pem"], in: dir)
        try KeyFixtures.openssl(["pkey", "-in", "ed.pem", "-pubout", "-out", "ed-spki.pem"], in: dir)
        try KeyFixtures.openssl(["ecparam", "-name", "prime256v1", "-genkey", "-out", "ecparam-key.pem"], in: dir)
        try KeyFixtures.openssl(["pkey", "-in", "ecparam-key.pem", "-pubout", "-out", "ecparam-spki.pem"], in: dir)
        try KeyFixtures.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "p384.pem"], in: dir)
        try KeyFixtures.openssl(["pkey", "-in", "p384.pem", "-pubout", "-out", "p384-spki.pem"], in: dir)

        let ecPub = try PublicKey(pem: try KeyFixtures.read("ec-spki.pem", in: dir))
        let rsaPub = try PublicKey(pem: try KeyFixtures.read("rsa-spki.pem", in: dir))
        XCTAssertEqual(try PublicKey(pem: try KeyFixtures.read("ec-cert.pem", in: dir)), ecPub, "a certificate yields its key")
        XCTAssertEqual(try PublicKey(pem: try KeyFixtures.read("rsa-pkcs1-pub.pem", in: dir)), rsaPub, "PKCS#1 RSA PUBLIC KEY")

        let privateForms: [(String, String?, PublicKey)] = [
            ("ec8.pem", nil, ecPub), ("sec1.pem", nil, ecPub), ("sec1-legacy-enc.pem", pw, ecPub), ("ec8-enc.pem", pw, ecPub),
            ("rsa1.pem", nil, rsaPub), ("rsa8-enc.pem", pw, rsaPub),
            ("ed.pem", nil, try PublicKey(pem: try KeyFixtures.read("ed-spki.pem", in: dir))),
            ("p384.pem", nil, try PublicKey(pem: try KeyFixtures.read("p384-spki.pem", in: dir))),
            // `EC PARAMETERS` block first, then the SEC1 key.
            ("ecparam-key.pem", nil, try PublicKey(pem: try KeyFixtures.read("ecparam-spki.pem", in: dir))),
        ]
        try Data(message).write(to: dir.appendingPathComponent("msg"))
        for (file, password, expectedPublic) in privateForms {
            let key = try PrivateKey(contentsOf: dir.appendingPathComponent(file), password: password)
            XCTAssertEqual(key.publicKey, expectedPublic, file)
            // vouch's signature verifies with the openssl CLI.
            let signature = try key.sign(message)
            try signature.write(to: dir.appendingPathComponent("sig"))
            // vouch's own PEM export of the public key, which openssl must read too.
            let pubFile = "pub-\(file)"
            try Data(key.publicKey.pem.utf8).write(to: dir.appendingPathComponent(pubFile))
            let verifyArgs = key.algorithm == .ed25519
                ? ["pkeyutl", "-verify", "-pubin", "-inkey", pubFile, "-rawin", "-in", "msg", "-sigfile", "sig"]
                : ["dgst", key.algorithm == .ecdsaP384 ? "-sha384" : "-sha256", "-verify", pubFile, "-signature", "sig", "msg"]
            XCTAssertTrue(try KeyFixtures.openssl(verifyArgs, in: dir).contains("Verified"), "openssl verifies vouch's \(file) signature")
        }
        // And the CLI's signatures verify with vouch, P-384 with SHA-384 or (as cosign 2.x signs) SHA-256.
        let p384 = try PublicKey(pem: try KeyFixtures.read("p384-spki.pem", in: dir))
        for digest in ["-sha384", "-sha256"] {
            try KeyFixtures.openssl(["dgst", digest, "-sign", "p384.pem", "-out", "p384.sig", "msg"], in: dir)
            XCTAssertTrue(p384.verify(signature: try KeyFixtures.read("p384.sig", in: dir), for: message), digest)
        }
        try KeyFixtures.openssl(["dgst", "-sha512", "-sign", "p384.pem", "-out", "p384.sig", "msg"], in: dir)
        XCTAssertFalse(p384.verify(signature: try KeyFixtures.read("p384.sig", in: dir), for: message), "other digests are not tried")
        try KeyFixtures.openssl(["dgst", "-sha256", "-sign", "ec8.pem", "-out", "ec.sig", "msg"], in: dir)
        XCTAssertTrue(ecPub.verify(signature: try KeyFixtures.read("ec.sig", in: dir), for: message))
        try KeyFixtures.openssl(["dgst", "-sha256", "-sign", "rsa1.pem", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32",
                                 "-out", "rsa-pss.sig", "msg"], in: dir)
        XCTAssertTrue(rsaPub.verify(signature: try KeyFixtures.read("rsa-pss.sig", in: dir), for: message, rsaPaddings: [.pss]))
        XCTAssertFalse(rsaPub.verify(signature: try KeyFixtures.read("rsa-pss.sig", in: dir), for: message, rsaPaddings: [.pkcs1v15]))
    }

    func testWrongOrMissingPasswordIsATypedError() throws {
        let dir = try KeyFixtures.directory()
        try KeyFixtures.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "k.pem"], in: dir)
        try KeyFixtures.openssl(["pkcs8", "-topk8", "-in", "k.pem", "-passout", "pass:right", "-out", "enc.pem"], in: dir)
        try KeyFixtures.openssl(["ec", "-in", "k.pem", "-aes256", "-passout", "pass:right", "-out", "legacy.pem"], in: dir)
        let cosignBody = try CosignKeyFile.encrypt(try PrivateKey(pem: try KeyFixtures.read("k.pem", in: dir)).pkcs8DER(),
                                                   password: Array("right".utf8))
        try Data(PEMBlock.encode(label: "ENCRYPTED SIGSTORE PRIVATE KEY", der: cosignBody).utf8)
            .write(to: dir.appendingPathComponent("cosign.key"))
        for file in ["enc.pem", "legacy.pem", "cosign.key"] {
            let url = dir.appendingPathComponent(file)
            XCTAssertThrowsError(try PrivateKey(contentsOf: url, password: "wrong")) { error in
                XCTAssertEqual(error as? KeyError, .wrongPassword(source: url.path), file)
                XCTAssertEqual("\(error)", "\(url.path): wrong password or corrupt key")
            }
            XCTAssertThrowsError(try PrivateKey(contentsOf: url, password: nil)) {
                XCTAssertEqual($0 as? KeyError, .passwordRequired(source: url.path), file)
            }
            XCTAssertNoThrow(try PrivateKey(contentsOf: url, password: "right"), file)
        }
    }

    func testMalformedPEMGivesTypedErrors() throws {
        let key = try PrivateKey.generate(.ecdsaP256)
        let good = try key.pkcs8PEM(password: nil)
        let lines = good.split(separator: "\n").map(String.init)
        func privateError(_ data: Data) -> KeyError? {
            do { _ = try PrivateKey(pem: data, source: "k.pem"); return nil } catch { return error as? KeyError }
        }
        func privateError(_ text: String) -> KeyError? { privateError(Data(text.utf8)) }
        func expectUnreadable(_ data: Data, _ what: String) {
            guard case .unreadablePEM(source: "k.pem", _)? = privateError(data) else {
                return XCTFail("\(what): expected unreadablePEM, got \(String(describing: privateError(data)))")
            }
        }
        func expectUnreadable(_ text: String, _ what: String) { expectUnreadable(Data(text.utf8), what) }
        expectUnreadable(lines.dropLast().joined(separator: "\n"), "truncated (no END)")
        expectUnreadable(lines[0] + "\n" + lines[1] + "\n-----END PUBLIC KEY-----\n", "END label mismatch")
        expectUnreadable(good.replacingOccurrences(of: lines[1], with: "!!!!" + lines[1].dropFirst(4)), "bad base64")
        expectUnreadable("", "empty")
        expectUnreadable(String(decoding: (0..<200).map { UInt8(($0 * 37 + 11) % 127 + 1) }, as: UTF8.self), "garbage text")
        expectUnreadable(Data([0x30, 0x82, 0xff, 0xfe, 0x80, 0x81]), "binary DER instead of PEM")
        guard case .malformedKey(source: "k.pem", _)? = privateError(good.replacingOccurrences(of: lines[1], with: String(lines[1].reversed()))) else {
            return XCTFail("a valid base64 body that is not DER must be malformedKey")
        }
        // Half the DER: base64 is fine, the ASN.1 is cut short.
        let half = PEMBlock.encode(label: "PRIVATE KEY", der: try key.pkcs8DER().prefix(40))
        guard case .malformedKey? = privateError(half) else { return XCTFail("truncated DER must be malformedKey") }
        // Trailing bytes after a complete key are not ignored.
        let trailing = PEMBlock.encode(label: "PRIVATE KEY", der: try key.pkcs8DER() + Data([0, 0]))
        guard case .malformedKey? = privateError(trailing) else { return XCTFail("trailing bytes must be malformedKey") }
        XCTAssertEqual(privateError(good.replacingOccurrences(of: "PRIVATE KEY", with: "CERTIFICATE REQUEST")),
                       .unexpectedPEMLabel(source: "k.pem", label: "CERTIFICATE REQUEST", expected: "a private key"))
        XCTAssertEqual(privateError(key.publicKey.pem), .notAPrivateKey(source: "k.pem", label: "PUBLIC KEY"))
        XCTAssertThrowsError(try PublicKey(pem: Data(good.utf8), source: "k.pem")) {
            XCTAssertEqual($0 as? KeyError, .notAPublicKey(source: "k.pem", label: "PRIVATE KEY"))
        }
        XCTAssertThrowsError(try PublicKey(pem: Data(key.publicKey.pem.replacingOccurrences(of: "PUBLIC KEY", with: "X509 CRL").utf8), source: "p")) {
            XCTAssertEqual($0 as? KeyError, .unexpectedPEMLabel(source: "p", label: "X509 CRL", expected: "a public key or certificate"))
        }
    }

    func testUnsupportedKeyTypesAreNamed() throws {
        let dir = try KeyFixtures.directory()
        try KeyFixtures.openssl(["dsaparam", "-noout", "-genkey", "-out", "dsa.pem", "1024"], in: dir)
        try KeyFixtures.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521", "-out", "p521.pem"], in: dir)
        try KeyFixtures.openssl(["pkey", "-in", "p521.pem", "-pubout", "-out", "p521.pub"], in: dir)
        try KeyFixtures.openssl(["genpkey", "-algorithm", "ED448", "-out", "ed448.pem"], in: dir)
        try KeyFixtures.openssl(["genpkey", "-algorithm", "X25519", "-out", "x25519.pem"], in: dir)
        let expectations = [("dsa.pem", "DSA"), ("p521.pem", "ECDSA P-521"), ("ed448.pem", "Ed448")]
        for (file, type) in expectations {
            XCTAssertThrowsError(try PrivateKey(pem: try KeyFixtures.read(file, in: dir), source: file)) {
                XCTAssertEqual($0 as? KeyError, .unsupportedKeyType(source: file, type: type))
            }
        }
        XCTAssertThrowsError(try PublicKey(pem: try KeyFixtures.read("p521.pub", in: dir), source: "p521.pub")) {
            XCTAssertEqual($0 as? KeyError, .unsupportedKeyType(source: "p521.pub", type: "ECDSA P-521"))
        }
        XCTAssertThrowsError(try PrivateKey(pem: try KeyFixtures.read("x25519.pem", in: dir), source: "x")) {
            guard case .unsupportedKeyType(source: "x", let type)? = $0 as? KeyError else { return XCTFail("\($0)") }
            XCTAssertTrue(type.contains("key-agreement"), type)
        }
    }

    func testExportRoundTrips() throws {
        let dir = try KeyFixtures.directory()
        for algorithm in [KeyAlgorithm.ecdsaP256, .ed25519, .rsa(bits: 2048)] {
            let key = try PrivateKey.generate(algorithm)
            let plain = try key.pkcs8PEM(password: nil)
            XCTAssertTrue(plain.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
            XCTAssertEqual(try PrivateKey(pem: Data(plain.utf8)).publicKey, key.publicKey)
            XCTAssertTrue(key.publicKey.pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
            XCTAssertEqual(try PublicKey(pem: Data(key.publicKey.pem.utf8)), key.publicKey)

            let encrypted = try key.pkcs8PEM(password: "s3cret")
            XCTAssertTrue(encrypted.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"))
            XCTAssertEqual(try PrivateKey(pem: Data(encrypted.utf8), password: "s3cret").publicKey, key.publicKey)
            XCTAssertThrowsError(try PrivateKey(pem: Data(encrypted.utf8), password: "S3cret"))
            // OpenSSL reads it, and the scheme is PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC.
            try Data(encrypted.utf8).write(to: dir.appendingPathComponent("enc.pem"))
            try KeyFixtures.openssl(["pkey", "-in", "enc.pem", "-passin", "pass:s3cret", "-pubout", "-out", "pub.pem"], in: dir)
            XCTAssertEqual(try PublicKey(pem: try KeyFixtures.read("pub.pem", in: dir)), key.publicKey)
            let structure = try KeyFixtures.openssl(["asn1parse", "-in", "enc.pem"], in: dir)
            for oid in ["PBES2", "PBKDF2", "hmacWithSHA256", "aes-256-cbc"] { XCTAssertTrue(structure.contains(oid), "\(oid) in\n\(structure)") }

            let cosign = try key.cosignPEM(password: "pw")
            XCTAssertTrue(cosign.hasPrefix("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"))
            XCTAssertEqual(try PrivateKey(pem: Data(cosign.utf8), password: "pw").publicKey, key.publicKey)
        }
    }

    func testKeyIDIsSHA256OfSPKIDER() throws {
        let dir = try KeyFixtures.directory()
        let key = try PrivateKey.generate(.ecdsaP256)
        try Data(key.publicKey.pem.utf8).write(to: dir.appendingPathComponent("pub.pem"))
        try KeyFixtures.openssl(["pkey", "-pubin", "-in", "pub.pem", "-outform", "DER", "-out", "pub.der"], in: dir)
        let digest = try KeyFixtures.openssl(["dgst", "-sha256", "-r", "pub.der"], in: dir)
        XCTAssertEqual(key.keyID, String(digest.prefix(64)))
        XCTAssertEqual(key.keyID, key.publicKey.keyID)
        XCTAssertTrue(key.keyID.allSatisfy { "0123456789abcdef".contains($0) } && key.keyID.count == 64)
        XCTAssertNotEqual(try PrivateKey.generate(.ecdsaP256).keyID, key.keyID)
    }

    /// cosign and sigstore accept IEEE P1363 (r||s) ECDSA signatures as well as DER, so vouch does.
    func testECDSAP1363SignaturesVerify() throws {
        for (algorithm, size) in [(KeyAlgorithm.ecdsaP256, 32), (.ecdsaP384, 48)] {
            let key = try PrivateKey.generate(algorithm)
            let der = [UInt8](try key.sign(message))
            // SEQUENCE { INTEGER r, INTEGER s } with short-form lengths (always so for P-256/P-384).
            XCTAssertEqual(der[0], 0x30)
            var index = 2
            var raw: [UInt8] = []
            for _ in 0..<2 {
                XCTAssertEqual(der[index], 0x02)
                let length = Int(der[index + 1])
                let integer = Array(der[(index + 2)..<(index + 2 + length)].drop { $0 == 0 })
                raw += [UInt8](repeating: 0, count: size - integer.count) + integer
                index += 2 + length
            }
            XCTAssertTrue(key.publicKey.verify(signature: Data(raw), for: message), "\(algorithm) r||s")
            XCTAssertFalse(key.publicKey.verify(signature: Data(raw), for: message + Data("x".utf8)))
            XCTAssertFalse(key.publicKey.verify(signature: Data(raw.dropLast()), for: message), "wrong-size r||s")
            XCTAssertFalse(key.publicKey.verify(signature: Data(repeating: 0xAB, count: 2 * size), for: message))
        }
    }

    // MARK: cosign key files

    /// NaCl's own secretbox test vector (tests/secretbox.c, also in libsodium): key `firstkey`,
    /// the 24-byte nonce, the 131-byte message; the box is the 16-byte tag then the ciphertext.
    func testSecretBoxMatchesTheNaClVector() throws {
        let key = KeyFixtures.hex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389")
        let nonce = KeyFixtures.hex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37")
        let message = KeyFixtures.hex("""
            be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705
            """)
        let box = KeyFixtures.hex("""
            f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74e355a5
            """)
        XCTAssertEqual(SecretBox.seal(message, nonce: nonce, key: key), box)
        XCTAssertEqual(SecretBox.open(box, nonce: nonce, key: key), message)
        var tampered = box
        tampered[40] ^= 1
        XCTAssertNil(SecretBox.open(tampered, nonce: nonce, key: key))
        var badTag = box
        badTag[0] ^= 0x80
        XCTAssertNil(SecretBox.open(badTag, nonce: nonce, key: key))
        XCTAssertNil(SecretBox.open(Array(box.prefix(15)), nonce: nonce, key: key))
    }

    /// HSalsa20 vector from NaCl's tests/core2.c: firstkey and the nonce's first 16 bytes give secondkey.
    func testHSalsa20MatchesTheNaClVector() {
        let firstkey = KeyFixtures.hex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389")
        let input = KeyFixtures.hex("69696ee955b62b73cd62bda875fc73d6")
        XCTAssertEqual(Salsa20Core.hsalsa20(key: firstkey, input: input),
                       KeyFixtures.hex("dc908dda0b9344a953629b7338207788 80f3ceb421bb61b91cbd4c3e66256ce4"))
    }

    /// go-securesystemslib `encrypted` test vectors (password "supersecret", plaintext "reallyimportant";
    /// its `Marshal` vectors hold the plaintext JSON-encoded as a base64 string).
    func testSecureSystemsLibEncryptedVectors() throws {
        let marshalled = Data("\"\(Data("reallyimportant".utf8).base64EncodedString())\"".utf8)
        let vectors: [(String, Data)] = [
            (#"{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"N9a7x5JFGbrtB2uBR81jPwp0eiLR4A7FV3mjVAQrg1g="},"cipher":{"name":"nacl/secretbox","nonce":"2h8HxMmgRfuYdpswZBQaU3xJ1nkA/5Ik"},"ciphertext":"SEW6sUh0jf2wfdjJGPNS9+bkk2uB+Cxamf32zR8XkQ=="}"#, Data("reallyimportant".utf8)),
            (#"{"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":"FhzPOt9/bJG4PTq6lQ6ecG6GzaOuOy/ynG5+yRiFlNs="},"cipher":{"name":"nacl/secretbox","nonce":"aw1ng1jHaDz/tQ7V2gR9O2+IGQ8xJEuE"},"ciphertext":"HycvuLZL4sYH0BrYTh4E/H20VtAW6u5zL5Pr+IBjYLYnCPzDkq8="}"#, marshalled),
            (#"{"kdf":{"name":"scrypt","params":{"N":131072,"r":8,"p":1},"salt":"m38E3kouJTtiheLQN22NQ8DTito5hrjpUIskqcd375k="},"cipher":{"name":"nacl/secretbox","nonce":"Y6PM13yA+o44pE/W1ZBwczeGnTV/m9Zc"},"ciphertext":"6H8sqj1K6B6yDjtH5AQ6lbFigg/C2yDDJc4rYJ79w9aVPImFIPI="}"#, marshalled),
        ]
        for (vector, plaintext) in vectors {
            XCTAssertEqual(try CosignKeyFile.decrypt(Data(vector.utf8), password: Array("supersecret".utf8), source: "v"), plaintext)
            XCTAssertThrowsError(try CosignKeyFile.decrypt(Data(vector.utf8), password: Array("supersecreT".utf8), source: "v")) {
                XCTAssertEqual($0 as? KeyError, .wrongPassword(source: "v"))
            }
        }
        let unsupported = #"{"kdf":{"name":"scrypt","params":{"N":99,"r":99,"p":99},"salt":"cZFcQJdwPhPyhU1R4qkl0qVOIjZd4V/7LYYAavq166k="},"cipher":{"name":"nacl/secretbox","nonce":"7vhRS7j0hEPBWV05skAdgLj81AkGeE7U"},"ciphertext":"6WYU/YSXVbYzl/NzaeAzmjLyfFhOOjLc0d8/GFV0aBFdJvyCcXc="}"#
        XCTAssertThrowsError(try CosignKeyFile.decrypt(Data(unsupported.utf8), password: [], source: "v")) {
            guard case .unsupportedEncryption(source: "v", _)? = $0 as? KeyError else { return XCTFail("\($0)") }
        }
        let hostile = [
            (#"{"kdf":{"name":"scrypt","params":{"N":1073741824,"r":8,"p":1},"salt":"AA=="},"cipher":{"name":"nacl/secretbox","nonce":"2h8HxMmgRfuYdpswZBQaU3xJ1nkA/5Ik"},"ciphertext":"SEW6sUh0jf2wfdjJGPNS9+bkk2uB+Cxamf32zR8XkQ=="}"#, "huge N"),
            (#"{"kdf":{"name":"pbkdf2","params":{},"salt":"AA=="},"cipher":{"name":"nacl/secretbox","nonce":"AA=="},"ciphertext":"AA=="}"#, "other KDF"),
            (#"{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"AA=="},"cipher":{"name":"aes-gcm","nonce":"AA=="},"ciphertext":"AA=="}"#, "other cipher"),
        ]
        for (text, what) in hostile {
            XCTAssertThrowsError(try CosignKeyFile.decrypt(Data(text.utf8), password: [], source: "v"), what) {
                guard case .unsupportedEncryption? = $0 as? KeyError else { return XCTFail("\(what): \($0)") }
            }
        }
        let malformed = [#"[]"#, #"{"kdf":"scrypt"}"#, #"{"kdf":{"name":"scrypt","params":{"N":"x","r":8,"p":1}}}"#,
                         #"{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"%%"},"cipher":{"name":"nacl/secretbox","nonce":"AA=="},"ciphertext":"AA=="}"#,
                         #"{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"AA=="},"cipher":{"name":"nacl/secretbox","nonce":"AA=="},"ciphertext":"AA=="}"#]
        for text in malformed {
            XCTAssertThrowsError(try CosignKeyFile.decrypt(Data(text.utf8), password: [], source: "v"), text) {
                guard case .malformedKey? = $0 as? KeyError else { return XCTFail("\(text): \($0)") }
            }
        }
    }

    /// Every truncation and a spread of byte flips of real key files give a key or a KeyError,
    /// never a crash (a crash would end the test process).
    func testMangledKeyFilesNeverCrash() throws {
        let ec = try PrivateKey.generate(.ecdsaP256)
        let rsa = try PrivateKey.generate(.rsa(bits: 2048))
        let inputs = [try ec.pkcs8PEM(password: nil), try rsa.pkcs8PEM(password: nil), ec.publicKey.pem, rsa.publicKey.pem]
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        for text in inputs {
            let bytes = [UInt8](text.utf8)
            var variants = (0..<bytes.count).map { Array(bytes.prefix($0)) }
            for _ in 0..<300 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                var mangled = bytes
                mangled[Int(seed >> 33) % bytes.count] ^= UInt8(truncatingIfNeeded: seed >> 8) | 1
                variants.append(mangled)
            }
            for variant in variants {
                for attempt in [{ _ = try PrivateKey(pem: Data(variant), password: "x") }, { _ = try PublicKey(pem: Data(variant)) }] {
                    do { try attempt() } catch is KeyError {} catch { XCTFail("untyped error \(error)") }
                }
            }
        }
    }
}
