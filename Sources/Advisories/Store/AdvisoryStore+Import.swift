import Foundation
import GRDB

extension AdvisoryStore {
    /// Files `advisories` under `source` in one transaction. An advisory whose `modified` is older
    /// than the stored copy's, or equal with the same content, is skipped (counted as unchanged); a
    /// newer one replaces it, whichever source had it. Withdrawn advisories are stored with their date and never matched.
    public func `import`(_ advisories: [Advisory], source: String) throws -> ImportStats {
        let started = Date()
        var stats = ImportStats(source: source)
        stats.records = advisories.count
        stats.withdrawn = advisories.reduce(0) { $0 + ($1.withdrawn == nil ? 0 : 1) }
        defer { decoded.removeAll() }
        try perform("import of \(source)") {
            try queue.write { db in
                var writer = try RecordWriter(db)
                for advisory in advisories {
                    switch try writer.store(advisory, source: source) {
                    case .inserted: stats.inserted += 1
                    case .replaced: stats.replaced += 1
                    case .unchanged: stats.unchanged += 1
                    }
                }
                try db.execute(sql: """
                    INSERT INTO sources(name, last_import, last_import_records) VALUES (?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET last_import = excluded.last_import, last_import_records = excluded.last_import_records
                    """, arguments: [source, Date().timeIntervalSince1970, advisories.count])
            }
        }
        stats.duration = Date().timeIntervalSince(started)
        return stats
    }
}

/// Writes advisories through prepared statements inside one transaction.
private struct RecordWriter {
    enum Outcome { case inserted, replaced, unchanged }

    let find, storedRecord, insert, update, deleteAffected, deleteAliases, insertAffected, insertAlias: Statement
    let cpeMatches: CPEMatchWriter

    init(_ db: Database) throws {
        find = try db.cachedStatement(sql: "SELECT rowid, modified FROM advisories WHERE id = ?")
        storedRecord = try db.cachedStatement(sql: "SELECT record FROM advisories WHERE rowid = ?")
        insert = try db.cachedStatement(sql: "INSERT INTO advisories(id, source, modified, withdrawn, summary, bundle, record) VALUES (?, ?, ?, ?, ?, ?, ?)")
        update = try db.cachedStatement(sql: "UPDATE advisories SET source = ?, modified = ?, withdrawn = ?, summary = ?, bundle = ?, record = ? WHERE rowid = ?")
        deleteAffected = try db.cachedStatement(sql: "DELETE FROM affected WHERE advisory = ?")
        deleteAliases = try db.cachedStatement(sql: "DELETE FROM aliases WHERE advisory = ?")
        insertAffected = try db.cachedStatement(sql: "INSERT OR IGNORE INTO affected(family, release, name, advisory, via) VALUES (?, ?, ?, ?, ?)")
        insertAlias = try db.cachedStatement(sql: "INSERT OR IGNORE INTO aliases(alias, advisory) VALUES (?, ?)")
        cpeMatches = try CPEMatchWriter(db)
        self.db = db
    }

    private let db: Database

    mutating func store(_ advisory: Advisory, source: String) throws -> Outcome {
        let record = AdvisoryRecordCoding.encode(advisory)
        let modified = advisory.modified?.timeIntervalSince1970
        let withdrawn = advisory.withdrawn?.timeIntervalSince1970
        let bundle = AliasGroups.isBundle(advisory.aliases)
        if let row = try Row.fetchOne(find, arguments: [advisory.id]) {
            let rowid: Int64 = try row.decode(atIndex: 0)
            let storedModified: Double? = try row.decode(atIndex: 1)
            let newer: Bool
            switch (modified, storedModified) {
            case let (m?, s?) where m != s: newer = m > s
            case (_?, nil): newer = true
            case (nil, _?): newer = false
            case (_?, _?), (nil, nil):
                // Formats without `modified` (secdb, tracker lists) replace when the content changed.
                // So does the same revision read differently by a newer vouch (ALSA `related` CVEs
                // became aliases): the layout is unchanged, so re-importing refreshes the old rows.
                let stored = try Data.fetchOne(storedRecord, arguments: [rowid])
                newer = stored != record
            }
            guard newer else { return .unchanged }
            try update.execute(arguments: [source, modified, withdrawn, advisory.summary, bundle, record, rowid])
            try deleteAffected.execute(arguments: [rowid])
            try deleteAliases.execute(arguments: [rowid])
            try cpeMatches.remove(advisory: rowid)
            try index(advisory, rowid: rowid)
            return .replaced
        }
        try insert.execute(arguments: [advisory.id, source, modified, withdrawn, advisory.summary, bundle, record])
        try index(advisory, rowid: db.lastInsertedRowID)
        return .inserted
    }

    private func index(_ advisory: Advisory, rowid: Int64) throws {
        try insertAlias.execute(arguments: [advisory.id, rowid])
        for alias in advisory.aliases { try insertAlias.execute(arguments: [alias, rowid]) }
        try cpeMatches.add(advisory, rowid: rowid)
        for package in advisory.affected where !package.name.isEmpty {
            let key = EcosystemKey(osv: package.ecosystem)
            try insertAffected.execute(arguments: [key.family, key.release, key.packageName(package.name), rowid, "package"])
            for binary in package.binaries {
                try insertAffected.execute(arguments: [key.family, key.release, key.packageName(binary), rowid, "binary"])
            }
        }
    }
}
