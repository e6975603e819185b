import Foundation
import JSON

/// SLSA v1: `buildDefinition.{buildType, externalParameters, resolvedDependencies}`,
/// `runDetails.builder.id`, `runDetails.metadata.{invocationId, startedOn, finishedOn}`.
///
/// The source, from `externalParameters`, first shape that fits:
///
/// | shape | producer |
/// |---|---|
/// | `source: {uri, ref?, digest?}` or `source: {artifact: {uri, digest}}` | vouch, slsa-github-generator container-based and BYOB drafts |
/// | `source: "<url>"`, `entryPoint` | GitLab runner |
/// | `workflow: {repository, ref, path}` | GitHub's workflow build type (`actions.github.io`, `slsa-framework.github.io`) |
/// | `buildConfigSource: {repository, ref, path}` | Google Cloud Build |
/// | `configSource: {uri, digest, path}` | BuildKit |
/// | otherwise the first `git+` resolved dependency | slsa-github-generator delegator (Maven, Gradle, BYOB) |
extension ProvenanceSummary {
    static func parseV1(_ root: InTotoField) throws -> ProvenanceSummary {
        let definition = try root.field("buildDefinition")
        let run = try root.field("runDetails")
        let builderID = try run.field("builder").field("id").requiredString()
        var summary = ProvenanceSummary(predicateType: "", version: .v1, builderID: builderID)
        summary.buildType = try definition.field("buildType").requiredString()

        let externalField = try definition.field("externalParameters")
        let external = try externalField.object() ?? JSONObject()
        summary.externalParameterKeys = external.keys
        _ = try definition.field("internalParameters").object()
        summary.materials = try descriptors(try definition.field("resolvedDependencies"))

        let metadata = try run.field("metadata")
        summary.invocationID = try metadata.field(anyOf: ["invocationId", "invocationID"]).string()
        summary.startedOn = try timestamp(try metadata.field("startedOn"))
        summary.finishedOn = try timestamp(try metadata.field("finishedOn"))
        _ = try run.field("builder").field("version").stringMap()

        let ext = JSON.object(external)
        if let source = ext["source"] {
            if let uri = source.string {
                summary.entryPoint = ext.string("entryPoint")
                summary.completeSource(uri: uri, ref: nil, digest: [:])
            } else if let artifact = source["artifact"], source["uri"] == nil {
                summary.completeSource(uri: artifact.string("uri"), ref: nil, digest: artifact.lenientStringMap("digest"))
            } else {
                summary.completeSource(uri: source.string("uri"), ref: source.string("ref"), digest: source.lenientStringMap("digest"))
            }
            if summary.entryPoint == nil { summary.entryPoint = ext.string("configPath") ?? ext["workflowPath"]?.string("value") }
        } else if let workflow = ext["workflow"], let repository = workflow.string("repository") {
            summary.entryPoint = workflow.string("path")
            summary.completeSource(uri: repository, ref: workflow.string("ref"), digest: [:])
        } else if let config = ext["buildConfigSource"], let repository = config.string("repository") {
            summary.entryPoint = config.string("path")
            summary.completeSource(uri: repository, ref: config.string("ref"), digest: [:])
        } else if let config = ext["configSource"] {
            summary.entryPoint = config.string("path")
            summary.completeSource(uri: config.string("uri"), ref: nil, digest: config.lenientStringMap("digest"))
        }
        if summary.sourceURI == nil, let git = summary.firstGitMaterial {
            summary.completeSource(uri: git.uri, ref: nil, digest: git.digest)
        }
        return summary
    }
}
