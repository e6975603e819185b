import Dispatch
import Digest
import Foundation

/// A sequential stream of bytes: a blob on disk, a member of an archive, a registry download.
public protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes; 0 means end of stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

public enum ByteSourceError: Error, CustomStringConvertible {
    case io(path: String, errno: Int32)
    case truncated(path: String, expected: Int64, got: Int64)
    public var description: String {
        switch self {
        case .io(let path, let e): return "\(path): \(String(cString: strerror(e)))"
        case .truncated(let path, let expected, let got): return "\(path): expected \(expected) bytes, file ends after \(got)"
        }
    }
}

/// A byte range of a file, read with pread so several sources may share one file.
public final class FileRangeSource: ByteSource {
    public let path: String
    private let fd: Int32
    private var position: Int64
    private let end: Int64

    public init(path: String, offset: Int64 = 0, length: Int64? = nil) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ByteSourceError.io(path: path, errno: errno) }
        var st = stat()
        fstat(fd, &st)
        position = offset
        end = length.map { offset + $0 } ?? Int64(st.st_size)
    }
    deinit { close(fd) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let want = min(Int64(buffer.count), end - position)
        guard want > 0, let base = buffer.baseAddress else { return 0 }
        let n = pread(fd, base, Int(want), off_t(position))
        if n < 0 { throw ByteSourceError.io(path: path, errno: errno) }
        position += Int64(n)
        return n
    }
}

/// Bytes already in memory.
public final class DataSource: ByteSource {
    private let data: Data
    private var position = 0
    public init(_ data: Data) { self.data = data }
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, data.count - position)
        guard n > 0 else { return 0 }
        data.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + position, byteCount: n)
        }
        position += n
        return n
    }
}

public enum BlobVerificationError: Error, CustomStringConvertible {
    case sizeMismatch(digest: String, declared: Int64, actual: Int64)
    case digestMismatch(declared: String, actual: String)
    public var description: String {
        switch self {
        case .sizeMismatch(let d, let declared, let actual):
            return "blob \(d) is \(actual) bytes, its descriptor declares \(declared)"
        case .digestMismatch(let declared, let actual):
            return "blob content hashes to \(actual), its descriptor declares \(declared)"
        }
    }
}

/// Hashes on a second thread, so a layer is hashed while libarchive parses it: on the 179 MB
/// bookworm-app archive SHA-256 alone takes about as long as the whole catalogue pass.
final class BackgroundHasher: @unchecked Sendable {
    private let hasher: Hasher
    private let queue = DispatchQueue(label: "vouch.blob-hash")
    /// Bounds the chunks waiting to be hashed (and so the memory they hold).
    private let slots = DispatchSemaphore(value: 16)

    init(_ algorithm: Hasher.Algorithm) { hasher = Hasher(algorithm) }

    func update(_ bytes: UnsafeRawBufferPointer) {
        slots.wait()
        let chunk = Data(bytes)
        queue.async {
            self.hasher.update(chunk)
            self.slots.signal()
        }
    }

    func finalize() -> [UInt8] { queue.sync { hasher.finalize() } }
}

/// Hashes and counts what passes through, so a blob is checked against its descriptor while it is
/// read once. Reading more bytes than declared fails at once: a lying size cannot make us read forever.
public final class VerifyingSource: ByteSource {
    private let inner: ByteSource
    private let hasher: BackgroundHasher
    public let expected: Digest
    public let expectedSize: Int64?
    public private(set) var count: Int64 = 0

    public init(_ inner: ByteSource, expected: Digest, size: Int64?) {
        self.inner = inner
        self.expected = expected
        self.expectedSize = size
        hasher = BackgroundHasher(expected.hasherAlgorithm)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try inner.read(into: buffer)
        if n > 0 {
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            count += Int64(n)
            if let expectedSize, count > expectedSize {
                throw BlobVerificationError.sizeMismatch(digest: expected.description, declared: expectedSize, actual: count)
            }
        }
        return n
    }

    /// Reads whatever the consumer left unread (tar padding after the end marker) and checks size and digest.
    public func finish() throws {
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        while try scratch.withUnsafeMutableBytes({ try read(into: $0) }) > 0 {}
        if let expectedSize, count != expectedSize {
            throw BlobVerificationError.sizeMismatch(digest: expected.description, declared: expectedSize, actual: count)
        }
        let actual = Hasher.hex(hasher.finalize())
        if actual != expected.hex {
            throw BlobVerificationError.digestMismatch(declared: expected.description, actual: "\(expected.algorithm):\(actual)")
        }
    }
}

extension ByteSource {
    /// Reads everything into memory, refusing more than `limit` bytes.
    public func readAll(limit: Int) throws -> Data? {
        var out = Data()
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try buf.withUnsafeMutableBytes { try read(into: $0) }
            if n == 0 { return out }
            out.append(contentsOf: buf[0..<n])
            if out.count > limit { return nil }
        }
    }
}
