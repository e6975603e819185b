import Foundation

public enum GoBuildInfoError: Error, CustomStringConvertible, Equatable {
    case elf(ELFError)
    case truncatedHeader(available: Int)
    case badPointerSize(Int)
    case badVarint(field: String)
    case stringTooLong(field: String, length: UInt64, available: Int)
    case unreadableString(field: String, reason: String)
    case modInfo(GoModInfoError)

    public var description: String {
        switch self {
        case .elf(let e): return "Go build info: \(e)"
        case .truncatedHeader(let n): return "Go build info header is truncated (\(n) of 32 bytes)"
        case .badPointerSize(let n): return "Go build info declares a \(n)-byte pointer size"
        case .badVarint(let field): return "Go build info \(field) length is not a valid varint"
        case .stringTooLong(let field, let length, let available):
            return "Go build info \(field) claims \(length) bytes but only \(available) are there"
        case .unreadableString(let field, let reason): return "Go build info \(field) cannot be read: \(reason)"
        case .modInfo(let e): return "\(e)"
        }
    }
}

/// Finds and decodes the build information block the Go linker writes into ELF binaries, following
/// `debug/buildinfo`: the `.go.buildinfo` section (or, with sections stripped, the first writable data
/// segment) holds a 32-byte header starting with `\xff Go buildinf:` on a 16-byte boundary. Go ≥1.18
/// stores the version and module strings inline after it; older toolchains store pointers to them.
public enum GoBuildInfoReader {
    static let magic: [UInt8] = [0xff] + Array(" Go buildinf:".utf8)
    static let headerSize = 32
    static let alignment = 16
    /// How far into the data region the header is looked for (the linker puts it at the start).
    static let searchWindow = 64 << 10
    /// How much of the section or segment is read: the header plus two strings of at most `maxStringBytes`.
    static let regionLimit = 2 * (4 << 20) + 64
    /// Real module info is a few KiB; anything claiming more than this is not trusted.
    static let maxStringBytes = 4 << 20
    static let inlineFlag: UInt8 = 0x2

    /// The build info of an ELF Go binary; nil when the file is ELF but not built by Go.
    public static func read(_ data: Data) throws -> GoBuildInfo? {
        let elf: ELFFile
        do { elf = try ELFFile(data) } catch let e as ELFError { throw GoBuildInfoError.elf(e) }
        guard let region = try dataRegion(elf), let header = findHeader(in: elf, region: region) else { return nil }
        return try decode(header: elf.slice(header), elf: elf)
    }

    /// File offsets of the bytes that may hold the header and, in the inline format, the strings after it.
    private static func dataRegion(_ elf: ELFFile) throws -> Range<Int>? {
        do {
            if let s = elf.section(named: ".go.buildinfo") { return try elf.range(of: s, maxCount: regionLimit) }
            guard let p = elf.firstWritableDataSegment, p.fileSize > 0 else { return nil }
            return try elf.range(address: p.virtualAddress, maxCount: regionLimit)
        } catch let e as ELFError {
            throw GoBuildInfoError.elf(e)
        }
    }

    /// The header and what follows it in the region, when the magic sits on a 16-byte boundary within
    /// the search window. Searches in place: most ELF files are not Go and should cost no copying.
    static func findHeader(in elf: ELFFile, region: Range<Int>) -> Range<Int>? {
        let searchEnd = min(region.upperBound, region.lowerBound + searchWindow)
        return elf.data.withUnsafeBytes { raw -> Range<Int>? in
            var i = region.lowerBound
            while i + headerSize <= region.upperBound, i < searchEnd {
                if raw[i] == magic[0], zip(raw[i..<(i + magic.count)], magic).allSatisfy({ $0 == $1 }) {
                    return i..<region.upperBound
                }
                i += alignment
            }
            return nil
        }
    }

    private static func decode(header: Data, elf: ELFFile) throws -> GoBuildInfo? {
        let h = [UInt8](header)
        guard h.count >= headerSize else { throw GoBuildInfoError.truncatedHeader(available: h.count) }
        let pointerSize = Int(h[14])
        let flags = h[15]
        let version: [UInt8]
        let modInfo: [UInt8]
        if flags & inlineFlag != 0 {
            var cursor = headerSize
            version = try inlineBytes(h, &cursor, field: "Go version")
            modInfo = try inlineBytes(h, &cursor, field: "module info")
        } else {
            guard pointerSize == 4 || pointerSize == 8 else { throw GoBuildInfoError.badPointerSize(pointerSize) }
            let bigEndian = flags != 0
            let pointer = { (at: Int) in ELFFile.decode(h, at: at, size: pointerSize, bigEndian: bigEndian) }
            version = try pointedBytes(elf, at: pointer(16), pointerSize: pointerSize, bigEndian: bigEndian, field: "Go version")
            modInfo = try pointedBytes(elf, at: pointer(16 + pointerSize), pointerSize: pointerSize, bigEndian: bigEndian, field: "module info")
        }
        guard !version.isEmpty else { return nil }
        do { return try GoModInfoParser.parse(unframed(modInfo), goVersion: String(decoding: version, as: UTF8.self)) }
        catch let e as GoModInfoError { throw GoBuildInfoError.modInfo(e) }
    }

    /// Module info sits between two 16-byte sentinels; without them Go treats it as absent.
    static func unframed(_ bytes: [UInt8]) -> String {
        guard bytes.count >= 33, bytes[bytes.count - 17] == UInt8(ascii: "\n") else { return "" }
        return String(decoding: bytes[16..<(bytes.count - 16)], as: UTF8.self)
    }

    /// A uvarint length followed by that many bytes (Go ≥1.18).
    static func inlineBytes(_ h: [UInt8], _ cursor: inout Int, field: String) throws -> [UInt8] {
        var length: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard cursor < h.count, shift < 64 else { throw GoBuildInfoError.badVarint(field: field) }
            let b = h[cursor]
            cursor += 1
            if shift == 63 && b > 1 { throw GoBuildInfoError.badVarint(field: field) }
            length |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { break }
            shift += 7
        }
        let available = h.count - cursor
        guard length <= UInt64(min(available, maxStringBytes)) else {
            throw GoBuildInfoError.stringTooLong(field: field, length: length, available: available)
        }
        let end = cursor + Int(length)
        defer { cursor = end }
        return Array(h[cursor..<end])
    }

    /// A Go string header (data pointer, length) at a virtual address, and the bytes it points to.
    static func pointedBytes(_ elf: ELFFile, at address: UInt64, pointerSize: Int, bigEndian: Bool, field: String) throws -> [UInt8] {
        do {
            let header = [UInt8](try elf.read(address: address, maxCount: 2 * pointerSize))
            guard header.count == 2 * pointerSize else {
                throw GoBuildInfoError.unreadableString(field: field, reason: "string header is cut short")
            }
            let dataAddress = ELFFile.decode(header, at: 0, size: pointerSize, bigEndian: bigEndian)
            let length = ELFFile.decode(header, at: pointerSize, size: pointerSize, bigEndian: bigEndian)
            guard length <= UInt64(maxStringBytes) else {
                throw GoBuildInfoError.stringTooLong(field: field, length: length, available: maxStringBytes)
            }
            if length == 0 { return [] }
            let bytes = try elf.read(address: dataAddress, maxCount: Int(length))
            guard bytes.count == Int(length) else {
                throw GoBuildInfoError.stringTooLong(field: field, length: length, available: bytes.count)
            }
            return [UInt8](bytes)
        } catch let e as ELFError {
            throw GoBuildInfoError.unreadableString(field: field, reason: e.description)
        }
    }
}
