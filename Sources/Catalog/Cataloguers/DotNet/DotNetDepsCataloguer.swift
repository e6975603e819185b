import Foundation
import JSON
import SBOM

/// Why a `.deps.json` gave no packages.
public enum DotNetDepsError: Error, CustomStringConvertible, Equatable {
    case notJSON(path: String, reason: String)
    case noLibraries(path: String)

    public var description: String {
        switch self {
        case .notJSON(let p, let r): return "/\(p): not JSON (\(r))"
        case .noLibraries(let p): return "/\(p): no `libraries` object"
        }
    }
}

/// One NuGet package a .NET application's `*.deps.json` says it was built against.
struct DotNetDepsLibrary: Equatable {
    var name: String
    var version: String
    /// `sha512-<base64>` of the .nupkg, as the deps file records it.
    var sha512: String?

    /// The `type: "package"` entries of `libraries`, in file order. `project` entries (the application
    /// and its own projects) and `referenceassembly` entries are not NuGet packages and are skipped,
    /// as are entries whose key is not `Name/Version` or whose fields have the wrong types.
    static func parse(_ data: Data, path: String) throws -> [DotNetDepsLibrary] {
        let root: JSON
        do { root = try JSON.parse(data) } catch {
            throw DotNetDepsError.notJSON(path: path, reason: String(describing: error))
        }
        guard let libraries = root["libraries"]?.object else { throw DotNetDepsError.noLibraries(path: path) }
        var out: [DotNetDepsLibrary] = []
        for (key, value) in libraries {
            guard value.string("type") == "package", let slash = key.firstIndex(of: "/") else { continue }
            let name = String(key[..<slash]).trimmingCharacters(in: .whitespaces)
            let version = String(key[key.index(after: slash)...]).trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !version.isEmpty, !version.contains("/") else { continue }
            out.append(DotNetDepsLibrary(name: name, version: version,
                                         sha512: value.string("sha512").flatMap { $0.isEmpty ? nil : $0 }))
        }
        return out
    }
}

/// NuGet packages of .NET applications, from the `*.deps.json` the SDK writes beside the entry assembly.
public struct DotNetDepsCataloguer: Cataloguer {
    public let name = "dotnet-deps"
    static let maxDepsBytes = 16 << 20
    public init() {}

    static func isDepsJSON(_ path: String) -> Bool {
        path.hasSuffix(".deps.json") && CatalogSupport.basename(path).count > ".deps.json".count
    }

    public func interest(path: String, size: Int64, mode: UInt32) -> FileInterest {
        Self.isDepsJSON(path) ? .keep(maxBytes: Self.maxDepsBytes) : .none
    }

    public func catalogue(_ tree: FileTree, context: CatalogueContext) throws -> [Package] {
        var out: [Package] = []
        for path in tree.paths(where: { p, n in n.kind == .regular && n.content != nil && Self.isDepsJSON(p) }) {
            guard let data = tree.contents(path),
                  let libraries = try? DotNetDepsLibrary.parse(data, path: path) else { continue }
            for lib in libraries {
                var p = Package(
                    name: lib.name, version: lib.version, type: .nuget,
                    purl: PackageURL(type: "nuget", name: lib.name, version: lib.version).description,
                    layer: CatalogSupport.layer(path, in: tree),
                    locations: [CatalogSupport.location(path, in: tree)], foundBy: name)
                if let sha = lib.sha512 { p.properties["vouch:sha512"] = sha }
                out.append(p)
            }
        }
        return LanguageCatalogSupport.uniqued(out)
    }
}
