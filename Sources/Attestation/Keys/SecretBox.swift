import COpenSSL
import Foundation

/// NaCl `crypto_secretbox` (XSalsa20-Poly1305), the cipher of cosign's encrypted key files.
/// OpenSSL has Poly1305 but no (X)Salsa20, so the stream cipher is here; the box layout is
/// NaCl's and Go's: 16-byte Poly1305 tag, then the ciphertext.
enum SecretBox {
    static let keySize = 32
    static let nonceSize = 24
    static let tagSize = 16

    /// Encrypts and authenticates `message`; the result is tag || ciphertext.
    static func seal(_ message: [UInt8], nonce: [UInt8], key: [UInt8]) -> [UInt8]? {
        guard key.count == keySize, nonce.count == nonceSize else { return nil }
        let stream = XSalsa20.keystream(key: key, nonce: nonce, count: 32 + message.count)
        var ciphertext = [UInt8](repeating: 0, count: message.count)
        for i in 0..<message.count { ciphertext[i] = message[i] ^ stream[32 + i] }
        guard let tag = Poly1305.tag(ciphertext, key: Array(stream[0..<32])) else { return nil }
        return tag + ciphertext
    }

    /// The message, or nil when the box is too short or its tag does not match (wrong key,
    /// tampered box). The tag is compared in constant time before anything is decrypted.
    static func open(_ box: [UInt8], nonce: [UInt8], key: [UInt8]) -> [UInt8]? {
        guard key.count == keySize, nonce.count == nonceSize, box.count >= tagSize else { return nil }
        let ciphertext = Array(box[tagSize...])
        let stream = XSalsa20.keystream(key: key, nonce: nonce, count: 32 + ciphertext.count)
        guard let expected = Poly1305.tag(ciphertext, key: Array(stream[0..<32])),
              constantTimeEqual(expected, Array(box[0..<tagSize])) else { return nil }
        var message = [UInt8](repeating: 0, count: ciphertext.count)
        for i in 0..<ciphertext.count { message[i] = ciphertext[i] ^ stream[32 + i] }
        return message
    }
}

/// Salsa20 with a 24-byte nonce: HSalsa20 derives a subkey from the key and the first 16 nonce
/// bytes, then Salsa20/20 runs with the subkey and the last 8 bytes (counter from 0).
enum XSalsa20 {
    static func keystream(key: [UInt8], nonce: [UInt8], count: Int) -> [UInt8] {
        let subkey = Salsa20Core.hsalsa20(key: key, input: Array(nonce[0..<16]))
        var out = [UInt8]()
        out.reserveCapacity(count + 64)
        var counter: UInt64 = 0
        let nonceWords = [Salsa20Core.word(nonce, 16), Salsa20Core.word(nonce, 20)]
        while out.count < count {
            let state = Salsa20Core.state(key: subkey, words: [nonceWords[0], nonceWords[1],
                                                               UInt32(truncatingIfNeeded: counter),
                                                               UInt32(truncatingIfNeeded: counter >> 32)])
            out += Salsa20Core.block(state)
            counter &+= 1
        }
        return Array(out.prefix(count))
    }
}

/// The Salsa20 core (Bernstein's specification): 20 rounds over a 4x4 matrix of words.
enum Salsa20Core {
    private static let sigma: [UInt32] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574]  // "expand 32-byte k"

    static func word(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    /// The input matrix: constants on the diagonal, key words around them, and the four
    /// nonce/counter (or HSalsa20 input) words in positions 6–9.
    static func state(key: [UInt8], words: [UInt32]) -> [UInt32] {
        [sigma[0], word(key, 0), word(key, 4), word(key, 8),
         word(key, 12), sigma[1], words[0], words[1],
         words[2], words[3], sigma[2], word(key, 16),
         word(key, 20), word(key, 24), word(key, 28), sigma[3]]
    }

    static func rounds(_ input: [UInt32]) -> [UInt32] {
        var x = input
        func quarter(_ a: Int, _ b: Int, _ c: Int, _ d: Int) {
            x[b] ^= (x[a] &+ x[d]).rotatedLeft(7)
            x[c] ^= (x[b] &+ x[a]).rotatedLeft(9)
            x[d] ^= (x[c] &+ x[b]).rotatedLeft(13)
            x[a] ^= (x[d] &+ x[c]).rotatedLeft(18)
        }
        for _ in 0..<10 {
            quarter(0, 4, 8, 12); quarter(5, 9, 13, 1); quarter(10, 14, 2, 6); quarter(15, 3, 7, 11)
            quarter(0, 1, 2, 3); quarter(5, 6, 7, 4); quarter(10, 11, 8, 9); quarter(15, 12, 13, 14)
        }
        return x
    }

    /// One 64-byte keystream block: the rounds' output added to their input.
    static func block(_ state: [UInt32]) -> [UInt8] {
        let x = rounds(state)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for i in 0..<16 { out += bytes(x[i] &+ state[i]) }
        return out
    }

    /// HSalsa20: the rounds without the final addition, keeping the diagonal and the input words.
    static func hsalsa20(key: [UInt8], input: [UInt8]) -> [UInt8] {
        let x = rounds(state(key: key, words: [word(input, 0), word(input, 4), word(input, 8), word(input, 12)]))
        return [0, 5, 10, 15, 6, 7, 8, 9].flatMap { bytes(x[$0]) }
    }

    private static func bytes(_ w: UInt32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: w), UInt8(truncatingIfNeeded: w >> 8),
         UInt8(truncatingIfNeeded: w >> 16), UInt8(truncatingIfNeeded: w >> 24)]
    }
}

extension UInt32 {
    fileprivate func rotatedLeft(_ n: UInt32) -> UInt32 { (self << n) | (self >> (32 - n)) }
}

/// One-time Poly1305 authenticator through OpenSSL's EVP_MAC.
enum Poly1305 {
    static func tag(_ message: [UInt8], key: [UInt8]) -> [UInt8]? {
        guard key.count == 32, let mac = EVP_MAC_fetch(nil, "POLY1305", nil) else { return nil }
        defer { EVP_MAC_free(mac) }
        guard let ctx = EVP_MAC_CTX_new(mac) else { return nil }
        defer { EVP_MAC_CTX_free(ctx) }
        guard EVP_MAC_init(ctx, key, key.count, nil) == 1 else { return nil }
        if !message.isEmpty, EVP_MAC_update(ctx, message, message.count) != 1 { return nil }
        var out = [UInt8](repeating: 0, count: 16)
        var length = 0
        guard EVP_MAC_final(ctx, &out, &length, out.count) == 1, length == 16 else { return nil }
        return out
    }
}
