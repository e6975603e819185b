import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A response body read while it downloads, spooled through an unlinked temporary file.
///
/// Why a file and not a bounded in-memory buffer: on Linux, URLSession (swift-corelibs over
/// libcurl) cannot apply back-pressure. Its data callbacks are queued asynchronously, so blocking
/// the delegate only piles chunks up in memory, and `suspend()` on a running transfer removes the
/// curl handle, after which `resume()` starts the transfer over. So the network side never waits:
/// each chunk is appended to a private file created with mkstemp (mode 0600) and unlinked at once,
/// and the reader follows the writer through it, blocking on a condition variable when it has
/// caught up. Memory stays flat, the consumer starts on the first bytes, and the disk space (up to
/// the blob's size) is freed when the stream is closed or the process exits. Nothing is extracted.
///
/// The transport holds the spool until the task ends, so readers get a `SpooledSource`, whose
/// release closes the spool and cancels a download nobody will read.
final class SpooledBody: TransportSink {
    private let fd: Int32
    private let cond = NSCondition()
    private var head: HTTPHead?
    private var written: Int64 = 0
    private var position: Int64 = 0
    private var finished = false
    private var failure: Error?
    private var closed = false
    private var redirectRefusedTo: String?
    private var challenge = false
    private let stallTimeout: TimeInterval
    var task: URLSessionTask?
    /// Gives transport failures the registry's name once the caller knows it.
    var mapError: (Error) -> Error = { $0 }

    init(stallTimeout: TimeInterval) throws {
        self.stallTimeout = stallTimeout
        var template = Array(FileManager.default.temporaryDirectory.appendingPathComponent("vouch-blob-XXXXXX").path.utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard created >= 0 else { throw ByteSourceError.io(path: FileManager.default.temporaryDirectory.path, errno: errno) }
        let path = String(cString: template)
        unlink(path)
        fd = created
    }

    deinit { close() }

    /// Stops the download (when the reader leaves early) and frees the spool.
    func close() {
        cond.lock()
        let wasOpen = !closed
        closed = true
        let running = !finished
        if wasOpen { Foundation.close(fd) }
        cond.broadcast()
        cond.unlock()
        if wasOpen, running { task?.cancel() }
        task = nil
    }

    func waitForHead() throws -> HTTPHead {
        cond.lock(); defer { cond.unlock() }
        while head == nil && !finished { cond.wait() }
        if let head { return head }
        throw mapError(failure ?? TransportFailure.noResponse)
    }

    // MARK: TransportSink (called on the session's serial delegate queue)

    func received(response: HTTPHead) {
        guard !(301...308).contains(response.status) else { return }
        cond.lock(); if head == nil { head = response }; cond.broadcast(); cond.unlock()
    }

    func received(data: Data) -> Bool {
        cond.lock(); defer { cond.unlock() }
        guard !closed, failure == nil else { return false }
        // Written under the lock so `close()` cannot close (and the system reuse) the descriptor mid-write.
        let ok = data.withUnsafeBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return true }
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, base + done, raw.count - done, off_t(written + Int64(done)))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = ByteSourceError.io(path: "registry download spool", errno: errno)
                    return false
                }
                done += n
            }
            return true
        }
        guard ok else { cond.broadcast(); return false }
        written += Int64(data.count)
        cond.broadcast()
        return true
    }

    func refusedRedirect(to: String) {
        cond.lock(); redirectRefusedTo = to; cond.unlock()
    }

    func challenged(response: HTTPHead) {
        cond.lock(); challenge = true; head = response; cond.broadcast(); cond.unlock()
    }

    func completed(error: Error?, response: HTTPHead?) {
        cond.lock()
        if head == nil { head = response }
        if failure == nil, !challenge {
            if let to = redirectRefusedTo {
                failure = TransportFailure.refusedRedirect(to: to)
            } else if let error, !closed {
                failure = TransportFailure.network(error as NSError)
            }
        }
        finished = true
        cond.broadcast()
        cond.unlock()
    }

    // MARK: reading (through SpooledSource)

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0, let base = buffer.baseAddress else { return 0 }
        cond.lock()
        var lastProgress = Date()
        var seen = written
        while position == written && !finished && failure == nil && !closed {
            // URLSession's own idle timeout should end a stalled transfer; this is the backstop.
            if !cond.wait(until: Date().addingTimeInterval(1)) {
                if written != seen { seen = written; lastProgress = Date() }
                if Date().timeIntervalSince(lastProgress) > stallTimeout {
                    cond.unlock()
                    throw mapError(TransportFailure.stalled(seconds: stallTimeout))
                }
            }
        }
        if closed { cond.unlock(); return 0 }
        let available = written - position
        if available == 0 {
            let failure = self.failure
            cond.unlock()
            if let failure { throw mapError(failure) }
            return 0
        }
        let want = Int(min(Int64(buffer.count), available))
        let start = position
        cond.unlock()
        // Bytes below `written` are never rewritten, so they can be read without the lock.
        var got = 0
        while got < want {
            let n = pread(fd, base + got, want - got, off_t(start + Int64(got)))
            if n < 0 {
                if errno == EINTR { continue }
                throw ByteSourceError.io(path: "registry download spool", errno: errno)
            }
            if n == 0 { break }
            got += n
        }
        cond.lock(); position += Int64(got); cond.unlock()
        return got
    }
}

/// The reader's handle on a spool: reading goes through, releasing it stops the download.
final class SpooledSource: ByteSource {
    let spool: SpooledBody
    init(_ spool: SpooledBody) { self.spool = spool }
    deinit { spool.close() }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { try spool.read(into: buffer) }
    func close() { spool.close() }
}
