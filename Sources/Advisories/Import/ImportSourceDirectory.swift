import Foundation

/// A directory tree of advisory files (a git checkout, an unpacked archive). Symbolic links are not
/// followed, so a tree cannot reach outside itself or loop.
struct DirectoryImportSource: ImportSource {
    let path: String

    func forEachEntry(limits: ImportLimits, diagnostics: inout ImportDiagnostics, _ body: (ImportEntry) throws -> Void) throws {
        let root = URL(fileURLWithPath: path).standardizedFileURL
        var files: [String] = []
        try collect(root.path, relative: "", depth: 0, limits: limits, into: &files, diagnostics: &diagnostics)
        files.sort()
        for relative in files {
            let display = (path.hasSuffix("/") ? String(path.dropLast()) : path) + "/" + relative
            guard let data = try FileReading.read(root.path + "/" + relative, limit: limits.maxEntryBytes,
                                                  diagnostics: &diagnostics, displayName: display) else { continue }
            try body(ImportEntry(container: path, path: relative, data: data, displayName: display))
        }
    }

    private func collect(_ directory: String, relative: String, depth: Int, limits: ImportLimits,
                         into files: inout [String], diagnostics: inout ImportDiagnostics) throws {
        guard depth < limits.maxDirectoryDepth else {
            diagnostics.skipped("\(path)/\(relative): deeper than \(limits.maxDirectoryDepth) levels; skipped")
            return
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw ImportSourceError.unreadable(path: directory, reason: "\(error)")
        }
        for name in names.sorted() where !name.hasPrefix(".") {
            let full = directory + "/" + name
            let rel = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(full, &info) == 0 else {
                diagnostics.skipped("\(path)/\(rel): cannot stat; skipped")
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                try collect(full, relative: rel, depth: depth + 1, limits: limits, into: &files, diagnostics: &diagnostics)
            case S_IFREG:
                files.append(rel)
                if files.count > limits.maxEntries { throw ImportSourceError.tooManyEntries(path: path, limit: limits.maxEntries) }
            case S_IFLNK:
                diagnostics.skipped("\(path)/\(rel): symbolic link; not followed")
            default:
                diagnostics.skipped("\(path)/\(rel): not a regular file; skipped")
            }
        }
    }
}
