import Foundation

/// One file in the squashed view of an image.
public struct FileNode: Sendable {
    public enum Kind: Sendable { case regular, directory, symlink, other }
    public var kind: Kind
    public var size: Int64
    public var mode: UInt32
    public var linkTarget: String?
    /// Index (0-based, bottom first) of the layer that last wrote this path.
    public var layer: Int
    /// Bytes kept because a cataloguer asked for the whole file.
    public var content: Data?
    /// Small summaries cataloguers made of a file at walk time (keyed by cataloguer name).
    public var evidence: [String: Data]

    public init(kind: Kind, size: Int64 = 0, mode: UInt32 = 0, linkTarget: String? = nil, layer: Int = 0,
                content: Data? = nil, evidence: [String: Data] = [:]) {
        self.kind = kind; self.size = size; self.mode = mode; self.linkTarget = linkTarget
        self.layer = layer; self.content = content; self.evidence = evidence
    }
    public var isExecutable: Bool { mode & 0o111 != 0 }
}

public enum FileTreeError: Error, CustomStringConvertible {
    case symlinkLoop(path: String)
    case symlinkEscapesRoot(path: String, target: String)
    public var description: String {
        switch self {
        case .symlinkLoop(let p): return "symlink loop at /\(p)"
        case .symlinkEscapesRoot(let p, let t): return "symlink /\(p) -> \(t) escapes the root"
        }
    }
}

/// The squashed file system of an image: what a container would see once every layer is applied,
/// whiteouts included. Paths are stored without a leading slash (`etc/os-release`).
public final class FileTree {
    public private(set) var nodes: [String: FileNode] = [:]
    private var children: [String: Set<String>] = [:]
    /// Layer identities (diff_ids, or compressed digests when diff_ids are unknown), bottom first.
    public var layerIDs: [String] = []

    public init() {}

    public var count: Int { nodes.count }

    public func node(_ path: String) -> FileNode? { nodes[path] }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// Inserts or replaces a node, creating missing parent directories.
    public func insert(_ path: String, _ node: FileNode) {
        if let old = nodes[path], old.kind == .directory, node.kind != .directory {
            removeTree(path)
        }
        nodes[path] = node
        var child = path
        while !child.isEmpty {
            let p = FileTree.parent(of: child)
            let inserted = children[p, default: []].insert(child).inserted
            if !p.isEmpty && nodes[p] == nil {
                nodes[p] = FileNode(kind: .directory, mode: 0o755, layer: node.layer)
            }
            if !inserted { break }
            child = p
        }
    }

    /// Removes a path and everything below it.
    public func removeTree(_ path: String) {
        removeChildren(path)
        nodes[path] = nil
        children[FileTree.parent(of: path)]?.remove(path)
    }

    /// Removes everything below a directory but keeps the directory (opaque whiteout).
    public func removeChildren(_ path: String) {
        guard let kids = children.removeValue(forKey: path) else { return }
        for k in kids { removeChildren(k); nodes[k] = nil }
    }

    /// Removes everything below `path` written by a layer older than `layer`, keeping newer entries
    /// and the directories that lead to them. Returns whether anything is left below `path`.
    @discardableResult
    public func pruneChildren(of path: String, olderThan layer: Int) -> Bool {
        guard let kids = children[path] else { return false }
        var kept = false
        for k in kids {
            let keepBelow = pruneChildren(of: k, olderThan: layer)
            if let n = nodes[k], n.layer < layer, !keepBelow {
                removeTree(k)
            } else {
                kept = true
            }
        }
        return kept
    }

    public func setEvidence(_ path: String, key: String, _ data: Data) {
        nodes[path]?.evidence[key] = data
    }

    /// All paths, sorted, that satisfy a predicate.
    public func paths(where predicate: (String, FileNode) -> Bool) -> [String] {
        nodes.filter { predicate($0.key, $0.value) }.map(\.key).sorted()
    }

    /// Resolves symlinks in every component of `path`, confined to the root, as a container runtime would.
    /// Returns the final path, or nil when a component does not exist.
    public func resolve(_ path: String) throws -> String? {
        var hops = 0
        return try resolve(components: FileTree.components(path), hops: &hops, original: path)
    }

    private func resolve(components: [String], hops: inout Int, original: String) throws -> String? {
        var resolved: [String] = []
        var queue = components[...]
        while let c = queue.popFirst() {
            if c == "." || c.isEmpty { continue }
            if c == ".." {
                if resolved.isEmpty { throw FileTreeError.symlinkEscapesRoot(path: original, target: "..") }
                resolved.removeLast()
                continue
            }
            let candidate = (resolved + [c]).joined(separator: "/")
            guard let node = nodes[candidate] else { return nil }
            if node.kind == .symlink, let target = node.linkTarget {
                hops += 1
                if hops > 40 { throw FileTreeError.symlinkLoop(path: original) }
                let targetComponents = FileTree.components(target)
                if target.hasPrefix("/") { resolved = [] }
                // Climbing above the root through a relative link is refused rather than clamped.
                var depth = resolved.count
                for t in targetComponents {
                    if t == ".." { depth -= 1; if depth < 0 { throw FileTreeError.symlinkEscapesRoot(path: candidate, target: target) } }
                    else if t != "." && !t.isEmpty { depth += 1 }
                }
                queue = (targetComponents + Array(queue))[...]
                continue
            }
            resolved.append(c)
        }
        return resolved.joined(separator: "/")
    }

    static func components(_ p: String) -> [String] { p.split(separator: "/", omittingEmptySubsequences: true).map(String.init) }

    /// The kept content of a file, following symlinks.
    public func contents(_ path: String) -> Data? {
        if let n = nodes[path], n.kind == .regular { return n.content }
        guard let r = try? resolve(path), let n = nodes[r], n.kind == .regular else { return nil }
        return n.content
    }

    /// Checks every symlink in the tree: a loop or an escape from the root is an error naming the link.
    public func validateSymlinks() throws {
        for (path, node) in nodes where node.kind == .symlink {
            var hops = 0
            _ = try resolve(components: FileTree.components(path), hops: &hops, original: path)
        }
    }

    /// The layer identity for a node's layer index.
    public func layerID(of node: FileNode) -> String? {
        node.layer < layerIDs.count ? layerIDs[node.layer] : nil
    }
}
