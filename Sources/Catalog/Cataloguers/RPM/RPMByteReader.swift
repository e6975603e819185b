import Foundation

/// Bounds-checked reads of fixed-width integers and byte ranges. Offsets are relative to the start of
/// `bytes` (which may be a slice); every read past the end throws instead of trapping.
struct RPMByteReader {
    let bytes: Data
    /// What the bytes are (`rpm header data store`, `page 7`), for error messages.
    let what: String

    init(_ bytes: Data, what: String) {
        self.bytes = bytes
        self.what = what
    }

    var count: Int { bytes.count }

    func check(_ offset: Int, _ length: Int) throws {
        guard offset >= 0, length >= 0, offset <= bytes.count, length <= bytes.count - offset else {
            throw RPMFormatError.truncated(what: what, offset: offset, length: length, size: bytes.count)
        }
    }

    func u8(_ offset: Int) throws -> UInt8 {
        try check(offset, 1)
        return bytes[bytes.startIndex + offset]
    }

    func u16(_ offset: Int, bigEndian: Bool) throws -> UInt16 {
        UInt16(truncatingIfNeeded: try unsigned(offset, width: 2, bigEndian: bigEndian))
    }

    func u32(_ offset: Int, bigEndian: Bool) throws -> UInt32 {
        UInt32(truncatingIfNeeded: try unsigned(offset, width: 4, bigEndian: bigEndian))
    }

    func u64(_ offset: Int, bigEndian: Bool) throws -> UInt64 {
        try unsigned(offset, width: 8, bigEndian: bigEndian)
    }

    private func unsigned(_ offset: Int, width: Int, bigEndian: Bool) throws -> UInt64 {
        try check(offset, width)
        let base = bytes.startIndex + offset
        var value: UInt64 = 0
        for i in 0..<width {
            let byte = UInt64(bytes[base + (bigEndian ? i : width - 1 - i)])
            value = value << 8 | byte
        }
        return value
    }

    /// `length` bytes at `offset`, sharing storage with the source.
    func slice(_ offset: Int, _ length: Int) throws -> Data {
        try check(offset, length)
        let base = bytes.startIndex + offset
        return bytes[base..<(base + length)]
    }

    /// The bytes from `offset` up to (not including) the next NUL; throws when no NUL ends them.
    func cString(_ offset: Int) throws -> Data {
        try check(offset, 0)
        let start = bytes.startIndex + offset
        guard let nul = bytes[start...].firstIndex(of: 0) else {
            throw RPMFormatError.corrupt("\(what): string at offset \(offset) has no terminating NUL")
        }
        return bytes[start..<nul]
    }
}

/// What went wrong inside an rpm database or header, before the cataloguer adds the file it came from.
enum RPMFormatError: Error, CustomStringConvertible, Equatable {
    case truncated(what: String, offset: Int, length: Int, size: Int)
    case badMagic(what: String)
    case unsupported(String)
    case corrupt(String)

    var description: String {
        switch self {
        case .truncated(let what, let offset, let length, let size):
            return "\(what): \(length) bytes at offset \(offset) run past its end (\(size) bytes)"
        case .badMagic(let what): return "\(what): wrong magic number"
        case .unsupported(let m): return "unsupported: \(m)"
        case .corrupt(let m): return m
        }
    }
}
