import Foundation
import JSON
import SBOM

/// Go modules compiled into ELF binaries, read from the build info the Go linker embeds
/// (what `go version -m` shows). Each binary is reduced at walk time to a small JSON summary.
public struct GoBinaryCataloguer: Cataloguer {
    public let name = "go-module-binary"
    public init() {}

    /// The build settings kept as evidence: enough for the platform, the main module's version and provenance.
    static let keptSettings: Set<String> = ["GOOS", "GOARCH", "vcs.revision", "vcs.time", "-ldflags"]

    public func interest(path: String, size: Int64, mode: UInt32) -> FileInterest {
        BinaryCandidate.interest(path: path, size: size, mode: mode)
    }

    public func inspect(path: String, content: Data) -> Data? {
        guard ELFFile.hasMagic(content) else { return nil }
        // Unreadable build info is not an error for the image: the file is simply not catalogued.
        guard let info = try? GoBuildInfoReader.read(content) else { return nil }
        return GoBinaryEvidence.encode(info, keeping: Self.keptSettings)
    }

    public func catalogue(_ tree: FileTree, context: CatalogueContext) throws -> [Package] {
        var packages: [Package] = []
        for path in tree.paths(where: { _, n in n.evidence[name] != nil }) {
            guard let data = tree.node(path)?.evidence[name], let info = GoBinaryEvidence.decode(data) else { continue }
            let builder = GoPackageBuilder(info: info, layer: CatalogSupport.layer(path, in: tree),
                                           location: CatalogSupport.location(path, in: tree), foundBy: name)
            packages += builder.packages()
        }
        return packages
    }
}

/// The walk-time summary of a Go binary, as JSON: `{goVersion, path, main, deps, settings}`.
enum GoBinaryEvidence {
    static func encode(_ info: GoBuildInfo, keeping keys: Set<String>) -> Data {
        var o = JSONObject()
        o["goVersion"] = .string(info.goVersion)
        if !info.path.isEmpty { o["path"] = .string(info.path) }
        if let main = info.main { o["main"] = module(main) }
        o["deps"] = .array(info.deps.map(module))
        var settings = JSONObject()
        for s in info.settings where keys.contains(s.key) { settings[s.key] = .string(s.value) }
        o["settings"] = .object(settings)
        return JSON.object(o).serialized([])
    }

    static func decode(_ data: Data) -> GoBuildInfo? {
        guard let j = try? JSON.parse(data), let goVersion = j.string("goVersion") else { return nil }
        var info = GoBuildInfo(goVersion: goVersion, path: j.string("path") ?? "")
        info.main = j["main"].flatMap(module)
        info.deps = j.array("deps").compactMap(module)
        for (k, v) in j["settings"]?.object ?? JSONObject() { if let s = v.string { info.settings.append((k, s)) } }
        return info
    }

    private static func module(_ m: GoModule) -> JSON {
        var o = version(m.module)
        if let r = m.replacement { o["replace"] = .object(version(r)) }
        return .object(o)
    }

    private static func version(_ v: GoModuleVersion) -> JSONObject {
        var o: JSONObject = ["path": .string(v.path), "version": .string(v.version)]
        if !v.sum.isEmpty { o["sum"] = .string(v.sum) }
        return o
    }

    private static func module(_ j: JSON) -> GoModule? {
        guard let m = version(j) else { return nil }
        return GoModule(m, replacement: j["replace"].flatMap(version))
    }

    private static func version(_ j: JSON) -> GoModuleVersion? {
        guard let path = j.string("path") else { return nil }
        return GoModuleVersion(path: path, version: j.string("version") ?? "", sum: j.string("sum") ?? "")
    }
}
