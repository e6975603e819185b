import Foundation
import JSON

/// One crate in the dependency list cargo-auditable embeds (`auditable-serde`'s `Package`).
public struct CargoAuditPackage: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case runtime, build
        case other(String)
    }
    public var name: String
    public var version: String
    /// `crates.io`, `git`, `local`, `registry`, or another origin named as-is.
    public var source: String?
    public var kind: Kind
    public var isRoot: Bool
}

public enum CargoAuditError: Error, CustomStringConvertible, Equatable {
    case elf(ELFError)
    case zlib(ZlibError)
    case json(String)
    case field(package: Int, name: String, problem: String)
    case tooManyPackages(Int, limit: Int)

    public var description: String {
        switch self {
        case .elf(let e): return "cargo-auditable data: \(e)"
        case .zlib(let e): return "cargo-auditable data: \(e)"
        case .json(let m): return "cargo-auditable data is not the expected JSON: \(m)"
        case .field(let i, let name, let problem): return "cargo-auditable package \(i): field '\(name)' \(problem)"
        case .tooManyPackages(let n, let limit): return "cargo-auditable data lists \(n) packages, more than \(limit)"
        }
    }
}

/// Reads the crate list cargo-auditable (https://github.com/rust-secure-code/cargo-auditable) stores in
/// the `.dep-v0` ELF section: zlib-compressed JSON `{"packages":[{name, version, source, kind, dependencies, root}]}`.
/// `kind` is omitted for runtime crates and `root` when false.
public enum CargoAuditData {
    /// Section names: the current one, then the one rust-audit 0.1 used.
    static let sectionNames = [".dep-v0", ".rust-deps-v0"]
    /// Real data for hundreds of crates is tens of KiB once inflated.
    public static let maxInflatedBytes = 8 << 20
    static let maxPackages = 100_000

    /// The packages recorded in an ELF binary; nil when it carries no cargo-auditable section.
    public static func read(_ data: Data) throws -> [CargoAuditPackage]? {
        let compressed: Data
        do {
            let elf = try ELFFile(data)
            guard let section = sectionNames.lazy.compactMap(elf.section(named:)).first else { return nil }
            compressed = try elf.contents(of: section, limit: maxInflatedBytes)
        } catch let e as ELFError {
            throw CargoAuditError.elf(e)
        }
        let json: Data
        do { json = try ZlibInflater.inflate(compressed, limit: maxInflatedBytes) } catch let e as ZlibError { throw CargoAuditError.zlib(e) }
        return try parse(json)
    }

    public static func parse(_ json: Data) throws -> [CargoAuditPackage] {
        let root: JSON
        do { root = try JSON.parse(json) } catch { throw CargoAuditError.json("\(error)") }
        guard let list = root["packages"]?.array else { throw CargoAuditError.json("no 'packages' array") }
        guard list.count <= maxPackages else { throw CargoAuditError.tooManyPackages(list.count, limit: maxPackages) }
        return try list.enumerated().map { i, p in try package(p, index: i) }
    }

    private static func package(_ p: JSON, index i: Int) throws -> CargoAuditPackage {
        guard p.object != nil else { throw CargoAuditError.field(package: i, name: "package", problem: "is not an object") }
        guard let name = p.string("name"), !name.isEmpty else { throw CargoAuditError.field(package: i, name: "name", problem: "is missing or not a string") }
        guard let version = p.string("version"), !version.isEmpty else {
            throw CargoAuditError.field(package: i, name: "version", problem: "is missing or not a string")
        }
        let kind: CargoAuditPackage.Kind
        switch p["kind"] {
        case nil, .some(.null), .some(.string("runtime")): kind = .runtime
        case .some(.string("build")): kind = .build
        case .some(.string(let other)): kind = .other(other)
        default: throw CargoAuditError.field(package: i, name: "kind", problem: "is not a string")
        }
        var source: String?
        switch p["source"] {
        case nil, .some(.null): source = nil
        case .some(.string(let s)): source = s
        case .some(let o) where o.object != nil:
            // The schema's `{"Other": "..."}` spelling of an origin it has no name for.
            source = o.string("Other")
        default: throw CargoAuditError.field(package: i, name: "source", problem: "is neither a string nor an object")
        }
        let isRoot: Bool
        switch p["root"] {
        case nil, .some(.null): isRoot = false
        case .some(.bool(let b)): isRoot = b
        default: throw CargoAuditError.field(package: i, name: "root", problem: "is not a boolean")
        }
        return CargoAuditPackage(name: name, version: version, source: source, kind: kind, isRoot: isRoot)
    }
}
