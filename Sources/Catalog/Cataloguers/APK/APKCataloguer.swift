import Foundation
import SBOM

/// Alpine, Wolfi and Chainguard packages from apk's installed database.
public struct APKCataloguer: Cataloguer {
    public let name = "apk"
    public init() {}

    /// `usr/lib/apk/db/installed` is where merged-/usr images (Wolfi, Chainguard) keep it.
    static let databasePaths: Set<String> = ["lib/apk/db/installed", "usr/lib/apk/db/installed"]

    public func interest(path: String, size: Int64, mode: UInt32) -> FileInterest {
        APKCataloguer.databasePaths.contains(path) ? .keep(maxBytes: 128 << 20) : .none
    }

    public func catalogue(_ tree: FileTree, context: CatalogueContext) throws -> [Package] {
        var packages: [Package] = []
        // Real files only, so a lib -> usr/lib symlink does not list the database twice.
        for path in APKCataloguer.databasePaths.sorted() {
            guard let node = tree.node(path), node.kind == .regular, let data = node.content else { continue }
            packages += catalogue(database: data, path: path, tree: tree, os: context.operatingSystem)
        }
        return packages
    }

    func catalogue(database data: Data, path: String, tree: FileTree, os: OperatingSystem?) -> [Package] {
        let location = CatalogSupport.location(path, in: tree)
        let layer = CatalogSupport.layer(path, in: tree)
        // A record without a name or version cannot be identified (apk would not have written it); skip it.
        return APKDatabase.records(data).compactMap { record in
            guard let name = record.name, let version = record.version else { return nil }
            return package(record, name: name, version: version, location: location, layer: layer, os: os)
        }
    }

    func package(_ record: APKRecord, name: String, version: String, location: Location, layer: String?,
                 os: OperatingSystem?) -> Package {
        let origin = record["o"] ?? name
        var qualifiers: [String: String] = [:]
        if let arch = record["A"] { qualifiers["arch"] = arch }
        if let os { qualifiers["distro"] = os.distroQualifier }
        if origin != name { qualifiers["upstream"] = origin }
        // apk purls are case-insensitive and written lower case (purl-spec apk definition).
        let purl = PackageURL(type: "apk", namespace: (os?.id ?? "alpine").lowercased(), name: name.lowercased(),
                              version: version, qualifiers: qualifiers)
        var properties: [String: String] = [:]
        if let size = record["I"], Int(size) != nil { properties["vouch:installed-size"] = size }
        if let commit = record["c"] { properties["vouch:apk-commit"] = commit }
        return Package(
            name: name, version: version, type: .apk, purl: purl.description,
            licenses: record["L"].flatMap { DistroLicense.expression($0, spaceSeparatedList: true) }.map { [$0] } ?? [],
            supplier: record["m"].map(Supplier.fromContact),
            sourceName: origin, sourceVersion: version,
            architecture: record["A"], description: record["T"], homepage: record["U"],
            layer: layer, locations: [location], foundBy: self.name, properties: properties)
    }
}
