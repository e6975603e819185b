import Foundation
import JSON

/// Something to authenticate with. `description` never shows a secret.
public enum RegistryCredential: Sendable, Equatable, CustomStringConvertible {
    case basic(username: String, password: String)
    /// Docker's `identitytoken`: an OAuth2 refresh token exchanged at the token service.
    case identityToken(username: String?, token: String)
    /// A ready bearer token (`VOUCH_REGISTRY_TOKEN`), sent as is.
    case bearer(token: String)

    public var description: String {
        switch self {
        case .basic(let user, _): return "username '\(user)' with a password"
        case .identityToken: return "an identity token"
        case .bearer: return "a bearer token"
        }
    }

    /// `Authorization: Basic ...`, when this credential can be sent that way.
    var basicHeader: String? {
        guard case .basic(let user, let password) = self else { return nil }
        return "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }
}

/// A credential and where it came from, so a refusal can say which one was tried.
public struct ResolvedCredential: Sendable {
    public var credential: RegistryCredential
    public var source: String
}

/// Finds the credential for a registry: explicit options first, then `VOUCH_REGISTRY_*`, then the docker config.
public enum CredentialResolver {
    public static func resolve(registry: String, options: RegistryOptions,
                               environment: [String: String]) throws -> ResolvedCredential? {
        if let user = options.username, let password = options.password {
            return ResolvedCredential(credential: .basic(username: user, password: password), source: "the given username and password")
        }
        if let token = environment["VOUCH_REGISTRY_TOKEN"], !token.isEmpty {
            return ResolvedCredential(credential: .bearer(token: token), source: "VOUCH_REGISTRY_TOKEN")
        }
        if let user = environment["VOUCH_REGISTRY_USERNAME"], !user.isEmpty,
           let password = environment["VOUCH_REGISTRY_PASSWORD"] {
            return ResolvedCredential(credential: .basic(username: user, password: password),
                                      source: "VOUCH_REGISTRY_USERNAME/VOUCH_REGISTRY_PASSWORD")
        }
        let path = DockerConfig.path(explicit: options.dockerConfigPath, environment: environment)
        guard let config = try DockerConfig.load(path: path), let found = config.credential(for: registry) else { return nil }
        return ResolvedCredential(credential: found, source: "\(path) (auths entry for \(DockerConfig.normalize(registry)))")
    }
}

/// One challenge of a `WWW-Authenticate` header (RFC 7235): `Bearer realm="...",service="...",scope="..."`.
public struct AuthChallenge: Sendable, Equatable {
    /// Lowercased: `bearer`, `basic`.
    public var scheme: String
    /// Parameter names lowercased, values unquoted.
    public var parameters: [String: String]

    public var realm: String? { parameters["realm"] }
    public var service: String? { parameters["service"] }
    public var scope: String? { parameters["scope"] }

    /// Parses a header value that may hold several challenges (and several headers joined by commas).
    /// Quoted values may contain commas (`scope="repository:a/b:pull,push"`) and backslash escapes.
    public static func parse(_ header: String) -> [AuthChallenge] {
        var scanner = ChallengeScanner(Array(header.unicodeScalars))
        var challenges: [AuthChallenge] = []
        while true {
            scanner.skip { $0 == " " || $0 == "\t" || $0 == "," }
            let name = scanner.token()
            if name.isEmpty {
                // Stray character (a lone '=' or quote): step over it rather than loop.
                if scanner.atEnd { break }
                scanner.advance(); continue
            }
            scanner.skip { $0 == " " || $0 == "\t" }
            if scanner.peek == "=", !challenges.isEmpty {
                scanner.advance()
                scanner.skip { $0 == " " || $0 == "\t" }
                let value = scanner.peek == "\"" ? scanner.quoted() : scanner.token(allowEquals: true)
                challenges[challenges.count - 1].parameters[name.lowercased()] = value
            } else {
                challenges.append(AuthChallenge(scheme: name.lowercased(), parameters: [:]))
            }
        }
        return challenges
    }
}

private struct ChallengeScanner {
    let s: [Unicode.Scalar]
    var i = 0
    init(_ s: [Unicode.Scalar]) { self.s = s }

    var atEnd: Bool { i >= s.count }
    var peek: Unicode.Scalar? { i < s.count ? s[i] : nil }
    mutating func advance() { i += 1 }
    mutating func skip(while test: (Unicode.Scalar) -> Bool) {
        while i < s.count, test(s[i]) { i += 1 }
    }
    mutating func token(allowEquals: Bool = false) -> String {
        var out = String.UnicodeScalarView()
        while i < s.count {
            let c = s[i]
            if c == " " || c == "\t" || c == "," || c == "\"" || (c == "=" && !allowEquals) { break }
            out.append(c); i += 1
        }
        return String(out)
    }
    mutating func quoted() -> String {
        var out = String.UnicodeScalarView()
        i += 1  // opening quote
        while i < s.count {
            let c = s[i]
            i += 1
            if c == "\"" { break }
            if c == "\\", i < s.count { out.append(s[i]); i += 1; continue }
            out.append(c)
        }
        return String(out)
    }
}

/// A token service's answer: `{"token": "...", "access_token": "...", "expires_in": 300}`.
public struct BearerTokenResponse: Sendable {
    public var token: String
    public var expiresIn: Int64?

    public struct ParseError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Docker's token spec names the field `token`; OAuth2 servers use `access_token`. Either is accepted.
    public init(json data: Data) throws {
        guard data.count <= 1 << 20 else { throw ParseError(message: "token response is larger than 1 MiB") }
        let json: JSON
        do { json = try JSON.parse(data) } catch { throw ParseError(message: "token response is not JSON") }
        guard let value = json.string("token") ?? json.string("access_token"), !value.isEmpty else {
            throw ParseError(message: "token response has neither 'token' nor 'access_token'")
        }
        guard value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else {
            // It goes into a header: refuse control characters and spaces instead of sending them.
            throw ParseError(message: "token response holds characters not allowed in a header")
        }
        token = value
        expiresIn = json["expires_in"]?.int
    }
}
