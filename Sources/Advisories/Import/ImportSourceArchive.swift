import CArchive
import Foundation

/// An archive read as a stream with libarchive: osv.dev's `all.zip`, GitHub tarballs (`.tar.gz`,
/// `.tgz`), plain or xz/bzip2/zstd-compressed tar. Entries are read into memory one at a time and
/// never written anywhere, so `../` or absolute names cannot escape; they are refused all the same.
struct ArchiveImportSource: ImportSource {
    let path: String

    static func recognizes(_ head: Data) -> Bool {
        let b = [UInt8](head)
        func starts(_ magic: [UInt8]) -> Bool { b.count >= magic.count && Array(b.prefix(magic.count)) == magic }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return true }  // zip
        if starts([0x1F, 0x8B]) || starts([0x42, 0x5A, 0x68]) { return true }  // gzip, bzip2
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) || starts([0x28, 0xB5, 0x2F, 0xFD]) { return true }  // xz, zstd
        return b.count >= 262 && Array(b[257..<262]) == Array("ustar".utf8)
    }

    func forEachEntry(limits: ImportLimits, diagnostics: inout ImportDiagnostics, _ body: (ImportEntry) throws -> Void) throws {
        guard let a = archive_read_new() else { throw ImportSourceError.unreadable(path: path, reason: "libarchive failed to start") }
        defer { archive_read_free(a) }
        archive_read_support_filter_gzip(a)
        archive_read_support_filter_bzip2(a)
        archive_read_support_filter_xz(a)
        archive_read_support_filter_zstd(a)
        archive_read_support_filter_none(a)
        archive_read_support_format_tar(a)
        archive_read_support_format_gnutar(a)
        archive_read_support_format_zip(a)
        archive_read_support_format_empty(a)
        guard archive_read_open_filename(a, path, 1 << 16) == ARCHIVE_OK else { throw failure(a, entry: nil) }

        var entries = 0
        var readBytes: Int64 = 0
        var entry: OpaquePointer?
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let status = archive_read_next_header(a, &entry)
            if status == ARCHIVE_EOF { break }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else { throw failure(a, entry: nil) }
            entries += 1
            if entries > limits.maxEntries { throw ImportSourceError.tooManyEntries(path: path, limit: limits.maxEntries) }
            if archive_filter_bytes(a, 0) > limits.maxExpandedBytes {
                throw ImportSourceError.expandsTooFar(path: path, limit: limits.maxExpandedBytes)
            }

            let raw = string(archive_entry_pathname_utf8(entry)) ?? string(archive_entry_pathname(entry))
            let type = UInt32(archive_entry_filetype(entry))
            if type == 0o040000 { continue }
            guard let raw else {
                diagnostics.skipped("\(path): an entry whose name is not readable text; skipped")
                continue
            }
            let name: String
            switch EntryName.check(raw, maxBytes: limits.maxPathBytes) {
            case .accept(let n): name = n
            case .hidden: continue
            case .refuse(let reason):
                diagnostics.skipped("\(path): entry '\(raw.prefix(200))': \(reason); skipped")
                continue
            }
            guard type == 0o100000 else {
                diagnostics.skipped("\(path):\(name): not a regular file (link or device); skipped")
                continue
            }
            let display = "\(path):\(name)"
            if archive_entry_size_is_set(entry) != 0, archive_entry_size(entry) > limits.maxEntryBytes {
                diagnostics.skipped("\(display): declares \(archive_entry_size(entry)) bytes, more than the \(limits.maxEntryBytes) read per entry; skipped")
                try drain(a, entry: name, counting: &readBytes, limits: limits)
                continue
            }

            // The declared size may be absent (streamed zip) or false, so reading stops at the cap.
            var data = Data()
            var oversize = false
            while true {
                let n = buffer.withUnsafeMutableBytes { archive_read_data(a, $0.baseAddress, chunk) }
                if n == 0 { break }
                if n < 0 { throw failure(a, entry: name) }
                readBytes += Int64(n)
                if readBytes > limits.maxExpandedBytes { throw ImportSourceError.expandsTooFar(path: path, limit: limits.maxExpandedBytes) }
                if Int64(data.count + n) > limits.maxEntryBytes { oversize = true; break }
                data.append(contentsOf: buffer[0..<n])
            }
            if oversize {
                diagnostics.skipped("\(display): larger than the \(limits.maxEntryBytes) bytes read per entry; skipped")
                try drain(a, entry: name, counting: &readBytes, limits: limits)
                continue
            }
            try body(ImportEntry(container: path, path: name, data: data, displayName: display))
        }
    }

    /// Reads a skipped entry's data to its end. libarchive would skip it anyway (decompressing just
    /// the same); reading it here keeps the expansion limit checked while it happens.
    private func drain(_ a: OpaquePointer, entry: String, counting readBytes: inout Int64, limits: ImportLimits) throws {
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = scratch.withUnsafeMutableBytes { archive_read_data(a, $0.baseAddress, $0.count) }
            if n == 0 { return }
            if n < 0 { throw failure(a, entry: entry) }
            readBytes += Int64(n)
            if readBytes > limits.maxExpandedBytes { throw ImportSourceError.expandsTooFar(path: path, limit: limits.maxExpandedBytes) }
        }
    }

    private func string(_ p: UnsafePointer<CChar>?) -> String? {
        guard let p else { return nil }
        return String(validatingUTF8: p)
    }

    private func failure(_ a: OpaquePointer, entry: String?) -> ImportSourceError {
        let reason = archive_error_string(a).map { String(cString: $0) } ?? "unreadable archive"
        return .corruptArchive(path: path, entry: entry, reason: reason)
    }
}
