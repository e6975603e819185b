import Foundation
import SBOM

/// Installed npm packages: every `package.json` below a `node_modules` directory.
/// A project's own top-level `package.json` (outside `node_modules`) describes the application
/// being built, not something installed in the image, so it is left out, as syft does for images.
public struct NPMCataloguer: Cataloguer {
    public let name = "npm-installed"
    static let maxManifestBytes = 1 << 20
    public init() {}

    static func isInstalledManifest(_ path: String) -> Bool {
        (path.hasSuffix("/package.json")) && LanguageCatalogSupport.hasAncestor("node_modules", in: path)
    }

    public func interest(path: String, size: Int64, mode: UInt32) -> FileInterest {
        Self.isInstalledManifest(path) ? .keep(maxBytes: Self.maxManifestBytes) : .none
    }

    public func catalogue(_ tree: FileTree, context: CatalogueContext) throws -> [Package] {
        var out: [Package] = []
        for path in tree.paths(where: { p, n in n.kind == .regular && n.content != nil && Self.isInstalledManifest(p) }) {
            guard let data = tree.contents(path) else { continue }
            // A package.json without name and version (nested `{"type": "module"}` markers, test
            // fixtures) or one that is not JSON describes no installed package: skipped.
            guard let manifest = try? NPMPackageManifest(data, path: path) else { continue }
            out.append(Package(
                name: manifest.name, version: manifest.version, type: .npm, purl: manifest.purl.description,
                licenses: manifest.licenses, supplier: manifest.supplier, description: manifest.description,
                homepage: manifest.homepage, layer: CatalogSupport.layer(path, in: tree),
                locations: [CatalogSupport.location(path, in: tree)], foundBy: name))
        }
        return LanguageCatalogSupport.uniqued(out)
    }
}
