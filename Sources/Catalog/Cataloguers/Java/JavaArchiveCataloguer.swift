import Foundation
import JSON
import SBOM

/// Java archives (jar, war, ear and the plugin/bundle variants): reduced at walk time to the Maven
/// and manifest metadata of the archive and the archives nested in it, then turned into one package
/// per `pom.properties` (or one from the manifest and file name when there is none).
public struct JavaArchiveCataloguer: Cataloguer {
    public let name = "java-archive"
    static let maxArchiveBytes = 256 << 20
    public init() {}

    public func interest(path: String, size: Int64, mode: UInt32) -> FileInterest {
        JavaArchiveInspector.isJavaArchive(path) ? .inspect(maxBytes: Self.maxArchiveBytes) : .none
    }

    public func inspect(path: String, content: Data) -> Data? {
        var inspector = JavaArchiveInspector()
        return inspector.inspect(content).json.serialized([])
    }

    public func catalogue(_ tree: FileTree, context: CatalogueContext) throws -> [Package] {
        var out: [Package] = []
        for path in tree.paths(where: { _, n in n.kind == .regular && n.evidence[name] != nil }) {
            guard let data = tree.node(path)?.evidence[name], let json = try? JSON.parse(data) else { continue }
            out += packages(JavaArchiveEvidence(json: json), at: path, in: tree)
        }
        return LanguageCatalogSupport.uniqued(out)
    }

    /// Packages of an archive and everything nested in it. A nested archive's location is the outer
    /// path and the inner paths joined by `:` (`/app.war:WEB-INF/lib/x.jar`), as syft writes it.
    func packages(_ evidence: JavaArchiveEvidence, at path: String, in tree: FileTree) -> [Package] {
        let layer = CatalogSupport.layer(path, in: tree)
        var out: [Package] = []
        for (nesting, archive) in evidence.flattened() {
            let location = Location(path: "/" + ([path] + nesting).joined(separator: ":"), layer: layer)
            for f in JavaPackageBuilder.facts(for: archive, fileName: nesting.last ?? path) {
                out.append(Package(
                    name: f.artifactID, version: f.version, type: .java, purl: f.purl.description,
                    licenses: f.licenses, supplier: f.supplier, homepage: f.homepage, layer: layer,
                    locations: [location], foundBy: name))
            }
        }
        return out
    }
}
