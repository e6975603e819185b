import Foundation

/// One file read from an import container, whole, in memory (never extracted to disk).
public struct ImportEntry: Sendable {
    /// The path the user gave (`../shared/data/osv/AlmaLinux.tar.gz`, a directory, a file).
    public let container: String
    /// The entry's path relative to the container (`advisories/almalinux9/ALSA-2023:1234.json`);
    /// for a single file, its name.
    public let path: String
    public let data: Data
    /// How messages name the entry: `container:path` inside an archive, `container/path` in a directory.
    public let displayName: String

    public init(container: String, path: String, data: Data, displayName: String) {
        self.container = container; self.path = path; self.data = data; self.displayName = displayName
    }
}

/// Limits that keep a hostile container from exhausting memory, disk or time.
public struct ImportLimits: Sendable {
    /// Entries larger than this are skipped unread (the largest real OSV record is about 200 KB).
    public var maxEntryBytes: Int64 = 64 << 20
    public var maxEntries = 2_000_000
    /// Total bytes an archive may expand to, skipped entries included.
    public var maxExpandedBytes: Int64 = 16 << 30
    public var maxPathBytes = 4096
    public var maxDirectoryDepth = 64
    public init() {}
}

public enum ImportSourceError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case corruptArchive(path: String, entry: String?, reason: String)
    case tooManyEntries(path: String, limit: Int)
    case expandsTooFar(path: String, limit: Int64)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .corruptArchive(let path, let entry, let reason):
            return "\(path): unreadable archive\(entry.map { " at entry '\($0.prefix(200))'" } ?? ""): \(reason)"
        case .tooManyEntries(let path, let limit): return "\(path): more than \(limit) entries"
        case .expandsTooFar(let path, let limit): return "\(path): expands to more than \(limit) bytes (decompression bomb?)"
        }
    }
}

/// A container of advisory files: a directory tree, an archive, or one file.
public protocol ImportSource {
    /// The path the user gave.
    var path: String { get }
    /// Calls `body` with each regular file in a stable order. Entries that cannot or must not be
    /// read (hostile names, over the size cap, links) are reported to `diagnostics` and skipped;
    /// hidden files and folders (`.git`, `.gitkeep`) are passed over silently.
    func forEachEntry(limits: ImportLimits, diagnostics: inout ImportDiagnostics, _ body: (ImportEntry) throws -> Void) throws
}

public enum ImportSources {
    /// Opens `path` as what its content says it is: a directory, an archive that libarchive reads
    /// (zip, tar, gzip/bzip2/xz/zstd-compressed tar), or else a single file.
    public static func open(_ path: String) throws -> any ImportSource {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImportSourceError.unreadable(path: path, reason: "no such file or directory")
        }
        if isDirectory.boolValue { return DirectoryImportSource(path: path) }
        // A FIFO or device would block or never end; advisory data is always in regular files.
        guard (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular else {
            throw ImportSourceError.unreadable(path: path, reason: "not a regular file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportSourceError.unreadable(path: path, reason: "permission denied or not a regular file")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 512)) ?? Data()
        return ArchiveImportSource.recognizes(head) ? ArchiveImportSource(path: path) : FileImportSource(path: path)
    }

    /// A container's name without the archive or record extension: `AlmaLinux` for
    /// `AlmaLinux.tar.gz`, `ubuntu-osv-sample` for that directory. The importer uses it as the
    /// store's source name.
    public static func baseName(of path: String) -> String {
        var name = URL(fileURLWithPath: path).standardizedFileURL.lastPathComponent
        for suffix in [".tar.gz", ".tar.bz2", ".tar.xz", ".tar.zst", ".tgz", ".tar", ".zip", ".json", ".yaml", ".yml"]
            where name.lowercased().hasSuffix(suffix) && name.count > suffix.count {
            name = String(name.dropLast(suffix.count))
            break
        }
        return name
    }
}

/// Checks entry names from archives. Nothing is ever written to disk, but names still end up in
/// messages and in format detection, so hostile ones are refused rather than cleaned.
enum EntryName {
    enum Verdict: Equatable { case accept(String), hidden, refuse(String) }

    static func check(_ raw: String, maxBytes: Int) -> Verdict {
        guard raw.utf8.count <= maxBytes else { return .refuse("name longer than \(maxBytes) bytes") }
        guard !raw.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return .refuse("control characters in the name") }
        if raw.hasPrefix("/") || raw.hasPrefix("\\") || (raw.count > 1 && raw.dropFirst().hasPrefix(":")) {
            return .refuse("absolute name")
        }
        var parts: [Substring] = []
        for part in raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }) {
            if part == "." { continue }
            if part == ".." { return .refuse("'..' in the name") }
            parts.append(part)
        }
        guard !parts.isEmpty else { return .refuse("empty name") }
        if parts.contains(where: { $0.hasPrefix(".") }) { return .hidden }
        return .accept(parts.joined(separator: "/"))
    }
}

/// A single advisory file.
struct FileImportSource: ImportSource {
    let path: String

    func forEachEntry(limits: ImportLimits, diagnostics: inout ImportDiagnostics, _ body: (ImportEntry) throws -> Void) throws {
        let name = URL(fileURLWithPath: path).lastPathComponent
        guard let data = try FileReading.read(path, limit: limits.maxEntryBytes, diagnostics: &diagnostics, displayName: path) else { return }
        try body(ImportEntry(container: path, path: name, data: data, displayName: path))
    }
}

enum FileReading {
    /// Reads a regular file whole, or reports and returns nil when it is larger than `limit`.
    static func read(_ path: String, limit: Int64, diagnostics: inout ImportDiagnostics, displayName: String) throws -> Data? {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportSourceError.unreadable(path: displayName, reason: "cannot open")
        }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: Int(clamping: limit < Int64.max ? limit + 1 : limit)) ?? Data() } catch {
            throw ImportSourceError.unreadable(path: displayName, reason: "\(error)")
        }
        if Int64(data.count) > limit {
            diagnostics.skipped("\(displayName): larger than the \(limit) bytes read per entry; skipped")
            return nil
        }
        return data
    }
}
