import COpenSSL
import Foundation

/// Streaming SHA-256 (or SHA-512 / SHA-384) over OpenSSL's EVP interface.
public final class Hasher {
    public enum Algorithm: String, Sendable {
        case sha256, sha384, sha512
        fileprivate var md: OpaquePointer? {
            switch self {
            case .sha256: return EVP_sha256()
            case .sha384: return EVP_sha384()
            case .sha512: return EVP_sha512()
            }
        }
    }
    private let ctx: OpaquePointer
    public let algorithm: Algorithm

    public init(_ algorithm: Algorithm = .sha256) {
        self.algorithm = algorithm
        ctx = EVP_MD_CTX_new()!
        EVP_DigestInit_ex(ctx, algorithm.md, nil)
    }
    deinit { EVP_MD_CTX_free(ctx) }

    public func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        EVP_DigestUpdate(ctx, base, buffer.count)
    }
    public func update(_ data: Data) { data.withUnsafeBytes { update($0) } }
    public func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    public func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var len: UInt32 = 0
        EVP_DigestFinal_ex(ctx, &out, &len)
        return Array(out.prefix(Int(len)))
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var s = [UInt8]()
        s.reserveCapacity(bytes.count * 2)
        for b in bytes { s.append(digits[Int(b >> 4)]); s.append(digits[Int(b & 15)]) }
        return String(decoding: s, as: UTF8.self)
    }

    public static func sha256Hex(_ data: Data) -> String {
        let h = Hasher(.sha256); h.update(data); return hex(h.finalize())
    }
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        let h = Hasher(.sha256); h.update(bytes); return hex(h.finalize())
    }
}

/// An OCI content digest, `algorithm:hex`. Only sha256 and sha512 are accepted, with
/// lowercase hex of the right length, so a digest can safely name a file under blobs/.
public struct Digest: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let algorithm: String
    public let hex: String

    public init?(_ string: String) {
        let parts = string.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let alg = String(parts[0]), hex = String(parts[1])
        let expected: Int
        switch alg {
        case "sha256": expected = 64
        case "sha512": expected = 128
        default: return nil
        }
        guard hex.utf8.count == expected,
              hex.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else { return nil }
        self.algorithm = alg
        self.hex = hex
    }

    public init(sha256Of data: Data) {
        algorithm = "sha256"
        hex = Hasher.sha256Hex(data)
    }

    public var description: String { "\(algorithm):\(hex)" }
    public var short: String { "\(algorithm):\(hex.prefix(12))" }
    public static func < (a: Digest, b: Digest) -> Bool { a.description < b.description }

    public var hasherAlgorithm: Hasher.Algorithm { algorithm == "sha512" ? .sha512 : .sha256 }

    /// Whether `data` hashes to this digest.
    public func matches(_ data: Data) -> Bool {
        let h = Hasher(hasherAlgorithm)
        h.update(data)
        return Hasher.hex(h.finalize()) == hex
    }
}
