import Foundation
import OCI
import SBOM

/// Keeps the files OS detection reads; catalogues nothing itself.
struct OSReleaseFiles: Cataloguer {
    let name = "os-release"
    func interest(path: String, size: Int64, mode: UInt32) -> FileInterest {
        OSRelease.paths.contains(path) ? .keep(maxBytes: 1 << 16) : .none
    }
    func catalogue(_ tree: FileTree, context: CatalogueContext) throws -> [Package] { [] }
}

/// The build-time entry point: an image or directory in, an `Inventory` out.
public struct ImageCatalog {
    public var cataloguers: [Cataloguer]
    public var limits = WalkLimits()
    public private(set) var warnings: [String] = []

    public init(cataloguers: [Cataloguer] = DefaultCataloguers.all) { self.cataloguers = cataloguers }

    public mutating func inventory(of image: Image) throws -> Inventory {
        let walker = LayerWalker(cataloguers: cataloguers + [OSReleaseFiles()])
        walker.limits = limits
        let tree = try walker.walk(image)
        do { try tree.validateSymlinks() } catch { throw ImageCatalogError.fileTree(image: image.reference, underlying: error) }
        warnings += walker.warnings
        let subject = Subject(
            kind: .image, name: image.name, repository: image.repository, tag: image.tag,
            manifestDigest: image.manifestDigest?.description, configDigest: image.configDigest.description,
            diffIDs: image.config.diffIDs, layerDigests: image.layers.map { $0.digest.description },
            architecture: image.config.architecture, os: image.config.os, variant: image.config.variant,
            labels: image.config.labels, created: image.config.created)
        return try catalogue(tree, subject: subject)
    }

    public mutating func inventory(ofDirectory path: String) throws -> Inventory {
        let walker = DirectoryWalker(cataloguers: cataloguers + [OSReleaseFiles()])
        let tree = try walker.walk(path)
        warnings += walker.warnings
        let name = URL(fileURLWithPath: path).standardizedFileURL.path
        return try catalogue(tree, subject: Subject(kind: .directory, name: name))
    }

    func catalogue(_ tree: FileTree, subject: Subject) throws -> Inventory {
        let os = OSRelease.detect(in: tree)
        let context = CatalogueContext(operatingSystem: os)
        var packages: [Package] = []
        for c in cataloguers {
            do { packages += try c.catalogue(tree, context: context) } catch {
                throw ImageCatalogError.cataloguer(name: c.name, image: subject.name, underlying: error)
            }
        }
        var inventory = Inventory(subject: subject, operatingSystem: os, packages: packages, tools: ["vouch"])
        inventory.sortPackages()
        return inventory
    }
}

public enum ImageCatalogError: Error, CustomStringConvertible {
    case cataloguer(name: String, image: String, underlying: Error)
    case fileTree(image: String, underlying: Error)
    public var description: String {
        switch self {
        case .cataloguer(let name, let image, let e): return "\(image): \(name) cataloguer: \(e)"
        case .fileTree(let image, let e): return "\(image): \(e)"
        }
    }
}
