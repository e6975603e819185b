import Foundation
import JSON

/// A SLSA Provenance v1 predicate (`https://slsa.dev/provenance/v1`) holding only the fields of the
/// spec's model, so it loads into the in-toto protobuf bindings that reject unknown fields.
///
/// vouch's own build type is `SLSAProvenanceV1.vouchBuildType`
/// (`https://github.com/vouch-attest/vouch/buildtypes/container@v1`): an attestation that a container
/// image was built by the CI run vouch ran in. Its shape:
///
/// ```
/// buildDefinition:
///   buildType: https://github.com/vouch-attest/vouch/buildtypes/container@v1
///   externalParameters:
///     source:                       # present when a source is known (CI or --source-uri)
///       uri: git+https://github.com/org/repo       # no ref suffix, no credentials
///       ref: refs/heads/main                       # optional
///       digest: {gitCommit: <40 or 64 hex>}        # optional
///     <caller's extra parameters>   # e.g. image: registry.example/app:1.4
///   internalParameters:
///     ci: {name: GitHub Actions, workflowRef: …, runnerEnvironment: …}   # when a CI was detected
///   resolvedDependencies:
///     - {uri: git+https://github.com/org/repo@refs/heads/main, digest: {gitCommit: …}}
///     - {uri: pkg:docker/debian@bookworm?platform=linux%2Famd64, digest: {sha256: …}}   # base images
/// runDetails:
///   builder: {id: <--builder-id or the CI's>, version: {vouch: <version>}}
///   metadata: {invocationId: <CI run URL>, startedOn: <RFC 3339 UTC>, finishedOn: …}
/// ```
///
/// The source sits in `externalParameters` in the `{uri, ref, digest}` style of slsa-github-generator's
/// container-based builder (GitHub's workflow build type splits it into `workflow.{repository,ref}`);
/// `ProvenanceSummary` reads both, and BuildKit's and Cloud Build's shapes.
public struct SLSAProvenanceV1: Equatable, Sendable {
    public static let vouchBuildType = "https://github.com/vouch-attest/vouch/buildtypes/container@v1"

    public let buildType: String
    public let builderID: String
    public let builderVersion: [String: String]
    public let externalParameters: JSONObject
    public let internalParameters: JSONObject
    public let resolvedDependencies: [ResourceDescriptor]
    public let byproducts: [ResourceDescriptor]
    public let invocationID: String?
    public let startedOn: Date?
    public let finishedOn: Date?

    /// Throws when the builder id or build type is missing or not a URI, or a timestamp is outside
    /// the years 0001–9999 that RFC 3339 / protobuf timestamps can carry.
    public init(buildType: String = SLSAProvenanceV1.vouchBuildType, builderID: String,
                externalParameters: JSONObject = JSONObject(), internalParameters: JSONObject = JSONObject(),
                resolvedDependencies: [ResourceDescriptor] = [], byproducts: [ResourceDescriptor] = [],
                builderVersion: [String: String] = [:], invocationID: String? = nil,
                startedOn: Date? = nil, finishedOn: Date? = nil) throws {
        try Self.requireURI(buildType, field: "predicate.buildDefinition.buildType")
        try Self.requireURI(builderID, field: "predicate.runDetails.builder.id")
        for (date, field) in [(startedOn, "startedOn"), (finishedOn, "finishedOn")] {
            if let date, ProvenanceTimestamp.format(date) == nil {
                throw InTotoError.invalidValue(field: "predicate.runDetails.metadata.\(field)", reason: "outside the years 0001–9999")
            }
        }
        self.buildType = buildType
        self.builderID = builderID
        self.externalParameters = externalParameters
        self.internalParameters = internalParameters
        self.resolvedDependencies = resolvedDependencies
        self.byproducts = byproducts
        self.builderVersion = builderVersion
        self.invocationID = invocationID
        self.startedOn = startedOn
        self.finishedOn = finishedOn
    }

    /// vouch's build type from what the CI (merged with the user's flags) says, plus the image's
    /// base images (`BaseImageDependencies.from`). `extraExternalParameters` go after `source`,
    /// which they cannot replace. An empty `context.name` records no `internalParameters.ci`.
    public init(context: CIEnvironment, baseImages: [ResourceDescriptor] = [],
                extraExternalParameters: JSONObject = JSONObject(), vouchVersion: String? = nil,
                startedOn: Date? = nil, finishedOn: Date? = nil) throws {
        var external = JSONObject()
        var dependencies: [ResourceDescriptor] = []
        if let source = context.source {
            var s = JSONObject([("uri", .string(source.uri))])
            if let ref = source.ref { s["ref"] = .string(ref) }
            if !source.digest.isEmpty { s["digest"] = ResourceDescriptor(digest: source.digest).json["digest"] }
            external["source"] = .object(s)
            dependencies.append(source.dependency)
        }
        for (key, value) in extraExternalParameters where key != "source" { external[key] = value }
        var internalParams = JSONObject()
        if !context.name.isEmpty {
            var ci = JSONObject([("name", .string(context.name))])
            for key in context.details.keys.sorted() { ci[key] = .string(context.details[key] ?? "") }
            internalParams["ci"] = .object(ci)
        }
        try self.init(builderID: context.builderID ?? "", externalParameters: external, internalParameters: internalParams,
                      resolvedDependencies: dependencies + baseImages,
                      builderVersion: vouchVersion.map { ["vouch": $0] } ?? [:],
                      invocationID: context.invocationID, startedOn: startedOn, finishedOn: finishedOn)
    }

    /// The predicate tree; empty optional members are left out.
    public var predicate: JSON {
        var definition = JSONObject([("buildType", .string(buildType)), ("externalParameters", .object(externalParameters))])
        if !internalParameters.isEmpty { definition["internalParameters"] = .object(internalParameters) }
        if !resolvedDependencies.isEmpty { definition["resolvedDependencies"] = .array(resolvedDependencies.map(\.json)) }

        var builder = JSONObject([("id", .string(builderID))])
        if !builderVersion.isEmpty {
            builder["version"] = .object(JSONObject(builderVersion.keys.sorted().map { ($0, JSON.string(builderVersion[$0] ?? "")) }))
        }
        var run = JSONObject([("builder", .object(builder))])
        var metadata = JSONObject()
        if let invocationID { metadata["invocationId"] = .string(invocationID) }
        if let s = startedOn.flatMap(ProvenanceTimestamp.format) { metadata["startedOn"] = .string(s) }
        if let f = finishedOn.flatMap(ProvenanceTimestamp.format) { metadata["finishedOn"] = .string(f) }
        if !metadata.isEmpty { run["metadata"] = .object(metadata) }
        if !byproducts.isEmpty { run["byproducts"] = .array(byproducts.map(\.json)) }

        return .object(JSONObject([("buildDefinition", .object(definition)), ("runDetails", .object(run))]))
    }

    /// The Statement binding this provenance to its subjects (image manifests, one per platform).
    public func statement(subjects: [ResourceDescriptor]) -> InTotoStatement {
        InTotoStatement(subjects: subjects, predicateType: PredicateType.slsaProvenanceV1, predicate: predicate)
    }

    /// TypeURI (in-toto `field_types.md`): an RFC 3986 URI, so at least `scheme:` and something after it.
    static func requireURI(_ value: String, field: String) throws {
        guard !value.isEmpty else { throw InTotoError.missingField(field) }
        let bytes = Array(value.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0, colon + 1 < bytes.count,
              bytes[0] >= 0x41, (bytes[0] | 0x20) >= 0x61, (bytes[0] | 0x20) <= 0x7A,
              bytes[..<colon].allSatisfy({ b in
                  (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A)
                      || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
              }),
              !bytes.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw InTotoError.invalidValue(field: field, reason: "\(InTotoError.quoted(value)) is not a URI (expected e.g. https://…)")
        }
    }
}
