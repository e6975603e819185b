import Foundation

/// Base64 as DSSE verifiers must read it: the standard and the URL-safe alphabets, with or
/// without `=` padding. Anything else (stray characters, misplaced or excess padding, a length
/// that cannot come from whole bytes) is rejected rather than skipped.
public enum FlexibleBase64 {
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8.enumerated() {
            t[Int(c)] = UInt8(i)
        }
        t[Int(UInt8(ascii: "+"))] = 62; t[Int(UInt8(ascii: "-"))] = 62
        t[Int(UInt8(ascii: "/"))] = 63; t[Int(UInt8(ascii: "_"))] = 63
        return t
    }()

    /// Decodes `text`; with `ignoringLineBreaks` (PEM bodies) CR, LF, tab and space between
    /// groups are skipped. Returns nil for anything that is not base64.
    public static func decode(_ text: String, ignoringLineBreaks: Bool = false) -> Data? {
        decode(Array(text.utf8), ignoringLineBreaks: ignoringLineBreaks)
    }

    public static func decode(_ input: [UInt8], ignoringLineBreaks: Bool = false) -> Data? {
        var symbols: [UInt8] = []
        symbols.reserveCapacity(input.count)
        var padding = 0
        for c in input {
            if ignoringLineBreaks, c == 0x0A || c == 0x0D || c == 0x20 || c == 0x09 { continue }
            if c == UInt8(ascii: "=") { padding += 1; continue }
            // Data after padding is not base64.
            guard padding == 0 else { return nil }
            let v = table[Int(c)]
            guard v != 0xFF else { return nil }
            symbols.append(v)
        }
        let remainder = symbols.count % 4
        guard remainder != 1 else { return nil }
        if padding > 0 {
            // Padding, when present, must complete the last group exactly.
            guard padding <= 2, (symbols.count + padding) % 4 == 0 else { return nil }
        }
        var out = [UInt8]()
        out.reserveCapacity(symbols.count * 3 / 4)
        var i = 0
        while i + 4 <= symbols.count {
            let n = UInt32(symbols[i]) << 18 | UInt32(symbols[i + 1]) << 12 | UInt32(symbols[i + 2]) << 6 | UInt32(symbols[i + 3])
            out.append(UInt8(truncatingIfNeeded: n >> 16))
            out.append(UInt8(truncatingIfNeeded: n >> 8))
            out.append(UInt8(truncatingIfNeeded: n))
            i += 4
        }
        if remainder == 2 {
            let n = UInt32(symbols[i]) << 18 | UInt32(symbols[i + 1]) << 12
            out.append(UInt8(truncatingIfNeeded: n >> 16))
        } else if remainder == 3 {
            let n = UInt32(symbols[i]) << 18 | UInt32(symbols[i + 1]) << 12 | UInt32(symbols[i + 2]) << 6
            out.append(UInt8(truncatingIfNeeded: n >> 16))
            out.append(UInt8(truncatingIfNeeded: n >> 8))
        }
        return Data(out)
    }

    /// Standard alphabet with padding, which every DSSE and sigstore reader accepts.
    public static func encode(_ data: Data) -> String { data.base64EncodedString() }
}
