import Foundation

/// Everything vouch knows about one image or file system: the model both halves share.
/// Writers project it into CycloneDX or SPDX; readers parse other tools' SBOMs back into it.
public struct Inventory: Sendable, Equatable {
    public var subject: Subject
    public var operatingSystem: OperatingSystem?
    public var packages: [Package]
    /// Tool that produced the inventory (for SBOMs read from elsewhere: the recorded tool).
    public var tools: [String]

    public init(subject: Subject, operatingSystem: OperatingSystem? = nil, packages: [Package] = [], tools: [String] = []) {
        self.subject = subject
        self.operatingSystem = operatingSystem
        self.packages = packages
        self.tools = tools
    }

    /// Packages in a stable order: by purl, then by first location. Deterministic output depends on it.
    public mutating func sortPackages() {
        packages.sort { a, b in
            if a.purl != b.purl { return a.purl < b.purl }
            return (a.locations.first?.path ?? "") < (b.locations.first?.path ?? "")
        }
    }
}

/// What the SBOM describes: an image (by manifest digest) or a directory.
public struct Subject: Sendable, Equatable {
    public enum Kind: String, Sendable { case image, directory, file }
    public var kind: Kind
    /// The name a user gave (`bookworm-app`, `127.0.0.1:5000/team/app:1.4`, `/srv/rootfs`).
    public var name: String
    /// Repository name without tag or digest, when known (`team/app`).
    public var repository: String?
    public var tag: String?
    /// `sha256:…` of the image manifest: the identity attestations bind to.
    public var manifestDigest: String?
    public var configDigest: String?
    /// Uncompressed layer digests (diff_ids), bottom first.
    public var diffIDs: [String]
    /// Compressed layer digests as the manifest lists them, bottom first.
    public var layerDigests: [String]
    public var architecture: String?
    public var os: String?
    public var variant: String?
    public var labels: [String: String]
    public var created: String?
    /// For a subject read from a CycloneDX document: its `serialNumber` and the subject's `bom-ref`, which
    /// CycloneDX VEX BOM-links (`urn:cdx:<serial>/<version>#<ref>`) point at.
    public var bomSerialNumber: String? = nil
    public var bomRef: String? = nil

    public init(kind: Kind, name: String, repository: String? = nil, tag: String? = nil, manifestDigest: String? = nil,
                configDigest: String? = nil, diffIDs: [String] = [], layerDigests: [String] = [],
                architecture: String? = nil, os: String? = nil, variant: String? = nil,
                labels: [String: String] = [:], created: String? = nil) {
        self.kind = kind; self.name = name; self.repository = repository; self.tag = tag
        self.manifestDigest = manifestDigest; self.configDigest = configDigest
        self.diffIDs = diffIDs; self.layerDigests = layerDigests
        self.architecture = architecture; self.os = os; self.variant = variant
        self.labels = labels; self.created = created
    }

    public var platform: String? {
        guard let os, let architecture else { return nil }
        return [os, architecture, variant].compactMap { $0 }.joined(separator: "/")
    }
}

/// The distribution identity read from `/etc/os-release` (or `/usr/lib/os-release`).
public struct OperatingSystem: Sendable, Equatable {
    public var id: String            // debian, ubuntu, alpine, rhel, almalinux, arch
    public var versionID: String?    // 12, 22.04, 3.18.4
    public var versionCodename: String?
    public var name: String?
    public var prettyName: String?
    public var idLike: [String]
    public var homeURL: String?
    public var cpeName: String?
    /// The precise release when the distribution records one apart from VERSION_ID (Debian's 12.8).
    public var fullVersion: String?

    public init(id: String, versionID: String? = nil, versionCodename: String? = nil, name: String? = nil,
                prettyName: String? = nil, idLike: [String] = [], homeURL: String? = nil, cpeName: String? = nil) {
        self.id = id; self.versionID = versionID; self.versionCodename = versionCodename
        self.name = name; self.prettyName = prettyName; self.idLike = idLike
        self.homeURL = homeURL; self.cpeName = cpeName
    }

    /// The version to show: the precise release when known, else VERSION_ID.
    public var displayVersion: String? { fullVersion ?? versionID ?? versionCodename }

    /// The purl `distro=` qualifier value: `debian-12`, `ubuntu-22.04`, `alpine-3.18.4`.
    /// Debian testing/sid have no VERSION_ID; the codename stands in (`debian-trixie`).
    public var distroQualifier: String {
        if let v = versionID, !v.isEmpty { return "\(id)-\(v)" }
        if let c = versionCodename, !c.isEmpty { return "\(id)-\(c)" }
        return id
    }
}

/// Where a package's evidence was found.
public struct Location: Sendable, Hashable, Comparable {
    public var path: String
    /// Digest of the layer (diff_id) that last wrote this file, when read from an image.
    public var layer: String?
    public init(path: String, layer: String? = nil) { self.path = path; self.layer = layer }
    public static func < (a: Location, b: Location) -> Bool { (a.path, a.layer ?? "") < (b.path, b.layer ?? "") }
}

public enum PackageType: String, Sendable, CaseIterable, Codable {
    case deb, apk, rpm, alpm, python, npm, golang, java, gem, composer, nuget, cargo, binary, unknown

    /// The purl type for this package type.
    public var purlType: String {
        switch self {
        case .python: return "pypi"
        case .java: return "maven"
        case .unknown, .binary: return "generic"
        default: return rawValue
        }
    }

    public var isOSPackage: Bool { self == .deb || self == .apk || self == .rpm || self == .alpm }

    public init(purlType: String) {
        switch purlType {
        case "pypi": self = .python
        case "maven": self = .java
        case "generic": self = .unknown
        case "golang": self = .golang
        default: self = PackageType(rawValue: purlType) ?? .unknown
        }
    }
}

public struct Package: Sendable, Equatable {
    public var name: String
    public var version: String
    public var type: PackageType
    public var purl: String
    /// SPDX licence expressions (declared by the package metadata).
    public var licenses: [String]
    /// `Person: Name (email)` / `Organization: Name`, in SPDX's supplier syntax.
    public var supplier: String?
    public var sourceName: String?
    public var sourceVersion: String?
    public var architecture: String?
    public var description: String?
    public var homepage: String?
    public var cpes: [String]
    /// The layer (diff_id) that introduced the package's primary evidence.
    public var layer: String?
    public var locations: [Location]
    /// Name of the cataloguer that found it (`dpkg`, `python-installed`, …).
    public var foundBy: String
    /// Extra facts kept as `vouch:` properties (checksums, group ids, main module…).
    public var properties: [String: String]
    /// bom-ref / SPDXID as read from an external SBOM (kept for VEX BOM-links).
    public var externalRef: String?

    public init(name: String, version: String, type: PackageType, purl: String, licenses: [String] = [],
                supplier: String? = nil, sourceName: String? = nil, sourceVersion: String? = nil,
                architecture: String? = nil, description: String? = nil, homepage: String? = nil,
                cpes: [String] = [], layer: String? = nil, locations: [Location] = [], foundBy: String = "",
                properties: [String: String] = [:], externalRef: String? = nil) {
        self.name = name; self.version = version; self.type = type; self.purl = purl
        self.licenses = licenses; self.supplier = supplier
        self.sourceName = sourceName; self.sourceVersion = sourceVersion
        self.architecture = architecture; self.description = description; self.homepage = homepage
        self.cpes = cpes; self.layer = layer; self.locations = locations; self.foundBy = foundBy
        self.properties = properties; self.externalRef = externalRef
    }
}
