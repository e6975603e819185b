import Foundation
import JSON

extension ProvenanceSummary {
    /// SLSA v0.2: `builder.id`, `buildType`, `invocation.{configSource, parameters, environment}`,
    /// `metadata.{buildInvocationId, buildStartedOn, buildFinishedOn}`, `materials`.
    /// The source is `invocation.configSource.{uri, digest, entryPoint}` (slsa-github-generator's
    /// `git+https://…@refs/tags/v1`, BuildKit's `https://…git#refs/tags/v1`); without a URI there,
    /// slsa-github-generator's `invocation.environment.github_repository`/`github_ref`/`github_sha1`;
    /// otherwise the first `git+` material (krel).
    static func parseV02(_ root: InTotoField) throws -> ProvenanceSummary {
        let builderID = try root.field("builder").field("id").requiredString()
        var summary = ProvenanceSummary(predicateType: "", version: .v0_2, builderID: builderID)
        summary.buildType = try root.field("buildType").requiredString()

        let invocation = try root.field("invocation")
        let config = try invocation.field("configSource")
        let configURI = try config.field("uri").string()
        let configDigest = try config.field("digest").stringMap() ?? [:]
        summary.entryPoint = try config.field("entryPoint").string()
        summary.externalParameterKeys = try invocation.field("parameters").object()?.keys ?? []
        let environment = JSON.object(try invocation.field("environment").object() ?? JSONObject())
        _ = try root.field("buildConfig").object()

        let metadata = try root.field("metadata")
        summary.invocationID = try metadata.field(anyOf: ["buildInvocationId", "buildInvocationID"]).string()
        summary.startedOn = try timestamp(try metadata.field("buildStartedOn"))
        summary.finishedOn = try timestamp(try metadata.field("buildFinishedOn"))
        summary.materials = try descriptors(try root.field("materials"))

        let githubRef = environment.string("github_ref")
        if let configURI, !configURI.isEmpty {
            summary.completeSource(uri: configURI, ref: nil, digest: configDigest)
        } else if let repository = environment.string("github_repository") {
            let server = environment.string("github_server_url") ?? "https://github.com"
            let digest = environment.string("github_sha1").map { ["sha1": $0] } ?? configDigest
            summary.completeSource(uri: ProvenanceSource.gitURI(fromRepositoryURL: "\(server)/\(repository)"),
                                   ref: githubRef, digest: digest)
        } else if let git = summary.firstGitMaterial {
            summary.completeSource(uri: git.uri, ref: nil, digest: git.digest)
        }
        if summary.sourceRef == nil, summary.sourceURI != nil { summary.sourceRef = githubRef }
        return summary
    }

    /// SLSA v0.1 (Cloud Build's older provenance): `builder.id`, `recipe.{type, entryPoint, arguments}`,
    /// `metadata.{buildInvocationId, buildStartedOn, buildFinishedOn}`, `materials` (the first is the source).
    static func parseV01(_ root: InTotoField) throws -> ProvenanceSummary {
        let builderID = try root.field("builder").field("id").requiredString()
        var summary = ProvenanceSummary(predicateType: "", version: .v0_1, builderID: builderID)
        let recipe = try root.field("recipe")
        summary.buildType = try recipe.field("type").string()
        summary.entryPoint = try recipe.field("entryPoint").string()
        summary.externalParameterKeys = try recipe.field("arguments").object()?.keys ?? []

        let metadata = try root.field("metadata")
        summary.invocationID = try metadata.field(anyOf: ["buildInvocationId", "buildInvocationID"]).string()
        summary.startedOn = try timestamp(try metadata.field("buildStartedOn"))
        summary.finishedOn = try timestamp(try metadata.field("buildFinishedOn"))
        summary.materials = try descriptors(try root.field("materials"))

        if let source = summary.firstGitMaterial ?? summary.materials.first(where: { $0.uri != nil }) {
            summary.completeSource(uri: source.uri, ref: nil, digest: source.digest)
        }
        return summary
    }
}
