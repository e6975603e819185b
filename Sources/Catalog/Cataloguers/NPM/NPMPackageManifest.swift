import Foundation
import JSON
import SBOM

/// Why a `package.json` gave no package.
public enum NPMManifestError: Error, CustomStringConvertible, Equatable {
    case notJSON(path: String, reason: String)
    case notAnObject(path: String)
    case missingField(path: String, field: String)

    public var description: String {
        switch self {
        case .notJSON(let p, let r): return "/\(p): not JSON (\(r))"
        case .notAnObject(let p): return "/\(p): the top level is not an object"
        case .missingField(let p, let f): return "/\(p): no \(f) string"
        }
    }
}

/// The fields of an installed `package.json` an SBOM needs.
struct NPMPackageManifest: Equatable {
    var name: String
    var version: String
    /// At most one SPDX expression.
    var licenses: [String]
    var supplier: String?
    var homepage: String?
    var description: String?

    init(_ data: Data, path: String) throws {
        let root: JSON
        do { root = try JSON.parse(data) } catch {
            throw NPMManifestError.notJSON(path: path, reason: String(describing: error))
        }
        guard root.object != nil else { throw NPMManifestError.notAnObject(path: path) }
        guard let name = root.string("name")?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw NPMManifestError.missingField(path: path, field: "name")
        }
        guard let version = root.string("version")?.trimmingCharacters(in: .whitespaces), !version.isEmpty else {
            throw NPMManifestError.missingField(path: path, field: "version")
        }
        self.name = name
        self.version = version
        licenses = NPMPackageManifest.license(root).map { [$0] } ?? []
        supplier = root["author"].flatMap(NPMPackageManifest.supplier)
        homepage = root.string("homepage").flatMap { $0.isEmpty ? nil : $0 }
        description = root.string("description").flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The purl: a scope (`@types/node`) is the namespace.
    var purl: PackageURL {
        if name.hasPrefix("@"), let slash = name.firstIndex(of: "/") {
            return PackageURL(type: "npm", namespace: String(name[..<slash]),
                              name: String(name[name.index(after: slash)...]), version: version)
        }
        return PackageURL(type: "npm", name: name, version: version)
    }

    /// `license` (an SPDX expression, or the deprecated `{type, url}` object), else the deprecated
    /// `licenses` array, which npm reads as a choice between its entries.
    static func license(_ root: JSON) -> String? {
        if let single = root["license"] {
            switch single {
            case .string(let s): return SPDXLicense.expression(s)
            case .object: return single.string("type").flatMap(SPDXLicense.expression)
            case .array(let items): return LanguageCatalogSupport.anyOf(items.compactMap(licenseName))
            default: break
            }
        }
        switch root["licenses"] {
        case .array(let items)?: return LanguageCatalogSupport.anyOf(items.compactMap(licenseName))
        case .object?, .string?: return root["licenses"].flatMap(licenseName).flatMap(SPDXLicense.expression)
        default: return nil
        }
    }

    private static func licenseName(_ item: JSON) -> String? {
        item.string ?? item.string("type")
    }

    /// The `author` person as an SPDX supplier: `"Name <email> (url)"` or `{name, email, url, organization}`.
    static func supplier(_ author: JSON) -> String? {
        let name: String
        let email: String?
        switch author {
        case .string(let s):
            let person = NPMPerson(s)
            (name, email) = (person.name, person.email)
        case .object:
            name = author.string("name")?.trimmingCharacters(in: .whitespaces) ?? ""
            email = author.string("email").flatMap { $0.isEmpty ? nil : $0 }
        default:
            return nil
        }
        guard let label = name.isEmpty ? email : name else { return nil }
        let suffix = name.isEmpty ? "" : email.map { " (\($0))" } ?? ""
        if author["organization"]?.bool == true { return "Organization: " + label + suffix }
        return Supplier.fromContact(name.isEmpty ? label : email.map { "\(name) <\($0)>" } ?? name)
    }
}

/// npm's one-line person form, `Name <email> (url)`, each part optional.
struct NPMPerson: Equatable {
    var name: String
    var email: String?
    var url: String?

    init(_ raw: String) {
        var text = Substring(raw.trimmingCharacters(in: .whitespacesAndNewlines))
        if text.hasSuffix(")"), let open = text.lastIndex(of: "(") {
            url = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
            text = text[..<open]
        }
        if let lt = text.firstIndex(of: "<"), let gt = text[lt...].firstIndex(of: ">") {
            let e = text[text.index(after: lt)..<gt].trimmingCharacters(in: .whitespaces)
            email = e.isEmpty ? nil : e
            text = text[..<lt]
        }
        name = text.trimmingCharacters(in: .whitespaces)
    }
}
