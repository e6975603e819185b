import Attestation
import Digest
import Evaluation
import Foundation
import JSON
import OCI
import SBOM

/// The base image as the attached SLSA provenance names it: BuildKit records every image a build pulled
/// as a resolved dependency (`pkg:docker/debian@bookworm?platform=linux/amd64` with its digest). Which of
/// them is the final stage's base is not stated, so each candidate is loaded (manifest and config only)
/// and the one whose layers are the longest prefix of the image's own layers is the base. The Dockerfile
/// frontend image (`docker/dockerfile`) is a build tool, never a base.
struct ProvenanceBaseImage {
    var image: String
    var img: Image
    var reference: ImageReference
    var rules: VerificationPolicy?
    var platform: Platform?
    var registryOptions: RegistryOptions

    struct Candidate: Equatable {
        var name: String
        var repository: String
        var digest: String
    }

    func find() -> BaseImage? {
        guard let found = try? AttachedStatements.find(image: image, img: img, reference: reference,
                                                       families: [PredicateType.slsaProvenanceV1, PredicateType.slsaProvenanceV02], rules: rules)
        else { return nil }
        var candidates: [Candidate] = []
        for item in found.items {
            guard !item.trust.isRefused, let data = item.document,
                  let predicate = try? JSON.parse(data), let type = item.attachment.predicateType ?? Self.sniffType(predicate),
                  let summary = try? ProvenanceSummary.parse(predicateType: type, predicate: predicate) else { continue }
            for c in summary.materials.compactMap(Self.candidate) where !candidates.contains(c) { candidates.append(c) }
        }
        var best: (BaseImage, Int)?
        for c in candidates {
            guard let base = try? load(c) else { continue }
            let layers = base.config.diffIDs
            guard !layers.isEmpty, layers.count <= img.config.diffIDs.count, Array(img.config.diffIDs.prefix(layers.count)) == layers else { continue }
            if layers.count > (best?.1 ?? 0) { best = (BaseImage(name: c.name, layers: Set(layers)), layers.count) }
        }
        return best?.0
    }

    /// `pkg:docker/debian@bookworm?platform=…` with a sha256 digest → `debian:bookworm`; nil for others.
    static func candidate(_ d: ResourceDescriptor) -> Candidate? {
        guard let uri = d.uri, uri.hasPrefix("pkg:docker/"), let hex = d.digest["sha256"],
              let purl = try? PackageURL(parsing: uri, enforcingTypeRules: false) else { return nil }
        let repository = (purl.namespace.map { $0 + "/" } ?? "") + purl.name
        if repository == "docker/dockerfile" || repository.hasSuffix("/docker/dockerfile") { return nil }
        let tag = purl.version.map { $0.contains(":") ? "@" + $0 : ":" + $0 } ?? ""
        return Candidate(name: repository + tag, repository: repository, digest: "sha256:" + hex)
    }

    /// The candidate from the same layout when it is there (tests, air-gapped builds), else its registry.
    private func load(_ c: Candidate) throws -> Image {
        let loader = ImageLoader(platform: platform ?? img.platform, registryOptions: registryOptions)
        guard let digest = Digest(c.digest) else { throw CLIError("\(c.digest): not a digest") }
        if case .ociDirectory(let path, _, _) = reference, let local = try? loader.load(.ociDirectory(path: path, tag: nil, digest: digest)) {
            return local
        }
        // RegistryReference puts host-less names on Docker Hub (docker.io, library/), as docker does.
        return try loader.load(ImageReference.parse("registry:\(c.repository)@\(c.digest)"))
    }

    private static func sniffType(_ predicate: JSON) -> String? {
        predicate["buildDefinition"] != nil ? PredicateType.slsaProvenanceV1 : predicate["builder"] != nil ? PredicateType.slsaProvenanceV02 : nil
    }
}

extension AttachedStatements.Trust {
    var isRefused: Bool { if case .refused = self { return true }; return false }
}
