import Foundation
import JSON
import SBOM

/// Rust crates compiled into ELF binaries built with cargo-auditable. Like syft, it reports the crates
/// recorded as runtime dependencies (the root crate included) and leaves out build-only ones
/// (build scripts, and proc-macros in format 1 and later), which are not in the binary.
public struct CargoAuditableCataloguer: Cataloguer {
    public let name = "cargo-auditable-binary"
    public init() {}

    public func interest(path: String, size: Int64, mode: UInt32) -> FileInterest {
        BinaryCandidate.interest(path: path, size: size, mode: mode)
    }

    /// Keeps the crate list (without the dependency graph) in cargo-auditable's own JSON shape.
    public func inspect(path: String, content: Data) -> Data? {
        guard ELFFile.hasMagic(content) else { return nil }
        // Unreadable audit data is not an error for the image: the file is simply not catalogued.
        guard let packages = try? CargoAuditData.read(content) else { return nil }
        return CargoAuditableCataloguer.evidence(packages)
    }

    public func catalogue(_ tree: FileTree, context: CatalogueContext) throws -> [Package] {
        var out: [Package] = []
        for path in tree.paths(where: { _, n in n.evidence[name] != nil }) {
            guard let data = tree.node(path)?.evidence[name], let crates = try? CargoAuditData.parse(data) else { continue }
            let layer = CatalogSupport.layer(path, in: tree)
            let location = CatalogSupport.location(path, in: tree)
            for crate in crates where crate.kind == .runtime {
                var properties: [String: String] = [:]
                if let source = crate.source { properties["vouch:cargo.source"] = source }
                if crate.isRoot { properties["vouch:cargo.root"] = "true" }
                out.append(Package(name: crate.name, version: crate.version, type: .cargo,
                                   purl: PackageURL(type: "cargo", name: crate.name, version: crate.version).description,
                                   layer: layer, locations: [location], foundBy: name, properties: properties))
            }
        }
        return out
    }

    static func evidence(_ packages: [CargoAuditPackage]) -> Data {
        let list: [JSON] = packages.map { p in
            var o: JSONObject = ["name": .string(p.name), "version": .string(p.version)]
            if let s = p.source { o["source"] = .string(s) }
            switch p.kind {
            case .runtime: break
            case .build: o["kind"] = "build"
            case .other(let k): o["kind"] = .string(k)
            }
            if p.isRoot { o["root"] = true }
            return .object(o)
        }
        return JSON.object(["packages": .array(list)]).serialized([])
    }
}
