import Foundation
import JSON

public struct DockerConfigError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}

/// The `auths` part of a docker `config.json`. Credential helpers (`credsStore`, `credHelpers`)
/// are not run: only credentials written into the file itself are used.
public struct DockerConfig {
    /// Keyed by normalised host (`docker.io`, `ghcr.io`, `127.0.0.1:5000`).
    public private(set) var entries: [String: RegistryCredential] = [:]

    /// `explicit`, else `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
    public static func path(explicit: String?, environment: [String: String]) -> String {
        if let explicit { return explicit }
        if let dir = environment["DOCKER_CONFIG"], !dir.isEmpty {
            return URL(fileURLWithPath: dir).appendingPathComponent("config.json").path
        }
        let home = environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".docker/config.json").path
    }

    /// nil when the file does not exist; a typed error when it exists but cannot be used.
    public static func load(path: String) throws -> DockerConfig? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw DockerConfigError(path: path, message: "cannot be read")
        }
        defer { try? handle.close() }
        let limit = 4 << 20
        let data = (try? handle.read(upToCount: limit + 1)) ?? Data()
        guard data.count <= limit else { throw DockerConfigError(path: path, message: "is larger than 4 MiB") }
        return try DockerConfig(data: data, path: path)
    }

    public init(data: Data, path: String) throws {
        let json: JSON
        do { json = try JSON.parse(data) } catch {
            throw DockerConfigError(path: path, message: "is not valid JSON")
        }
        guard case .object = json else { throw DockerConfigError(path: path, message: "is not a JSON object") }
        guard let auths = json["auths"]?.object else { return }
        for (key, value) in auths {
            // An entry that cannot be decoded is skipped: another entry may still serve this host.
            guard let credential = DockerConfig.credential(from: value) else { continue }
            entries[DockerConfig.normalize(key)] = credential
        }
    }

    public func credential(for registry: String) -> RegistryCredential? {
        entries[DockerConfig.normalize(registry)]
    }

    /// `https://index.docker.io/v1/` → `docker.io`; `HTTPS://Ghcr.io/` → `ghcr.io`; ports are kept.
    public static func normalize(_ key: String) -> String {
        var s = key.trimmingCharacters(in: .whitespaces).lowercased()
        for scheme in ["https://", "http://"] where s.hasPrefix(scheme) { s.removeFirst(scheme.count) }
        if let slash = s.firstIndex(of: "/") { s = String(s[..<slash]) }
        switch s {
        case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com": return "docker.io"
        default: return s
        }
    }

    /// `identitytoken` wins over a password, as docker does; `auth` is base64 of `user:password`.
    static func credential(from entry: JSON) -> RegistryCredential? {
        var username = entry.string("username").flatMap { $0.isEmpty ? nil : $0 }
        var password = entry.string("password").flatMap { $0.isEmpty ? nil : $0 }
        if let auth = entry.string("auth"), !auth.isEmpty {
            guard let decoded = Data(base64Encoded: auth, options: .ignoreUnknownCharacters),
                  let text = String(data: decoded, encoding: .utf8),
                  let colon = text.firstIndex(of: ":") else { return nil }
            username = String(text[..<colon])
            password = String(text[text.index(after: colon)...])
        }
        if let token = entry.string("identitytoken"), !token.isEmpty {
            return .identityToken(username: username, token: token)
        }
        guard let username, !username.isEmpty, let password else { return nil }
        return .basic(username: username, password: password)
    }
}
