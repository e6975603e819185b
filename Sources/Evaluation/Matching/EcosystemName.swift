/// An OSV ecosystem string split into family, release and stream: `Ubuntu:22.04:LTS` →
/// (Ubuntu, 22.04, nil); `Ubuntu:Pro:18.04:LTS` → (Ubuntu, 18.04, Pro); `Debian:12`; `Alpine:v3.18`; `PyPI`.
public struct EcosystemName: Sendable, Equatable {
    public var family: String
    public var release: String?
    /// A separate advisory stream of the distribution (Ubuntu Pro / ESM): it applies only to
    /// systems subscribed to it, so plain images never match it.
    public var stream: String?

    public init(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        family = parts.first ?? ""
        var rest = Array(parts.dropFirst())
        if family == "Ubuntu", rest.first == "Pro" || rest.first == "ESM" || rest.first == "FIPS" {
            stream = rest.removeFirst()
        }
        release = rest.first.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether an advisory's ecosystem applies to a package in `family`/`release`.
    public func applies(toFamily f: String, release r: String?) -> Bool {
        guard family == f, stream == nil else { return false }
        guard let r else { return release == nil }
        return release == r
    }
}
