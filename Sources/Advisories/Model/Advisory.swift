import Foundation

/// One advisory in vouch's own model, whatever format it was imported from (OSV JSON/YAML, the
/// Debian security tracker, Alpine secdb, ruby-advisory-db, Node.js security-wg, NVD). It follows
/// OSV's shape, since OSV can express all of them.
public struct Advisory: Sendable, Equatable {
    /// The source's id: `GHSA-…`, `PYSEC-…`, `GO-…`, `ALSA-…`, `DSA-…`, `UBUNTU-CVE-…`, `CVE-…`.
    public var id: String
    /// The importer/source it came from (`osv`, `debian-tracker`, `alpine-secdb`, `rubysec`, `nodejs-security-wg`, `nvd`).
    public var source: String
    /// Other ids of the same vulnerability (CVE, GHSA, DSA, USN…); `upstream` ids count too.
    public var aliases: [String]
    public var summary: String?
    public var details: String?
    public var published: Date?
    public var modified: Date?
    /// Set when the source withdrew it: withdrawn advisories never match.
    public var withdrawn: Date?
    public var severities: [AdvisorySeverity]
    public var affected: [AffectedPackage]
    public var references: [String]
    /// NVD's vulnerable CPE matches (NVD records only), matched only when a scan asks for CPE
    /// matching. The store also indexes them by (vendor, product): `AdvisoryStore.cpeMatches(vendor:product:)`.
    public var cpeMatches: [CPEMatchCriterion]

    public init(id: String, source: String, aliases: [String] = [], summary: String? = nil, details: String? = nil,
                published: Date? = nil, modified: Date? = nil, withdrawn: Date? = nil,
                severities: [AdvisorySeverity] = [], affected: [AffectedPackage] = [], references: [String] = [],
                cpeMatches: [CPEMatchCriterion] = []) {
        self.id = id; self.source = source; self.aliases = aliases; self.summary = summary; self.details = details
        self.published = published; self.modified = modified; self.withdrawn = withdrawn
        self.severities = severities; self.affected = affected; self.references = references
        self.cpeMatches = cpeMatches
    }
}

/// A rating or a CVSS vector, and who gave it.
public struct AdvisorySeverity: Sendable, Equatable, Hashable {
    public enum Kind: String, Sendable {
        case cvssV2 = "CVSS_V2", cvssV3 = "CVSS_V3", cvssV4 = "CVSS_V4"
        /// A distribution's own word (Debian urgency, Ubuntu priority, Red Hat/Alma severity): `low`, `medium`, `high`, `critical`, `negligible`, `unimportant`.
        case rating = "RATING"
    }
    public var kind: Kind
    /// The vector (`CVSS:3.1/AV:N/…`) or the rating word as the source wrote it.
    public var value: String
    /// Who rated it: `nvd`, `debian`, `ubuntu`, `almalinux`, `ghsa`, or the advisory's own source.
    public var source: String?
    /// The base score the source published with a CVSS entry (NVD `baseScore`, ruby-advisory-db
    /// `cvss_v3`). Some sources give only a score and no vector: then `value` holds the score as text.
    public var score: Double?

    public init(kind: Kind, value: String, source: String? = nil, score: Double? = nil) {
        self.kind = kind; self.value = value; self.source = source; self.score = score
    }
}

/// The packages an advisory affects in one ecosystem.
public struct AffectedPackage: Sendable, Equatable {
    /// OSV ecosystem including the release where there is one: `Debian:12`, `Ubuntu:22.04`,
    /// `Ubuntu:Pro:22.04:LTS`, `Alpine:v3.18`, `AlmaLinux:9`, `PyPI`, `npm`, `Go`, `crates.io`.
    public var ecosystem: String
    /// The package name; for distributions, the **source** package.
    public var name: String
    public var purl: String?
    public var ranges: [AffectedRange]
    /// Explicitly listed affected versions.
    public var versions: [String]
    /// Binary packages built from `name` (OSV `ecosystem_specific.binaries`), when the source says.
    public var binaries: [String]
    /// Severities given for this package only (OSV `affected[].severity`, distro ratings).
    public var severities: [AdvisorySeverity]
    /// What the distribution decided when there is no fix (Debian `<no-dsa>`, `<ignored>`, Ubuntu `deferred`).
    public var resolution: Resolution?
    /// The source's own version requirements, verbatim, when they could not all be written as OSV
    /// ranges. When set, `ranges` is empty and these constraints alone say which versions are affected.
    public var versionConstraints: VersionConstraints?

    public enum Resolution: String, Sendable, Equatable {
        /// The distribution will not fix it (Debian `<ignored>`, `<no-dsa>` without a later fix; Scout's "won't fix").
        case willNotFix = "wont-fix"
        /// The distribution says this package is not affected.
        case notAffected = "not-affected"
    }

    public init(ecosystem: String, name: String, purl: String? = nil, ranges: [AffectedRange] = [], versions: [String] = [],
                binaries: [String] = [], severities: [AdvisorySeverity] = [], resolution: Resolution? = nil,
                versionConstraints: VersionConstraints? = nil) {
        self.ecosystem = ecosystem; self.name = name; self.purl = purl; self.ranges = ranges; self.versions = versions
        self.binaries = binaries; self.severities = severities; self.resolution = resolution
        self.versionConstraints = versionConstraints
    }
}

/// Version requirements in the source's own grammar (RubyGems requirements such as `~> 5.2.4, >= 5.2.4.3`,
/// npm ranges such as `>=1.0.0 <1.4.6 || 2.x`). Each list is a union: a version is affected when it
/// satisfies one of `affected` (or `affected` is empty) and none of `patched` and none of `unaffected`.
public struct VersionConstraints: Sendable, Equatable {
    /// The grammar and ordering: `RubyGems` or `npm`.
    public var scheme: String
    public var affected: [String]
    public var patched: [String]
    public var unaffected: [String]

    public init(scheme: String, affected: [String] = [], patched: [String] = [], unaffected: [String] = []) {
        self.scheme = scheme; self.affected = affected; self.patched = patched; self.unaffected = unaffected
    }
}

/// An OSV range: events in order, evaluated with the ecosystem's version ordering (`ECOSYSTEM`,
/// `SEMVER`); `GIT` ranges name commits and cannot be matched against package versions.
public struct AffectedRange: Sendable, Equatable {
    public enum Kind: String, Sendable { case ecosystem = "ECOSYSTEM", semver = "SEMVER", git = "GIT" }
    public enum Event: Sendable, Equatable {
        case introduced(String)
        case fixed(String)
        case lastAffected(String)
        case limit(String)
    }
    public var kind: Kind
    public var events: [Event]
    public init(kind: Kind, events: [Event]) { self.kind = kind; self.events = events }
}
