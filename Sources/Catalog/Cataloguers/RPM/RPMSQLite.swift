import CSQLite3
import Foundation

/// Reads header blobs from rpm's SQLite backend (`rpmdb.sqlite`, rpm 4.16 and later): table `Packages`
/// (`hnum INTEGER PRIMARY KEY`, `blob BLOB`). The database is opened in memory from the bytes the walker
/// kept (`sqlite3_deserialize`), so nothing is written to disk, and read-only.
enum RPMSQLite {
    static let magic = Data("SQLite format 3\u{0}".utf8)

    static func matches(_ data: Data) -> Bool { data.prefix(magic.count) == magic }

    static func blobs(_ data: Data) throws -> [Data] {
        guard matches(data), data.count >= 100 else { throw RPMFormatError.badMagic(what: "SQLite database header") }
        var handle: OpaquePointer?
        guard sqlite3_open_v2(":memory:", &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, let db = handle else {
            sqlite3_close(handle)
            throw RPMFormatError.unsupported("cannot open an in-memory SQLite database")
        }
        defer { sqlite3_close(db) }
        guard let buffer = sqlite3_malloc64(UInt64(data.count))?.assumingMemoryBound(to: UInt8.self) else {
            throw RPMFormatError.unsupported("cannot allocate \(data.count) bytes for the SQLite database")
        }
        data.copyBytes(to: buffer, count: data.count)
        // rpm leaves its database in WAL mode (header bytes 18 and 19 = 2), which an in-memory database cannot
        // open. Marking the copy as a rollback-journal database reads the same pages; rpm checkpoints the
        // WAL when it closes the database, so a finished image holds everything in the main file.
        if buffer[18] == 2 { buffer[18] = 1 }
        if buffer[19] == 2 { buffer[19] = 1 }
        let flags = UInt32(SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY)
        // On failure SQLite frees the buffer itself (FREEONCLOSE).
        let rc = sqlite3_deserialize(db, "main", buffer, Int64(data.count), Int64(data.count), flags)
        guard rc == SQLITE_OK else { throw sqliteError(db, rc, doing: "loading the database") }
        // A hostile file could make `Packages` a view calling functions; only a plain table is read.
        _ = sqlite3_exec(db, "PRAGMA trusted_schema = OFF", nil, nil, nil)
        guard try scalar(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'Packages'") == 1 else {
            throw RPMFormatError.corrupt("SQLite database has no Packages table")
        }

        var statement: OpaquePointer?
        let prepared = sqlite3_prepare_v2(db, "SELECT hnum, blob FROM Packages ORDER BY hnum", -1, &statement, nil)
        guard prepared == SQLITE_OK, let stmt = statement else { throw sqliteError(db, prepared, doing: "reading Packages") }
        defer { sqlite3_finalize(stmt) }
        var blobs: [Data] = []
        while true {
            let step = sqlite3_step(stmt)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw sqliteError(db, step, doing: "reading Packages") }
            let size = Int(sqlite3_column_bytes(stmt, 1))
            guard sqlite3_column_type(stmt, 1) == SQLITE_BLOB, size > 0, let bytes = sqlite3_column_blob(stmt, 1) else {
                throw RPMFormatError.corrupt("SQLite Packages row \(sqlite3_column_int64(stmt, 0)) holds no header blob")
            }
            blobs.append(Data(bytes: bytes, count: size))
        }
        return blobs
    }

    private static func scalar(_ db: OpaquePointer, _ sql: String) throws -> Int64 {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(db, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let stmt = statement else { throw sqliteError(db, rc, doing: "reading the schema") }
        defer { sqlite3_finalize(stmt) }
        let step = sqlite3_step(stmt)
        guard step == SQLITE_ROW else { throw sqliteError(db, step, doing: "reading the schema") }
        return sqlite3_column_int64(stmt, 0)
    }

    private static func sqliteError(_ db: OpaquePointer, _ code: Int32, doing: String) -> RPMFormatError {
        let message = sqlite3_errmsg(db).map { String(cString: $0) } ?? "error \(code)"
        return .corrupt("SQLite \(doing): \(message) (code \(code))")
    }
}
