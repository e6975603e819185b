import Foundation

public enum DirectoryWalkError: Error, CustomStringConvertible {
    case notADirectory(String)
    case unreadable(path: String, reason: String)
    public var description: String {
        switch self {
        case .notADirectory(let p): return "\(p): not a directory"
        case .unreadable(let p, let r): return "\(p): \(r)"
        }
    }
}

/// Reads a root file system on disk into a `FileTree` (one layer), never following symlinks,
/// so a link pointing outside the root is recorded, not read.
public final class DirectoryWalker {
    let cataloguers: [Cataloguer]
    public private(set) var warnings: [String] = []
    /// Virtual file systems a `dir:/` scan must not descend into.
    static let skipped: Set<String> = ["proc", "sys", "dev"]

    public init(cataloguers: [Cataloguer]) { self.cataloguers = cataloguers }

    public func walk(_ root: String) throws -> FileTree {
        var st = stat()
        guard stat(root, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { throw DirectoryWalkError.notADirectory(root) }
        let tree = FileTree()
        tree.layerIDs = []
        try walkDirectory(root: root, relative: "", tree: tree, depth: 0, rootDevice: st.st_dev)
        return tree
    }

    private func walkDirectory(root: String, relative: String, tree: FileTree, depth: Int, rootDevice: dev_t) throws {
        guard depth < 256 else { warnings.append("\(root)/\(relative): deeper than 256 levels; not read"); return }
        let full = relative.isEmpty ? root : root + "/" + relative
        guard let dir = opendir(full) else {
            if relative.isEmpty { throw DirectoryWalkError.unreadable(path: full, reason: String(cString: strerror(errno))) }
            warnings.append("\(full): \(String(cString: strerror(errno))); skipped")
            return
        }
        var names: [String] = []
        while let ent = readdir(dir) {
            let name = withUnsafeBytes(of: ent.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        closedir(dir)
        for name in names.sorted() {
            let rel = relative.isEmpty ? name : relative + "/" + name
            if relative.isEmpty && DirectoryWalker.skipped.contains(name) && root == "/" { continue }
            let path = root + "/" + rel
            var st = stat()
            guard lstat(path, &st) == 0 else { warnings.append("\(path): \(String(cString: strerror(errno))); skipped"); continue }
            let mode = UInt32(st.st_mode)
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                tree.insert(rel, FileNode(kind: .directory, mode: mode))
                // Stay on the root's file system, as a container image would.
                if st.st_dev == rootDevice { try walkDirectory(root: root, relative: rel, tree: tree, depth: depth + 1, rootDevice: rootDevice) }
            case S_IFLNK:
                var buf = [CChar](repeating: 0, count: 4097)
                let n = readlink(path, &buf, 4096)
                let target = n >= 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
                tree.insert(rel, FileNode(kind: .symlink, mode: mode, linkTarget: target))
            case S_IFREG:
                var node = FileNode(kind: .regular, size: Int64(st.st_size), mode: mode)
                let wants = cataloguers.map { ($0, $0.interest(path: rel, size: Int64(st.st_size), mode: mode)) }.filter { $0.1 != .none }
                if !wants.isEmpty {
                    let cap = wants.map { w -> Int in
                        switch w.1 { case .keep(let m), .inspect(let m): return m; case .none: return 0 }
                    }.max() ?? 0
                    if Int64(st.st_size) > Int64(cap) {
                        warnings.append("\(path) is \(st.st_size) bytes, more than the \(cap) read for cataloguing; skipped")
                    } else if let data = FileManager.default.contents(atPath: path) {
                        for (c, interest) in wants {
                            switch interest {
                            case .keep(let m) where data.count <= m: node.content = data
                            case .inspect(let m) where data.count <= m:
                                if let ev = c.inspect(path: rel, content: data) { node.evidence[c.name] = ev }
                            default: break
                            }
                        }
                    } else {
                        warnings.append("\(path): unreadable; skipped")
                    }
                }
                tree.insert(rel, node)
            default:
                tree.insert(rel, FileNode(kind: .other, mode: mode))
            }
        }
    }
}
