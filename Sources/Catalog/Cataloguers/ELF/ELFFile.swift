import Foundation

/// Why an ELF file could not be read. Every case names the structure that was wrong.
public enum ELFError: Error, CustomStringConvertible, Equatable {
    case notELF
    case unsupported(field: String, value: UInt64)
    case truncated(structure: String, offset: UInt64, length: UInt64, fileSize: Int)
    case tooMany(structure: String, count: UInt64, limit: Int)
    case unmappedAddress(UInt64)

    public var description: String {
        switch self {
        case .notELF: return "not an ELF file"
        case .unsupported(let field, let value): return "ELF \(field) \(value) is not supported"
        case .truncated(let structure, let offset, let length, let fileSize):
            return "ELF \(structure) at offset \(offset) (\(length) bytes) runs past the end of the \(fileSize)-byte file"
        case .tooMany(let structure, let count, let limit): return "ELF declares \(count) \(structure), more than \(limit)"
        case .unmappedAddress(let a): return "ELF address 0x\(String(a, radix: 16)) is in no loaded segment or section"
        }
    }
}

/// A read-only view of an ELF file's headers (32/64-bit, either byte order): sections by name and
/// program headers for mapping virtual addresses back to file offsets. Every read is bounds-checked
/// against the bytes actually present, so truncated or lying headers give an `ELFError`.
public struct ELFFile {
    public struct Section: Equatable {
        public var name: String
        public var type: UInt32
        public var flags: UInt64
        public var address: UInt64
        public var offset: UInt64
        public var size: UInt64
        static let noBits: UInt32 = 8
        static let allocFlag: UInt64 = 0x2
    }

    public struct Segment: Equatable {
        public var type: UInt32
        public var flags: UInt32
        public var offset: UInt64
        public var virtualAddress: UInt64
        public var fileSize: UInt64
        public var memorySize: UInt64
        static let load: UInt32 = 1
        static let executeFlag: UInt32 = 0x1
        static let writeFlag: UInt32 = 0x2
    }

    public static let magic: [UInt8] = [0x7f, 0x45, 0x4c, 0x46]
    /// More headers than any real linker writes; beyond this the file is treated as hostile.
    static let maxHeaders = 65_536
    static let maxSectionNameBytes = 256

    public let data: Data
    public let is64Bit: Bool
    public let isBigEndian: Bool
    public private(set) var sections: [Section] = []
    public private(set) var segments: [Segment] = []

    /// Whether the bytes start with `\x7fELF` (cheap; call before anything else).
    public static func hasMagic(_ data: Data) -> Bool {
        data.count >= 4 && data.prefix(4).elementsEqual(magic)
    }

    public init(_ data: Data) throws {
        guard ELFFile.hasMagic(data) else { throw ELFError.notELF }
        self.data = data
        guard data.count >= 16 else { throw ELFError.truncated(structure: "identification", offset: 0, length: 16, fileSize: data.count) }
        let base = data.startIndex
        switch data[base + 4] {
        case 1: is64Bit = false
        case 2: is64Bit = true
        case let c: throw ELFError.unsupported(field: "class", value: UInt64(c))
        }
        switch data[base + 5] {
        case 1: isBigEndian = false
        case 2: isBigEndian = true
        case let e: throw ELFError.unsupported(field: "data encoding", value: UInt64(e))
        }
        try readHeaders()
    }

    // MARK: Header tables

    private var word: Int { is64Bit ? 8 : 4 }

    private mutating func readHeaders() throws {
        let headerSize = is64Bit ? 64 : 52
        try check("file header", offset: 0, length: UInt64(headerSize))
        let phoff = try address(at: is64Bit ? 32 : 28)
        let shoff = try address(at: is64Bit ? 40 : 32)
        let fieldsAt = is64Bit ? 54 : 42
        let phentsize = UInt64(try unsigned(at: fieldsAt, size: 2))
        var phnum = try unsigned(at: fieldsAt + 2, size: 2)
        let shentsize = UInt64(try unsigned(at: fieldsAt + 4, size: 2))
        var shnum = try unsigned(at: fieldsAt + 6, size: 2)
        var shstrndx = try unsigned(at: fieldsAt + 8, size: 2)

        // Extended numbering: counts that do not fit 16 bits live in section header 0.
        if shoff != 0 {
            let minimum: UInt64 = is64Bit ? 64 : 40
            guard shentsize >= minimum else { throw ELFError.unsupported(field: "section header size", value: shentsize) }
            let first = try offset(shoff, plus: 0, "section header 0")
            try check("section header 0", offset: UInt64(first), length: shentsize)
            if shnum == 0 { shnum = is64Bit ? try unsigned(at: first + 32, size: 8) : try unsigned(at: first + 20, size: 4) }
            if shstrndx == 0xffff { shstrndx = try unsigned(at: first + (is64Bit ? 40 : 24), size: 4) }
            if phnum == 0xffff { phnum = try unsigned(at: first + (is64Bit ? 44 : 28), size: 4) }
        } else {
            shnum = 0
        }
        if phoff == 0 { phnum = 0 }
        guard phnum <= UInt64(ELFFile.maxHeaders) else { throw ELFError.tooMany(structure: "program headers", count: phnum, limit: ELFFile.maxHeaders) }
        guard shnum <= UInt64(ELFFile.maxHeaders) else { throw ELFError.tooMany(structure: "section headers", count: shnum, limit: ELFFile.maxHeaders) }

        if phnum > 0 {
            let minimum: UInt64 = is64Bit ? 56 : 32
            guard phentsize >= minimum else { throw ELFError.unsupported(field: "program header size", value: phentsize) }
            try check("program header table", offset: phoff, length: phnum * phentsize)
            for i in 0..<phnum { segments.append(try segment(at: Int(phoff + i * phentsize))) }
        }
        if shnum > 0 {
            try check("section header table", offset: shoff, length: shnum * shentsize)
            var raw: [(nameOffset: UInt64, section: Section)] = []
            for i in 0..<shnum { raw.append(try section(at: Int(shoff + i * shentsize))) }
            // Names are optional: a bad string table leaves sections unnamed rather than failing the file.
            let names: Section? = shstrndx < UInt64(raw.count) ? raw[Int(shstrndx)].section : nil
            for (nameOffset, section) in raw {
                var s = section
                if let names { s.name = sectionName(nameOffset, in: names) }
                sections.append(s)
            }
        }
    }

    private func segment(at: Int) throws -> Segment {
        if is64Bit {
            return Segment(type: UInt32(try unsigned(at: at, size: 4)), flags: UInt32(try unsigned(at: at + 4, size: 4)),
                           offset: try unsigned(at: at + 8, size: 8), virtualAddress: try unsigned(at: at + 16, size: 8),
                           fileSize: try unsigned(at: at + 32, size: 8), memorySize: try unsigned(at: at + 40, size: 8))
        }
        return Segment(type: UInt32(try unsigned(at: at, size: 4)), flags: UInt32(try unsigned(at: at + 24, size: 4)),
                       offset: try unsigned(at: at + 4, size: 4), virtualAddress: try unsigned(at: at + 8, size: 4),
                       fileSize: try unsigned(at: at + 16, size: 4), memorySize: try unsigned(at: at + 20, size: 4))
    }

    private func section(at: Int) throws -> (UInt64, Section) {
        let nameOffset = try unsigned(at: at, size: 4)
        let type = UInt32(try unsigned(at: at + 4, size: 4))
        let w = word
        let flags = try unsigned(at: at + 8, size: w)
        let address = try unsigned(at: at + 8 + w, size: w)
        let offset = try unsigned(at: at + 8 + 2 * w, size: w)
        let size = try unsigned(at: at + 8 + 3 * w, size: w)
        return (nameOffset, Section(name: "", type: type, flags: flags, address: address, offset: offset, size: size))
    }

    private func sectionName(_ nameOffset: UInt64, in table: Section) -> String {
        guard table.type != Section.noBits, nameOffset < table.size,
              let start = try? offset(table.offset, plus: nameOffset, "section name") else { return "" }
        let tableEnd = table.offset.addingReportingOverflow(table.size)
        guard !tableEnd.overflow else { return "" }
        let limit = min(UInt64(data.count), tableEnd.partialValue, UInt64(start) + UInt64(ELFFile.maxSectionNameBytes))
        return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> String in
            let from = Int(start), to = Int(limit)
            var i = from
            while i < to {
                if raw[i] == 0 { return String(decoding: UnsafeRawBufferPointer(rebasing: raw[from..<i]), as: UTF8.self) }
                i += 1
            }
            return ""  // unterminated within the table: not a name we can trust
        }
    }

    // MARK: Lookups

    /// The first section with this exact name.
    public func section(named name: String) -> Section? { sections.first { $0.name == name } }

    /// A section's bytes, refused when larger than `limit` or outside the file.
    public func contents(of section: Section, limit: Int) throws -> Data {
        guard section.size <= UInt64(limit) || section.type == Section.noBits else {
            throw ELFError.tooMany(structure: "bytes in section \(section.name)", count: section.size, limit: limit)
        }
        return slice(try range(of: section, maxCount: limit))
    }

    /// File offsets (relative to the start of the file) of at most the first `maxCount` bytes of a section.
    public func range(of section: Section, maxCount: Int) throws -> Range<Int> {
        if section.type == Section.noBits { return 0..<0 }
        return try checkedRange(at: section.offset, count: min(section.size, UInt64(max(0, maxCount))), structure: "section \(section.name)")
    }

    /// The first writable, non-executable loaded segment: where Go keeps its build info when sections are stripped.
    public var firstWritableDataSegment: Segment? {
        segments.first { $0.type == Segment.load && $0.flags & (Segment.executeFlag | Segment.writeFlag) == Segment.writeFlag }
    }

    /// Up to `maxCount` bytes starting at a virtual address (see `range(address:maxCount:)`).
    public func read(address: UInt64, maxCount: Int) throws -> Data {
        slice(try range(address: address, maxCount: maxCount))
    }

    /// File offsets of up to `maxCount` bytes starting at a virtual address, found through the loaded segment
    /// (or, in files without program headers, the allocated section) that maps it. Stops at the end of that mapping.
    public func range(address: UInt64, maxCount: Int) throws -> Range<Int> {
        for p in segments where p.type == Segment.load && p.fileSize > 0 {
            if let r = try range(address, maxCount, start: p.virtualAddress, length: p.fileSize, fileOffset: p.offset) { return r }
        }
        for s in sections where s.flags & Section.allocFlag != 0 && s.type != Section.noBits && s.size > 0 {
            if let r = try range(address, maxCount, start: s.address, length: s.size, fileOffset: s.offset) { return r }
        }
        throw ELFError.unmappedAddress(address)
    }

    private func range(_ address: UInt64, _ maxCount: Int, start: UInt64, length: UInt64, fileOffset: UInt64) throws -> Range<Int>? {
        let end = start.addingReportingOverflow(length)
        guard address >= start, end.overflow || address < end.partialValue else { return nil }
        let delta = address - start
        let count = min(length - delta, UInt64(max(0, maxCount)))
        let at = fileOffset.addingReportingOverflow(delta)
        let structure = "data at 0x\(String(address, radix: 16))"
        guard !at.overflow else { throw ELFError.truncated(structure: structure, offset: fileOffset, length: delta, fileSize: data.count) }
        return try checkedRange(at: at.partialValue, count: count, structure: structure)
    }

    /// The bytes at a range of file offsets obtained from this file.
    public func slice(_ r: Range<Int>) -> Data {
        data.subdata(in: (data.startIndex + r.lowerBound)..<(data.startIndex + r.upperBound))
    }

    // MARK: Raw reads

    /// An unsigned integer of `size` bytes (1, 2, 4 or 8) at a file offset, in the file's byte order.
    public func unsigned(at offset: Int, size: Int) throws -> UInt64 {
        guard offset >= 0, size > 0, size <= 8, offset <= data.count - size else {
            throw ELFError.truncated(structure: "\(size)-byte field", offset: UInt64(max(0, offset)), length: UInt64(max(0, size)), fileSize: data.count)
        }
        // Through a raw pointer: Data's subscript per byte (with exclusivity checks) was ~8% of a run.
        let bigEndian = isBigEndian
        return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> UInt64 in
            var value: UInt64 = 0
            for i in 0..<size { value = value << 8 | UInt64(raw[offset + (bigEndian ? i : size - 1 - i)]) }
            return value
        }
    }

    /// Decodes an unsigned integer from any byte buffer (the caller has checked the bounds).
    static func decode<C: RandomAccessCollection>(_ bytes: C, at start: C.Index, size: Int, bigEndian: Bool) -> UInt64
    where C.Element == UInt8, C.Index == Int {
        var value: UInt64 = 0
        for i in 0..<size {
            let b = UInt64(bytes[start + (bigEndian ? i : size - 1 - i)])
            value = value << 8 | b
        }
        return value
    }

    private func address(at offset: Int) throws -> UInt64 { try unsigned(at: offset, size: word) }

    private func checkedRange(at offset: UInt64, count: UInt64, structure: String) throws -> Range<Int> {
        try check(structure, offset: offset, length: count)
        return Int(offset)..<Int(offset + count)
    }

    private func check(_ structure: String, offset: UInt64, length: UInt64) throws {
        let end = offset.addingReportingOverflow(length)
        guard !end.overflow, end.partialValue <= UInt64(data.count) else {
            throw ELFError.truncated(structure: structure, offset: offset, length: length, fileSize: data.count)
        }
    }

    private func offset(_ base: UInt64, plus delta: UInt64, _ structure: String) throws -> Int {
        let sum = base.addingReportingOverflow(delta)
        guard !sum.overflow, sum.partialValue < UInt64(data.count) else {
            throw ELFError.truncated(structure: structure, offset: base, length: delta, fileSize: data.count)
        }
        return Int(sum.partialValue)
    }
}

/// Which files the binary cataloguers read: anything executable, plus shared objects in library
/// directories (Go `c-shared` libraries and Rust `cdylib`s carry the same metadata but no exec bit).
public enum BinaryCandidate {
    public static let maxBytes = 512 << 20
    static let libraryDirectories: Set<Substring> = ["lib", "lib32", "lib64", "libexec"]

    public static func interest(path: String, size: Int64, mode: UInt32) -> FileInterest {
        guard size >= 64 else { return .none }  // smaller than any ELF header
        if mode & 0o111 != 0 { return .inspect(maxBytes: maxBytes) }
        let name = CatalogSupport.basename(path)
        guard name.hasSuffix(".so") || containsSOVersion(name) else { return .none }
        let directories = path.split(separator: "/").dropLast()
        return directories.contains(where: libraryDirectories.contains) ? .inspect(maxBytes: maxBytes) : .none
    }

    /// `.so.` anywhere in the name, scanned as bytes (Foundation's `contains` was a visible cost per entry).
    static func containsSOVersion<S: StringProtocol>(_ name: S) -> Bool {
        var state = 0  // bytes of ".so." matched so far
        for b in name.utf8 {
            switch (state, b) {
            case (_, 0x2E) where state == 3: return true
            case (_, 0x2E): state = 1
            case (1, 0x73): state = 2
            case (2, 0x6F): state = 3
            default: state = 0
            }
        }
        return false
    }
}
