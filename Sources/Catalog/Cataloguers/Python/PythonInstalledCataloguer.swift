import Foundation
import SBOM

/// Installed Python distributions: `*.dist-info/METADATA`, `*.egg-info/PKG-INFO` and single-file `*.egg-info`.
public struct PythonInstalledCataloguer: Cataloguer {
    public let name = "python-installed"
    public init() {}

    /// syft's globs: `**/*dist-info/METADATA`, `**/*egg-info/PKG-INFO` (either case) and `**/*.egg-info` files.
    static func isMetadataPath(_ path: String) -> Bool {
        let lower = path.lowercased()
        if lower.hasSuffix("dist-info/metadata") && path.hasSuffix("/METADATA") { return true }
        if lower.hasSuffix("egg-info/pkg-info") && path.hasSuffix("/PKG-INFO") { return true }
        return path.hasSuffix(".egg-info")
    }

    public func interest(path: String, size: Int64, mode: UInt32) -> FileInterest {
        Self.isMetadataPath(path) ? .keep(maxBytes: 4 << 20) : .none
    }

    public func catalogue(_ tree: FileTree, context: CatalogueContext) throws -> [Package] {
        var out: [Package] = []
        for path in tree.paths(where: { p, n in n.kind == .regular && n.content != nil && Self.isMetadataPath(p) }) {
            guard let data = tree.contents(path) else { continue }
            let meta = PythonMetadata(data)
            guard let name = meta.first("Name"), let version = meta.first("Version") else { continue }
            let purl = PackageURL(type: "pypi", name: name, version: version)
            var supplier: String?
            if let author = meta.first("Author") ?? meta.first("Maintainer") {
                let email = meta.first("Author-email") ?? meta.first("Maintainer-email")
                supplier = Supplier.fromContact(email.map { "\(author) <\($0)>" } ?? author)
            } else if let email = meta.first("Author-email") ?? meta.first("Maintainer-email") {
                // PEP 621 tools write `Author-email: Name <addr>`.
                supplier = Supplier.fromContact(email.split(separator: ",").first.map(String.init) ?? email)
            }
            let homepage = meta.first("Home-page") ?? meta.all("Project-URL").first { $0.lowercased().hasPrefix("homepage") }
                .flatMap { $0.split(separator: ",", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } }
            var pkg = Package(name: name, version: version, type: .python, purl: purl.description,
                              licenses: licenses(meta), supplier: supplier, description: meta.first("Summary"),
                              homepage: homepage, layer: CatalogSupport.layer(path, in: tree),
                              locations: [CatalogSupport.location(path, in: tree)], foundBy: self.name)
            pkg.properties["vouch:python.metadata-version"] = meta.first("Metadata-Version")
            out.append(pkg)
        }
        return out
    }

    /// PEP 639 `License-Expression`, else a short `License` field, else trove classifiers.
    func licenses(_ meta: PythonMetadata) -> [String] {
        if let expr = meta.first("License-Expression"), let e = SPDXLicense.expression(expr) { return [e] }
        if let lic = meta.first("License"), !lic.contains("\n"), lic.count <= 80, let e = SPDXLicense.expression(lic) {
            if !e.hasPrefix("LicenseRef-") { return [e] }
        }
        let fromClassifiers = meta.all("Classifier").compactMap(SPDXLicense.fromClassifier)
        if !fromClassifiers.isEmpty { return Array(NSOrderedSet(array: fromClassifiers)) as? [String] ?? fromClassifiers }
        if let lic = meta.first("License"), !lic.contains("\n"), lic.count <= 80, let e = SPDXLicense.expression(lic) { return [e] }
        return []
    }
}
