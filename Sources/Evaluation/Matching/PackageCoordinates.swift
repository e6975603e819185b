import Advisories
import Foundation
import SBOM

/// Where to look a package up in advisory data: the OSV ecosystem (family and release), the
/// names it may be filed under, and the version to compare.
public struct PackageCoordinates: Sendable, Equatable {
    /// OSV ecosystem family: `Debian`, `Ubuntu`, `Alpine`, `AlmaLinux`, `PyPI`, `npm`, `Go`…
    public var ecosystem: String
    /// The distribution release as OSV writes it after the colon (`12`, `22.04`, `v3.18`, `9`); nil for language ecosystems.
    public var release: String?
    /// Names to look up: for OS packages the source package first, then the binary package.
    public var names: [String]
    /// The version advisories' ranges are written against (the source version for distributions).
    public var version: String

    /// nil when vouch has no advisory ecosystem for the package (or the distribution is unknown:
    /// OS packages are never matched against another distribution's data).
    public init?(package p: Package, operatingSystem os: OperatingSystem?) {
        switch p.type {
        case .deb, .apk, .rpm:
            guard let distro = DistroRelease(operatingSystem: os, purl: p.purl) else { return nil }
            ecosystem = distro.ecosystem
            release = distro.release
            var names = [String]()
            if let s = p.sourceName, !s.isEmpty { names.append(s) }
            if !names.contains(p.name) { names.append(p.name) }
            self.names = names
            // Debian and Ubuntu fix versions are source versions; binNMUs (`+b1`) only exist on binaries.
            version = (p.type == .deb ? p.sourceVersion.flatMap { $0.isEmpty ? nil : $0 } : nil) ?? p.version
            // Other tools write the epoch as a purl qualifier (`…@1.1.1k-4.el8?epoch=1`); fixes carry it in the version.
            if !version.contains(":"), let epoch = (try? PackageURL(parsing: p.purl))?.qualifiers["epoch"],
               !epoch.isEmpty, epoch != "0", epoch.allSatisfy(\.isNumber) {
                version = "\(epoch):\(version)"
            }
        default:
            guard let e = PackageCoordinates.languageEcosystem(p.type) else { return nil }
            ecosystem = e
            release = nil
            names = [PackageCoordinates.advisoryName(p)]
            version = p.version
            // The Go toolchain reports `go1.22.3`; the Go vulnerability database writes `1.22.3`.
            if e == "Go", version.hasPrefix("go"), version.dropFirst(2).first?.isNumber == true { version.removeFirst(2) }
        }
        guard !version.isEmpty, !names.isEmpty else { return nil }
    }

    static func languageEcosystem(_ type: PackageType) -> String? {
        switch type.purlType {
        case "pypi": return "PyPI"
        case "npm": return "npm"
        case "cargo": return "crates.io"
        case "golang": return "Go"
        case "maven": return "Maven"
        case "gem": return "RubyGems"
        case "composer": return "Packagist"
        case "nuget": return "NuGet"
        default: return nil
        }
    }

    /// The name advisories use: Maven `group:artifact`, npm `@scope/name`, Go module path, PyPI normalised.
    static func advisoryName(_ p: Package) -> String {
        if let purl = try? PackageURL(parsing: p.purl) {
            switch purl.type {
            case "maven": return purl.namespace.map { "\($0):\(purl.name)" } ?? purl.name
            case "npm": return purl.namespace.map { "\($0)/\(purl.name)" } ?? purl.name
            case "golang": return purl.namespace.map { "\($0)/\(purl.name)" } ?? purl.name
            case "composer": return purl.namespace.map { "\($0)/\(purl.name)" } ?? purl.name
            case "pypi": return PackageCoordinates.normalizePyPI(purl.name)
            default: return purl.name
            }
        }
        return p.type.purlType == "pypi" ? normalizePyPI(p.name) : p.name
    }

    /// PEP 503: lowercase, runs of `-`, `_`, `.` become one `-`.
    static func normalizePyPI(_ name: String) -> String {
        var out = ""
        var lastWasSeparator = false
        for c in name.lowercased() {
            if c == "-" || c == "_" || c == "." {
                if !lastWasSeparator { out.append("-") }
                lastWasSeparator = true
            } else {
                out.append(c)
                lastWasSeparator = false
            }
        }
        return out
    }
}

/// A distribution release as OSV names it, from os-release or a purl's `distro=` qualifier.
public struct DistroRelease: Sendable, Equatable {
    public var ecosystem: String
    public var release: String

    public init?(operatingSystem os: OperatingSystem?, purl: String) {
        if let os, let r = DistroRelease(id: os.id, version: os.versionID ?? os.versionCodename) {
            self = r
            return
        }
        // External SBOMs: `distro=debian-12`, `distro=ubuntu-22.04`, `distro=alpine-3.18.4`.
        guard let q = (try? PackageURL(parsing: purl))?.qualifiers["distro"] else { return nil }
        let parts = q.split(separator: "-", maxSplits: 1).map(String.init)
        guard parts.count == 2, let r = DistroRelease(id: parts[0], version: parts[1]) else { return nil }
        self = r
    }

    init?(id: String, version: String?) {
        guard let version, !version.isEmpty else { return nil }
        let major = String(version.split(separator: ".").first ?? "")
        switch id.lowercased() {
        case "debian":
            ecosystem = "Debian"
            release = DistroRelease.debianCodenames[version.lowercased()] ?? major
        case "ubuntu":
            ecosystem = "Ubuntu"
            release = version.split(separator: ".").prefix(2).joined(separator: ".")
        case "alpine":
            ecosystem = "Alpine"
            release = "v" + version.split(separator: ".").prefix(2).joined(separator: ".")
        case "almalinux", "alma": ecosystem = "AlmaLinux"; release = major  // trivy names it `alma`
        case "rocky": ecosystem = "Rocky Linux"; release = major
        case "rhel", "redhat": ecosystem = "Red Hat"; release = major
        default: return nil
        }
        guard !release.isEmpty, release != "v" else { return nil }
    }

    static let debianCodenames: [String: String] = [
        "buster": "10", "bullseye": "11", "bookworm": "12", "trixie": "13", "forky": "14",
    ]
}
