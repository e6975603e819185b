import COpenSSL
import Foundation

/// Small bridges to OpenSSL shared by the key types: draining its error queue into a message,
/// DER output from i2d functions, and memory BIOs.
enum OpenSSL {
    /// The queued OpenSSL errors as one line (and the queue emptied, so a later failure does
    /// not report an earlier one's cause).
    static func drainErrors(_ fallback: String = "OpenSSL reported no detail") -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            let text = String(cString: buffer)
            // "error:0680007B:asn1 encoding routines::header too long" → "asn1 encoding routines: header too long".
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            let tail = parts.count >= 5 ? "\(parts[2]): \(parts[4...].joined(separator: ":"))" : text
            if !tail.isEmpty, !messages.contains(tail) { messages.append(tail) }
        }
        return messages.isEmpty ? fallback : messages.joined(separator: "; ")
    }

    static func clearErrors() { ERR_clear_error() }

    /// Runs an i2d-style encoder twice (size, then bytes) and returns the DER.
    static func der(_ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) -> Data? {
        let length = encode(nil)
        guard length > 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        let written: Int32 = bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return encode(&cursor)
        }
        guard written == length else { return nil }
        return Data(bytes)
    }

    /// Calls a d2i-style decoder on `der` and makes sure it consumed every byte, so trailing
    /// garbage after a valid structure is not silently accepted.
    static func decode<T>(_ der: Data, _ decoder: (UnsafeMutablePointer<UnsafePointer<UInt8>?>, Int) -> T?) -> T? {
        guard !der.isEmpty, der.count < Int(Int32.max) else { return nil }
        return der.withUnsafeBytes { raw -> T? in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
            var cursor: UnsafePointer<UInt8>? = base
            guard let value = decoder(&cursor, raw.count) else { return nil }
            guard let end = cursor, end - base == raw.count else { return nil }
            return value
        }
    }

    /// Reads everything written to a memory BIO.
    static func contents(of bio: OpaquePointer) -> Data {
        var out = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = BIO_read(bio, &buffer, Int32(buffer.count))
            if n <= 0 { break }
            out.append(contentsOf: buffer[0..<Int(n)])
        }
        return out
    }

    static func randomBytes(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&bytes, Int32(count)) == 1 else {
            throw KeyError.generationFailed(reason: "no random bytes: \(drainErrors())")
        }
        return bytes
    }
}

/// Calls `body` with the bytes as a C string pointer that is never nil (a NUL is appended, the
/// count passed excludes it), for OpenSSL password arguments.
func withPasswordPointer<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>, Int) throws -> R) rethrows -> R {
    let terminated = bytes.map { CChar(bitPattern: $0) } + [0]
    return try terminated.withUnsafeBufferPointer { try body($0.baseAddress!, bytes.count) }
}

/// Constant-time equality for MAC tags: the time taken does not depend on where they differ.
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in 0..<a.count { difference |= a[i] ^ b[i] }
    return difference == 0
}
