import ArgumentParser
import Attestation
import Foundation
import JSON
import OCI
import SBOM

/// `vouch attest --provenance` flags. Flags win over what the CI environment says.
struct ProvenanceOptions: ParsableArguments {
    @Option(help: "Source repository, e.g. git+https://example.com/team/app.")
    var sourceUri: String?

    @Option(help: "Source ref, e.g. refs/heads/main or refs/tags/v1.4.")
    var sourceRef: String?

    @Option(help: "Source commit as ALG:HEX, e.g. sha1:<40 hex> (recorded as gitCommit).")
    var sourceDigest: String?

    @Option(help: "Builder id (a URI naming the CI runner or build service).")
    var builderId: String?

    @Option(help: "Build type URI (default: vouch's container build type).")
    var buildType: String?

    @Option(help: "Invocation id, e.g. the URL of the CI run.")
    var invocationId: String?

    @Option(help: "Base image as NAME@sha256:HEX, recorded as a resolved dependency; repeatable.")
    var baseImage: [String] = []

    @Option(help: "Build start time (RFC 3339).")
    var startedOn: String?

    @Option(help: "Build finish time (RFC 3339; default: the image config's created time).")
    var finishedOn: String?

    func predicate(for image: Image, environment: [String: String]) throws -> JSON {
        let overrides = ProvenanceOverrides(
            builderID: builderId, invocationID: invocationId, sourceURI: sourceUri, sourceRef: sourceRef,
            sourceDigest: try sourceDigest.map(ProvenanceSource.parseDigest))
        let detected = CIEnvironment.detect(environment) ?? CIEnvironment(name: "")
        let context = detected.merging(overrides: overrides)
        guard context.builderID?.isEmpty == false else {
            throw ValidationError("no builder id: give --builder-id (no CI environment was detected to take it from)")
        }
        let platform = image.platform?.description
        var bases = try BaseImageDependencies.from(image.config.labels, platform: platform)
        for spec in baseImage { bases.append(try baseDependency(spec, platform: platform)) }
        let started = try startedOn.map { try time($0, "--started-on") }
        let finished = try finishedOn.map { try time($0, "--finished-on") } ?? image.config.created.flatMap(ProvenanceTimestamp.parse)
        var external = JSONObject()
        external["image"] = .string(image.repository.map { "\($0)\(image.tag.map { ":" + $0 } ?? "")" } ?? image.name)
        if let platform { external["platform"] = .string(platform) }
        var provenance = try SLSAProvenanceV1(context: context, baseImages: bases, extraExternalParameters: external,
                                              vouchVersion: VouchVersion.current, startedOn: started, finishedOn: finished)
        if let buildType {
            provenance = try SLSAProvenanceV1(
                buildType: buildType, builderID: provenance.builderID, externalParameters: provenance.externalParameters,
                internalParameters: provenance.internalParameters, resolvedDependencies: provenance.resolvedDependencies,
                builderVersion: provenance.builderVersion, invocationID: provenance.invocationID,
                startedOn: provenance.startedOn, finishedOn: provenance.finishedOn)
        }
        return provenance.predicate
    }

    /// `NAME@sha256:HEX` → the labels form `BaseImageDependencies` already validates.
    func baseDependency(_ spec: String, platform: String?) throws -> ResourceDescriptor {
        guard let at = spec.lastIndex(of: "@") else { throw ValidationError("--base-image '\(spec)': expected NAME@sha256:HEX") }
        let labels = [BaseImageDependencies.nameKey: String(spec[..<at]), BaseImageDependencies.digestKey: String(spec[spec.index(after: at)...])]
        guard let d = try BaseImageDependencies.from(labels, platform: platform).first else {
            throw ValidationError("--base-image '\(spec)': expected NAME@sha256:HEX")
        }
        return d
    }

    func time(_ text: String, _ flag: String) throws -> Date {
        guard let d = ProvenanceTimestamp.parse(text) else { throw ValidationError("\(flag) '\(text)' is not an RFC 3339 time") }
        return d
    }
}
