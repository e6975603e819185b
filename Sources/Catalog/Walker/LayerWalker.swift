import CArchive
import Digest
import Foundation
import OCI

/// Limits that keep a hostile layer from exhausting time or memory.
public struct WalkLimits: Sendable {
    /// A layer may expand to at most max(floor, ratio × compressed size).
    public var maxExpansionRatio: Int64 = 200
    public var expansionFloor: Int64 = 4 << 30
    public var maxEntriesPerLayer = 2_000_000
    public var maxPathBytes = 4096
    public init() {}
}

public enum LayerError: Error, CustomStringConvertible {
    case corrupt(image: String, layer: String, entry: String?, message: String)
    case hostilePath(image: String, layer: String, entry: String, reason: String)
    case missingHardlinkTarget(image: String, layer: String, entry: String, target: String)
    case bomb(image: String, layer: String, expanded: Int64, compressed: Int64)
    case tooManyEntries(image: String, layer: String, limit: Int)
    case blob(image: String, layer: String, underlying: Error)

    public var description: String {
        switch self {
        case .corrupt(let image, let layer, let entry, let message):
            return "\(image): layer \(layer)\(entry.map { ", entry '\($0)'" } ?? ""): \(message)"
        case .hostilePath(let image, let layer, let entry, let reason):
            return "\(image): layer \(layer), entry '\(entry)': \(reason)"
        case .missingHardlinkTarget(let image, let layer, let entry, let target):
            return "\(image): layer \(layer), entry '\(entry)': hard link to '\(target)', which does not exist"
        case .bomb(let image, let layer, let expanded, let compressed):
            return "\(image): layer \(layer): expands to more than \(expanded) bytes from \(compressed) (decompression bomb?)"
        case .tooManyEntries(let image, let layer, let limit):
            return "\(image): layer \(layer): more than \(limit) entries"
        case .blob(let image, let layer, let underlying):
            return "\(image): layer \(layer): \(underlying)"
        }
    }
}

/// Reads layers as streams (gzip, zstd or plain tar) with libarchive, once each, bottom to top,
/// into a squashed `FileTree`, keeping only the files cataloguers asked for. Nothing touches disk.
public final class LayerWalker {
    let cataloguers: [Cataloguer]
    public var limits = WalkLimits()
    public private(set) var warnings: [String] = []

    public init(cataloguers: [Cataloguer]) { self.cataloguers = cataloguers }

    /// Walks every layer of an image. Each blob is checked against its descriptor (size and digest).
    public func walk(_ image: Image) throws -> FileTree {
        let tree = FileTree()
        let diffIDs = image.config.diffIDs
        tree.layerIDs = image.layers.enumerated().map { i, d in i < diffIDs.count ? diffIDs[i] : d.digest.description }
        for (i, layer) in image.layers.enumerated() {
            let label = "\(i + 1) (\(layer.digest.short))"
            let raw: ByteSource
            do { raw = try image.store.open(layer) } catch { throw LayerError.blob(image: image.reference, layer: label, underlying: error) }
            let verifying = VerifyingSource(raw, expected: layer.digest, size: layer.size)
            try walkLayer(verifying, index: i, compressedSize: layer.size, tree: tree, image: image.reference, label: label)
            do { try verifying.finish() } catch { throw LayerError.blob(image: image.reference, layer: label, underlying: error) }
        }
        return tree
    }

    private final class ReadContext {
        let source: ByteSource
        let buffer: UnsafeMutableRawPointer
        let capacity = 1 << 18
        var error: Error?
        init(_ source: ByteSource) {
            self.source = source
            buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        }
        deinit { buffer.deallocate() }
    }

    /// Walks one layer stream into `tree`.
    public func walkLayer(_ source: ByteSource, index: Int, compressedSize: Int64, tree: FileTree, image: String, label: String) throws {
        guard let a = archive_read_new() else { throw LayerError.corrupt(image: image, layer: label, entry: nil, message: "libarchive failed to start") }
        defer { archive_read_free(a) }
        archive_read_support_filter_gzip(a)
        archive_read_support_filter_zstd(a)
        archive_read_support_filter_bzip2(a)
        archive_read_support_filter_xz(a)
        archive_read_support_filter_none(a)
        archive_read_support_format_tar(a)
        archive_read_support_format_gnutar(a)
        archive_read_support_format_empty(a)

        let ctx = ReadContext(source)
        let unmanaged = Unmanaged.passRetained(ctx)
        defer { unmanaged.release() }
        let readCB: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, UnsafeMutablePointer<UnsafeRawPointer?>?) -> Int = { _, client, out in
            let ctx = Unmanaged<ReadContext>.fromOpaque(client!).takeUnretainedValue()
            do {
                let n = try ctx.source.read(into: UnsafeMutableRawBufferPointer(start: ctx.buffer, count: ctx.capacity))
                out?.pointee = UnsafeRawPointer(ctx.buffer)
                return n
            } catch {
                ctx.error = error
                return -1
            }
        }
        guard archive_read_open(a, unmanaged.toOpaque(), nil, readCB, nil) == ARCHIVE_OK else {
            throw failure(a, ctx, image: image, label: label, entry: nil)
        }

        let expansionLimit = max(limits.expansionFloor, compressedSize &* limits.maxExpansionRatio)
        var entries = 0
        var entry: OpaquePointer?
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let r = archive_read_next_header(a, &entry)
            if r == ARCHIVE_EOF { break }
            if r != ARCHIVE_OK && r != ARCHIVE_WARN { throw failure(a, ctx, image: image, label: label, entry: nil) }
            guard let entry else { break }
            entries += 1
            if entries > limits.maxEntriesPerLayer { throw LayerError.tooManyEntries(image: image, layer: label, limit: limits.maxEntriesPerLayer) }
            let rawName = LayerWalker.string(archive_entry_pathname_utf8(entry)) ?? LayerWalker.string(archive_entry_pathname(entry)) ?? ""
            let path = try normalize(rawName, image: image, label: label)
            let name = CatalogSupport.basename(path)
            let mode = UInt32(archive_entry_mode(entry))
            let size = archive_entry_size(entry)

            if name.hasPrefix(".wh.") {
                let dir = FileTree.parent(of: path)
                if name == ".wh..wh..opq" {
                    removeOlder(under: dir, than: index, tree: tree)
                } else {
                    let victim = (dir.isEmpty ? "" : dir + "/") + name.dropFirst(4)
                    if let n = tree.node(victim), n.layer < index { tree.removeTree(victim) }
                }
                continue
            }
            if path.isEmpty { continue }  // the root directory itself

            if let hl = archive_entry_hardlink_utf8(entry) ?? archive_entry_hardlink(entry) {
                let target = try normalize(String(cString: hl), image: image, label: label)
                guard let t = tree.node(target), t.kind != .directory else {
                    throw LayerError.missingHardlinkTarget(image: image, layer: label, entry: rawName, target: String(cString: hl))
                }
                var copy = t
                copy.layer = index
                tree.insert(path, copy)
                continue
            }

            switch mode & UInt32(0o170000) {
            case UInt32(0o040000):
                if let old = tree.node(path), old.kind == .directory {
                    var updated = old; updated.mode = mode; updated.layer = index
                    tree.insert(path, updated)
                } else {
                    tree.insert(path, FileNode(kind: .directory, mode: mode, layer: index))
                }
            case UInt32(0o120000):
                let target = LayerWalker.string(archive_entry_symlink_utf8(entry)) ?? LayerWalker.string(archive_entry_symlink(entry)) ?? ""
                tree.insert(path, FileNode(kind: .symlink, mode: mode, linkTarget: target, layer: index))
            case UInt32(0o100000):
                var node = FileNode(kind: .regular, size: size, mode: mode, layer: index)
                let wants = cataloguers.map { ($0, $0.interest(path: path, size: size, mode: mode)) }.filter { $0.1 != .none }
                if !wants.isEmpty {
                    let cap = wants.map { w -> Int in
                        switch w.1 { case .keep(let m), .inspect(let m): return m; case .none: return 0 }
                    }.max() ?? 0
                    if size > Int64(cap) {
                        warnings.append("\(image): layer \(label): /\(path) is \(size) bytes, more than the \(cap) read for cataloguing; skipped")
                    } else {
                        let data = try readEntry(a, ctx, size: size, image: image, label: label, entry: rawName)
                        for (c, interest) in wants {
                            switch interest {
                            case .keep(let m) where data.count <= m: node.content = data
                            case .inspect(let m) where data.count <= m:
                                if let ev = c.inspect(path: path, content: data) { node.evidence[c.name] = ev }
                            default: break
                            }
                        }
                    }
                }
                tree.insert(path, node)
            default:
                tree.insert(path, FileNode(kind: .other, mode: mode, layer: index))
            }
            let expanded = archive_filter_bytes(a, 0)
            if expanded > expansionLimit {
                throw LayerError.bomb(image: image, layer: label, expanded: expansionLimit, compressed: compressedSize)
            }
            // Large unwanted entries are drained in chunks so the expansion check keeps running.
            if size > 1 << 24 {
                while true {
                    let n = chunk.withUnsafeMutableBytes { archive_read_data(a, $0.baseAddress, $0.count) }
                    if n == 0 { break }
                    if n < 0 { throw failure(a, ctx, image: image, label: label, entry: rawName) }
                    if archive_filter_bytes(a, 0) > expansionLimit {
                        throw LayerError.bomb(image: image, layer: label, expanded: expansionLimit, compressed: compressedSize)
                    }
                }
            }
        }
        if archive_filter_bytes(a, 0) > expansionLimit {
            throw LayerError.bomb(image: image, layer: label, expanded: expansionLimit, compressed: compressedSize)
        }
        if let e = ctx.error { throw LayerError.blob(image: image, layer: label, underlying: e) }
    }

    private func readEntry(_ a: OpaquePointer, _ ctx: ReadContext, size: Int64, image: String, label: String, entry: String) throws -> Data {
        var data = Data(count: Int(max(0, size)))
        var filled = 0
        try data.withUnsafeMutableBytes { buf in
            while filled < buf.count {
                let n = archive_read_data(a, buf.baseAddress! + filled, buf.count - filled)
                if n < 0 { throw failure(a, ctx, image: image, label: label, entry: entry) }
                if n == 0 { break }
                filled += n
            }
        }
        if filled < data.count {
            throw LayerError.corrupt(image: image, layer: label, entry: entry, message: "entry is truncated (\(filled) of \(size) bytes)")
        }
        return data
    }

    private func failure(_ a: OpaquePointer, _ ctx: ReadContext, image: String, label: String, entry: String?) -> Error {
        if let e = ctx.error { return LayerError.blob(image: image, layer: label, underlying: e) }
        let message = archive_error_string(a).map { String(cString: $0) } ?? "unreadable archive"
        return LayerError.corrupt(image: image, layer: label, entry: entry, message: message)
    }

    /// Layer entry names are relative; `..` components and absolute names are refused, never resolved.
    func normalize(_ raw: String, image: String, label: String) throws -> String {
        guard raw.utf8.count <= limits.maxPathBytes else {
            throw LayerError.hostilePath(image: image, layer: label, entry: String(raw.prefix(80)) + "…", reason: "name longer than \(limits.maxPathBytes) bytes")
        }
        // umoci writes the root itself as "/"; any other absolute name is refused (a well-formed layer
        // never needs one, and extractors that honour it would write outside their target).
        if raw.hasPrefix("/") && raw.contains(where: { $0 != "/" }) {
            throw LayerError.hostilePath(image: image, layer: label, entry: raw, reason: "absolute entry name")
        }
        // Almost every entry name is already canonical; checking bytes avoids splitting and joining each.
        if LayerWalker.isCanonical(raw) { return raw }
        var parts: [Substring] = []
        for p in raw.split(separator: "/", omittingEmptySubsequences: true) {
            if p == "." { continue }
            if p == ".." { throw LayerError.hostilePath(image: image, layer: label, entry: raw, reason: "'..' in entry name") }
            parts.append(p)
        }
        return parts.joined(separator: "/")
    }

    /// True when every `/`-separated segment is non-empty and neither `.` nor `..`.
    static func isCanonical(_ path: String) -> Bool {
        var segmentLength = 0, dots = 0
        for b in path.utf8 {
            if b == 0x2F {
                if segmentLength == 0 || dots == segmentLength && dots <= 2 { return false }
                segmentLength = 0; dots = 0
            } else {
                segmentLength += 1
                if b == 0x2E { dots += 1 }
            }
        }
        return segmentLength > 0 && !(dots == segmentLength && dots <= 2)
    }

    /// Opaque whiteout: hide what lower layers put under `dir`, keep what this layer wrote.
    private func removeOlder(under dir: String, than layer: Int, tree: FileTree) {
        tree.pruneChildren(of: dir, olderThan: layer)
    }

    static func string(_ p: UnsafePointer<CChar>?) -> String? {
        guard let p else { return nil }
        return String(validatingUTF8: p) ?? String(decoding: UnsafeRawBufferPointer(start: p, count: strlen(p)), as: UTF8.self)
    }
}
