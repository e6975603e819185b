import CVouchZlib
import Foundation

public enum ZlibError: Error, CustomStringConvertible, Equatable {
    case initFailed(code: Int32)
    case corrupt(message: String)
    case truncated
    case tooLarge(limit: Int)
    case inputTooLarge(bytes: Int)

    public var description: String {
        switch self {
        case .initFailed(let code): return "zlib failed to start (code \(code))"
        case .corrupt(let message): return "zlib data is corrupt: \(message)"
        case .truncated: return "zlib stream ends before its end marker"
        case .tooLarge(let limit): return "zlib data expands past \(limit) bytes (decompression bomb?)"
        case .inputTooLarge(let bytes): return "zlib input of \(bytes) bytes is too large"
        }
    }
}

/// One-shot decompression with a hard ceiling on the output, so a small hostile section or zip
/// entry cannot expand into gigabytes. Shared by cargo-auditable sections and zip archives.
enum ZlibInflater {
    enum Format {
        /// RFC 1950 zlib framing (cargo-auditable's `.dep-v0`).
        case zlib
        /// RFC 1951 raw DEFLATE, as zip entries store it.
        case raw
    }

    static func inflate(_ input: Data, limit: Int, format: Format = .zlib) throws -> Data {
        guard input.count <= Int(UInt32.max) else { throw ZlibError.inputTooLarge(bytes: input.count) }
        var stream = z_stream()
        let windowBits: Int32 = format == .raw ? -15 : 15
        let initCode = inflateInit2_(&stream, windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initCode == Z_OK else { throw ZlibError.initFailed(code: initCode) }
        defer { inflateEnd(&stream) }

        var output = Data()
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk)
        return try input.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Data in
            // zlib never writes through next_in; the mutable pointer is its C signature only.
            stream.next_in = UnsafeMutablePointer(mutating: raw.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(raw.count)
            while true {
                let (code, produced) = buffer.withUnsafeMutableBufferPointer { out -> (Int32, Int) in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    let code = CVouchZlib.inflate(&stream, Z_NO_FLUSH)
                    return (code, out.count - Int(stream.avail_out))
                }
                if produced > 0 {
                    guard output.count + produced <= limit else { throw ZlibError.tooLarge(limit: limit) }
                    output.append(contentsOf: buffer[0..<produced])
                }
                switch code {
                case Z_STREAM_END:
                    return output
                case Z_OK:
                    continue
                case Z_BUF_ERROR where produced > 0:
                    continue
                case Z_BUF_ERROR:
                    throw ZlibError.truncated  // no progress possible: the input ran out mid-stream
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "code \(code)"
                    throw ZlibError.corrupt(message: message)
                }
            }
        }
    }
}
