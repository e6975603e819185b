import Foundation
import GRDB

/// One stored NVD CPE match and the vulnerability it belongs to, as `AdvisoryStore.cpeMatches` returns it.
public struct CPEMatchRecord: Sendable, Equatable {
    /// The CVE (`CVE-2024-0727`).
    public var vulnerability: String
    /// The advisory that holds it (`NVD-CVE-2024-0727`).
    public var advisory: String
    public var criterion: CPEMatchCriterion

    public init(vulnerability: String, advisory: String, criterion: CPEMatchCriterion) {
        self.vulnerability = vulnerability; self.advisory = advisory; self.criterion = criterion
    }
}

/// The `cpe_matches` table: NVD's vulnerable CPE matches, one row each, looked up by the exact
/// (vendor, product) pair through an index, never by scanning. Vendor and product are the logical,
/// lowercased values (`CPEName`); the other attributes are read back from `criteria`, re-parsed by
/// the parser that accepted it. Rows belong to an advisory row and are replaced with it.
enum CPEMatchTable {
    static let migration = "v2-cpe-matches"

    /// Schema 2. NVD records imported under schema 1 have no CPE rows, and an unchanged record is
    /// skipped on re-import; forgetting their `modified` makes the next import of the feed replace
    /// them (a record without a stored date is always older), which files their CPE matches.
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration(migration) { db in
            try db.execute(sql: """
                CREATE TABLE cpe_matches(
                    vendor TEXT NOT NULL,
                    product TEXT NOT NULL,
                    cve TEXT NOT NULL,
                    advisory INTEGER NOT NULL,
                    criteria TEXT NOT NULL,
                    version TEXT NOT NULL,
                    start_including TEXT,
                    start_excluding TEXT,
                    end_including TEXT,
                    end_excluding TEXT,
                    match_id TEXT,
                    platforms TEXT);
                CREATE INDEX cpe_matches_product ON cpe_matches(vendor, product, cve);
                CREATE INDEX cpe_matches_advisory ON cpe_matches(advisory);
                UPDATE advisories SET modified = NULL WHERE id LIKE 'NVD-CVE-%' AND modified IS NOT NULL;
                UPDATE meta SET value = '2' WHERE key = 'schema_version' AND CAST(value AS INTEGER) < 2;
                """)
        }
    }

    static let lookupSQL = """
        SELECT c.cve, a.id, c.criteria, c.match_id, c.start_including, c.start_excluding, c.end_including, c.end_excluding, c.platforms
        FROM cpe_matches c JOIN advisories a ON a.rowid = c.advisory
        WHERE c.vendor = ? AND c.product = ? AND a.withdrawn IS NULL
        ORDER BY c.cve, c.rowid
        """

    /// Platform names are stored one per line; a criteria string never holds a newline (`CPEName`).
    static let platformSeparator = "\n"
}

/// Deletes and inserts an advisory's CPE rows inside the import transaction.
struct CPEMatchWriter {
    private let delete, insert: Statement

    init(_ db: Database) throws {
        delete = try db.cachedStatement(sql: "DELETE FROM cpe_matches WHERE advisory = ?")
        insert = try db.cachedStatement(sql: """
            INSERT INTO cpe_matches(vendor, product, cve, advisory, criteria, version, start_including, start_excluding,
                                    end_including, end_excluding, match_id, platforms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }

    func remove(advisory rowid: Int64) throws {
        try delete.execute(arguments: [rowid])
    }

    func add(_ advisory: Advisory, rowid: Int64) throws {
        guard !advisory.cpeMatches.isEmpty else { return }
        let cve = advisory.aliases.first { $0.hasPrefix("CVE-") } ?? advisory.id
        for m in advisory.cpeMatches {
            let platforms = m.platforms.isEmpty ? nil : m.platforms.joined(separator: CPEMatchTable.platformSeparator)
            try insert.execute(arguments: [m.vendor, m.product, cve, rowid, m.criteria, m.name.version.description,
                                           m.versionStartIncluding, m.versionStartExcluding, m.versionEndIncluding,
                                           m.versionEndExcluding, m.matchCriteriaID, platforms])
        }
    }
}

extension AdvisoryStore {
    /// NVD's CPE matches for one vendor and product (logical values, compared lowercased), of
    /// advisories not withdrawn, ordered by CVE. One indexed lookup.
    public func cpeMatches(vendor: String, product: String) throws -> [CPEMatchRecord] {
        try perform("CPE lookup of \(vendor):\(product)") {
            try queue.read { db in
                let rows = try Row.fetchCursor(db.cachedStatement(sql: CPEMatchTable.lookupSQL),
                                               arguments: [vendor.lowercased(), product.lowercased()])
                var out: [CPEMatchRecord] = []
                while let row = try rows.next() {
                    let advisory: String = try row.decode(atIndex: 1)
                    let platforms: String? = try row.decode(atIndex: 8)
                    do {
                        let criterion = try CPEMatchCriterion(
                            criteria: try row.decode(atIndex: 2), matchCriteriaID: try row.decode(atIndex: 3),
                            versionStartIncluding: try row.decode(atIndex: 4), versionStartExcluding: try row.decode(atIndex: 5),
                            versionEndIncluding: try row.decode(atIndex: 6), versionEndExcluding: try row.decode(atIndex: 7),
                            platforms: platforms.map { $0.components(separatedBy: CPEMatchTable.platformSeparator) } ?? [])
                        out.append(CPEMatchRecord(vulnerability: try row.decode(atIndex: 0), advisory: advisory, criterion: criterion))
                    } catch {
                        throw AdvisoryStoreError.damagedRecord(path: path, id: advisory, reason: "CPE match: \(error)")
                    }
                }
                return out
            }
        }
    }
}
