import Foundation
import SBOM

/// Installed Ruby gems: the gemspecs RubyGems writes under `specifications/` (default gems in
/// `specifications/default/` included).
public struct RubyGemCataloguer: Cataloguer {
    public let name = "ruby-installed-gemspec"
    static let maxGemspecBytes = 1 << 20
    public init() {}

    static func isInstalledGemspec(_ path: String) -> Bool {
        path.hasSuffix(".gemspec") && LanguageCatalogSupport.hasAncestor("specifications", in: path)
    }

    public func interest(path: String, size: Int64, mode: UInt32) -> FileInterest {
        Self.isInstalledGemspec(path) ? .keep(maxBytes: Self.maxGemspecBytes) : .none
    }

    public func catalogue(_ tree: FileTree, context: CatalogueContext) throws -> [Package] {
        var out: [Package] = []
        for path in tree.paths(where: { p, n in n.kind == .regular && n.content != nil && Self.isInstalledGemspec(p) }) {
            guard let data = tree.contents(path) else { continue }
            // A gemspec with no literal name and version (hand-written, or not a gemspec) is skipped.
            guard let spec = try? Gemspec(data, path: path) else { continue }
            out.append(Package(
                name: spec.name, version: spec.version, type: .gem,
                purl: PackageURL(type: "gem", name: spec.name, version: spec.version).description,
                licenses: Self.licenses(spec), supplier: Self.supplier(spec),
                description: spec.summary ?? spec.description, homepage: spec.homepage,
                layer: CatalogSupport.layer(path, in: tree),
                locations: [CatalogSupport.location(path, in: tree)], foundBy: name))
        }
        return LanguageCatalogSupport.uniqued(out)
    }

    /// Each declared licence as its own expression: RubyGems gives `licenses` no and/or meaning,
    /// so they are reported as declared rather than combined.
    static func licenses(_ spec: Gemspec) -> [String] {
        var out: [String] = []
        for l in spec.licenses {
            if let e = SPDXLicense.expression(l), !out.contains(e) { out.append(e) }
        }
        return out
    }

    /// The first author; the e-mail is attached only when there is one author and one address,
    /// since gemspecs do not pair the two lists.
    static func supplier(_ spec: Gemspec) -> String? {
        guard let author = spec.authors.first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return nil }
        if spec.authors.count == 1, spec.emails.count == 1, let email = spec.emails.first, !email.isEmpty {
            return Supplier.fromContact("\(author) <\(email)>")
        }
        return Supplier.fromContact(author)
    }
}
