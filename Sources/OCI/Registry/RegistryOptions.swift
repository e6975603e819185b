import Foundation

/// How to reach a registry: TLS by default, plain HTTP only when asked.
public struct RegistryOptions: Sendable {
    public var insecure: Bool
    public var username: String?
    public var password: String?
    /// Path of a docker config.json with `auths`; default `~/.docker/config.json`.
    public var dockerConfigPath: String?

    public init(insecure: Bool = false, username: String? = nil, password: String? = nil, dockerConfigPath: String? = nil) {
        self.insecure = insecure
        self.username = username
        self.password = password
        self.dockerConfigPath = dockerConfigPath
    }
}
