import Foundation
import SBOM

/// A failure reading one rpm database file, with the file and backend it came from.
public struct RPMDatabaseError: Error, CustomStringConvertible {
    public let path: String
    public let backend: String
    /// 1-based position of the header blob in the database, when the failure is in one header.
    public let record: Int?
    public let underlying: Error

    public var description: String {
        "/\(path) (\(backend))\(record.map { ", header \($0)" } ?? ""): \(underlying)"
    }
}

/// Red Hat, SUSE, Fedora, Amazon, Photon… packages from the rpm database, in any of its three backends:
/// SQLite (`rpmdb.sqlite`), NDB (`Packages.db`) and Berkeley DB (`Packages`). The backend is chosen by the
/// file's magic number, not its name.
public struct RPMCataloguer: Cataloguer {
    public let name = "rpm"
    public init() {}

    /// Where rpm keeps its database, the current location first.
    static let directories = ["usr/lib/sysimage/rpm", "var/lib/rpm", "usr/share/rpm"]
    /// Newest backend first: when a conversion left an older file beside a newer one, rpm reads the newer.
    static let fileNames = ["rpmdb.sqlite", "Packages.db", "Packages"]
    static let databasePaths: Set<String> = Set(directories.flatMap { d in fileNames.map { "\(d)/\($0)" } })

    public func interest(path: String, size: Int64, mode: UInt32) -> FileInterest {
        RPMCataloguer.databasePaths.contains(path) ? .keep(maxBytes: 1 << 30) : .none
    }

    public func catalogue(_ tree: FileTree, context: CatalogueContext) throws -> [Package] {
        var packages: [Package] = []
        for directory in RPMCataloguer.directories {
            // Real files only: a symlinked directory (Fedora's var/lib/rpm -> usr/lib/sysimage/rpm) is read once,
            // under the path the walker saw.
            let found = RPMCataloguer.fileNames.lazy.map { "\(directory)/\($0)" }.first { path in
                guard let node = tree.node(path), node.kind == .regular else { return false }
                return node.content != nil
            }
            guard let path = found, let data = tree.node(path)?.content else { continue }
            packages += try catalogue(database: data, path: path, tree: tree, os: context.operatingSystem)
        }
        return packages
    }

    func catalogue(database data: Data, path: String, tree: FileTree, os: OperatingSystem?) throws -> [Package] {
        let infos = try RPMCataloguer.read(database: data, path: path)
        let location = CatalogSupport.location(path, in: tree)
        let layer = CatalogSupport.layer(path, in: tree)
        return infos.map { package($0, location: location, layer: layer, os: os) }
    }

    /// rpm's storage backends, told apart by their magic numbers.
    enum Backend: String {
        case sqlite, ndb, bdb

        static func detect(_ data: Data) -> Backend? {
            if RPMSQLite.matches(data) { return .sqlite }
            if RPMNDB.matches(data) { return .ndb }
            if BerkeleyDBHash.matches(data) { return .bdb }
            return nil
        }

        func blobs(_ data: Data) throws -> [Data] {
            switch self {
            case .sqlite: return try RPMSQLite.blobs(data)
            case .ndb: return try RPMNDB.blobs(data)
            case .bdb:
                // rpm's record 0 is a four-byte counter (the next package number), not a header.
                return try BerkeleyDBHash.values(data).filter { !$0.key.allSatisfy { $0 == 0 } }.map(\.value)
            }
        }
    }

    /// The packages in one database file. An empty file is an empty database; anything unreadable throws.
    static func read(database data: Data, path: String) throws -> [RPMPackageInfo] {
        if data.isEmpty { return [] }
        guard let backend = Backend.detect(data) else {
            throw RPMDatabaseError(path: path, backend: "unknown format", record: nil,
                                   underlying: RPMFormatError.badMagic(what: "rpm database (neither SQLite, NDB nor Berkeley DB)"))
        }
        let blobs: [Data]
        do { blobs = try backend.blobs(data) } catch {
            throw RPMDatabaseError(path: path, backend: backend.rawValue, record: nil, underlying: error)
        }
        var infos: [RPMPackageInfo] = []
        for (i, blob) in blobs.enumerated() {
            do {
                infos.append(try RPMPackageInfo(header: RPMHeader(blob: blob)))
            } catch {
                throw RPMDatabaseError(path: path, backend: backend.rawValue, record: i + 1, underlying: error)
            }
        }
        return infos
    }

    func package(_ info: RPMPackageInfo, location: Location, layer: String?, os: OperatingSystem?) -> Package {
        var qualifiers: [String: String] = [:]
        if let arch = info.arch { qualifiers["arch"] = arch }
        if let epoch = info.epoch { qualifiers["epoch"] = String(epoch) }
        if let os { qualifiers["distro"] = os.distroQualifier }
        if let srpm = info.sourceRPM { qualifiers["upstream"] = srpm }
        // The epoch is a qualifier in the purl, never part of its version (purl-spec rpm definition).
        let purl = PackageURL(type: "rpm", namespace: os.map(RPMCataloguer.namespace), name: info.name,
                              version: info.versionRelease, qualifiers: qualifiers)
        var properties: [String: String] = [:]
        if let label = info.modularityLabel { properties["vouch:rpm-modularity-label"] = label }
        if let size = info.installedSize { properties["vouch:installed-size"] = String(size) }
        let source = info.source
        return Package(
            name: info.name, version: info.evr, type: .rpm, purl: purl.description,
            licenses: info.license.flatMap { DistroLicense.expression($0) }.map { [$0] } ?? [],
            supplier: info.vendor.map(RPMCataloguer.supplier),
            sourceName: source?.name,
            // Subpackages share their spec's epoch, so the source carries the binary's.
            sourceVersion: source.map { s in info.epoch.map { "\($0):\(s.versionRelease)" } ?? s.versionRelease },
            architecture: info.arch, description: info.summary, homepage: info.url,
            layer: layer, locations: [location], foundBy: name, properties: properties)
    }

    /// The purl namespace (the vendor) for a distribution: its os-release ID, with Red Hat's and openSUSE's
    /// several IDs folded the way syft and Red Hat's own SBOMs write them.
    static func namespace(_ os: OperatingSystem) -> String {
        let id = os.id.lowercased()
        if id == "rhel" { return "redhat" }
        if id.hasPrefix("opensuse") { return "opensuse" }
        return id
    }

    /// `Organization: Red Hat, Inc.`; an `<address>` after the name becomes SPDX's `(email)` when it is one,
    /// and is dropped when it is a web address (`SUSE LLC <https://www.suse.com/>`).
    static func supplier(_ vendor: String) -> String {
        guard let lt = vendor.firstIndex(of: "<"), let gt = vendor[lt...].firstIndex(of: ">") else {
            return "Organization: \(vendor)"
        }
        let name = vendor[..<lt].trimmingCharacters(in: .whitespaces)
        let address = String(vendor[vendor.index(after: lt)..<gt])
        if name.isEmpty { return "Organization: \(vendor)" }
        if address.contains("@"), !address.contains("://") { return "Organization: \(name) (\(address))" }
        return "Organization: \(name)"
    }
}
