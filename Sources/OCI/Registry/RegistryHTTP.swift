import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Authenticated requests to one registry: anonymous first, then whatever the registry's
/// `WWW-Authenticate` challenge asks for (Basic, or a Bearer token from its token service), then
/// the same request again. Pull and (later) push both go through `send` and `open`.
public final class RegistryHTTP {
    /// The registry as the reference names it (`docker.io`, `127.0.0.1:5000`).
    public let registry: String
    /// Where the API answers (`registry-1.docker.io` for `docker.io`).
    public let host: String
    public let baseURL: URL
    public let options: RegistryOptions
    private let environment: [String: String]
    let transport: HTTPTransport
    private let lock = NSLock()
    private var resolvedCredential: ResolvedCredential??
    private var tokens: [String: String] = [:]
    private var useBasic = false

    public struct Request {
        public var method: String
        /// Path under the registry (`/v2/<repo>/manifests/<ref>`), or an absolute `url` (an upload `Location`).
        public var path: String
        public var url: URL?
        public var headers: [String: String]
        public var body: Data?
        /// Token scope, `repository:<name>:pull` or `...:pull,push`.
        public var scope: String?
        public var repository: String?
        /// How errors name this request: `manifest 'latest'`, `blob sha256:abcd…`.
        public var what: String

        public init(method: String = "GET", path: String, url: URL? = nil, headers: [String: String] = [:], body: Data? = nil,
                    scope: String? = nil, repository: String? = nil, what: String) {
            self.method = method; self.path = path; self.url = url; self.headers = headers; self.body = body
            self.scope = scope; self.repository = repository; self.what = what
        }
    }

    public struct Response {
        public var head: HTTPHead
        public var body: Data
        public var status: Int { head.status }
    }

    public static func pullScope(_ repository: String) -> String { "repository:\(repository):pull" }

    /// Docker Hub's API lives on its own host; everything else answers where it is named.
    public static func apiHost(for registry: String) -> String {
        DockerConfig.normalize(registry) == "docker.io" ? "registry-1.docker.io" : registry
    }

    public init(registry: String, options: RegistryOptions = RegistryOptions(),
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.registry = registry
        self.options = options
        self.environment = environment
        host = RegistryHTTP.apiHost(for: registry)
        guard let url = URL(string: (options.insecure ? "http://" : "https://") + host) else {
            throw RegistryError.malformed(host: registry, repository: nil, what: "registry name", message: "is not a valid host")
        }
        baseURL = url
        transport = HTTPTransport(requestTimeout: options.requestTimeout, allowPlainHTTP: options.insecure)
    }

    deinit { transport.finish() }

    /// A whole response in memory (manifests, tokens, small blobs), any status.
    public func send(_ request: Request, limit: Int = 1 << 20) throws -> Response {
        let (head, body) = try perform(request) { try transport.buffered($0, limit: limit) }
        return Response(head: head, body: body)
    }

    /// A 2xx response whose body streams as it downloads; any other status is thrown as a `RegistryError`.
    public func open(_ request: Request) throws -> (HTTPHead, ByteSource) {
        let (head, body) = try perform(request) { urlRequest -> (HTTPHead, SpooledSource) in
            try transport.streamed(urlRequest) { [registry, options] error in
                RegistryHTTP.map(error, host: registry, what: request.what, timeout: options.requestTimeout)
            }
        } discard: { $0.close() }
        guard (200..<300).contains(head.status) else {
            let errorBody = (try? body.readAll(limit: 1 << 20)).flatMap { $0 } ?? Data()
            body.close()
            throw failure(Response(head: head, body: errorBody), for: request)
        }
        return (head, body)
    }

    /// Throws the registry's error when the status is not one of `expect`.
    public func check(_ response: Response, for request: Request, expect: Set<Int>) throws {
        if !expect.contains(response.status) { throw failure(response, for: request) }
    }

    /// The error for an unwanted answer, with the registry's own messages from its error body.
    public func failure(_ response: Response, for request: Request) -> RegistryError {
        let errors = RegistryErrorDetail.parse(response.body)
        if response.status == 401 || response.status == 403 {
            return RegistryError.unauthorized(host: registry, repository: request.repository, what: request.what,
                                              status: response.status, errors: errors, hint: credentialHint())
        }
        return RegistryError.status(host: registry, repository: request.repository, what: request.what,
                                    status: response.status, errors: errors)
    }

    // MARK: authentication

    private func perform<Body>(_ request: Request, run: (URLRequest) throws -> (HTTPHead, Body),
                               discard: (Body) -> Void = { _ in }) throws -> (HTTPHead, Body) {
        var round = 0
        while true {
            let result: (HTTPHead, Body)
            do { result = try run(try urlRequest(for: request)) } catch {
                throw RegistryHTTP.map(error, host: registry, what: request.what, timeout: options.requestTimeout)
            }
            guard result.0.status == 401, round < 2, try authorize(after: result.0, request: request) else { return result }
            discard(result.1)
            round += 1
        }
    }

    private func urlRequest(for request: Request) throws -> URLRequest {
        let url = request.url ?? URL(string: request.path, relativeTo: baseURL)?.absoluteURL
        guard let url else {
            throw RegistryError.malformed(host: registry, repository: request.repository, what: request.what, message: "invalid request path")
        }
        var r = URLRequest(url: url)
        r.httpMethod = request.method
        r.timeoutInterval = options.requestTimeout
        r.httpBody = request.body
        r.setValue("vouch", forHTTPHeaderField: "User-Agent")
        for (k, v) in request.headers { r.setValue(v, forHTTPHeaderField: k) }
        // Credentials go only to the registry itself, never to an absolute URL elsewhere.
        if url.host?.lowercased() == baseURL.host?.lowercased(), url.port == baseURL.port, let auth = authorization(scope: request.scope) {
            r.setValue(auth, forHTTPHeaderField: "Authorization")
        }
        return r
    }

    private func authorization(scope: String?) -> String? {
        lock.lock(); defer { lock.unlock() }
        if let token = tokens[scope ?? ""] { return "Bearer " + token }
        if useBasic, case .some(.some(let resolved)) = resolvedCredential { return resolved.credential.basicHeader }
        return nil
    }

    private func credential() throws -> ResolvedCredential? {
        lock.lock(); defer { lock.unlock() }
        if let cached = resolvedCredential { return cached }
        do {
            let found = try CredentialResolver.resolve(registry: registry, options: options, environment: environment)
            resolvedCredential = .some(found)
            return found
        } catch {
            throw RegistryError.malformed(host: registry, repository: nil, what: "credentials", message: "\(error)")
        }
    }

    /// Prepares credentials for a retry after a 401; false when there is nothing new to try.
    private func authorize(after head: HTTPHead, request: Request) throws -> Bool {
        let challenges = AuthChallenge.parse(head.header("www-authenticate") ?? "")
        let resolved = try credential()
        let key = request.scope ?? ""
        if let bearer = challenges.first(where: { $0.scheme == "bearer" }) {
            let used = lock.withLock { tokens[key] }
            let token: String
            if case .bearer(let ready)? = resolved?.credential {
                token = ready
            } else {
                guard let realm = bearer.realm else { return false }
                let scopes = [bearer.scope, request.scope].compactMap { $0 }
                token = try fetchToken(realm: realm, service: bearer.service, scopes: scopes, credential: resolved, request: request)
            }
            guard token != used else { return false }
            lock.withLock { tokens[key] = token }
            return true
        }
        if challenges.contains(where: { $0.scheme == "basic" }), resolved?.credential.basicHeader != nil {
            return lock.withLock {
                guard !useBasic else { return false }
                useBasic = true
                return true
            }
        }
        return false
    }

    private func fetchToken(realm: String, service: String?, scopes: [String], credential: ResolvedCredential?,
                            request: Request) throws -> String {
        guard var components = URLComponents(string: realm), let scheme = components.scheme?.lowercased(),
              scheme == "https" || (scheme == "http" && options.insecure), components.host != nil else {
            throw RegistryError.malformed(host: registry, repository: request.repository, what: "authentication challenge",
                                          message: options.insecure ? "token realm is not an http(s) URL"
                                                                    : "token realm is not an https URL (use --insecure to allow plain HTTP)")
        }
        var params: [(String, String)] = []
        if let service { params.append(("service", service)) }
        for s in Set(scopes).sorted() { params.append(("scope", s)) }
        var r: URLRequest
        if case .identityToken(_, let refresh)? = credential?.credential {
            // Docker's OAuth2 flow: exchange the refresh token for an access token.
            guard let url = components.url else { throw RegistryError.malformed(host: registry, repository: nil, what: "token realm", message: "invalid URL") }
            r = URLRequest(url: url)
            r.httpMethod = "POST"
            r.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            let form = params + [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "vouch")]
            r.httpBody = Data(form.map { "\(RegistryHTTP.formEncode($0.0))=\(RegistryHTTP.formEncode($0.1))" }.joined(separator: "&").utf8)
        } else {
            components.queryItems = (components.queryItems ?? []) + params.map { URLQueryItem(name: $0.0, value: $0.1) }
            guard let url = components.url else { throw RegistryError.malformed(host: registry, repository: nil, what: "token realm", message: "invalid URL") }
            r = URLRequest(url: url)
            if let basic = credential?.credential.basicHeader { r.setValue(basic, forHTTPHeaderField: "Authorization") }
        }
        r.timeoutInterval = options.requestTimeout
        r.setValue("vouch", forHTTPHeaderField: "User-Agent")
        let tokenHost = components.port.map { "\(components.host ?? ""):\($0)" } ?? (components.host ?? "")
        let what = "token request to \(tokenHost) for \(request.what)"
        let head: HTTPHead, body: Data
        do { (head, body) = try transport.buffered(r, limit: 1 << 20) } catch {
            throw RegistryHTTP.map(error, host: registry, what: what, timeout: options.requestTimeout)
        }
        guard head.status == 200 else {
            let errors = RegistryErrorDetail.parse(body)
            if head.status == 401 || head.status == 403 {
                throw RegistryError.unauthorized(host: registry, repository: request.repository, what: what,
                                                 status: head.status, errors: errors, hint: credentialHint())
            }
            throw RegistryError.status(host: registry, repository: request.repository, what: what, status: head.status, errors: errors)
        }
        do { return try BearerTokenResponse(json: body).token } catch {
            throw RegistryError.malformed(host: registry, repository: request.repository, what: what, message: "\(error)")
        }
    }

    private func credentialHint() -> String {
        if let r = (try? credential()) ?? nil { return "\(r.credential) from \(r.source) was not accepted" }
        return "no credentials were found for \(registry) (set VOUCH_REGISTRY_USERNAME and VOUCH_REGISTRY_PASSWORD, or log in with docker)"
    }

    static func formEncode(_ s: String) -> String {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    // MARK: errors

    static func map(_ error: Error, host: String, what: String, timeout: TimeInterval) -> Error {
        guard let failure = error as? TransportFailure else { return error }
        switch failure {
        case .tooLarge(let limit): return RegistryError.tooLarge(host: host, repository: nil, what: what, limit: limit)
        case .refusedRedirect(let to): return RegistryError.refusedRedirect(host: host, what: what, to: to)
        case .stalled(let seconds): return RegistryError.timeout(host: host, what: what, seconds: seconds)
        case .noResponse: return RegistryError.connection(host: host, detail: "\(what): no HTTP response")
        case .network(let e):
            let code = URLError.Code(rawValue: e.code)
            // libcurl's TLS failures often reach us as "unknown" (-1) with OpenSSL's message as the only clue.
            let text = (e.userInfo[NSLocalizedDescriptionKey] as? String) ?? ""
            if code == .unknown, ["SSL", "TLS", "certificate"].contains(where: { text.contains($0) }) {
                return RegistryError.tls(host: host, detail: describe(e))
            }
            switch code {
            case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
                 .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected,
                 .clientCertificateRequired:
                return RegistryError.tls(host: host, detail: describe(e))
            case .timedOut:
                return RegistryError.timeout(host: host, what: what, seconds: timeout)
            default:
                return RegistryError.connection(host: host, detail: "\(what): \(describe(e))")
            }
        }
    }

    static func describe(_ e: NSError) -> String {
        let names: [URLError.Code: String] = [
            .secureConnectionFailed: "TLS handshake failed", .serverCertificateUntrusted: "certificate not trusted",
            .serverCertificateHasBadDate: "certificate expired", .serverCertificateHasUnknownRoot: "certificate from an unknown authority",
            .cannotConnectToHost: "connection refused", .cannotFindHost: "host not found", .dnsLookupFailed: "host not found",
            .networkConnectionLost: "connection lost", .notConnectedToInternet: "no network", .badServerResponse: "bad server response",
        ]
        let name = URLError.Code(rawValue: e.code).flatMap { names[$0] } ?? (e.code == -1 ? "network error" : "network error \(e.code)")
        let detail = (e.userInfo[NSLocalizedDescriptionKey] as? String).map(RegistryErrorDetail.oneLine)
        guard let detail, !detail.isEmpty, !detail.contains("NSURLErrorDomain") else { return name }
        return "\(name): \(detail)"
    }
}
