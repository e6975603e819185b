import Foundation

/// Imports advisory files into an `AdvisoryStore`: each path (a directory, a `.zip` such as
/// osv.dev's `all.zip`, a tarball, or one file) is read as a stream, each file in it goes to the
/// first registered `AdvisoryFormat` that recognises it, and the records are stored in one
/// transaction under a source named after the path.
public struct AdvisoryImporter {
    public var formats: [any AdvisoryFormat.Type]
    public var limits: ImportLimits

    public init(formats: [any AdvisoryFormat.Type] = AdvisoryFormats.registered, limits: ImportLimits = ImportLimits()) {
        self.formats = formats; self.limits = limits
    }

    /// Imports every path with the registered formats; see `importPaths(_:into:sourceName:)`.
    public static func importPaths(_ paths: [String], into store: AdvisoryStore) throws -> [ImportStats] {
        try AdvisoryImporter().importPaths(paths, into: store)
    }

    /// Imports each path as its own source: `AlmaLinux` for `AlmaLinux.tar.gz`, the folder's name for
    /// a directory, the parent folder's name for a single file (so `ubuntu-osv-sample/*.json` given
    /// one by one still files under one source), unless `sourceName` names it. Invalid records are
    /// counted in each `ImportStats` and skipped; an unreadable container throws, leaving the sources
    /// imported before it in place.
    public func importPaths(_ paths: [String], into store: AdvisoryStore, sourceName: String? = nil) throws -> [ImportStats] {
        try paths.map { path in
            let started = Date()
            let (advisories, read) = try self.read(path)
            var stats = try store.import(advisories, source: sourceName ?? Self.sourceName(for: path))
            stats.path = path
            stats.entries = read.entries
            stats.ignoredEntries = read.ignoredEntries
            stats.diagnostics.merge(read.diagnostics)
            stats.duration = Date().timeIntervalSince(started)
            return stats
        }
    }

    /// Parses a path without storing anything: the advisories and what was found on the way.
    public func read(_ path: String) throws -> (advisories: [Advisory], stats: ImportStats) {
        let started = Date()
        var stats = ImportStats(source: Self.sourceName(for: path), path: path)
        let source = try ImportSources.open(path)
        var parsers: [Int: any AdvisoryFormat] = [:]
        var advisories: [Advisory] = []
        var diagnostics = ImportDiagnostics()
        var containerDiagnostics = ImportDiagnostics()
        try source.forEachEntry(limits: limits, diagnostics: &containerDiagnostics) { entry in
            stats.entries += 1
            let head = entry.data.prefix(AdvisoryFormats.sniffBytes)
            guard let index = formats.firstIndex(where: { $0.detect(path: entry.path, firstBytes: head) }) else {
                stats.ignoredEntries += 1
                return
            }
            var parser = parsers[index] ?? formats[index].init()
            do {
                advisories += try parser.parse(entry, diagnostics: &diagnostics)
            } catch {
                let message = "\(error)"
                diagnostics.invalid(message.contains(entry.displayName) ? message : "\(entry.displayName): \(message)")
            }
            parsers[index] = parser
        }
        for index in parsers.keys.sorted() {
            guard var parser = parsers[index] else { continue }
            do { advisories += try parser.finish(diagnostics: &diagnostics) } catch {
                diagnostics.invalid("\(path): \(type(of: parser).name): \(error)")
            }
        }
        diagnostics.merge(containerDiagnostics)
        stats.records = advisories.count
        stats.withdrawn = advisories.reduce(0) { $0 + ($1.withdrawn == nil ? 0 : 1) }
        stats.diagnostics = diagnostics
        stats.duration = Date().timeIntervalSince(started)
        return (advisories, stats)
    }

    /// The source a path files under when none is given.
    public static func sourceName(for path: String) -> String {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists && !isDirectory.boolValue {
            let head = FileHandle(forReadingAtPath: path).flatMap { h -> Data? in defer { try? h.close() }; return try? h.read(upToCount: 512) } ?? Data()
            if !ArchiveImportSource.recognizes(head) {
                let parent = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().lastPathComponent
                if !parent.isEmpty && parent != "/" { return parent }
            }
        }
        return ImportSources.baseName(of: path)
    }
}
