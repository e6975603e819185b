import Foundation

/// Why a zip archive (or one entry of it) could not be read.
public enum ZipArchiveError: Error, CustomStringConvertible, Equatable {
    case noEndOfCentralDirectory
    case badZip64Record(reason: String)
    case centralDirectoryOutOfBounds(offset: UInt64, size: UInt64, archiveBytes: Int)
    case tooManyEntries(declared: UInt64, limit: Int)
    case badCentralDirectoryEntry(index: Int, reason: String)
    case badLocalHeader(entry: String, reason: String)
    case encrypted(entry: String)
    case unsupportedCompression(entry: String, method: UInt16)
    case tooLarge(entry: String, limit: Int)
    case corruptDeflate(entry: String, reason: String)

    public var description: String {
        switch self {
        case .noEndOfCentralDirectory: return "no zip end-of-central-directory record (not a zip, or truncated)"
        case .badZip64Record(let r): return "zip64 end-of-central-directory is unusable: \(r)"
        case .centralDirectoryOutOfBounds(let o, let s, let n):
            return "central directory (\(s) bytes at \(o)) lies outside the \(n)-byte archive"
        case .tooManyEntries(let d, let l): return "\(d) entries declared, more than the \(l) read"
        case .badCentralDirectoryEntry(let i, let r): return "central directory entry \(i): \(r)"
        case .badLocalHeader(let e, let r): return "\(e): local header \(r)"
        case .encrypted(let e): return "\(e): encrypted"
        case .unsupportedCompression(let e, let m): return "\(e): compression method \(m) is not supported"
        case .tooLarge(let e, let l): return "\(e): expands past \(l) bytes"
        case .corruptDeflate(let e, let r): return "\(e): deflate data is corrupt (\(r))"
        }
    }
}

/// One file recorded in a zip central directory.
struct ZipEntry: Equatable {
    var name: String
    var flags: UInt16
    var method: UInt16
    var compressedSize: UInt64
    var uncompressedSize: UInt64
    var localHeaderOffset: UInt64
    var isDirectory: Bool { name.hasSuffix("/") }
}

/// A read-only zip reader over bytes in memory. Every offset and length read from the archive is
/// checked against its size before use, and inflation stops at a caller-given ceiling, so truncated,
/// lying or bomb-like archives raise a `ZipArchiveError` instead of trapping or exhausting memory.
/// (ZIPFoundation's in-memory archives trap on a local-header offset past the end of the data.)
struct ZipArchiveReader {
    private let bytes: Data
    let entries: [ZipEntry]

    init(_ data: Data, maxEntries: Int) throws {
        bytes = data.startIndex == 0 ? data : Data(data)
        let directory = try ZipArchiveReader.centralDirectory(in: bytes)
        guard directory.count <= UInt64(maxEntries) else {
            throw ZipArchiveError.tooManyEntries(declared: directory.count, limit: maxEntries)
        }
        entries = try ZipArchiveReader.readEntries(in: bytes, directory)
    }

    // MARK: Central directory

    private struct Directory {
        var offset: Int
        var size: Int
        var count: UInt64
        /// Bytes before the zip proper, added to every recorded offset.
        var base: Int
    }

    private static func centralDirectory(in b: Data) throws -> Directory {
        guard b.count >= 22 else { throw ZipArchiveError.noEndOfCentralDirectory }
        // The record sits at the end, behind a comment of at most 65535 bytes.
        var eocd: Int?
        var at = b.count - 22
        let lowest = max(0, b.count - 22 - 0xFFFF)
        while at >= lowest {
            if b.u32(at) == 0x0605_4B50, let commentLength = b.u16(at + 20), at + 22 + Int(commentLength) <= b.count {
                eocd = at
                break
            }
            at -= 1
        }
        guard let e = eocd, let count16 = b.u16(e + 10), let size32 = b.u32(e + 12), let offset32 = b.u32(e + 16) else {
            throw ZipArchiveError.noEndOfCentralDirectory
        }
        var count = UInt64(count16), size = UInt64(size32), offset = UInt64(offset32)
        var zip64Record: Int?
        // All-ones fields defer to the zip64 record; without its locator they are taken as written
        // (an archive may really hold 65535 entries).
        let wantsZip64 = count16 == 0xFFFF || size32 == 0xFFFF_FFFF || offset32 == 0xFFFF_FFFF
        if wantsZip64, e >= 20, b.u32(e - 20) == 0x0706_4B50 {
            guard let recordAt = b.u64(e - 20 + 8), let r = Int(exactly: recordAt), b.u32(r) == 0x0606_4B50,
                  let c = b.u64(r + 32), let s = b.u64(r + 40), let o = b.u64(r + 48) else {
                throw ZipArchiveError.badZip64Record(reason: "the record its locator names is missing or out of bounds")
            }
            (count, size, offset) = (c, s, o)
            zip64Record = r
        }
        guard let o = Int(exactly: offset), let s = Int(exactly: size), o <= b.count, s <= b.count - o else {
            throw ZipArchiveError.centralDirectoryOutOfBounds(offset: offset, size: size, archiveBytes: b.count)
        }
        // Each entry takes at least 46 bytes: a count the directory cannot hold is a lie.
        guard count <= UInt64(s / 46) else {
            throw ZipArchiveError.badCentralDirectoryEntry(index: 0, reason: "\(count) entries cannot fit in \(s) bytes")
        }
        // Data prepended to a zip (the launch script of a Spring Boot executable jar) shifts every
        // offset; like Go's and Java's readers, find the directory just before its end record instead.
        let directoryEnd = zip64Record ?? e
        if count > 0, b.u32(o) != 0x0201_4B50, directoryEnd - s > o, b.u32(directoryEnd - s) == 0x0201_4B50 {
            return Directory(offset: directoryEnd - s, size: s, count: count, base: directoryEnd - s - o)
        }
        return Directory(offset: o, size: s, count: count, base: 0)
    }

    private static func readEntries(in b: Data, _ d: Directory) throws -> [ZipEntry] {
        var out: [ZipEntry] = []
        out.reserveCapacity(Int(d.count))
        var at = d.offset
        let end = d.offset + d.size
        for index in 0..<Int(d.count) {
            func bad(_ reason: String) -> ZipArchiveError { .badCentralDirectoryEntry(index: index, reason: reason) }
            guard at <= end - 46, b.u32(at) == 0x0201_4B50 else { throw bad("missing signature at \(at)") }
            guard let flags = b.u16(at + 8), let method = b.u16(at + 10), let comp32 = b.u32(at + 20),
                  let uncomp32 = b.u32(at + 24), let nameLength = b.u16(at + 28), let extraLength = b.u16(at + 30),
                  let commentLength = b.u16(at + 32), let offset32 = b.u32(at + 42) else { throw bad("truncated") }
            let nameAt = at + 46
            let extraAt = nameAt + Int(nameLength)
            let next = extraAt + Int(extraLength) + Int(commentLength)
            guard next <= end else { throw bad("name, extra field and comment run past the directory") }
            let nameBytes = b[nameAt..<extraAt]
            let name = String(bytes: nameBytes, encoding: .utf8) ?? String(decoding: nameBytes, as: UTF8.self)
            var entry = ZipEntry(name: name, flags: flags, method: method, compressedSize: UInt64(comp32),
                                 uncompressedSize: UInt64(uncomp32), localHeaderOffset: UInt64(offset32))
            if comp32 == 0xFFFF_FFFF || uncomp32 == 0xFFFF_FFFF || offset32 == 0xFFFF_FFFF {
                applyZip64(b, extra: extraAt..<(extraAt + Int(extraLength)), to: &entry,
                               uncompressed: uncomp32 == 0xFFFF_FFFF, compressed: comp32 == 0xFFFF_FFFF,
                               offset: offset32 == 0xFFFF_FFFF)
            }
            let (shifted, overflow) = entry.localHeaderOffset.addingReportingOverflow(UInt64(d.base))
            entry.localHeaderOffset = overflow ? .max : shifted
            out.append(entry)
            at = next
        }
        return out
    }

    /// The zip64 extended-information field holds, in this order, the 64-bit values whose 32-bit
    /// directory fields are all ones. Values it lacks stay as written; reading the entry then fails
    /// its bounds checks.
    private static func applyZip64(_ b: Data, extra: Range<Int>, to entry: inout ZipEntry,
                                   uncompressed: Bool, compressed: Bool, offset: Bool) {
        var at = extra.lowerBound
        while at + 4 <= extra.upperBound, let id = b.u16(at), let size = b.u16(at + 2) {
            let body = (at + 4)..<(at + 4 + Int(size))
            guard body.upperBound <= extra.upperBound else { return }
            if id == 0x0001 {
                var field = body.lowerBound
                func next(_ current: UInt64) -> UInt64 {
                    guard field + 8 <= body.upperBound, let v = b.u64(field) else { return current }
                    field += 8
                    return v
                }
                if uncompressed { entry.uncompressedSize = next(entry.uncompressedSize) }
                if compressed { entry.compressedSize = next(entry.compressedSize) }
                if offset { entry.localHeaderOffset = next(entry.localHeaderOffset) }
                return
            }
            at = body.upperBound
        }
    }

    // MARK: Entry data

    /// The uncompressed bytes of an entry, refusing anything that would expand past `limit`.
    func contents(of entry: ZipEntry, limit: Int) throws -> Data {
        let b = bytes
        func bad(_ reason: String) -> ZipArchiveError { .badLocalHeader(entry: entry.name, reason: reason) }
        guard entry.flags & 1 == 0 else { throw ZipArchiveError.encrypted(entry: entry.name) }
        guard let header = Int(exactly: entry.localHeaderOffset), header <= b.count - 30,
              b.u32(header) == 0x0403_4B50, let nameLength = b.u16(header + 26), let extraLength = b.u16(header + 28) else {
            throw bad("at \(entry.localHeaderOffset) is missing or out of bounds")
        }
        let start = header + 30 + Int(nameLength) + Int(extraLength)
        guard let length = Int(exactly: entry.compressedSize), start <= b.count, length <= b.count - start else {
            throw bad("data (\(entry.compressedSize) bytes) runs past the archive")
        }
        let compressed = b[start..<(start + length)]
        switch entry.method {
        case 0:
            guard length <= limit else { throw ZipArchiveError.tooLarge(entry: entry.name, limit: limit) }
            return Data(compressed)
        case 8:
            return try RawInflater.inflate(compressed, limit: limit, entry: entry.name)
        default:
            throw ZipArchiveError.unsupportedCompression(entry: entry.name, method: entry.method)
        }
    }
}

/// Raw DEFLATE (RFC 1951, as zip stores it) with a hard ceiling on the output; errors name the entry.
enum RawInflater {
    static func inflate(_ input: Data, limit: Int, entry: String) throws -> Data {
        do {
            return try ZlibInflater.inflate(input, limit: limit, format: .raw)
        } catch let error as ZlibError {
            switch error {
            case .tooLarge, .inputTooLarge: throw ZipArchiveError.tooLarge(entry: entry, limit: limit)
            case .truncated: throw ZipArchiveError.corruptDeflate(entry: entry, reason: "stream ends early")
            case .initFailed(let code): throw ZipArchiveError.corruptDeflate(entry: entry, reason: "zlib init \(code)")
            case .corrupt(let message): throw ZipArchiveError.corruptDeflate(entry: entry, reason: message)
            }
        }
    }
}

/// Little-endian reads that return nil instead of reading outside the data (which starts at index 0).
private extension Data {
    func u16(_ at: Int) -> UInt16? {
        guard at >= 0, at <= count - 2 else { return nil }
        return UInt16(self[at]) | UInt16(self[at + 1]) << 8
    }
    func u32(_ at: Int) -> UInt32? {
        guard at >= 0, at <= count - 4 else { return nil }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(self[at + $1]) << (8 * UInt32($1)) }
    }
    func u64(_ at: Int) -> UInt64? {
        guard at >= 0, at <= count - 8 else { return nil }
        return (0..<8).reduce(UInt64(0)) { $0 | UInt64(self[at + $1]) << (8 * UInt64($1)) }
    }
}
