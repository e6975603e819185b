import Foundation

/// How to reach a registry: TLS by default, plain HTTP only when asked.
public struct RegistryOptions: Sendable {
    /// Plain HTTP instead of HTTPS (a local or lab registry). Without it, a plain-HTTP registry fails with a TLS error.
    public var insecure: Bool
    public var username: String?
    public var password: String?
    /// Path of a docker config.json with `auths`; default `$DOCKER_CONFIG/config.json`, then `~/.docker/config.json`.
    public var dockerConfigPath: String?
    /// Seconds without any data before a request fails.
    public var requestTimeout: TimeInterval

    public init(insecure: Bool = false, username: String? = nil, password: String? = nil, dockerConfigPath: String? = nil,
                requestTimeout: TimeInterval = 30) {
        self.insecure = insecure
        self.username = username
        self.password = password
        self.dockerConfigPath = dockerConfigPath
        self.requestTimeout = requestTimeout
    }
}
