/// Which version ordering an OSV ecosystem or a purl type uses.
public enum VersionSchemes {
    public static let dpkg: any VersionScheme = VersionOrdering<DebianVersion>()
    public static let apk: any VersionScheme = VersionOrdering<APKVersion>()
    public static let rpm: any VersionScheme = VersionOrdering<RPMVersion>()
    public static let alpm: any VersionScheme = VersionOrdering<ALPMVersion>()
    public static let pypi: any VersionScheme = VersionOrdering<PyPIVersion>()
    public static let pep440: any VersionScheme = VersionOrdering<PEP440Version>()
    public static let semver: any VersionScheme = VersionOrdering<SemanticVersion>()
    public static let go: any VersionScheme = VersionOrdering<GoVersion>()
    public static let maven: any VersionScheme = VersionOrdering<MavenVersion>()
    public static let rubygems: any VersionScheme = VersionOrdering<RubyGemsVersion>()
    public static let composer: any VersionScheme = VersionOrdering<ComposerVersion>()
    public static let nuget: any VersionScheme = VersionOrdering<NuGetVersion>()
    public static let pub: any VersionScheme = VersionOrdering<PubVersion>()
    public static let cran: any VersionScheme = VersionOrdering<CRANVersion>()
    public static let hackage: any VersionScheme = VersionOrdering<HackageVersion>()

    /// Base ecosystem names (the part before the first `:`) from the OSV schema's list whose ordering we know.
    /// Names not listed (Android, Linux, GitHub Actions, OSS-Fuzz…) have no version ordering of their own:
    /// their advisories use GIT ranges or explicit version lists.
    static let byEcosystem: [String: any VersionScheme] = [
        "Debian": dpkg, "Ubuntu": dpkg,
        "Alpine": apk, "Chainguard": apk, "Wolfi": apk, "MinimOS": apk, "Alpaquita": apk,
        "BellSoft Hardened Containers": apk,
        "AlmaLinux": rpm, "Rocky Linux": rpm, "Red Hat": rpm, "SUSE": rpm, "openSUSE": rpm,
        "Azure Linux": rpm, "Mageia": rpm, "openEuler": rpm, "Photon OS": rpm,
        "PyPI": pypi,
        "npm": semver, "crates.io": semver, "Hex": semver, "Bitnami": semver, "SwiftURL": semver,
        "Go": go, "Kubernetes": go,
        "Maven": maven,
        "RubyGems": rubygems,
        "Packagist": composer,
        "NuGet": nuget,
        "Pub": pub,
        "CRAN": cran, "Bioconductor": cran,
        "Hackage": hackage, "GHC": hackage,
    ]

    /// The ordering for an OSV `affected[].package.ecosystem` string such as `Debian:12`, `Ubuntu:Pro:18.04:LTS`,
    /// `Alpine:v3.18`, `Red Hat:rhel_aus:8.4::appstream` or `Maven:https://maven.google.com`. The suffix after the
    /// first `:` only scopes the release; `Root:<Distro>:<Release>` and `Root:<Ecosystem>` use the inner one.
    public static func scheme(forOSVEcosystem ecosystem: String) -> (any VersionScheme)? {
        let base = ecosystem.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let name = base.first.map(String.init) else { return nil }
        if name == "Root", base.count == 2 { return scheme(forOSVEcosystem: String(base[1])) }
        return byEcosystem[name]
    }

    /// purl types (package-url spec) and the ordering of their versions.
    static let byPurlType: [String: any VersionScheme] = [
        "deb": dpkg, "apk": apk, "rpm": rpm, "alpm": alpm,
        "pypi": pypi, "npm": semver, "cargo": semver, "golang": go, "maven": maven, "gem": rubygems,
        "composer": composer, "nuget": nuget, "hex": semver, "pub": pub, "cran": cran, "hackage": hackage,
        "swift": semver, "bitnami": semver,
    ]

    /// The ordering for a purl type (`pkg:deb/…` → `deb`); purl types are case-insensitive.
    public static func scheme(forPurlType type: String) -> (any VersionScheme)? {
        byPurlType[type.lowercased()]
    }
}
