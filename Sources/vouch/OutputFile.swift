import Foundation

enum OutputFile {
    /// Writes to a temporary file beside the target and renames it into place, so a failed run
    /// never leaves a partial file; nil writes to standard output.
    static func write(_ data: Data, to path: String?) throws {
        guard let path, path != "-" else {
            FileHandle.standardOutput.write(data)
            return
        }
        let url = URL(fileURLWithPath: path)
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).vouch-\(getpid()).tmp")
        do {
            try data.write(to: temp, options: [.withoutOverwriting])
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

    struct OutputError: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "cannot write \(path): \(reason)" }
    }
}
