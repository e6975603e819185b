import ArgumentParser
import Catalog
import Foundation
import OCI
import SBOM

enum SBOMFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case cyclonedxJSON = "cyclonedx-json"
    case cyclonedxJSON15 = "cyclonedx-json@1.5"
    case cyclonedxJSON16 = "cyclonedx-json@1.6"
    case spdxJSON = "spdx-json"
    case spdxJSON23 = "spdx-json@2.3"
    case purls
}

struct SBOMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sbom",
        abstract: "Catalogue an image or root file system and write its SBOM.",
        discussion: """
        IMAGE is one of: oci-dir:PATH[:TAG|@DIGEST], oci-archive:PATH[:TAG], docker-archive:PATH[:TAG], \
        dir:PATH, registry:REF (Docker Scout's oci-dir://, archive://, fs://, registry:// also work). \
        A bare path is recognised by its content.
        """)

    @Argument(help: "The image or directory to catalogue.")
    var image: String

    @Option(name: .shortAndLong, help: "Output format: \(SBOMFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: SBOMFormat = .table

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output (written only on success).")
    var output: String?

    @Option(help: "Platform to choose from a multi-platform index, e.g. linux/amd64.")
    var platform: String?

    @Flag(help: "Allow plain HTTP to the registry.")
    var insecure = false

    @Option(help: "Supplier of the image itself in SPDX syntax, e.g. 'Organization: Example Inc.'.")
    var supplier: String?

    @Option(help: ArgumentHelp("Run only these cataloguers (comma-separated names).",
                               discussion: "Names: \(DefaultCataloguers.all.map(\.name).joined(separator: ", "))."))
    var cataloguers: String?

    @Flag(name: .shortAndLong, help: "Print warnings (files skipped, limits reached) to standard error.")
    var verbose = false

    func run() throws {
        try Vouch.guarded {
            var p: Platform?
            if let platform {
                guard let parsed = Platform(parsing: platform) else { throw ValidationError("invalid platform '\(platform)' (expected os/arch[/variant])") }
                p = parsed
            }
            let reference = try ImageReference.parse(image)
            var catalog = ImageCatalog(cataloguers: try DefaultCataloguers.select(cataloguers))
            let inventory: Inventory
            switch reference {
            case .directory(let path):
                inventory = try catalog.inventory(ofDirectory: path)
            default:
                let loader = ImageLoader(platform: p, registryOptions: RegistryOptions(insecure: insecure))
                inventory = try catalog.inventory(of: try loader.load(reference))
            }
            if verbose { for w in catalog.warnings { FileHandle.standardError.write(Data("vouch: warning: \(w)\n".utf8)) } }
            var options = SBOMWriteOptions()
            options.imageSupplier = supplier ?? ProcessInfo.processInfo.environment["VOUCH_SUPPLIER"]
            if format != .table && format != .purls,
               let chosen = SubjectSupplier.resolve(inventory, explicit: options.imageSupplier), chosen.source == .distribution {
                FileHandle.standardError.write(Data("vouch: note: the image names no supplier; recorded '\(chosen.plainName)' (its distribution). Set --supplier, VOUCH_SUPPLIER or the org.opencontainers.image.vendor label.\n".utf8))
            }
            let data: Data
            switch format {
            case .table: data = Data(InventoryTable.render(inventory).utf8)
            case .purls: data = Data(inventory.packages.map { $0.purl + "\n" }.joined().utf8)
            case .cyclonedxJSON, .cyclonedxJSON16: data = CycloneDXWriter(specVersion: .v1_6, options: options).write(inventory)
            case .cyclonedxJSON15: data = CycloneDXWriter(specVersion: .v1_5, options: options).write(inventory)
            case .spdxJSON, .spdxJSON23: data = SPDXWriter(options: options).write(inventory)
            }
            try OutputFile.write(data, to: output)
        }
    }
}
