import Foundation

/// Reads header blobs from rpm's NDB backend (`Packages.db`, SUSE since rpm 4.16), following the layout of
/// rpm's lib/backend/ndb/rpmpkg.c. All integers are little-endian:
/// - a 32-byte file header (`RpmP`, version 0, generation, number of 4 KiB slot pages),
/// - slot pages of 16-byte slots (`Slot`, package index, block offset, block count; index 0 = free),
///   the file header taking the first two slots,
/// - blobs at `block offset × 16`: a 16-byte blob header (`BlbS`, package index, generation, length),
///   the header blob, and a 12-byte tail.
enum RPMNDB {
    static let fileMagic: UInt32 = 0x506d_7052   // "RpmP"
    static let slotMagic: UInt32 = 0x746f_6c53   // "Slot"
    static let blobMagic: UInt32 = 0x5362_6c42   // "BlbS"
    static let slotPageSize = 4096
    static let slotSize = 16
    static let blockSize = 16
    static let blobHeadSize = 16
    static let blobTailSize = 12
    /// rpm refuses more slot pages than this; so do we, before allocating anything.
    static let maxSlotPages = 2048

    static func matches(_ data: Data) -> Bool {
        (try? RPMByteReader(data, what: "NDB header").u32(0, bigEndian: false)) == fileMagic
    }

    static func blobs(_ data: Data) throws -> [Data] {
        let file = RPMByteReader(data, what: "NDB file")
        guard try file.u32(0, bigEndian: false) == fileMagic else { throw RPMFormatError.badMagic(what: "NDB file header") }
        let version = try file.u32(4, bigEndian: false)
        guard version == 0 else { throw RPMFormatError.unsupported("NDB version \(version)") }
        let slotPages = Int(try file.u32(12, bigEndian: false))
        guard slotPages >= 1, slotPages <= maxSlotPages else {
            throw RPMFormatError.corrupt("NDB header claims \(slotPages) slot pages (allowed 1…\(maxSlotPages))")
        }
        try file.check(0, slotPages * slotPageSize)

        var blobs: [Data] = []
        let slotCount = slotPages * slotPageSize / slotSize
        for slot in 2..<slotCount {
            let at = slot * slotSize
            guard try file.u32(at, bigEndian: false) == slotMagic else {
                throw RPMFormatError.corrupt("NDB slot \(slot) has a bad magic number")
            }
            let packageIndex = try file.u32(at + 4, bigEndian: false)
            if packageIndex == 0 { continue }
            let blockOffset = Int(try file.u32(at + 8, bigEndian: false))
            let blockCount = Int(try file.u32(at + 12, bigEndian: false))
            blobs.append(try blob(file, package: packageIndex, blockOffset: blockOffset, blockCount: blockCount))
        }
        return blobs
    }

    private static func blob(_ file: RPMByteReader, package: UInt32, blockOffset: Int, blockCount: Int) throws -> Data {
        let start = blockOffset * blockSize
        guard try file.u32(start, bigEndian: false) == blobMagic else {
            throw RPMFormatError.corrupt("NDB blob for package \(package) at offset \(start) has a bad magic number")
        }
        guard try file.u32(start + 4, bigEndian: false) == package else {
            throw RPMFormatError.corrupt("NDB blob at offset \(start) belongs to another package than slot \(package)")
        }
        let length = Int(try file.u32(start + 12, bigEndian: false))
        guard blockCount == (blobHeadSize + length + blobTailSize + blockSize - 1) / blockSize else {
            throw RPMFormatError.corrupt("NDB blob for package \(package) is \(length) bytes but spans \(blockCount) blocks")
        }
        return try file.slice(start + blobHeadSize, length)
    }
}
