import Foundation
import OCI

/// The images a command acts on: the one platform asked for, or every platform of an index
/// (attestations are made per platform manifest, as BuildKit does).
struct ImageSelection {
    let reference: ImageReference
    let platform: Platform?
    let registryOptions: RegistryOptions

    init(image: String, platform: String?, insecure: Bool) throws {
        reference = try ImageReference.parse(image)
        if case .directory = reference { throw CLIError("\(image) is a directory; attestations need an image (oci-dir:, registry:, archives)") }
        if let platform {
            guard let p = Platform(parsing: platform) else { throw CLIError("invalid platform '\(platform)' (expected os/arch[/variant])") }
            self.platform = p
        } else {
            self.platform = nil
        }
        registryOptions = RegistryOptions(insecure: insecure)
    }

    /// The chosen image, or all platforms when none was chosen and the index holds several.
    func images() throws -> [Image] {
        let first = try ImageLoader(platform: platform, registryOptions: registryOptions).load(reference)
        guard platform == nil, let index = first.index else { return [first] }
        let platforms = index.manifests.filter {
            $0.annotations[AttachmentAnnotation.referenceType] == nil && $0.platform != nil
                && !($0.platform?.os == "unknown" && $0.platform?.architecture == "unknown")
        }.compactMap(\.platform)
        guard platforms.count > 1 else { return [first] }
        return try platforms.map { try ImageLoader(platform: $0, registryOptions: registryOptions).load(reference) }
    }

    /// One image: the chosen platform, or the default choice.
    func image() throws -> Image {
        try ImageLoader(platform: platform, registryOptions: registryOptions).load(reference)
    }
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
