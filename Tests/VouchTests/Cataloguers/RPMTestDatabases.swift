import CSQLite3
import Foundation
import XCTest

/// Builds rpm databases around real header blobs, for the backends the shared data has no file of.
enum RPMTestDatabases {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// An rpmdb.sqlite as rpm 4.16+ writes it: rpm's own `Packages` table, WAL mode, checkpointed on close.
    /// Built in a private temporary file that is deleted before returning.
    static func sqlite(blobs: [Data], table: String = "Packages") throws -> Data {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vouch-rpmdb-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        var handle: OpaquePointer?
        guard sqlite3_open(path, &handle) == SQLITE_OK, let db = handle else { throw Failure(description: "cannot create \(path)") }
        func exec(_ sql: String) throws {
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
                throw Failure(description: "\(sql): \(String(cString: sqlite3_errmsg(db)))")
            }
        }
        try exec("PRAGMA journal_mode = WAL")
        try exec("CREATE TABLE IF NOT EXISTS '\(table)' (hnum INTEGER PRIMARY KEY AUTOINCREMENT,blob BLOB NOT NULL)")
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for blob in blobs {
            var stmt: OpaquePointer?
            guard sqlite3_prepare_v2(db, "INSERT INTO '\(table)' (blob) VALUES (?)", -1, &stmt, nil) == SQLITE_OK else {
                throw Failure(description: "prepare insert")
            }
            _ = blob.withUnsafeBytes { sqlite3_bind_blob(stmt, 1, $0.baseAddress, Int32(blob.count), transient) }
            let rc = sqlite3_step(stmt)
            sqlite3_finalize(stmt)
            guard rc == SQLITE_DONE else { throw Failure(description: "insert: \(rc)") }
        }
        guard sqlite3_close(db) == SQLITE_OK else { throw Failure(description: "close") }
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// A Packages.db laid out as rpm's lib/backend/ndb/rpmpkg.c writes it: one slot page, then each blob
    /// in 16-byte blocks (blob header, header blob, 12-byte tail). The tail's Adler-32 is left zero; the reader
    /// does not check it.
    static func ndb(blobs: [Data]) -> Data {
        var out = Data(count: 4096)
        func put(_ value: UInt32, at offset: Int) {
            for i in 0..<4 { out[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
        }
        put(0x506d_7052, at: 0)          // "RpmP"
        put(0, at: 4)                    // version
        put(1, at: 8)                    // generation
        put(1, at: 12)                   // slot pages
        for slot in 2..<256 { put(0x746f_6c53, at: slot * 16) }   // "Slot", free
        var nextBlock = 4096 / 16
        for (i, blob) in blobs.enumerated() {
            let package = UInt32(i + 1)
            let blocks = (16 + blob.count + 12 + 15) / 16
            put(package, at: (i + 2) * 16 + 4)
            put(UInt32(nextBlock), at: (i + 2) * 16 + 8)
            put(UInt32(blocks), at: (i + 2) * 16 + 12)
            let start = out.count
            out.append(Data(count: blocks * 16))
            put(0x5362_6c42, at: start)  // "BlbS"
            put(package, at: start + 4)
            put(1, at: start + 8)
            put(UInt32(blob.count), at: start + 12)
            out.replaceSubrange((start + 16)..<(start + 16 + blob.count), with: blob)
            put(0x4562_6c42, at: start + 16 + blob.count)   // "BlbE"
            put(UInt32(blob.count), at: start + 16 + blob.count + 8)
            nextBlock += blocks
        }
        return out
    }

    /// A Berkeley DB hash database written by libdb's own `db5.3_load`, keyed as rpm keys it (record 0 holds
    /// the next package number). Skips when db5.3-util is not installed.
    static func libdbHash(blobs: [Data], pageSize: Int, bigEndian: Bool) throws -> Data {
        let loader = ["/usr/bin/db5.3_load", "/usr/bin/db_load", "/usr/local/bin/db_load"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        guard let loader else { throw XCTSkip("libdb's db_load is not installed (Debian: apt-get install db5.3-util)") }
        func le32(_ v: Int) -> String { (0..<4).map { String(format: "%02x", (v >> (8 * $0)) & 0xff) }.joined() }
        var dump = "VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize=\(pageSize)\ndb_lorder=\(bigEndian ? 4321 : 1234)\nHEADER=END\n"
        dump += " \(le32(0))\n \(le32(blobs.count + 1))\n"
        for (i, blob) in blobs.enumerated() {
            dump += " \(le32(i + 1))\n " + blob.map { String(format: "%02x", $0) }.joined() + "\n"
        }
        dump += "DATA=END\n"
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vouch-libdb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let dumpFile = dir.appendingPathComponent("dump.txt")
        try Data(dump.utf8).write(to: dumpFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: loader)
        process.arguments = ["-f", dumpFile.path, dir.appendingPathComponent("Packages").path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure(description: "\(loader) exited \(process.terminationStatus)") }
        return try Data(contentsOf: dir.appendingPathComponent("Packages"))
    }
}
