import Foundation

/// Reads the values of a Berkeley DB hash database (rpm's `Packages` before rpm 4.16) straight from its
/// pages, without libdb. Layout from libdb's db_page.h: page 0 is the hash metadata page; hash pages hold
/// key/value item pairs whose offsets follow a 26-byte page header; a value too big for its page is an
/// HOFFPAGE item naming the first of a chain of overflow pages. Every offset and page number is checked
/// against the file before it is used, and overflow chains cannot loop.
enum BerkeleyDBHash {
    static let hashMagic: UInt32 = 0x061561
    static let pageHeaderSize = 26

    private enum PageType: UInt8 {
        case hashUnsorted = 2, overflow = 7, hashMetadata = 8, hash = 13
    }

    private enum ItemType: UInt8 {
        case keyData = 1, duplicate = 2, offPage = 3, offDuplicate = 4
    }

    /// Whether the bytes start like a Berkeley DB hash database (in either byte order).
    static func matches(_ data: Data) -> Bool {
        let r = RPMByteReader(data, what: "Berkeley DB metadata page")
        guard let le = try? r.u32(12, bigEndian: false), let be = try? r.u32(12, bigEndian: true) else { return false }
        return le == hashMagic || be == hashMagic
    }

    /// Every stored value, in page order. Values that are not blobs of interest (rpm's record 0, the next
    /// package number) are the caller's to skip.
    static func values(_ data: Data) throws -> [(key: Data, value: Data)] {
        let meta = RPMByteReader(data, what: "Berkeley DB metadata page")
        let bigEndian: Bool
        if try meta.u32(12, bigEndian: false) == hashMagic { bigEndian = false }
        else if try meta.u32(12, bigEndian: true) == hashMagic { bigEndian = true }
        else { throw RPMFormatError.badMagic(what: "Berkeley DB hash metadata page") }

        let version = try meta.u32(16, bigEndian: bigEndian)
        guard (8...10).contains(version) else { throw RPMFormatError.unsupported("Berkeley DB hash version \(version)") }
        let pageSize = Int(try meta.u32(20, bigEndian: bigEndian))
        guard pageSize >= 512, pageSize <= 65536, pageSize & (pageSize - 1) == 0 else {
            throw RPMFormatError.corrupt("Berkeley DB page size \(pageSize) is not a power of two between 512 and 65536")
        }
        guard try meta.u8(24) == 0 else { throw RPMFormatError.unsupported("encrypted Berkeley DB") }
        guard try meta.u8(25) == PageType.hashMetadata.rawValue else {
            throw RPMFormatError.corrupt("Berkeley DB page 0 is not a hash metadata page")
        }
        // Checksummed pages move the item index; rpm never enables checksums, so refuse rather than guess.
        guard try meta.u8(26) & 0x01 == 0 else { throw RPMFormatError.unsupported("checksummed Berkeley DB pages") }
        let lastPage = Int(try meta.u32(32, bigEndian: bigEndian))
        let pagesInFile = data.count / pageSize
        guard lastPage < pagesInFile else {
            throw RPMFormatError.corrupt("Berkeley DB says its last page is \(lastPage) but the file holds \(pagesInFile) pages")
        }

        let file = PageFile(data: data, pageSize: pageSize, pageCount: lastPage + 1, bigEndian: bigEndian)
        var out: [(key: Data, value: Data)] = []
        for number in 1..<(lastPage + 1) {
            let page = try file.page(number)
            let type = try page.u8(25)
            guard type == PageType.hash.rawValue || type == PageType.hashUnsorted.rawValue else { continue }
            out += try file.pairs(onPage: page, number: number)
        }
        return out
    }

    private struct PageFile {
        let data: Data
        let pageSize: Int
        let pageCount: Int
        let bigEndian: Bool

        func page(_ number: Int) throws -> RPMByteReader {
            guard number >= 0, number < pageCount else {
                throw RPMFormatError.corrupt("Berkeley DB page \(number) is outside the database (\(pageCount) pages)")
            }
            let r = RPMByteReader(data, what: "Berkeley DB file")
            return RPMByteReader(try r.slice(number * pageSize, pageSize), what: "Berkeley DB page \(number)")
        }

        /// The key/value pairs of one hash page, values fetched from overflow pages when stored off-page.
        func pairs(onPage page: RPMByteReader, number: Int) throws -> [(key: Data, value: Data)] {
            let entries = Int(try page.u16(20, bigEndian: bigEndian))
            guard entries % 2 == 0 else {
                throw RPMFormatError.corrupt("Berkeley DB page \(number) has \(entries) items, not key/value pairs")
            }
            let indexEnd = pageHeaderSize + entries * 2
            guard indexEnd <= pageSize else {
                throw RPMFormatError.corrupt("Berkeley DB page \(number) claims \(entries) items, more than fit in a page")
            }
            var offsets: [Int] = []
            for i in 0..<entries {
                let offset = Int(try page.u16(pageHeaderSize + i * 2, bigEndian: bigEndian))
                // Items are packed from the end of the page downwards, in index order.
                let end = i == 0 ? pageSize : offsets[i - 1]
                guard offset >= indexEnd, offset < end else {
                    throw RPMFormatError.corrupt("Berkeley DB page \(number) item \(i) has offset \(offset), outside \(indexEnd)..<\(end)")
                }
                offsets.append(offset)
            }
            var pairs: [(key: Data, value: Data)] = []
            for pair in stride(from: 0, to: entries, by: 2) {
                let key = try item(page, number: number, offsets: offsets, index: pair)
                let value = try item(page, number: number, offsets: offsets, index: pair + 1)
                pairs.append((key, value))
            }
            return pairs
        }

        private func item(_ page: RPMByteReader, number: Int, offsets: [Int], index: Int) throws -> Data {
            let offset = offsets[index]
            let length = (index == 0 ? pageSize : offsets[index - 1]) - offset
            switch ItemType(rawValue: try page.u8(offset)) {
            case .keyData:
                return try page.slice(offset + 1, length - 1)
            case .offPage:
                // HOFFPAGE: type, 3 unused bytes, first overflow page number, total length.
                guard length >= 12 else {
                    throw RPMFormatError.corrupt("Berkeley DB page \(number) item \(index) is \(length) bytes, too short for an off-page reference")
                }
                let first = Int(try page.u32(offset + 4, bigEndian: bigEndian))
                let total = Int(try page.u32(offset + 8, bigEndian: bigEndian))
                return try overflow(from: first, length: total, referencedBy: number)
            case .duplicate, .offDuplicate, nil:
                let type = (try? page.u8(offset)) ?? 0
                throw RPMFormatError.unsupported("Berkeley DB item type \(type) on page \(number) (rpm stores no duplicates)")
            }
        }

        /// Concatenates an overflow chain. Each overflow page keeps its byte count where hash pages keep the
        /// free-area offset.
        private func overflow(from first: Int, length: Int, referencedBy owner: Int) throws -> Data {
            guard length <= data.count else {
                throw RPMFormatError.corrupt("Berkeley DB page \(owner) names a \(length)-byte value, larger than the file")
            }
            var value = Data()
            value.reserveCapacity(length)
            var current = first
            var visited = 0
            while current != 0 {
                visited += 1
                guard visited <= pageCount else {
                    throw RPMFormatError.corrupt("Berkeley DB overflow chain from page \(first) loops")
                }
                let page = try self.page(current)
                guard try page.u8(25) == PageType.overflow.rawValue else {
                    throw RPMFormatError.corrupt("Berkeley DB page \(current), in an overflow chain from page \(owner), is not an overflow page")
                }
                let onPage = Int(try page.u16(22, bigEndian: bigEndian))
                guard onPage <= pageSize - pageHeaderSize, value.count + onPage <= length else {
                    throw RPMFormatError.corrupt("Berkeley DB overflow page \(current) holds \(onPage) bytes, more than fit or were announced")
                }
                value.append(try page.slice(pageHeaderSize, onPage))
                current = Int(try page.u32(16, bigEndian: bigEndian))
            }
            guard value.count == length else {
                throw RPMFormatError.corrupt("Berkeley DB overflow chain from page \(first) holds \(value.count) bytes, \(length) announced")
            }
            return value
        }
    }
}
