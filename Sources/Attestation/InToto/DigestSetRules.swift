import Foundation

/// What a subject's DigestSet must look like (in-toto `spec/v1/digest_set.md`): the named standard
/// algorithms are lowercase hex of their fixed length; other algorithms are accepted when their value
/// is hex, so a typo'd or truncated digest can never silently match nothing.
public enum DigestSetRules {
    /// Hex lengths of the algorithms the spec names with a fixed output size.
    public static let hexLengths: [String: [Int]] = [
        "sha1": [40], "sha224": [56], "sha256": [64], "sha384": [96], "sha512": [128],
        "sha512_224": [56], "sha512_256": [64],
        "sha3_224": [56], "sha3_256": [64], "sha3_384": [96], "sha3_512": [128],
        "md5": [32], "ripemd160": [40], "sm3": [64], "dirHash": [64],
        // git object ids are SHA-1 (40) or SHA-256 (64) depending on the repository format.
        "gitCommit": [40, 64], "gitTree": [40, 64], "gitBlob": [40, 64], "gitTag": [40, 64],
    ]

    /// Throws `invalidDigest` naming `field.<algorithm>` for the first value that breaks the rules.
    public static func validate(_ digest: [String: String], field: String) throws {
        for algorithm in digest.keys.sorted() {
            let value = digest[algorithm] ?? ""
            let path = "\(field).\(algorithm)"
            guard !algorithm.isEmpty else {
                throw InTotoError.invalidDigest(field: field, reason: "digest algorithm name is empty")
            }
            guard !value.isEmpty else { throw InTotoError.invalidDigest(field: path, reason: "digest value is empty") }
            if let lengths = hexLengths[algorithm] {
                guard isLowercaseHex(value) else {
                    throw InTotoError.invalidDigest(field: path, reason: "expected lowercase hex, found \(InTotoError.quoted(value))")
                }
                guard lengths.contains(value.utf8.count) else {
                    let want = lengths.map(String.init).joined(separator: " or ")
                    throw InTotoError.invalidDigest(field: path, reason: "expected \(want) hex characters, found \(value.utf8.count)")
                }
            } else if !isHex(value) {
                throw InTotoError.invalidDigest(field: path, reason: "expected hex, found \(InTotoError.quoted(value))")
            }
        }
    }

    static func isLowercaseHex(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    static func isHex(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || ($0 >= 0x41 && $0 <= 0x46) }
    }
}
