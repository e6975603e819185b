import Digest
import Foundation

/// A write into an OCI layout that failed, naming the file and the system's reason.
public struct LayoutWriteError: Error, CustomStringConvertible {
    public var path: String
    public var action: String
    public var reason: String
    public var description: String { "\(path): cannot \(action): \(reason)" }
}

/// Crash-safe writes into an OCI layout: each blob goes to a temporary file in its own folder, is
/// synced, then renamed to `blobs/<alg>/<hex>` (mode 0644); `index.json` is replaced the same way,
/// last, so a crash leaves either the old index or the new one, never a torn file. Paths come only
/// from digests we computed, and `blobs/` and `blobs/<alg>/` must be real directories, not symlinks
/// that would lead the writes out of the layout.
struct LayoutWriter {
    let root: URL
    /// index.json as read before planning, to notice another writer before replacing it.
    let originalIndex: Data

    init(root: URL) throws {
        self.root = root
        let indexPath = root.appendingPathComponent("index.json").path
        guard let data = FileManager.default.contents(atPath: indexPath) else {
            throw ImageError.notFound("\(root.path): not an OCI layout (no index.json)")
        }
        originalIndex = data
    }

    /// Writes the blobs that are not already present with the right content.
    func writeBlobs(_ blobs: [AttachmentBlob]) throws {
        var done = Set<Digest>()
        var folders = Set<String>()
        for blob in blobs where done.insert(blob.descriptor.digest).inserted {
            let digest = blob.descriptor.digest
            let folder = try blobFolder(digest.algorithm)
            let path = folder + "/" + digest.hex
            if LayoutWriter.holds(path, digest: digest, size: blob.descriptor.size) { continue }
            try LayoutWriter.replace(folder: folder, name: digest.hex, with: blob.data)
            folders.insert(folder)
        }
        for folder in folders { LayoutWriter.syncDirectory(folder) }
    }

    /// Replaces index.json, unless someone changed it since we read it.
    func replaceIndex(with data: Data) throws {
        let path = root.appendingPathComponent("index.json").path
        guard FileManager.default.contents(atPath: path) == originalIndex else {
            throw AttachmentError.conflict(target: path, reason: "index.json changed while attaching; it was left as the other writer made it")
        }
        try LayoutWriter.replace(folder: root.path, name: "index.json", with: data)
        LayoutWriter.syncDirectory(root.path)
    }

    /// `blobs/<alg>`, created if missing; refuses symlinks and non-directories.
    private func blobFolder(_ algorithm: String) throws -> String {
        let blobs = root.appendingPathComponent("blobs").path
        let folder = blobs + "/" + algorithm
        for dir in [blobs, folder] {
            var st = stat()
            if lstat(dir, &st) != 0 {
                guard errno == ENOENT, mkdir(dir, 0o755) == 0 || errno == EEXIST else {
                    throw LayoutWriteError(path: dir, action: "create the folder", reason: String(cString: strerror(errno)))
                }
                guard lstat(dir, &st) == 0 else {
                    throw LayoutWriteError(path: dir, action: "create the folder", reason: String(cString: strerror(errno)))
                }
            }
            guard (st.st_mode & S_IFMT) == S_IFDIR else {
                throw LayoutWriteError(path: dir, action: "write blobs", reason: "it is not a real directory (a symlink or a file)")
            }
        }
        return folder
    }

    /// Whether `path` is a regular file (not a symlink) whose bytes hash to `digest`.
    static func holds(_ path: String, digest: Digest, size: Int64) -> Bool {
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, Int64(st.st_size) == size,
              let data = FileManager.default.contents(atPath: path) else { return false }
        return digest.matches(data)
    }

    /// Writes a temporary file beside the target (O_EXCL, O_NOFOLLOW), syncs it and renames it into place.
    static func replace(folder: String, name: String, with data: Data) throws {
        let target = folder + "/" + name
        let temporary = folder + "/.vouch-\(UUID().uuidString).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LayoutWriteError(path: temporary, action: "create a temporary file", reason: String(cString: strerror(errno))) }
        var failure: String?
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let n = write(fd, base + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno)); return
                }
                offset += n
            }
        }
        // The umask may have narrowed the mode given to open.
        if failure == nil, fchmod(fd, 0o644) != 0 { failure = String(cString: strerror(errno)) }
        if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if let failure {
            unlink(temporary)
            throw LayoutWriteError(path: target, action: "write", reason: failure)
        }
        guard rename(temporary, target) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw LayoutWriteError(path: target, action: "rename into place", reason: reason)
        }
    }

    /// Makes renames in a folder durable; a failure here is not worth failing the attach for.
    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}
