import Foundation
import SBOM

/// What the walker should do with a file a cataloguer has seen by path and header alone.
public enum FileInterest: Equatable, Sendable {
    case none
    /// Keep the whole file (up to `maxBytes`; a larger file is noted and skipped).
    case keep(maxBytes: Int)
    /// Read the file (up to `maxBytes`) and hand it to `inspect`, keeping only the summary it returns.
    case inspect(maxBytes: Int)
}

/// Facts every cataloguer may use.
public struct CatalogueContext: Sendable {
    public var operatingSystem: OperatingSystem?
    public init(operatingSystem: OperatingSystem?) { self.operatingSystem = operatingSystem }
}

/// One ecosystem's cataloguer. It declares which files it needs so the walker can read every layer
/// once, then builds packages from the squashed tree.
public protocol Cataloguer: Sendable {
    /// Short stable name (`dpkg`, `python-installed`); also the key of its evidence in `FileNode.evidence`.
    var name: String { get }
    /// Decides from the path (no leading slash) and header whether the walker keeps this file.
    func interest(path: String, size: Int64, mode: UInt32) -> FileInterest
    /// For `.inspect` files: reduce the content to the small evidence kept (nil keeps nothing).
    func inspect(path: String, content: Data) -> Data?
    /// Builds the packages from the squashed tree.
    func catalogue(_ tree: FileTree, context: CatalogueContext) throws -> [Package]
}

extension Cataloguer {
    public func inspect(path: String, content: Data) -> Data? { nil }
}

/// Helpers shared by cataloguers.
public enum CatalogSupport {
    /// A location for a path in the tree, carrying the layer that wrote it.
    public static func location(_ path: String, in tree: FileTree) -> Location {
        Location(path: "/" + path, layer: tree.node(path).flatMap { tree.layerID(of: $0) })
    }
    /// The layer that wrote a path.
    public static func layer(_ path: String, in tree: FileTree) -> String? {
        tree.node(path).flatMap { tree.layerID(of: $0) }
    }
    /// Last path component.
    public static func basename(_ path: String) -> Substring {
        guard let slash = path.lastIndex(of: "/") else { return Substring(path) }
        return path[path.index(after: slash)...]
    }
}
