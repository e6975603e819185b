import Foundation

/// An index of a plain (uncompressed) tar file's members: name → byte range. Outer image archives
/// (`docker save`, oci-archive) are plain tar, so members can then be read in place by offset
/// without unpacking anything.
public struct TarIndex {
    public struct Member: Sendable {
        public var name: String
        public var offset: Int64
        public var size: Int64
        /// For a symlink or hardlink member, the target name.
        public var linkTarget: String?
    }

    public let path: String
    public private(set) var members: [String: Member] = [:]

    public enum TarError: Error, CustomStringConvertible {
        case corrupt(path: String, offset: Int64, reason: String)
        public var description: String {
            switch self {
            case .corrupt(let path, let offset, let reason): return "\(path): corrupt tar header at byte \(offset): \(reason)"
            }
        }
    }

    public init(path: String) throws {
        self.path = path
        guard let fh = FileHandle(forReadingAtPath: path) else { throw ByteSourceError.io(path: path, errno: errno) }
        defer { try? fh.close() }
        let fileSize = Int64((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)??.int64Value ?? 0)
        var offset: Int64 = 0
        var pendingName: String?
        var pendingLink: String?
        var pendingSize: Int64?
        var zeroBlocks = 0
        while offset + 512 <= fileSize {
            try fh.seek(toOffset: UInt64(offset))
            guard let block = try fh.read(upToCount: 512), block.count == 512 else { break }
            let header = [UInt8](block)
            if header.allSatisfy({ $0 == 0 }) {
                zeroBlocks += 1
                offset += 512
                if zeroBlocks == 2 { break }
                continue
            }
            zeroBlocks = 0
            guard TarIndex.checksumValid(header) else {
                throw TarError.corrupt(path: path, offset: offset, reason: "header checksum does not match")
            }
            let typeflag = header[156]
            guard var size = TarIndex.octal(header[124..<136]) else {
                throw TarError.corrupt(path: path, offset: offset, reason: "size field is not a number")
            }
            if let s = pendingSize { size = s }
            let dataOffset = offset + 512
            guard size >= 0, dataOffset + size <= fileSize else {
                throw TarError.corrupt(path: path, offset: offset, reason: "member of \(size) bytes runs past the end of the file")
            }
            let padded = (size + 511) / 512 * 512
            func readData(limit: Int64) throws -> Data {
                guard size <= limit else { throw TarError.corrupt(path: path, offset: offset, reason: "extended header of \(size) bytes") }
                try fh.seek(toOffset: UInt64(dataOffset))
                return try fh.read(upToCount: Int(size)) ?? Data()
            }
            switch typeflag {
            case UInt8(ascii: "x"):  // pax extended header for the next member
                let records = TarIndex.paxRecords(try readData(limit: 1 << 20))
                if let p = records["path"] { pendingName = p }
                if let l = records["linkpath"] { pendingLink = l }
                if let s = records["size"], let n = Int64(s) { pendingSize = n }
                offset = dataOffset + padded
                continue
            case UInt8(ascii: "g"):
                offset = dataOffset + padded
                continue
            case UInt8(ascii: "L"):  // GNU long name
                pendingName = TarIndex.cString(try readData(limit: 1 << 20))
                offset = dataOffset + padded
                continue
            case UInt8(ascii: "K"):
                pendingLink = TarIndex.cString(try readData(limit: 1 << 20))
                offset = dataOffset + padded
                continue
            default:
                break
            }
            var name = pendingName ?? TarIndex.headerName(header)
            let link = pendingLink ?? TarIndex.cString(Data(header[157..<257]))
            pendingName = nil; pendingLink = nil; pendingSize = nil
            name = TarIndex.normalize(name)
            switch typeflag {
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"):
                members[name] = Member(name: name, offset: dataOffset, size: size, linkTarget: nil)
            case UInt8(ascii: "1"), UInt8(ascii: "2"):
                members[name] = Member(name: name, offset: 0, size: 0, linkTarget: link)
            default:
                break
            }
            offset = dataOffset + (typeflag == UInt8(ascii: "1") || typeflag == UInt8(ascii: "2") ? 0 : padded)
        }
    }

    /// Finds a member, following links (relative to the member's folder) a bounded number of times.
    public func member(_ name: String) -> Member? {
        var current = TarIndex.normalize(name)
        for _ in 0..<16 {
            guard let m = members[current] else { return nil }
            guard let target = m.linkTarget else { return m }
            if target.hasPrefix("/") { current = TarIndex.normalize(target) } else {
                let dir = (current as NSString).deletingLastPathComponent
                current = TarIndex.normalize(dir.isEmpty ? target : dir + "/" + target)
            }
        }
        return nil
    }

    public func data(_ name: String, limit: Int = 64 << 20) throws -> Data? {
        guard let m = member(name) else { return nil }
        guard m.size <= Int64(limit) else { return nil }
        return try FileRangeSource(path: path, offset: m.offset, length: m.size).readAll(limit: limit)
    }

    static func normalize(_ name: String) -> String {
        var parts: [Substring] = []
        for p in name.split(separator: "/") {
            if p == "." || p.isEmpty { continue }
            if p == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(p)
        }
        return parts.joined(separator: "/")
    }

    static func headerName(_ h: [UInt8]) -> String {
        let name = cString(Data(h[0..<100]))
        let magic = Data(h[257..<263])
        if magic.starts(with: Array("ustar".utf8)) {
            let prefix = cString(Data(h[345..<500]))
            if !prefix.isEmpty { return prefix + "/" + name }
        }
        return name
    }

    static func cString(_ d: Data) -> String {
        String(decoding: d.prefix(while: { $0 != 0 }), as: UTF8.self)
    }

    static func octal<C: Collection>(_ field: C) -> Int64? where C.Element == UInt8 {
        // GNU base-256 for large sizes.
        if let first = field.first, first & 0x80 != 0 {
            var v: Int64 = Int64(first & 0x7f)
            for b in field.dropFirst() {
                guard v < (Int64.max >> 8) else { return nil }
                v = (v << 8) | Int64(b)
            }
            return v
        }
        var v: Int64 = 0
        var seen = false
        for b in field {
            if b == 0 || b == UInt8(ascii: " ") { if seen { break } else { continue } }
            guard b >= 48 && b <= 55 else { return nil }
            guard v < (Int64.max >> 3) else { return nil }
            v = v * 8 + Int64(b - 48)
            seen = true
        }
        return v
    }

    static func checksumValid(_ h: [UInt8]) -> Bool {
        guard let stored = octal(h[148..<156]) else { return false }
        var sum: Int64 = 0
        for (i, b) in h.enumerated() { sum += (i >= 148 && i < 156) ? 32 : Int64(b) }
        return sum == stored
    }

    static func paxRecords(_ d: Data) -> [String: String] {
        var out: [String: String] = [:]
        var bytes = [UInt8](d)[...]
        while !bytes.isEmpty {
            guard let sp = bytes.firstIndex(of: UInt8(ascii: " ")),
                  let len = Int(String(decoding: bytes[bytes.startIndex..<sp], as: UTF8.self)),
                  len > 0, len <= bytes.count else { break }
            let record = bytes[bytes.startIndex..<(bytes.startIndex + len)]
            let body = record[(sp + 1)...].dropLast()  // trailing newline
            if let eq = body.firstIndex(of: UInt8(ascii: "=")) {
                out[String(decoding: body[body.startIndex..<eq], as: UTF8.self)] = String(decoding: body[(eq + 1)...], as: UTF8.self)
            }
            bytes = bytes.dropFirst(len)
        }
        return out
    }
}
