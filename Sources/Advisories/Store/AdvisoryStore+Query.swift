import Foundation
import GRDB

extension AdvisoryStore {
    /// Advisories naming any of `names` as an affected package or one of its binary packages, in
    /// one ecosystem stream: `("Debian", "12")`, `("Ubuntu", "22.04")`, `("Alpine", "v3.18")`,
    /// `("PyPI", nil)`. A nil release matches only entries without one (language ecosystems).
    /// Withdrawn advisories are left out unless asked for. Sorted by id.
    public func candidates(ecosystem: String, release: String?, names: [String], includeWithdrawn: Bool = false) throws -> [Advisory] {
        let key = EcosystemKey(ecosystem: ecosystem, release: release)
        let nameKeys = Array(Set(names.map(key.packageName)))
        guard !nameKeys.isEmpty else { return [] }
        return try perform("lookup") {
            try queue.read { db in
                var matches: [(rowid: Int64, id: String)] = []
                var seen = Set<Int64>()
                for chunk in chunks(of: nameKeys) {
                    let statement = try db.makeStatement(sql: """
                        SELECT DISTINCT a.rowid, a.id FROM affected f JOIN advisories a ON a.rowid = f.advisory
                        WHERE f.family = ? AND f.release = ? AND f.name IN (\(marks(chunk.count)))\(includeWithdrawn ? "" : " AND a.withdrawn IS NULL")
                        """)
                    let rows = try Row.fetchCursor(statement, arguments: StatementArguments([key.family, key.release] + chunk))
                    while let row = try rows.next() {
                        let rowid: Int64 = try row.decode(atIndex: 0)
                        if seen.insert(rowid).inserted { matches.append((rowid, try row.decode(atIndex: 1))) }
                    }
                }
                var found: [Int64: Advisory] = [:]
                var missing: [Int64] = []
                for m in matches {
                    if let cached = decoded.advisory(m.rowid) { found[m.rowid] = cached } else { missing.append(m.rowid) }
                }
                for chunk in chunks(of: missing) {
                    let rows = try Row.fetchCursor(db, sql: "SELECT rowid, id, record FROM advisories WHERE rowid IN (\(marks(chunk.count)))",
                                                   arguments: StatementArguments(chunk))
                    while let row = try rows.next() {
                        let rowid: Int64 = try row.decode(atIndex: 0)
                        let advisory = try decode(try row.decode(atIndex: 2), id: try row.decode(atIndex: 1))
                        decoded.keep(advisory, rowid: rowid)
                        found[rowid] = advisory
                    }
                }
                return matches.sorted { $0.id < $1.id }.compactMap { found[$0.rowid] }
            }
        }
    }

    private func chunks<T>(of items: [T], size: Int = 500) -> [[T]] {
        stride(from: 0, to: items.count, by: size).map { Array(items[$0..<min($0 + size, items.count)]) }
    }

    private func marks(_ count: Int) -> String { Array(repeating: "?", count: count).joined(separator: ",") }

    /// The advisory stored under exactly this id (withdrawn ones included), or nil.
    public func advisory(id: String) throws -> Advisory? {
        try perform("lookup of \(id)") {
            try queue.read { db in
                try Data.fetchOne(db, sql: "SELECT record FROM advisories WHERE id = ?", arguments: [id]).map { try decode($0, id: id) }
            }
        }
    }

    /// Every id known to name the same vulnerability as `id`, `id` included. See `AliasGroups`.
    public func aliases(of id: String) throws -> Set<String> {
        try perform("alias lookup of \(id)") {
            try queue.read { db in try AliasGroups.group(of: id, in: db) }
        }
    }

    public func status() throws -> StoreStatus {
        try perform("status") {
            try queue.read { db in
                let version = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema_version'").flatMap { Int($0) } ?? 0
                let rows = try Row.fetchAll(db, sql: """
                    SELECT s.name, COUNT(a.rowid), COALESCE(SUM(a.withdrawn IS NOT NULL), 0), s.last_import_records, s.last_import, MAX(a.modified)
                    FROM sources s LEFT JOIN advisories a ON a.source = s.name GROUP BY s.name ORDER BY s.name
                    """)
                let sources = try rows.map { row in
                    StoreStatus.Source(name: try row.decode(atIndex: 0), advisories: try row.decode(atIndex: 1),
                                       withdrawn: try row.decode(atIndex: 2), lastImportRecords: try row.decode(atIndex: 3),
                                       lastImport: (try row.decode(Double?.self, atIndex: 4)).map { Date(timeIntervalSince1970: $0) },
                                       newestModified: (try row.decode(Double?.self, atIndex: 5)).map { Date(timeIntervalSince1970: $0) })
                }
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
                return StoreStatus(path: path, schemaVersion: version, sources: sources, fileSize: size)
            }
        }
    }

    private func decode(_ data: Data, id: String) throws -> Advisory {
        do { return try AdvisoryRecordCoding.decode(data) } catch {
            throw AdvisoryStoreError.damagedRecord(path: path, id: id, reason: "\(error)")
        }
    }
}
