import Foundation

enum OutputFile {
    /// Writes to a temporary file beside the target and renames it into place, so a failed run
    /// never leaves a partial file; nil writes to standard output.
    static func write(_ data: Data, to path: String?, mode: mode_t = 0o644) throws {
        guard let path, path != "-" else {
            FileHandle.standardOutput.write(data)
            return
        }
        let url = URL(fileURLWithPath: path)
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).vouch-\(getpid()).tmp")
        do {
            try writeNew(data, at: temp.path, mode: mode, reportedAs: path)
            guard rename(temp.path, url.path) == 0 else {
                throw OutputError(path: path, reason: String(cString: strerror(errno)))
            }
        } catch let e as OutputError {
            try? FileManager.default.removeItem(at: temp)
            throw e
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw OutputError(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    /// Creates the file with its final mode (a private key is never readable by others, even briefly).
    private static func writeNew(_ data: Data, at tempPath: String, mode: mode_t, reportedAs path: String) throws {
        let fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw OutputError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; throw OutputError(path: path, reason: String(cString: strerror(errno))) }
                offset += n
            }
        }
        _ = fchmod(fd, mode)  // umask may have narrowed it; the caller's mode is what they asked for
    }

    struct OutputError: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "cannot write \(path): \(reason)" }
    }
}
