import Foundation
import JSON

/// One entry of a registry's own error body, `{"errors":[{"code":"...","message":"..."}]}`.
public struct RegistryErrorDetail: Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String

    public var description: String { message.isEmpty ? code : "\(code): \(message)" }

    /// Reads the Distribution error body; token services answer with `details` or OAuth's
    /// `error`/`error_description` instead, so those are read too. Anything else yields nothing:
    /// an unknown body is not echoed, it might be a whole HTML page.
    static func parse(_ body: Data) -> [RegistryErrorDetail] {
        guard !body.isEmpty, body.count <= 1 << 20, let json = try? JSON.parse(body) else { return [] }
        let listed = json.array("errors").compactMap { e -> RegistryErrorDetail? in
            let code = e.string("code") ?? ""
            let message = e.string("message") ?? ""
            guard !code.isEmpty || !message.isEmpty else { return nil }
            return RegistryErrorDetail(code: oneLine(code), message: oneLine(message))
        }
        if !listed.isEmpty { return listed }
        if let details = json.string("details") { return [RegistryErrorDetail(code: "", message: oneLine(details))] }
        if let error = json.string("error") {
            return [RegistryErrorDetail(code: oneLine(error), message: oneLine(json.string("error_description") ?? ""))]
        }
        return []
    }

    static func oneLine(_ s: String) -> String {
        let flat = s.split(whereSeparator: { $0.isNewline }).joined(separator: " ")
        return flat.count > 300 ? String(flat.prefix(300)) + "…" : flat
    }
}

/// A registry request that failed. Every case names the registry host, and the repository when
/// there is one, so a one-line message says where it went wrong. Credentials never appear here.
public enum RegistryError: Error, CustomStringConvertible {
    /// The registry answered with a status we did not expect (404 for a missing tag, 500, ...).
    case status(host: String, repository: String?, what: String, status: Int, errors: [RegistryErrorDetail])
    /// 401/403 after trying whatever credentials there were. `hint` says which were tried, never their value.
    case unauthorized(host: String, repository: String?, what: String, status: Int, errors: [RegistryErrorDetail], hint: String)
    /// The TLS handshake failed: a plain-HTTP registry, an untrusted certificate, a TLS version mismatch.
    case tls(host: String, detail: String)
    case connection(host: String, detail: String)
    case timeout(host: String, what: String, seconds: Double)
    /// A redirect from HTTPS to plain HTTP that `insecure` did not allow.
    case refusedRedirect(host: String, what: String, to: String)
    case digestMismatch(host: String, repository: String?, what: String, expected: String, actual: String)
    case tooLarge(host: String, repository: String?, what: String, limit: Int)
    case malformed(host: String, repository: String?, what: String, message: String)

    public var description: String {
        switch self {
        case .status(let host, let repo, let what, let status, let errors):
            return "\(Self.place(host, repo)): \(what) failed with HTTP \(status)\(Self.list(errors))"
        case .unauthorized(let host, let repo, let what, let status, let errors, let hint):
            return "\(Self.place(host, repo)): \(what) was refused with HTTP \(status)\(Self.list(errors)); \(hint)"
        case .tls(let host, let detail):
            return "registry \(host) could not be reached over TLS (\(detail)); if it serves plain HTTP, use --insecure"
        case .connection(let host, let detail):
            return "registry \(host) could not be reached (\(detail))"
        case .timeout(let host, let what, let seconds):
            return "registry \(host): \(what) timed out after \(Int(seconds)) s without data"
        case .refusedRedirect(let host, let what, let to):
            return "registry \(host): \(what) was redirected to plain HTTP (\(to)); use --insecure to allow it"
        case .digestMismatch(let host, let repo, let what, let expected, let actual):
            return "\(Self.place(host, repo)): \(what) hashes to \(actual), expected \(expected)"
        case .tooLarge(let host, let repo, let what, let limit):
            return "\(Self.place(host, repo)): \(what) is larger than the \(limit) bytes allowed"
        case .malformed(let host, let repo, let what, let message):
            return "\(Self.place(host, repo)): \(what): \(message)"
        }
    }

    /// The HTTP status, when the registry answered with one.
    public var statusCode: Int? {
        switch self {
        case .status(_, _, _, let s, _), .unauthorized(_, _, _, let s, _, _): return s
        default: return nil
        }
    }

    static func place(_ host: String, _ repository: String?) -> String {
        repository.map { "registry \(host), repository \($0)" } ?? "registry \(host)"
    }

    static func list(_ errors: [RegistryErrorDetail]) -> String {
        errors.isEmpty ? "" : " (" + errors.map(\.description).joined(separator: "; ") + ")"
    }
}
