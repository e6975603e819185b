import Attestation
import Foundation
import XCTest

/// CI detection from realistic environments (values shaped as each CI documents them), and the
/// rule that explicit flags win.
final class CIEnvironmentTests: XCTestCase {
    let sha = "dcd26fed2ccf37087005539ad8e8ce4db23b501d"

    struct Expected {
        var name: String
        var builderID: String?
        var invocationID: String?
        var sourceURI: String?
        var sourceRef: String?
        var commit: String?
    }

    func check(_ env: [String: String], _ want: Expected, file: StaticString = #filePath, line: UInt = #line) {
        guard let ci = CIEnvironment.detect(env) else { return XCTFail("no CI detected", file: file, line: line) }
        XCTAssertEqual(ci.name, want.name, file: file, line: line)
        XCTAssertEqual(ci.builderID, want.builderID, "builderID", file: file, line: line)
        XCTAssertEqual(ci.invocationID, want.invocationID, "invocationID", file: file, line: line)
        XCTAssertEqual(ci.sourceURI, want.sourceURI, "sourceURI", file: file, line: line)
        XCTAssertEqual(ci.sourceRef, want.sourceRef, "sourceRef", file: file, line: line)
        XCTAssertEqual(ci.sourceDigest, want.commit.map { ["gitCommit": $0] } ?? [:], "sourceDigest", file: file, line: line)
    }

    func testGitHubActions() throws {
        let env = ["CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_SERVER_URL": "https://github.com",
                   "GITHUB_REPOSITORY": "slsa-framework/example-package", "GITHUB_REF": "refs/tags/v14",
                   "GITHUB_SHA": sha, "GITHUB_RUN_ID": "2700464408", "GITHUB_RUN_ATTEMPT": "2",
                   "GITHUB_WORKFLOW_REF": "slsa-framework/example-package/.github/workflows/release.yml@refs/tags/v14",
                   "RUNNER_ENVIRONMENT": "github-hosted", "GITHUB_EVENT_NAME": "push", "HOME": "/home/runner"]
        check(env, Expected(name: "GitHub Actions", builderID: "https://github.com/actions/runner/github-hosted",
                            invocationID: "https://github.com/slsa-framework/example-package/actions/runs/2700464408/attempts/2",
                            sourceURI: "git+https://github.com/slsa-framework/example-package", sourceRef: "refs/tags/v14", commit: sha))
        XCTAssertEqual(CIEnvironment.detect(env)?.details["workflowRef"], env["GITHUB_WORKFLOW_REF"])
        // GitHub Enterprise Server, self-hosted runner, first attempt implied.
        var ghes = env
        ghes["GITHUB_SERVER_URL"] = "https://ghe.example.com/"
        ghes["RUNNER_ENVIRONMENT"] = "self-hosted"
        ghes["GITHUB_RUN_ATTEMPT"] = nil
        let ci = try XCTUnwrap(CIEnvironment.detect(ghes))
        XCTAssertEqual(ci.builderID, "https://ghe.example.com/actions/runner/self-hosted")
        XCTAssertEqual(ci.invocationID, "https://ghe.example.com/slsa-framework/example-package/actions/runs/2700464408/attempts/1")
    }

    func testGitLabCI() {
        let base = ["GITLAB_CI": "true", "CI_SERVER_URL": "https://gitlab.com", "CI_PROJECT_URL": "https://gitlab.com/group/sub/app",
                    "CI_PROJECT_PATH": "group/sub/app", "CI_COMMIT_SHA": sha, "CI_JOB_URL": "https://gitlab.com/group/sub/app/-/jobs/4089072540",
                    "CI_PIPELINE_ID": "1001", "CI_RUNNER_ID": "12270831", "CI_JOB_NAME": "build",
                    "CI_REPOSITORY_URL": "https://gitlab-ci-token:[MASKED]@gitlab.com/group/sub/app.git"]
        var tag = base
        tag["CI_COMMIT_TAG"] = "v1.2.0"
        tag["CI_COMMIT_REF_NAME"] = "v1.2.0"
        check(tag, Expected(name: "GitLab CI", builderID: "https://gitlab.com/group/sub/app/-/runners/12270831",
                            invocationID: "https://gitlab.com/group/sub/app/-/jobs/4089072540",
                            sourceURI: "git+https://gitlab.com/group/sub/app", sourceRef: "refs/tags/v1.2.0", commit: sha))
        var branch = base
        branch["CI_COMMIT_BRANCH"] = "main"
        branch["CI_COMMIT_REF_NAME"] = "main"
        branch["CI_COMMIT_TAG"] = ""
        XCTAssertEqual(CIEnvironment.detect(branch)?.sourceRef, "refs/heads/main")
    }

    func testJenkins() {
        let env = ["JENKINS_URL": "https://ci.example.com/jenkins/", "BUILD_URL": "https://ci.example.com/jenkins/job/app/153/",
                   "GIT_URL": "https://deploy:token@git.example.com/team/app.git", "GIT_BRANCH": "origin/main",
                   "GIT_COMMIT": sha, "JOB_NAME": "app", "BUILD_NUMBER": "153"]
        check(env, Expected(name: "Jenkins", builderID: "https://ci.example.com/jenkins",
                            invocationID: "https://ci.example.com/jenkins/job/app/153/",
                            sourceURI: "git+https://git.example.com/team/app", sourceRef: "refs/heads/main", commit: sha))
        var multibranchTag = env
        multibranchTag["BRANCH_NAME"] = "v2.0"
        multibranchTag["TAG_NAME"] = "v2.0"
        multibranchTag["GIT_BRANCH"] = "v2.0"
        XCTAssertEqual(CIEnvironment.detect(multibranchTag)?.sourceRef, "refs/tags/v2.0")
        var pullRequest = env
        pullRequest["BRANCH_NAME"] = "PR-24"
        pullRequest["CHANGE_ID"] = "24"
        XCTAssertEqual(CIEnvironment.detect(pullRequest)?.sourceRef, "refs/heads/main")
    }

    func testCircleCI() {
        let env = ["CI": "true", "CIRCLECI": "true", "CIRCLE_BRANCH": "main", "CIRCLE_SHA1": sha,
                   "CIRCLE_BUILD_URL": "https://circleci.com/gh/org/app/123", "CIRCLE_REPOSITORY_URL": "git@github.com:org/app.git",
                   "CIRCLE_JOB": "build", "CIRCLE_WORKFLOW_ID": "6e0b7e3a-7b3f-4bd8-9d0e-2c4b0f7f3e11"]
        check(env, Expected(name: "CircleCI", builderID: "https://circleci.com", invocationID: "https://circleci.com/gh/org/app/123",
                            sourceURI: "git+https://github.com/org/app", sourceRef: "refs/heads/main", commit: sha))
        var tagged = env
        tagged["CIRCLE_TAG"] = "v3"
        XCTAssertEqual(CIEnvironment.detect(tagged)?.sourceRef, "refs/tags/v3")
    }

    func testBuildkite() {
        let env = ["BUILDKITE": "true", "BUILDKITE_ORGANIZATION_SLUG": "acme", "BUILDKITE_PIPELINE_SLUG": "app",
                   "BUILDKITE_BUILD_URL": "https://buildkite.com/acme/app/builds/42", "BUILDKITE_JOB_ID": "0190b5e2-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
                   "BUILDKITE_REPO": "git@github.com:acme/app.git", "BUILDKITE_BRANCH": "main", "BUILDKITE_TAG": "",
                   "BUILDKITE_COMMIT": sha]
        check(env, Expected(name: "Buildkite", builderID: "https://buildkite.com/acme",
                            invocationID: "https://buildkite.com/acme/app/builds/42#0190b5e2-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
                            sourceURI: "git+https://github.com/acme/app", sourceRef: "refs/heads/main", commit: sha))
        var symbolic = env
        symbolic["BUILDKITE_COMMIT"] = "HEAD"
        XCTAssertEqual(CIEnvironment.detect(symbolic)?.sourceDigest, [:], "HEAD is not a digest")
    }

    func testAzurePipelines() {
        let env = ["TF_BUILD": "True", "SYSTEM_COLLECTIONURI": "https://dev.azure.com/fabrikam/", "SYSTEM_TEAMPROJECT": "Fabrikam Fiber",
                   "BUILD_BUILDID": "1234", "BUILD_REPOSITORY_URI": "https://fabrikam@dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/app",
                   "BUILD_SOURCEBRANCH": "refs/heads/main", "BUILD_SOURCEVERSION": sha, "BUILD_DEFINITIONNAME": "app-ci"]
        check(env, Expected(name: "Azure Pipelines", builderID: "https://dev.azure.com/fabrikam",
                            invocationID: "https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_build/results?buildId=1234",
                            sourceURI: "git+https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/app", sourceRef: "refs/heads/main", commit: sha))
        var tfvc = env
        tfvc["BUILD_SOURCEBRANCH"] = "$/Fabrikam/main"
        XCTAssertNil(CIEnvironment.detect(tfvc)?.sourceRef)
    }

    func testBitbucketPipelines() {
        let env = ["CI": "true", "BITBUCKET_BUILD_NUMBER": "57", "BITBUCKET_COMMIT": sha, "BITBUCKET_TAG": "release-1",
                   "BITBUCKET_WORKSPACE": "acme", "BITBUCKET_REPO_SLUG": "app", "BITBUCKET_REPO_FULL_NAME": "acme/app",
                   "BITBUCKET_GIT_HTTP_ORIGIN": "http://bitbucket.org/acme/app",
                   "BITBUCKET_PIPELINE_UUID": "{b1e2c3d4-0000-4000-8000-000000000001}"]
        check(env, Expected(name: "Bitbucket Pipelines", builderID: "https://bitbucket.org/acme",
                            invocationID: "https://bitbucket.org/acme/app/addon/pipelines/home#!/results/57",
                            sourceURI: "git+https://bitbucket.org/acme/app", sourceRef: "refs/tags/release-1", commit: sha))
    }

    func testNoCIAndDisguisedValues() {
        XCTAssertNil(CIEnvironment.detect([:]))
        XCTAssertNil(CIEnvironment.detect(["CI": "true", "HOME": "/root", "GITHUB_ACTIONS": "false", "GITLAB_CI": "", "JENKINS_URL": " "]))
        let partial = CIEnvironment.detect(["GITHUB_ACTIONS": "true"])
        XCTAssertEqual(partial?.builderID, "https://github.com/actions/runner")
        XCTAssertNil(partial?.sourceURI)
        XCTAssertNil(partial?.invocationID)
        XCTAssertEqual(CIEnvironment.detect(["GITHUB_ACTIONS": "true", "GITHUB_SHA": "not-a-sha"])?.sourceDigest, [:])
    }

    func testFlagsWinOverTheEnvironment() throws {
        let detected = try XCTUnwrap(CIEnvironment.detect(["GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "org/app",
                                                           "GITHUB_REF": "refs/heads/main", "GITHUB_SHA": sha]))
        let builder = detected.merging(overrides: ProvenanceOverrides(builderID: "https://builders.example/prod"))
        XCTAssertEqual(builder.builderID, "https://builders.example/prod")
        XCTAssertEqual(builder.sourceRef, "refs/heads/main")

        let sameRepo = detected.merging(overrides: ProvenanceOverrides(sourceURI: "https://github.com/org/app.git", sourceRef: "refs/tags/v1"))
        XCTAssertEqual(sameRepo.sourceURI, "https://github.com/org/app.git")
        XCTAssertEqual(sameRepo.sourceRef, "refs/tags/v1")
        XCTAssertEqual(sameRepo.sourceDigest, ["gitCommit": sha], "the detected commit still describes the same repository")

        let other = detected.merging(overrides: ProvenanceOverrides(sourceURI: "git+https://github.com/org/other"))
        XCTAssertNil(other.sourceRef, "the CI's ref belongs to another repository")
        XCTAssertEqual(other.sourceDigest, [:])

        let digest = try ProvenanceSource.parseDigest("sha1:\(sha)")
        let full = detected.merging(overrides: ProvenanceOverrides(sourceURI: "git+https://github.com/org/other", sourceDigest: digest))
        XCTAssertEqual(full.sourceDigest, ["sha1": sha])

        let local = CIEnvironment(name: "").merging(overrides: ProvenanceOverrides(builderID: "https://me.example/laptop",
                                                                                   sourceURI: "git+https://github.com/org/app"))
        let predicate = try SLSAProvenanceV1(context: local).predicate
        XCTAssertNil(predicate["buildDefinition"]?["internalParameters"])
        XCTAssertEqual(predicate["buildDefinition"]?["externalParameters"], ["source": ["uri": "git+https://github.com/org/app"]])
    }
}
