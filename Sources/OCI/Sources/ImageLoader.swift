import Digest
import Foundation

/// Opens whatever an `ImageReference` names as an `Image`. `dir:` references are not images
/// and are handled by the directory walker instead.
public struct ImageLoader {
    public var platform: Platform?
    public var registryOptions: RegistryOptions

    public init(platform: Platform? = nil, registryOptions: RegistryOptions = RegistryOptions()) {
        self.platform = platform
        self.registryOptions = registryOptions
    }

    public func load(_ reference: ImageReference) throws -> Image {
        let display = reference.description
        switch reference {
        case .ociDirectory(let path, let tag, let digest):
            return try OCILayout(path: path).image(reference: display, tag: tag, digest: digest, platform: platform)
        case .ociArchive(let path, let tag):
            return try OCIArchive.image(path: path, reference: display, tag: tag, digest: nil, platform: platform)
        case .dockerArchive(let path, let tag):
            return try DockerArchive.image(path: path, reference: display, tag: tag, platform: platform)
        case .registry(let ref):
            return try RegistryClient(options: registryOptions).image(ref, platform: platform)
        case .directory(let path):
            throw ImageError.unsupported("\(path) is a directory, not an image")
        }
    }
}
