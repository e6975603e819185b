import Digest
import Foundation

/// Reads images from a Distribution v2 registry: tag or digest → manifest or index → the
/// platform's manifest → config, with layers streamed from the registry on demand.
public struct RegistryClient {
    public let options: RegistryOptions
    let environment: [String: String]

    /// `environment` supplies `VOUCH_REGISTRY_*`, `DOCKER_CONFIG` and `HOME`; tests pass their own.
    public init(options: RegistryOptions = RegistryOptions(), environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.options = options
        self.environment = environment
    }

    public func http(for registry: String) throws -> RegistryHTTP {
        try RegistryHTTP(registry: registry, options: options, environment: environment)
    }

    public func store(for reference: RegistryReference) throws -> RegistryBlobStore {
        RegistryBlobStore(http: try http(for: reference.registry), repository: reference.repository)
    }

    public func image(_ ref: RegistryReference, platform: Platform?) throws -> Image {
        let store = try store(for: ref)
        let (top, _) = try store.manifest(reference: ref.reference)
        let display = ImageReference.registry(ref).description
        let resolution = IndexResolution(imageName: display, store: store, platform: platform)
        return try resolution.image(from: top, reference: display, name: ref.repository, repository: ref.repository, tag: ref.tag)
    }
}
