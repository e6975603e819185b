import Foundation
import GRDB

/// vouch's advisory database: one SQLite file holding every imported advisory, indexed by
/// ecosystem, release and package (or binary) name, with their aliases linked.
///
/// Default location: `$XDG_CACHE_HOME/vouch/advisories.sqlite`, else `~/.cache/vouch/advisories.sqlite`.
public final class AdvisoryStore: Sendable {
    public let path: String
    let queue: DatabaseQueue
    let decoded = DecodedAdvisories(capacity: 8_192)

    /// The schema version this build reads and writes.
    public static var schemaVersion: Int { AdvisoryStoreSchema.version }

    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let cache: String
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { cache = xdg }
        else { cache = (environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path) + "/.cache" }
        return cache + "/vouch/advisories.sqlite"
    }

    /// Opens the database at `path`, creating it (and its folder) when absent and migrating an
    /// older layout. A file that is not a vouch advisory database is never modified.
    public init(path: String) throws {
        self.path = path
        try Self.checkFile(path)
        var configuration = Configuration()
        configuration.label = "vouch-advisories"
        configuration.busyMode = .timeout(10)
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw Self.mapped(error, path: path, operation: "open")
        }
        try perform("open") {
            try self.checkSchema()
            try AdvisoryStoreSchema.migrator.migrate(self.queue)
        }
    }

    /// Refuses what is plainly not an SQLite file before SQLite sees it, and creates the folder.
    private static func checkFile(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw AdvisoryStoreError.notAdvisoryDatabase(path: path, reason: "it is a directory") }
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw AdvisoryStoreError.cannotCreate(path: path, reason: "cannot read the existing file")
            }
            defer { try? handle.close() }
            let head = (try? handle.read(upToCount: 16)) ?? Data()
            if !head.isEmpty && head != Data("SQLite format 3\0".utf8) {
                throw AdvisoryStoreError.notAdvisoryDatabase(path: path, reason: "not an SQLite file")
            }
        } else {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw AdvisoryStoreError.cannotCreate(path: path, reason: "\(error)")
            }
        }
    }

    private func checkSchema() throws {
        try queue.read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            if tables.isEmpty { return }
            guard tables.contains("meta") else {
                throw AdvisoryStoreError.notAdvisoryDatabase(path: path, reason: "it holds other tables (\(tables.prefix(5).joined(separator: ", ")))")
            }
            let application = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'application'")
            guard application == AdvisoryStoreSchema.application else {
                throw AdvisoryStoreError.notAdvisoryDatabase(path: path, reason: "its meta table belongs to '\(application ?? "nothing")'")
            }
            let versionText = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema_version'")
            guard let versionText, let version = Int(versionText) else {
                throw AdvisoryStoreError.notAdvisoryDatabase(path: path, reason: "no schema_version")
            }
            let superseded = try AdvisoryStoreSchema.migrator.hasBeenSuperseded(db)
            if version > AdvisoryStoreSchema.version || superseded {
                throw AdvisoryStoreError.newerSchema(path: path, found: version, supported: AdvisoryStoreSchema.version)
            }
        }
    }

    /// Runs `body`, turning SQLite errors into `AdvisoryStoreError`s that name the file.
    func perform<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            throw Self.mapped(error, path: path, operation: operation)
        }
    }

    static func mapped(_ error: Error, path: String, operation: String) -> Error {
        if error is AdvisoryStoreError { return error }
        if let e = error as? DatabaseError {
            let reason = e.message ?? "\(e.resultCode)"
            switch e.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT: return AdvisoryStoreError.notAdvisoryDatabase(path: path, reason: reason)
            case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM: return AdvisoryStoreError.cannotCreate(path: path, reason: reason)
            default: return AdvisoryStoreError.database(path: path, operation: operation, reason: reason)
            }
        }
        return AdvisoryStoreError.database(path: path, operation: operation, reason: "\(error)")
    }
}

/// Advisories already read back, by row id: a scan asks for the same distribution advisory once
/// per binary package it lists, and `compare` scans two images. Emptied by every import, and
/// wholesale when full (simpler than LRU, and a full cache means a scan far larger than usual).
final class DecodedAdvisories: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [Int64: Advisory] = [:]
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func advisory(_ rowid: Int64) -> Advisory? {
        lock.lock(); defer { lock.unlock() }
        return entries[rowid]
    }

    func keep(_ advisory: Advisory, rowid: Int64) {
        lock.lock(); defer { lock.unlock() }
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[rowid] = advisory
    }

    func removeAll() {
        lock.lock(); defer { lock.unlock() }
        entries.removeAll()
    }
}
