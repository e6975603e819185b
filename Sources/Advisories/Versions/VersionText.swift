/// Byte-level helpers shared by the version parsers. Parsers work on `utf8` bytes, never `Character`s,
/// because the matcher parses thousands of versions per scan.
enum VersionText {
    /// Longer versions are hostile or broken; real ones stay far below this.
    static let maxLength = 256

    /// The UTF-8 bytes of `text`, refusing empty and over-long input with the scheme's error.
    static func bytes(_ text: String, scheme: String) throws -> [UInt8] {
        let count = text.utf8.count
        if count == 0 { throw VersionError(scheme: scheme, version: text, reason: "empty version") }
        if count > maxLength {
            throw VersionError(scheme: scheme, version: text, reason: "\(count) bytes is longer than the \(maxLength)-byte limit")
        }
        return Array(text.utf8)
    }

    /// `bytes` without surrounding ASCII whitespace (ecosystems that tolerate it: PEP 440, RubyGems, dpkg).
    static func trimmed(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        var lo = bytes.startIndex, hi = bytes.endIndex
        while lo < hi, isSpace(bytes[lo]) { lo += 1 }
        while hi > lo, isSpace(bytes[hi - 1]) { hi -= 1 }
        return bytes[lo..<hi]
    }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
    @inline(__always) static func isLower(_ c: UInt8) -> Bool { c &- 0x61 < 26 }
    @inline(__always) static func isUpper(_ c: UInt8) -> Bool { c &- 0x41 < 26 }
    @inline(__always) static func isAlpha(_ c: UInt8) -> Bool { isLower(c) || isUpper(c) }
    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || isAlpha(c) }
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
    @inline(__always) static func lower(_ c: UInt8) -> UInt8 { isUpper(c) ? c | 0x20 : c }

    /// The end of the run of bytes from `start` that satisfy `test`.
    @inline(__always)
    static func run(_ bytes: ArraySlice<UInt8>, from start: Int, while test: (UInt8) -> Bool) -> Int {
        var i = start
        while i < bytes.endIndex, test(bytes[i]) { i += 1 }
        return i
    }

    /// Byte-wise ordering (C `strcmp`/`memcmp`, Ruby and Python string `<=>` on ASCII).
    static func compareBytes(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Int {
        var i = a.startIndex, j = b.startIndex
        while i < a.endIndex, j < b.endIndex {
            if a[i] != b[j] { return a[i] < b[j] ? -1 : 1 }
            i += 1; j += 1
        }
        let ra = a.endIndex - i, rb = b.endIndex - j
        return ra == rb ? 0 : (ra < rb ? -1 : 1)
    }

    /// A byte as an error message shows it: printable ASCII as itself, anything else as `\xNN`.
    static func show(_ byte: UInt8) -> String {
        byte < 0x7F && byte >= 0x20 ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
    }

    static func sign(_ value: Int) -> Int { value < 0 ? -1 : (value > 0 ? 1 : 0) }
}

/// A non-negative decimal number of any length, compared by value without overflow: values up to
/// 18 digits live in a `UInt64`; longer ones keep their digits (leading zeros stripped) and compare
/// by length, then lexically.
struct Numeral: Comparable, Hashable, Sendable, CustomStringConvertible {
    private let small: UInt64
    private let digits: [UInt8]?

    static let zero = Numeral(small: 0)

    private init(small: UInt64, digits: [UInt8]? = nil) { self.small = small; self.digits = digits }

    init(_ value: Int) { self.init(small: UInt64(max(0, value))) }

    /// From ASCII digits (the caller has checked they are digits); an empty run reads as 0.
    init(digits run: ArraySlice<UInt8>) {
        var start = run.startIndex
        while start < run.endIndex, run[start] == 0x30 { start += 1 }
        let significant = run[start...]
        if significant.count <= 18 {
            var value: UInt64 = 0
            for c in significant { value = value * 10 + UInt64(c &- 0x30) }
            self.init(small: value)
        } else {
            self.init(small: 0, digits: Array(significant))
        }
    }

    var isZero: Bool { digits == nil && small == 0 }

    /// The value when it fits in an `Int`, for schemes whose tools store ints (epochs).
    var intValue: Int? { digits == nil && small <= UInt64(Int.max) ? Int(small) : nil }

    static func compare(_ a: Numeral, _ b: Numeral) -> Int {
        switch (a.digits, b.digits) {
        case (nil, nil): return a.small == b.small ? 0 : (a.small < b.small ? -1 : 1)
        case (nil, _): return -1
        case (_, nil): return 1
        case let (x?, y?):
            if x.count != y.count { return x.count < y.count ? -1 : 1 }
            return VersionText.compareBytes(x[...], y[...])
        }
    }

    static func < (a: Numeral, b: Numeral) -> Bool { compare(a, b) < 0 }

    var description: String { digits.map { String(decoding: $0, as: UTF8.self) } ?? String(small) }
}

/// `[epoch:]version[-release]` as rpm and libalpm split it: the epoch is the leading digits before a
/// `:` (text with a colon but no such digits is all version), the release follows the last `-`.
/// Control characters and spaces are refused.
struct EpochVersionRelease {
    /// The epoch's digits (empty when written `:1.0`), nil when there is no epoch.
    let epochDigits: ArraySlice<UInt8>?
    let version: [UInt8]
    let release: [UInt8]?

    init(_ text: String, scheme: String) throws {
        let bytes = try VersionText.bytes(text, scheme: scheme)
        if let bad = bytes.first(where: { $0 <= 0x20 || $0 == 0x7F }) {
            throw VersionError(scheme: scheme, version: text,
                               reason: "control character or space (\\x\(String(bad, radix: 16))) in version")
        }
        let all = bytes[...]
        let digitsEnd = VersionText.run(all, from: 0, while: VersionText.isDigit)
        var rest = all
        if digitsEnd < all.endIndex, all[digitsEnd] == UInt8(ascii: ":") {
            epochDigits = all[0..<digitsEnd]
            rest = all[(digitsEnd + 1)...]
        } else {
            epochDigits = nil
        }
        if let hyphen = rest.lastIndex(of: UInt8(ascii: "-")) {
            version = Array(rest[rest.startIndex..<hyphen])
            release = Array(rest[(hyphen + 1)...])
        } else {
            version = Array(rest)
            release = nil
        }
    }
}
