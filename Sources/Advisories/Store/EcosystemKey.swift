import Foundation

/// How the store files an ecosystem for lookup: a family (`debian`, `ubuntu`, `ubuntu:pro`,
/// `alpine`, `almalinux`, `pypi`, `go`) and a release (`12`, `22.04`, `3.18`, empty for language
/// ecosystems), both compared case-insensitively.
///
/// OSV writes `Debian:12`, `Ubuntu:22.04:LTS`, `Alpine:v3.18`, `AlmaLinux:9`. Ubuntu Pro
/// (`Ubuntu:Pro:22.04:LTS`, ESM updates) is its own stream, family `ubuntu:pro`: a plain Ubuntu
/// image does not get those fixes, so callers ask for it explicitly.
public struct EcosystemKey: Hashable, Sendable, CustomStringConvertible {
    public let family: String
    public let release: String

    /// From an OSV `affected[].package.ecosystem`.
    public init(osv ecosystem: String) {
        let parts = ecosystem.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first else { family = ""; release = ""; return }
        if first == "Ubuntu" {
            // Ubuntu:[Pro:[FIPS…:]]<version>[:LTS]: everything before the version names the stream.
            if let at = parts.firstIndex(where: { $0.first?.isNumber == true }) {
                family = parts[..<at].joined(separator: ":").lowercased()
                release = Self.normalizedRelease(parts[at])
            } else {
                family = ecosystem.lowercased(); release = ""
            }
            return
        }
        family = first.lowercased()
        release = Self.normalizedRelease(parts.dropFirst().joined(separator: ":"))
    }

    /// From a caller: `("Debian", "12")`, `("Alpine", "3.18")`, `("PyPI", nil)`, or a whole OSV
    /// ecosystem such as `("Ubuntu:22.04", nil)`.
    public init(ecosystem: String, release: String?) {
        let parsed = EcosystemKey(osv: ecosystem)
        if let release {
            family = parsed.family
            self.release = Self.normalizedRelease(release)
        } else {
            self = parsed
        }
    }

    public var description: String { release.isEmpty ? family : "\(family):\(release)" }

    /// `v3.18` and `3.18` are the same Alpine release.
    static func normalizedRelease(_ release: String) -> String {
        let lower = release.lowercased()
        if lower.hasPrefix("v"), lower.dropFirst().first?.isNumber == true { return String(lower.dropFirst()) }
        return lower
    }

    /// A package name as the ecosystem compares names: PyPI per PEP 503 (`Foo_Bar` = `foo-bar`),
    /// crates.io treats `-` and `_` alike, NuGet and Packagist ignore case; the rest compare exactly.
    public func packageName(_ name: String) -> String {
        switch family {
        case "pypi":
            var out = ""
            var pendingSeparator = false
            for ch in name.lowercased() {
                if ch == "-" || ch == "_" || ch == "." { pendingSeparator = !out.isEmpty; continue }
                if pendingSeparator { out.append("-"); pendingSeparator = false }
                out.append(ch)
            }
            return out
        case "crates.io": return name.lowercased().replacingOccurrences(of: "_", with: "-")
        case "nuget", "packagist", "hex", "pub": return name.lowercased()
        default: return name
        }
    }
}
