import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Status, headers (names lowercased) and final URL of one HTTP response.
public struct HTTPHead: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var url: URL?

    public init(status: Int, headers: [String: String], url: URL?) {
        self.status = status; self.headers = headers; self.url = url
    }

    init(_ response: HTTPURLResponse) {
        var h: [String: String] = [:]
        for (k, v) in response.allHeaderFields {
            guard let name = k as? String, let value = v as? String else { continue }
            h[name.lowercased()] = value
        }
        self.init(status: response.statusCode, headers: h, url: response.url)
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Transport-level failures, turned into `RegistryError` by `RegistryHTTP`, which knows the host.
enum TransportFailure: Error {
    case network(NSError)
    case tooLarge(limit: Int)
    case refusedRedirect(to: String)
    case stalled(seconds: Double)
    case noResponse
}

/// Receives one task's events on the session's serial delegate queue.
protocol TransportSink: AnyObject {
    func received(response: HTTPHead)
    /// false cancels the task (a size limit was passed, the reader went away).
    func received(data: Data) -> Bool
    func completed(error: Error?, response: HTTPHead?)
    func refusedRedirect(to: String)
    /// A 401 that URLSession turned into an authentication challenge; this is the answer to report.
    func challenged(response: HTTPHead)
}

/// Runs URLSession tasks synchronously for a command-line tool. One session per registry keeps
/// connections alive across requests; a delegate (not completion handlers) sees every task so it
/// can stop at a size limit, control redirects and feed a streaming reader.
/// `@unchecked Sendable`: `session` is assigned once in init (it needs `self` as delegate) and the
/// sink table is guarded by `lock`.
final class HTTPTransport: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private var session: URLSession!
    private let lock = NSLock()
    private var sinks: [Int: TransportSink] = [:]
    let allowPlainHTTP: Bool
    let requestTimeout: TimeInterval

    init(requestTimeout: TimeInterval, allowPlainHTTP: Bool) {
        self.allowPlainHTTP = allowPlainHTTP
        self.requestTimeout = requestTimeout
        super.init()
        let config = URLSessionConfiguration.ephemeral
        // The request timeout is an idle timeout (no bytes for that long); the resource timeout
        // bounds a whole transfer and must allow multi-gigabyte layers on slow links.
        config.timeoutIntervalForRequest = requestTimeout
        config.timeoutIntervalForResource = 6 * 3600
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        config.urlCache = nil
        config.httpCookieStorage = nil
        config.httpShouldSetCookies = false
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        queue.name = "vouch.registry.http"
        session = URLSession(configuration: config, delegate: self, delegateQueue: queue)
    }

    /// Lets running streams finish, then releases the session (which holds its delegate strongly).
    func finish() { session.finishTasksAndInvalidate() }

    /// A whole response in memory, refusing bodies over `limit` bytes.
    func buffered(_ request: URLRequest, limit: Int) throws -> (HTTPHead, Data) {
        let sink = BufferedSink(limit: limit)
        let task = session.dataTask(with: request)
        register(sink, for: task)
        task.resume()
        sink.done.wait()
        if let error = sink.failure { throw error }
        guard let head = sink.head else { throw TransportFailure.noResponse }
        return (head, sink.body)
    }

    /// A response whose body is read as it arrives. Returns once the headers are in.
    func streamed(_ request: URLRequest, mapError: @escaping (Error) -> Error) throws -> (HTTPHead, SpooledSource) {
        let spool = try SpooledBody(stallTimeout: requestTimeout * 2)
        spool.mapError = mapError
        let source = SpooledSource(spool)
        let task = session.dataTask(with: request)
        spool.task = task
        register(spool, for: task)
        task.resume()
        return (try spool.waitForHead(), source)
    }

    /// Tasks that have not completed yet (tests use it to see a dropped stream cancelled).
    var runningTasks: Int { lock.withLock { sinks.count } }

    private func register(_ sink: TransportSink, for task: URLSessionTask) {
        lock.lock(); sinks[task.taskIdentifier] = sink; lock.unlock()
    }
    private func sink(for task: URLSessionTask, remove: Bool = false) -> TransportSink? {
        lock.lock(); defer { lock.unlock() }
        return remove ? sinks.removeValue(forKey: task.taskIdentifier) : sinks[task.taskIdentifier]
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        if let http = response as? HTTPURLResponse { sink(for: dataTask)?.received(response: HTTPHead(http)) }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard let sink = sink(for: dataTask) else { return }
        if !sink.received(data: data) { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        let head = (task.response as? HTTPURLResponse).map(HTTPHead.init)
        sink(for: task, remove: true)?.completed(error: error, response: head)
    }

    /// On a 401 with a Basic challenge, swift-corelibs-foundation asks this delegate and, without an
    /// answer it can act on, leaves the task hanging for ever (swift-corelibs-foundation#5456). We do
    /// our own registry authentication, so the challenge is declined and the 401 is handed back as the
    /// response; `RegistryHTTP` reads its `WWW-Authenticate` and retries with the right credentials.
    func urlSession(_ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
                    completionHandler: @escaping (URLSession.AuthChallengeDisposition, URLCredential?) -> Void) {
        let httpAuth = [NSURLAuthenticationMethodHTTPBasic, NSURLAuthenticationMethodHTTPDigest, NSURLAuthenticationMethodDefault]
        guard httpAuth.contains(challenge.protectionSpace.authenticationMethod) else {
            completionHandler(.performDefaultHandling, nil)
            return
        }
        if let http = challenge.failureResponse as? HTTPURLResponse {
            sink(for: task)?.challenged(response: HTTPHead(http))
        }
        completionHandler(.cancelAuthenticationChallenge, nil)
    }

    /// Registries send blobs to storage (S3, a CDN) by redirect. The registry's Authorization header
    /// must not follow to another host, and HTTPS must not quietly become plain HTTP.
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        guard let target = request.url else { completionHandler(nil); return }
        let from = response.url ?? task.currentRequest?.url
        if target.scheme?.lowercased() != "https", !allowPlainHTTP {
            // Only scheme, host and path: signed storage URLs carry credentials in their query.
            let shown = "\(target.scheme ?? "?")://\(target.host ?? "?")\(target.path)"
            sink(for: task)?.refusedRedirect(to: shown)
            completionHandler(nil)
            return
        }
        var next = request
        if target.host?.lowercased() != from?.host?.lowercased() || target.port != from?.port {
            next.setValue(nil, forHTTPHeaderField: "Authorization")
        }
        completionHandler(next)
    }
}

/// Collects a small response (manifest, token, error body) in memory.
final class BufferedSink: TransportSink {
    let limit: Int
    let done = DispatchSemaphore(value: 0)
    private(set) var head: HTTPHead?
    private(set) var body = Data()
    private(set) var failure: Error?
    private var redirectRefusedTo: String?
    private var challenge: HTTPHead?

    init(limit: Int) { self.limit = limit }

    func challenged(response: HTTPHead) { challenge = response }

    func received(response: HTTPHead) {
        // A redirect being followed is not the answer; a refused one arrives again at completion.
        if !(301...308).contains(response.status) { head = response }
    }

    func received(data: Data) -> Bool {
        guard body.count + data.count <= limit else {
            failure = TransportFailure.tooLarge(limit: limit)
            return false
        }
        body.append(data)
        return true
    }

    func refusedRedirect(to: String) { redirectRefusedTo = to }

    func completed(error: Error?, response: HTTPHead?) {
        if let challenge {
            // The cancellation that follows a declined challenge is ours, not a failure.
            head = challenge
            done.signal()
            return
        }
        if head == nil { head = response }
        if failure == nil {
            if let to = redirectRefusedTo {
                failure = TransportFailure.refusedRedirect(to: to)
            } else if let error {
                failure = TransportFailure.network(error as NSError)
            }
        }
        done.signal()
    }
}
