import GRDB

/// The store's tables and their migrations. `meta.schema_version` says which layout a file has, so
/// an older vouch can refuse a newer file instead of misreading it.
enum AdvisoryStoreSchema {
    static let application = "vouch-advisories"
    static let version = 2

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                INSERT INTO meta(key, value) VALUES ('application', '\(application)'), ('schema_version', '1');

                CREATE TABLE sources(
                    name TEXT PRIMARY KEY NOT NULL,
                    last_import REAL,
                    last_import_records INTEGER NOT NULL DEFAULT 0);

                -- One row per advisory id. `record` is the whole advisory (AdvisoryRecordCoding);
                -- the other columns are what queries filter on. Dates are seconds since 1970.
                CREATE TABLE advisories(
                    rowid INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    source TEXT NOT NULL,
                    modified REAL,
                    withdrawn REAL,
                    summary TEXT,
                    bundle INTEGER NOT NULL DEFAULT 0,
                    record BLOB NOT NULL);
                CREATE INDEX advisories_source ON advisories(source);

                -- Lookup rows: (family, release, package or binary name) → advisory.
                CREATE TABLE affected(
                    family TEXT NOT NULL,
                    release TEXT NOT NULL,
                    name TEXT NOT NULL,
                    advisory INTEGER NOT NULL,
                    via TEXT NOT NULL,
                    PRIMARY KEY(family, release, name, advisory)) WITHOUT ROWID;
                CREATE INDEX affected_advisory ON affected(advisory);

                -- Every id an advisory answers to, its own included.
                CREATE TABLE aliases(
                    alias TEXT NOT NULL,
                    advisory INTEGER NOT NULL,
                    PRIMARY KEY(alias, advisory)) WITHOUT ROWID;
                CREATE INDEX aliases_advisory ON aliases(advisory);
                """)
        }
        // Schema 2: NVD's CPE matches (CPEMatchTable.swift).
        CPEMatchTable.register(in: &migrator)
        return migrator
    }
}
