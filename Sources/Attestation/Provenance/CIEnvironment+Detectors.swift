import Foundation

/// One detector per CI system, each reading only the variables that system documents:
///
/// | CI | detected by | builder id | invocation id | source, ref, commit |
/// |---|---|---|---|---|
/// | GitHub Actions | `GITHUB_ACTIONS=true` | `$GITHUB_SERVER_URL/actions/runner/$RUNNER_ENVIRONMENT` (GitHub's own attestations) | `…/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID/attempts/$GITHUB_RUN_ATTEMPT` | `GITHUB_SERVER_URL`+`GITHUB_REPOSITORY`, `GITHUB_REF`, `GITHUB_SHA` |
/// | GitLab CI | `GITLAB_CI=true` | `$CI_PROJECT_URL/-/runners/$CI_RUNNER_ID` (GitLab runner provenance) | `CI_JOB_URL` | `CI_PROJECT_URL`, `CI_COMMIT_TAG`/`CI_COMMIT_BRANCH`/`CI_COMMIT_REF_NAME`, `CI_COMMIT_SHA` |
/// | Buildkite | `BUILDKITE=true` | `https://buildkite.com/$BUILDKITE_ORGANIZATION_SLUG` | `$BUILDKITE_BUILD_URL#$BUILDKITE_JOB_ID` | `BUILDKITE_REPO`, `BUILDKITE_TAG`/`BUILDKITE_BRANCH`, `BUILDKITE_COMMIT` |
/// | CircleCI | `CIRCLECI=true` | scheme and host of `CIRCLE_BUILD_URL` | `CIRCLE_BUILD_URL` | `CIRCLE_REPOSITORY_URL`, `CIRCLE_TAG`/`CIRCLE_BRANCH`, `CIRCLE_SHA1` |
/// | Azure Pipelines | `TF_BUILD=True` | `SYSTEM_COLLECTIONURI` | `$SYSTEM_COLLECTIONURI$SYSTEM_TEAMPROJECT/_build/results?buildId=$BUILD_BUILDID` | `BUILD_REPOSITORY_URI`, `BUILD_SOURCEBRANCH`, `BUILD_SOURCEVERSION` |
/// | Bitbucket Pipelines | `BITBUCKET_BUILD_NUMBER` | `https://bitbucket.org/$BITBUCKET_WORKSPACE` | `https://bitbucket.org/$BITBUCKET_REPO_FULL_NAME/addon/pipelines/home#!/results/$BITBUCKET_BUILD_NUMBER` | `BITBUCKET_REPO_FULL_NAME` (else `BITBUCKET_GIT_HTTP_ORIGIN`), `BITBUCKET_TAG`/`BITBUCKET_BRANCH`, `BITBUCKET_COMMIT` |
/// | Jenkins | `JENKINS_URL` | `JENKINS_URL` | `BUILD_URL` | `GIT_URL`, `TAG_NAME`/`BRANCH_NAME`/`GIT_BRANCH` (git plugin's `origin/` removed), `GIT_COMMIT` |
///
/// Only GitHub and GitLab publish a builder id convention; for the others vouch names the CI
/// service (and tenant, where the environment tells it). Tekton sets no such variables (a Task
/// receives parameters instead), so it is not detected: pass the flags.
enum CIDetectors {
    static let all: [(CIVariables) -> CIEnvironment?] = [githubActions, gitlab, buildkite, circleCI, azure, bitbucket, jenkins]

    static func githubActions(_ v: CIVariables) -> CIEnvironment? {
        guard v.isTrue("GITHUB_ACTIONS") else { return nil }
        let server = trimSlash(v["GITHUB_SERVER_URL"] ?? "https://github.com")
        var ci = CIEnvironment(name: "GitHub Actions")
        if let repository = v["GITHUB_REPOSITORY"] {
            ci.sourceURI = ProvenanceSource.gitURI(fromRepositoryURL: "\(server)/\(repository)")
            if let run = v["GITHUB_RUN_ID"] {
                ci.invocationID = "\(server)/\(repository)/actions/runs/\(run)/attempts/\(v["GITHUB_RUN_ATTEMPT"] ?? "1")"
            }
        }
        ci.sourceRef = v["GITHUB_REF"]
        ci.sourceDigest = v.commitDigest("GITHUB_SHA")
        let runner = v["RUNNER_ENVIRONMENT"]
        ci.builderID = "\(server)/actions/runner" + (runner.map { "/\($0)" } ?? "")
        ci.details = collect(v, ["workflowRef": "GITHUB_WORKFLOW_REF", "runnerEnvironment": "RUNNER_ENVIRONMENT",
                                 "eventName": "GITHUB_EVENT_NAME"])
        return ci
    }

    static func gitlab(_ v: CIVariables) -> CIEnvironment? {
        guard v.isTrue("GITLAB_CI") else { return nil }
        var ci = CIEnvironment(name: "GitLab CI")
        let project = v["CI_PROJECT_URL"] ?? v["CI_SERVER_URL"].flatMap { s in v["CI_PROJECT_PATH"].map { "\(trimSlash(s))/\($0)" } }
        if let project {
            ci.sourceURI = ProvenanceSource.gitURI(fromRepositoryURL: project)
            if let runner = v["CI_RUNNER_ID"] { ci.builderID = "\(trimSlash(project))/-/runners/\(runner)" }
        }
        if ci.builderID == nil { ci.builderID = v["CI_SERVER_URL"].map(trimSlash) }
        ci.sourceRef = qualifiedRef(tag: v["CI_COMMIT_TAG"], branch: v["CI_COMMIT_BRANCH"] ?? v["CI_COMMIT_REF_NAME"])
        ci.sourceDigest = v.commitDigest("CI_COMMIT_SHA")
        ci.invocationID = v["CI_JOB_URL"] ?? v["CI_PIPELINE_URL"]
            ?? project.flatMap { p in v["CI_PIPELINE_ID"].map { "\(trimSlash(p))/-/pipelines/\($0)" } }
        ci.details = collect(v, ["jobName": "CI_JOB_NAME", "pipelineID": "CI_PIPELINE_ID", "runnerID": "CI_RUNNER_ID"])
        return ci
    }

    static func buildkite(_ v: CIVariables) -> CIEnvironment? {
        guard v.isTrue("BUILDKITE") else { return nil }
        var ci = CIEnvironment(name: "Buildkite")
        ci.builderID = "https://buildkite.com" + (v["BUILDKITE_ORGANIZATION_SLUG"].map { "/\($0)" } ?? "")
        ci.invocationID = v["BUILDKITE_BUILD_URL"].map { url in url + (v["BUILDKITE_JOB_ID"].map { "#\($0)" } ?? "") }
        ci.sourceURI = v["BUILDKITE_REPO"].flatMap(ProvenanceSource.gitURI(fromRepositoryURL:))
        ci.sourceRef = qualifiedRef(tag: v["BUILDKITE_TAG"], branch: v["BUILDKITE_BRANCH"])
        ci.sourceDigest = v.commitDigest("BUILDKITE_COMMIT")
        ci.details = collect(v, ["pipeline": "BUILDKITE_PIPELINE_SLUG", "agent": "BUILDKITE_AGENT_NAME"])
        return ci
    }

    static func circleCI(_ v: CIVariables) -> CIEnvironment? {
        guard v.isTrue("CIRCLECI") else { return nil }
        var ci = CIEnvironment(name: "CircleCI")
        ci.invocationID = v["CIRCLE_BUILD_URL"]
        ci.builderID = v["CIRCLE_BUILD_URL"].flatMap(origin) ?? "https://circleci.com"
        ci.sourceURI = v["CIRCLE_REPOSITORY_URL"].flatMap(ProvenanceSource.gitURI(fromRepositoryURL:))
        ci.sourceRef = qualifiedRef(tag: v["CIRCLE_TAG"], branch: v["CIRCLE_BRANCH"])
        ci.sourceDigest = v.commitDigest("CIRCLE_SHA1")
        ci.details = collect(v, ["job": "CIRCLE_JOB", "workflowID": "CIRCLE_WORKFLOW_ID"])
        return ci
    }

    static func azure(_ v: CIVariables) -> CIEnvironment? {
        guard v.isTrue("TF_BUILD") else { return nil }
        var ci = CIEnvironment(name: "Azure Pipelines")
        if let collection = v["SYSTEM_COLLECTIONURI"] ?? v["SYSTEM_TEAMFOUNDATIONCOLLECTIONURI"] {
            ci.builderID = trimSlash(collection)
            if let project = v["SYSTEM_TEAMPROJECT"], let build = v["BUILD_BUILDID"] {
                let encoded = project.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? project
                ci.invocationID = "\(trimSlash(collection))/\(encoded)/_build/results?buildId=\(build)"
            }
        }
        ci.sourceURI = v["BUILD_REPOSITORY_URI"].flatMap(ProvenanceSource.gitURI(fromRepositoryURL:))
        // TFVC builds put a server path (`$/…`) here, which is no git ref.
        ci.sourceRef = v["BUILD_SOURCEBRANCH"].flatMap { $0.hasPrefix("refs/") ? $0 : nil }
        ci.sourceDigest = v.commitDigest("BUILD_SOURCEVERSION")
        ci.details = collect(v, ["definition": "BUILD_DEFINITIONNAME", "agent": "AGENT_NAME"])
        return ci
    }

    static func bitbucket(_ v: CIVariables) -> CIEnvironment? {
        guard let build = v["BITBUCKET_BUILD_NUMBER"] else { return nil }
        var ci = CIEnvironment(name: "Bitbucket Pipelines")
        ci.builderID = "https://bitbucket.org" + (v["BITBUCKET_WORKSPACE"].map { "/\($0)" } ?? "")
        if let repo = v["BITBUCKET_REPO_FULL_NAME"] {
            ci.sourceURI = "git+https://bitbucket.org/\(repo)"
            ci.invocationID = "https://bitbucket.org/\(repo)/addon/pipelines/home#!/results/\(build)"
        } else {
            ci.sourceURI = v["BITBUCKET_GIT_HTTP_ORIGIN"].flatMap(ProvenanceSource.gitURI(fromRepositoryURL:))
        }
        ci.sourceRef = qualifiedRef(tag: v["BITBUCKET_TAG"], branch: v["BITBUCKET_BRANCH"])
        ci.sourceDigest = v.commitDigest("BITBUCKET_COMMIT")
        ci.details = collect(v, ["pipelineUUID": "BITBUCKET_PIPELINE_UUID", "stepUUID": "BITBUCKET_STEP_UUID"])
        return ci
    }

    static func jenkins(_ v: CIVariables) -> CIEnvironment? {
        guard let server = v["JENKINS_URL"] else { return nil }
        var ci = CIEnvironment(name: "Jenkins")
        ci.builderID = trimSlash(server)
        ci.invocationID = v["BUILD_URL"]
        ci.sourceURI = v["GIT_URL"].flatMap(ProvenanceSource.gitURI(fromRepositoryURL:))
        // Multibranch pipelines name the branch in BRANCH_NAME, except for change requests ("PR-24").
        // The git plugin's GIT_BRANCH carries the remote ("origin/main").
        let gitBranch = v["GIT_BRANCH"].map { $0.hasPrefix("origin/") ? String($0.dropFirst("origin/".count)) : $0 }
        let branch = (v["CHANGE_ID"] == nil ? v["BRANCH_NAME"] : nil) ?? gitBranch
        ci.sourceRef = qualifiedRef(tag: v["TAG_NAME"], branch: branch)
        ci.sourceDigest = v.commitDigest("GIT_COMMIT")
        ci.details = collect(v, ["job": "JOB_NAME", "buildNumber": "BUILD_NUMBER"])
        return ci
    }

    /// A tag wins over a branch: tag pipelines often also carry the branch the tag is on.
    static func qualifiedRef(tag: String?, branch: String?) -> String? {
        if let tag { return tag.hasPrefix("refs/") ? tag : "refs/tags/\(tag)" }
        if let branch { return branch.hasPrefix("refs/") ? branch : "refs/heads/\(branch)" }
        return nil
    }

    static func collect(_ v: CIVariables, _ names: [String: String]) -> [String: String] {
        var out: [String: String] = [:]
        for (key, variable) in names { if let value = v[variable] { out[key] = value } }
        return out
    }

    static func trimSlash(_ s: String) -> String {
        var s = s
        while s.hasSuffix("/") { s.removeLast() }
        return s
    }

    /// `scheme://host[:port]` of a URL.
    static func origin(_ url: String) -> String? {
        guard let range = url.range(of: "://") else { return nil }
        let rest = url[range.upperBound...]
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return host.isEmpty ? nil : String(url[..<range.upperBound]) + host
    }
}
