/// One ecosystem's version ordering (dpkg, apk, rpm, PEP 440, SemVer, Go, Maven, RubyGems, Composer, NuGet…).
/// Matching compares a package's installed version with advisory range events through this.
public protocol VersionScheme: Sendable {
    /// The scheme's name as users and errors see it (`dpkg`, `pep440`, …).
    var name: String { get }
    /// Negative, zero or positive as `a` sorts before, equal to, or after `b`.
    /// Throws `VersionError` for a version the ecosystem would not accept.
    func compare(_ a: String, _ b: String) throws -> Int
}

public struct VersionError: Error, CustomStringConvertible, Equatable, Sendable {
    public let scheme: String
    public let version: String
    public let reason: String
    public init(scheme: String, version: String, reason: String) {
        self.scheme = scheme; self.version = version; self.reason = reason
    }
    public var description: String { "\(scheme) version '\(version.prefix(80))': \(reason)" }
}
