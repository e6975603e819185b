import Foundation
import JSON
import SBOM

/// Why a composer `installed.json` gave no packages.
public enum ComposerInstalledError: Error, CustomStringConvertible, Equatable {
    case notJSON(path: String, reason: String)
    case unexpectedShape(path: String)

    public var description: String {
        switch self {
        case .notJSON(let p, let r): return "/\(p): not JSON (\(r))"
        case .unexpectedShape(let p): return "/\(p): neither a package array (composer 1) nor an object with `packages` (composer 2)"
        }
    }
}

/// One package composer recorded as installed.
struct ComposerInstalledPackage: Equatable {
    var name: String
    var version: String
    var license: String?
    var supplier: String?
    var homepage: String?
    var description: String?
    var isDev: Bool

    /// `vendor/name`: the vendor is the purl namespace; extra segments join the name as syft does.
    var purl: PackageURL {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var p = parts.count >= 2
            ? PackageURL(type: "composer", namespace: parts[0], name: parts.dropFirst().joined(separator: "-"), version: version)
            : PackageURL(type: "composer", name: name, version: version)
        p.normalizeForType()
        return p
    }

    /// Every well-formed entry of `vendor/composer/installed.json`; entries lacking a name or version are skipped.
    static func parse(_ data: Data, path: String) throws -> [ComposerInstalledPackage] {
        let root: JSON
        do { root = try JSON.parse(data) } catch {
            throw ComposerInstalledError.notJSON(path: path, reason: String(describing: error))
        }
        let entries: [JSON]
        var devNames = Set<String>()
        switch root {
        case .array(let a):
            entries = a
        case .object:
            guard let a = root["packages"]?.array else { throw ComposerInstalledError.unexpectedShape(path: path) }
            entries = a
            devNames = Set(root.array("dev-package-names").compactMap(\.string))
        default:
            throw ComposerInstalledError.unexpectedShape(path: path)
        }
        return entries.compactMap { entry in
            guard let name = entry.string("name"), !name.isEmpty,
                  let version = entry.string("version"), !version.isEmpty else { return nil }
            return ComposerInstalledPackage(
                name: name, version: version, license: license(entry["license"]),
                supplier: supplier(entry.array("authors")),
                homepage: entry.string("homepage").flatMap { $0.isEmpty ? nil : $0 },
                description: entry.string("description").flatMap { $0.isEmpty ? nil : $0 },
                isDev: devNames.contains(name))
        }
    }

    /// Composer's `license` array means the user may pick any one of them (getcomposer.org schema).
    static func license(_ value: JSON?) -> String? {
        switch value {
        case .array(let items)?: return LanguageCatalogSupport.anyOf(items.compactMap(\.string))
        case .string(let s)?: return SPDXLicense.expression(s)
        default: return nil
        }
    }

    static func supplier(_ authors: [JSON]) -> String? {
        for author in authors {
            let name = author.string("name")?.trimmingCharacters(in: .whitespaces) ?? ""
            let email = author.string("email").flatMap { $0.isEmpty ? nil : $0 }
            if name.isEmpty { if let email { return Supplier.fromContact(email) } else { continue } }
            return Supplier.fromContact(email.map { "\(name) <\($0)>" } ?? name)
        }
        return nil
    }
}

/// PHP packages composer installed: `vendor/composer/installed.json` (composer 1 and 2 layouts).
public struct ComposerCataloguer: Cataloguer {
    public let name = "php-composer-installed"
    static let maxInstalledBytes = 32 << 20
    public init() {}

    static func isInstalledJSON(_ path: String) -> Bool {
        path == "vendor/composer/installed.json" || path.hasSuffix("/vendor/composer/installed.json")
    }

    public func interest(path: String, size: Int64, mode: UInt32) -> FileInterest {
        Self.isInstalledJSON(path) ? .keep(maxBytes: Self.maxInstalledBytes) : .none
    }

    public func catalogue(_ tree: FileTree, context: CatalogueContext) throws -> [Package] {
        var out: [Package] = []
        for path in tree.paths(where: { p, n in n.kind == .regular && n.content != nil && Self.isInstalledJSON(p) }) {
            guard let data = tree.contents(path),
                  let entries = try? ComposerInstalledPackage.parse(data, path: path) else { continue }
            for e in entries {
                var p = Package(
                    name: e.name, version: e.version, type: .composer, purl: e.purl.description,
                    licenses: e.license.map { [$0] } ?? [], supplier: e.supplier, description: e.description,
                    homepage: e.homepage, layer: CatalogSupport.layer(path, in: tree),
                    locations: [CatalogSupport.location(path, in: tree)], foundBy: name)
                if e.isDev { p.properties["vouch:composer.dev"] = "true" }
                out.append(p)
            }
        }
        return LanguageCatalogSupport.uniqued(out)
    }
}
