import Foundation
import SBOM

/// Arch Linux (and other pacman distributions') packages from `var/lib/pacman/local/<name>-<version>/desc`.
public struct ALPMCataloguer: Cataloguer {
    public let name = "alpm"
    public init() {}

    static let localDatabase = "var/lib/pacman/local/"

    /// `var/lib/pacman/local/<dir>/desc`: exactly one directory below the local database.
    static func isDesc(_ path: String) -> Bool {
        guard path.hasPrefix(localDatabase), path.hasSuffix("/desc") else { return false }
        return path.dropFirst(localDatabase.count).split(separator: "/", omittingEmptySubsequences: false).count == 2
    }

    public func interest(path: String, size: Int64, mode: UInt32) -> FileInterest {
        ALPMCataloguer.isDesc(path) ? .keep(maxBytes: 4 << 20) : .none
    }

    public func catalogue(_ tree: FileTree, context: CatalogueContext) throws -> [Package] {
        let paths = tree.paths { path, node in node.kind == .regular && node.content != nil && ALPMCataloguer.isDesc(path) }
        // A desc without %NAME% or %VERSION% (damaged, or not pacman's) identifies nothing; it is skipped.
        return paths.compactMap { path in
            guard let data = tree.node(path)?.content else { return nil }
            return package(ALPMDesc(data), path: path, tree: tree, os: context.operatingSystem)
        }
    }

    func package(_ desc: ALPMDesc, path: String, tree: FileTree, os: OperatingSystem?) -> Package? {
        guard let name = desc.first("NAME"), let version = desc.first("VERSION") else { return nil }
        let base = desc.first("BASE") ?? name
        let arch = desc.first("ARCH")
        var qualifiers: [String: String] = [:]
        if let arch { qualifiers["arch"] = arch }
        if let os { qualifiers["distro"] = os.distroQualifier }
        if base != name { qualifiers["upstream"] = base }
        // alpm purls are case-insensitive and written lower case (purl-spec alpm definition).
        let purl = PackageURL(type: "alpm", namespace: (os?.id ?? "arch").lowercased(), name: name.lowercased(),
                              version: version, qualifiers: qualifiers)
        let packager = desc.first("PACKAGER").flatMap { $0 == "Unknown Packager" ? nil : $0 }
        var properties: [String: String] = [:]
        if let size = desc.first("SIZE"), Int(size) != nil { properties["vouch:installed-size"] = size }
        return Package(
            name: name, version: version, type: .alpm, purl: purl.description,
            licenses: desc.all("LICENSE").compactMap { DistroLicense.expression($0) },
            supplier: packager.map(Supplier.fromContact),
            sourceName: base, sourceVersion: version,
            architecture: arch, description: desc.first("DESC"), homepage: desc.first("URL"),
            layer: CatalogSupport.layer(path, in: tree), locations: [CatalogSupport.location(path, in: tree)],
            foundBy: self.name, properties: properties)
    }
}
