import Foundation

/// The rpm header tags vouch reads (rpmtag.h).
enum RPMTag: UInt32 {
    case name = 1000, version = 1001, release = 1002, epoch = 1003, summary = 1004
    case size = 1009, vendor = 1011, license = 1014, url = 1020, arch = 1022
    case sourceRPM = 1044, longSize = 5009, modularityLabel = 5096
}

/// An rpm header as every rpmdb backend stores it: a count of index entries and the size of the data store,
/// then the index (tag, type, offset, count; all big-endian), then the data store the offsets point into.
struct RPMHeader {
    struct Entry {
        let tag: UInt32
        let type: UInt32
        let offset: Int
        let count: Int
    }

    // rpm's own sanity limits (header_internal.h: hdrchkTags, hdrchkData).
    static let maxEntries = 0xffff
    static let maxDataSize = 256 << 20

    private enum DataType: UInt32 {
        case null = 0, char = 1, int8 = 2, int16 = 3, int32 = 4, int64 = 5, string = 6, bin = 7, stringArray = 8, i18nString = 9
    }

    private let entries: [UInt32: Entry]
    private let store: RPMByteReader

    init(blob: Data) throws {
        let reader = RPMByteReader(blob, what: "rpm header")
        let indexCount = Int(try reader.u32(0, bigEndian: true))
        let dataSize = Int(try reader.u32(4, bigEndian: true))
        guard indexCount > 0, indexCount <= RPMHeader.maxEntries else {
            throw RPMFormatError.corrupt("rpm header claims \(indexCount) index entries (allowed 1…\(RPMHeader.maxEntries))")
        }
        guard dataSize <= RPMHeader.maxDataSize else {
            throw RPMFormatError.corrupt("rpm header claims a \(dataSize)-byte data store (limit \(RPMHeader.maxDataSize))")
        }
        let indexEnd = 8 + indexCount * 16
        guard indexEnd <= blob.count, dataSize <= blob.count - indexEnd else {
            throw RPMFormatError.corrupt(
                "rpm header claims \(indexCount) index entries and \(dataSize) data bytes, more than its \(blob.count) bytes")
        }
        store = RPMByteReader(try reader.slice(indexEnd, dataSize), what: "rpm header data store")
        var entries: [UInt32: Entry] = [:]
        for i in 0..<indexCount {
            let at = 8 + i * 16
            let tag = try reader.u32(at, bigEndian: true)
            let entry = Entry(tag: tag, type: try reader.u32(at + 4, bigEndian: true),
                              offset: Int(try reader.u32(at + 8, bigEndian: true)),
                              count: Int(try reader.u32(at + 12, bigEndian: true)))
            guard entry.offset <= dataSize else {
                throw RPMFormatError.corrupt("rpm header tag \(tag) points at offset \(entry.offset), past the \(dataSize)-byte data store")
            }
            // A tag repeated by a damaged header keeps its first value, as rpm's lookup would find it.
            if entries[tag] == nil { entries[tag] = entry }
        }
        self.entries = entries
    }

    /// A string tag's value (the first element of an array or i18n table); nil when the tag is absent.
    func string(_ tag: RPMTag) throws -> String? {
        guard let e = entries[tag.rawValue] else { return nil }
        switch DataType(rawValue: e.type) {
        case .string, .stringArray, .i18nString:
            guard e.count >= 1 else { return nil }
            let raw = try store.cString(e.offset)
            // Old packages carry Latin-1 in vendor and summary fields.
            return String(data: raw, encoding: .utf8) ?? String(data: raw, encoding: .isoLatin1)
        default:
            throw RPMFormatError.corrupt("rpm header tag \(tag.rawValue) has type \(e.type), not a string")
        }
    }

    /// An integer tag's first value; nil when the tag is absent.
    func integer(_ tag: RPMTag) throws -> Int? {
        guard let e = entries[tag.rawValue] else { return nil }
        guard e.count >= 1 else { return nil }
        switch DataType(rawValue: e.type) {
        case .int8, .char: return Int(try store.u8(e.offset))
        case .int16: return Int(try store.u16(e.offset, bigEndian: true))
        case .int32: return Int(try store.u32(e.offset, bigEndian: true))
        case .int64:
            let v = try store.u64(e.offset, bigEndian: true)
            guard v <= UInt64(Int.max) else { throw RPMFormatError.corrupt("rpm header tag \(tag.rawValue) overflows") }
            return Int(v)
        default:
            throw RPMFormatError.corrupt("rpm header tag \(tag.rawValue) has type \(e.type), not an integer")
        }
    }
}

/// The package facts vouch takes from one rpm header.
struct RPMPackageInfo: Equatable {
    var name: String
    var version: String
    var release: String
    var epoch: Int?
    var arch: String?
    var license: String?
    var vendor: String?
    var sourceRPM: String?
    var summary: String?
    var url: String?
    var modularityLabel: String?
    var installedSize: Int?

    init(name: String, version: String, release: String) {
        self.name = name; self.version = version; self.release = release
    }

    init(header: RPMHeader) throws {
        guard let name = try header.string(.name), !name.isEmpty else { throw RPMFormatError.corrupt("rpm header has no NAME") }
        guard let version = try header.string(.version), !version.isEmpty else {
            throw RPMFormatError.corrupt("rpm header for \(name) has no VERSION")
        }
        self.init(name: name, version: version, release: try header.string(.release) ?? "")
        epoch = try header.integer(.epoch)
        arch = try header.string(.arch).flatMap(RPMPackageInfo.nonEmpty)
        license = try header.string(.license).flatMap(RPMPackageInfo.nonEmpty)
        vendor = try header.string(.vendor).flatMap(RPMPackageInfo.nonEmpty)
        sourceRPM = try header.string(.sourceRPM).flatMap(RPMPackageInfo.nonEmpty)
        summary = try header.string(.summary).flatMap(RPMPackageInfo.nonEmpty)
        url = try header.string(.url).flatMap(RPMPackageInfo.nonEmpty)
        modularityLabel = try header.string(.modularityLabel).flatMap(RPMPackageInfo.nonEmpty)
        installedSize = try header.integer(.longSize) ?? header.integer(.size)
    }

    private static func nonEmpty(_ s: String) -> String? {
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }

    /// `version-release`, the purl version.
    var versionRelease: String { release.isEmpty ? version : "\(version)-\(release)" }

    /// `[epoch:]version-release`, as syft and rpm's EVR show it. An explicit epoch 0 is kept: the header says it.
    var evr: String { epoch.map { "\($0):\(versionRelease)" } ?? versionRelease }

    /// Name and `version-release` of the source package, from `name-version-release.src.rpm`.
    var source: (name: String, versionRelease: String)? {
        guard var s = sourceRPM else { return nil }
        for suffix in [".src.rpm", ".nosrc.rpm"] where s.hasSuffix(suffix) {
            s.removeLast(suffix.count)
            break
        }
        guard let r = s.lastIndex(of: "-") else { return nil }
        let head = s[..<r]
        guard let v = head.lastIndex(of: "-"), v > head.startIndex else { return nil }
        return (String(head[..<v]), String(s[s.index(after: v)...]))
    }
}
