import Foundation

/// What one import did: what the container held, what the parser made of it, what the store kept.
public struct ImportStats: Sendable, Equatable, CustomStringConvertible {
    /// The store's source name the records were filed under (`AlmaLinux`, `ubuntu-osv-sample`).
    public var source: String
    /// The path imported, when the importer read one.
    public var path: String?
    /// Files looked at in the container.
    public var entries = 0
    /// Files no format claimed (READMEs, licences).
    public var ignoredEntries = 0
    /// Valid records handed to the store.
    public var records = 0
    /// Records the store did not have.
    public var inserted = 0
    /// Records that replaced a stored one with an older `modified`.
    public var replaced = 0
    /// Records skipped because the stored copy is as new (re-imports; the same record twice in one source).
    public var unchanged = 0
    /// Of the records handed over, those with a `withdrawn` date.
    public var withdrawn = 0
    public var diagnostics = ImportDiagnostics()
    public var duration: TimeInterval = 0

    public init(source: String, path: String? = nil) { self.source = source; self.path = path }

    public var description: String {
        var parts = ["\(source): \(records) records (\(inserted) new, \(replaced) updated, \(unchanged) unchanged)"]
        if withdrawn > 0 { parts.append("\(withdrawn) withdrawn") }
        if diagnostics.invalidRecords > 0 { parts.append("\(diagnostics.invalidRecords) invalid") }
        if diagnostics.warningCount > 0 { parts.append("\(diagnostics.warningCount) warnings") }
        if diagnostics.skippedEntries > 0 { parts.append("\(diagnostics.skippedEntries) entries skipped") }
        parts.append(String(format: "%.2fs", duration))
        return parts.joined(separator: ", ")
    }
}

/// What `vouch db status` shows.
public struct StoreStatus: Sendable, Equatable {
    public struct Source: Sendable, Equatable {
        public var name: String
        /// Advisories currently filed under this source.
        public var advisories: Int
        /// Of those, withdrawn ones (kept, never matched).
        public var withdrawn: Int
        /// Valid records in the last import of this source.
        public var lastImportRecords: Int
        public var lastImport: Date?
        /// The newest `modified` among its advisories: how current the data is.
        public var newestModified: Date?
    }

    public var path: String
    public var schemaVersion: Int
    public var sources: [Source]
    /// Size of the database file in bytes.
    public var fileSize: Int64

    public var advisories: Int { sources.reduce(0) { $0 + $1.advisories } }
}

public enum AdvisoryStoreError: Error, CustomStringConvertible, Equatable {
    /// The file exists but is not SQLite, is damaged, or is some other program's database.
    case notAdvisoryDatabase(path: String, reason: String)
    /// Written by a newer vouch: this one does not know its layout and will not touch it.
    case newerSchema(path: String, found: Int, supported: Int)
    case cannotCreate(path: String, reason: String)
    /// SQLite failed while working on a valid database (disk full, locked, damaged pages).
    case database(path: String, operation: String, reason: String)
    /// A stored record could not be read back (damaged or written by a broken build).
    case damagedRecord(path: String, id: String, reason: String)

    public var description: String {
        switch self {
        case .notAdvisoryDatabase(let path, let reason): return "\(path): not a vouch advisory database (\(reason))"
        case .newerSchema(let path, let found, let supported):
            return "\(path): advisory database schema \(found) is newer than this vouch supports (\(supported)); upgrade vouch or import into a new --db"
        case .cannotCreate(let path, let reason): return "\(path): cannot create the advisory database: \(reason)"
        case .database(let path, let operation, let reason): return "\(path): \(operation) failed: \(reason)"
        case .damagedRecord(let path, let id, let reason): return "\(path): stored advisory \(id) is damaged: \(reason)"
        }
    }
}
