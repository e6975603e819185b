import Advisories
import ArgumentParser
import Foundation

struct DBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the advisory database.",
        subcommands: [DBImportCommand.self, DBStatusCommand.self])
}

/// `--db PATH`, shared by every command that reads advisories.
struct DatabaseOption: ParsableArguments {
    @Option(help: "Advisory database (default: $XDG_CACHE_HOME/vouch/advisories.sqlite or ~/.cache/vouch/advisories.sqlite).")
    var db: String?

    var path: String { db ?? AdvisoryStore.defaultPath() }
}

struct DBImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import advisories: OSV JSON/YAML (directories, .zip, .tar.gz), Debian tracker lists and JSON, Alpine secdb, ruby-advisory-db, Node.js security-wg, NVD CVE JSON 2.0.",
        discussion: "Each path becomes a source named after it. Re-importing is incremental: records not modified since the last import are skipped; withdrawn ones are kept and never matched.")

    @Argument(help: "Files, directories or archives to import.")
    var paths: [String]

    @OptionGroup var database: DatabaseOption

    @Option(help: "File everything under this source name instead of one per path.")
    var source: String?

    func run() throws {
        try Vouch.guarded {
            let store = try AdvisoryStore(path: database.path)
            var failed = false
            for path in paths {
                do {
                    for stats in try AdvisoryImporter().importPaths([path], into: store, sourceName: source) {
                        print(stats.description)
                        for sample in stats.diagnostics.invalidSamples {
                            FileHandle.standardError.write(Data("vouch: warning: invalid record skipped: \(sample)\n".utf8))
                        }
                    }
                } catch {
                    // One unreadable path does not undo the others; it still fails the command.
                    FileHandle.standardError.write(Data("vouch: error: \(error)\n".utf8))
                    failed = true
                }
            }
            if failed { throw ExitCode(1) }
        }
    }
}

struct DBStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the database's sources, record counts, last import and schema version.")

    @OptionGroup var database: DatabaseOption

    func run() throws {
        try Vouch.guarded {
            guard FileManager.default.fileExists(atPath: database.path) else {
                throw CLIError("\(database.path): no advisory database yet (run vouch db import)")
            }
            // Status only reads: an empty file is reported, not turned into a new database.
            if (try? FileManager.default.attributesOfItem(atPath: database.path)[.size] as? Int64) == 0 {
                throw CLIError("\(database.path): empty file, not a vouch advisory database")
            }
            let status = try AdvisoryStore(path: database.path).status()
            let iso = ISO8601DateFormatter()
            print("database \(status.path) (schema \(status.schemaVersion), \(ByteCountFormatter.string(fromByteCount: status.fileSize, countStyle: .file)))")
            print("\(status.advisories) advisories from \(status.sources.count) sources")
            let header = ["SOURCE", "ADVISORIES", "WITHDRAWN", "LAST IMPORT", "NEWEST MODIFIED"]
            let rows = status.sources.map { s in
                [s.name, String(s.advisories), String(s.withdrawn), s.lastImport.map(iso.string(from:)) ?? "-", s.newestModified.map(iso.string(from:)) ?? "-"]
            }
            print(TextTable.render(header: header, rows: rows), terminator: "")
        }
    }
}

/// Left-aligned columns separated by two spaces.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> String {
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
