import Attestation
import Foundation
import JSON
import XCTest

/// vouch's SLSA v1 builder (checked by the in-toto protobuf model), base images from labels,
/// timestamps, source URIs, and summary errors on hand-made predicates.
final class ProvenanceTests: XCTestCase {
    let commit = "4d329c75e7ec1725f7c9ce917a8799d408d06be3"
    let base = "8914eb54f968791faf6a8638949e480fef81e697984fba772b3976835194c6d4"
    let manifest = "e8275b2b76280af67e26f068e5d585eb905f8dfd2f1918b3229db98133cb4862"

    var context: CIEnvironment {
        CIEnvironment(name: "GitHub Actions", builderID: "https://github.com/actions/runner/github-hosted",
                      invocationID: "https://github.com/org/app/actions/runs/42/attempts/1",
                      sourceURI: "git+https://github.com/org/app", sourceRef: "refs/tags/v1.4",
                      sourceDigest: ["gitCommit": commit], details: ["runnerEnvironment": "github-hosted"])
    }

    func vouchProvenance() throws -> SLSAProvenanceV1 {
        let labels = [BaseImageDependencies.nameKey: "docker.io/library/debian:bookworm",
                      BaseImageDependencies.digestKey: "sha256:\(base)", "other": "x"]
        return try SLSAProvenanceV1(context: context, baseImages: try BaseImageDependencies.from(labels, platform: "linux/amd64"),
                                    extraExternalParameters: ["image": "ghcr.io/org/app:1.4", "source": "ignored"],
                                    vouchVersion: "0.3.0", startedOn: Date(timeIntervalSince1970: 1_700_000_000),
                                    finishedOn: Date(timeIntervalSince1970: 1_700_000_061.9))
    }

    func testVouchPredicateShape() throws {
        let p = try vouchProvenance().predicate
        let definition = try XCTUnwrap(p["buildDefinition"])
        XCTAssertEqual(definition.string("buildType"), SLSAProvenanceV1.vouchBuildType)
        XCTAssertEqual(definition["externalParameters"], [
            "source": ["uri": "git+https://github.com/org/app", "ref": "refs/tags/v1.4", "digest": ["gitCommit": .string(commit)]],
            "image": "ghcr.io/org/app:1.4",
        ])
        XCTAssertEqual(definition["internalParameters"], ["ci": ["name": "GitHub Actions", "runnerEnvironment": "github-hosted"]])
        XCTAssertEqual(definition["resolvedDependencies"], [
            ["uri": "git+https://github.com/org/app@refs/tags/v1.4", "digest": ["gitCommit": .string(commit)]],
            ["uri": "pkg:docker/debian@bookworm?platform=linux%2Famd64", "digest": ["sha256": .string(base)]],
        ])
        XCTAssertEqual(p["runDetails"], [
            "builder": ["id": "https://github.com/actions/runner/github-hosted", "version": ["vouch": "0.3.0"]],
            "metadata": ["invocationId": "https://github.com/org/app/actions/runs/42/attempts/1",
                         "startedOn": "2023-11-14T22:13:20Z", "finishedOn": "2023-11-14T22:14:21Z"],
        ])
    }

    func testVouchProvenanceReadsBackThroughTheSummary() throws {
        let statement = try vouchProvenance().statement(subjects: [ResourceDescriptor(name: "pkg:docker/ghcr.io/org/app@1.4", digest: ["sha256": manifest])])
        let reread = try InTotoStatement(data: statement.serialized())
        let s = try ProvenanceSummary.parse(reread)
        XCTAssertEqual(s.version, .v1)
        XCTAssertEqual(s.builderID, "https://github.com/actions/runner/github-hosted")
        XCTAssertEqual(s.buildType, SLSAProvenanceV1.vouchBuildType)
        XCTAssertEqual(s.sourceURI, "git+https://github.com/org/app")
        XCTAssertEqual(s.sourceRef, "refs/tags/v1.4")
        XCTAssertEqual(s.sourceDigest, ["gitCommit": commit])
        XCTAssertEqual(s.externalParameterKeys, ["source", "image"])
        XCTAssertEqual(s.invocationID, "https://github.com/org/app/actions/runs/42/attempts/1")
        XCTAssertEqual(s.startedOn, Date(timeIntervalSince1970: 1_700_000_000))
        XCTAssertEqual(s.finishedOn, Date(timeIntervalSince1970: 1_700_000_061))
        XCTAssertEqual(s.materials.count, 2)
        XCTAssertTrue(s.sourceMatches("github.com/org/app") && s.sourceMatches("https://github.com/org/app.git"))
        XCTAssertFalse(s.sourceMatches("http://github.com/org/app") || s.sourceMatches("github.com/org/app2"))
        XCTAssertTrue(s.refMatches("v1.4") && s.refMatches("refs/tags/v1.4"))
        XCTAssertFalse(s.refMatches("refs/heads/v1.4") || s.refMatches("v1"))
        XCTAssertTrue(reread.matchesSubject(digest: "sha256:\(manifest)"))
    }

    func testBuilderRequiresBuilderIDAndBuildType() throws {
        func field(_ body: () throws -> Any) -> String? {
            do { _ = try body(); return nil } catch { return (error as? InTotoError)?.field }
        }
        var noBuilder = context
        noBuilder.builderID = nil
        XCTAssertEqual(field { try SLSAProvenanceV1(context: noBuilder) }, "predicate.runDetails.builder.id")
        XCTAssertEqual(field { try SLSAProvenanceV1(buildType: "", builderID: "https://b") }, "predicate.buildDefinition.buildType")
        XCTAssertEqual(field { try SLSAProvenanceV1(builderID: "my builder") }, "predicate.runDetails.builder.id")
        XCTAssertEqual(field { try SLSAProvenanceV1(buildType: "no-scheme", builderID: "https://b") }, "predicate.buildDefinition.buildType")
        XCTAssertEqual(field { try SLSAProvenanceV1(builderID: "https://b", startedOn: Date(timeIntervalSince1970: 1e12)) },
                       "predicate.runDetails.metadata.startedOn")
        XCTAssertNil(field { try SLSAProvenanceV1(builderID: "urn:example:builder") })
        let minimal = try SLSAProvenanceV1(builderID: "https://b").predicate
        XCTAssertEqual(minimal, ["buildDefinition": ["buildType": .string(SLSAProvenanceV1.vouchBuildType), "externalParameters": [:]],
                                 "runDetails": ["builder": ["id": "https://b"]]])
    }

    /// The official in-toto bindings load the Statement and the SLSA v1 predicate into their
    /// protobuf model, which rejects unknown fields; a BuildKit-style extension field proves it does.
    func testInTotoValidatorAcceptsVouchProvenance() throws {
        let python = try OutsideTool.venvTool("python")
        let validator = SharedData.root.deletingLastPathComponent().appendingPathComponent("tools/validators/intoto-validate.py").path
        guard FileManager.default.fileExists(atPath: validator) else { throw XCTSkip("\(validator) is absent") }
        let dir = try OutsideTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let statement = try vouchProvenance().statement(subjects: [ResourceDescriptor(name: "app", digest: ["sha256": manifest])])
        let good = dir.appendingPathComponent("vouch.json")
        try statement.serialized().write(to: good)
        var (status, output) = try OutsideTool.run(python, [validator, good.path])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("VALID") && output.contains("predicateType=https://slsa.dev/provenance/v1"), output)

        guard case .object(var p) = statement.predicate, case .object(var run)? = p["runDetails"],
              case .object(var metadata)? = run["metadata"] else { return XCTFail("unexpected predicate shape") }
        metadata["buildkit_reproducible"] = false
        run["metadata"] = .object(metadata)
        p["runDetails"] = .object(run)
        var extended = statement
        extended.predicate = .object(p)
        let bad = dir.appendingPathComponent("extended.json")
        try extended.serialized().write(to: bad)
        (status, output) = try OutsideTool.run(python, [validator, bad.path])
        XCTAssertNotEqual(status, 0, output)
        XCTAssertTrue(output.contains("INVALID"), output)
    }

    func testBaseImagesFromLabels() throws {
        XCTAssertEqual(try BaseImageDependencies.from(["x": "y"]), [])
        let pinned = try BaseImageDependencies.from([BaseImageDependencies.nameKey: "ghcr.io/org/base@sha256:\(base)"])
        XCTAssertEqual(pinned, [ResourceDescriptor(uri: "pkg:docker/ghcr.io/org/base?digest=sha256:\(base)", digest: ["sha256": base])])
        let unpinned = try BaseImageDependencies.from([BaseImageDependencies.nameKey: "alpine:3.20"], platform: "linux/arm64")
        XCTAssertEqual(unpinned, [ResourceDescriptor(uri: "pkg:docker/alpine@3.20?platform=linux%2Farm64")])
        let broken: [[String: String]] = [
            [BaseImageDependencies.nameKey: "debian", BaseImageDependencies.digestKey: "sha256:1234"],
            [BaseImageDependencies.nameKey: "debian", BaseImageDependencies.digestKey: base],
            [BaseImageDependencies.nameKey: "Not A Ref!"],
            [BaseImageDependencies.nameKey: "debian@sha256:\(base)", BaseImageDependencies.digestKey: "sha256:\(manifest)"],
        ]
        for labels in broken {
            XCTAssertThrowsError(try BaseImageDependencies.from(labels)) { error in
                XCTAssertTrue((error as? InTotoError)?.field.hasPrefix("labels[org.opencontainers.image.base.") == true, "\(error)")
            }
        }
    }

    func testTimestamps() {
        XCTAssertEqual(ProvenanceTimestamp.parse("2022-12-08T11:48:59.466513707Z")?.timeIntervalSince1970 ?? 0, 1_670_500_139.4665, accuracy: 0.001)
        XCTAssertEqual(ProvenanceTimestamp.parse("2022-07-19T15:39:15-05:00"), ProvenanceTimestamp.parse("2022-07-19T20:39:15Z"))
        XCTAssertEqual(ProvenanceTimestamp.parse("2024-02-29T00:00:00Z").flatMap(ProvenanceTimestamp.format), "2024-02-29T00:00:00Z")
        XCTAssertEqual(ProvenanceTimestamp.format(Date(timeIntervalSince1970: -1)), "1969-12-31T23:59:59Z")
        XCTAssertEqual(ProvenanceTimestamp.parse("0001-01-01T00:00:00Z").flatMap(ProvenanceTimestamp.format), "0001-01-01T00:00:00Z")
        for bad in ["2023-02-29T00:00:00Z", "2022-13-01T00:00:00Z", "2022-12-08 11:48:59", "2022-12-08T11:48:59.Z",
                    "2022-12-08T24:00:00Z", "2022-12-08T11:48:59+0100", "yesterday", "2022-12-08T11:48:59Zjunk", ""] {
            XCTAssertNil(ProvenanceTimestamp.parse(bad), bad)
        }
    }

    func testSourceHelpers() throws {
        let cases: [(String, String?)] = [
            ("https://gitlab-ci-token:secret@gitlab.com/group/proj.git", "git+https://gitlab.com/group/proj"),
            ("git@github.com:org/repo.git", "git+https://github.com/org/repo"),
            ("ssh://git@bitbucket.example:7999/proj/repo.git", "git+https://bitbucket.example/proj/repo"),
            ("https://org@dev.azure.com/org/project/_git/repo", "git+https://dev.azure.com/org/project/_git/repo"),
            ("https://GitHub.com/Org/Repo/", "git+https://github.com/Org/Repo"),
            ("http://bitbucket.org/ws/repo", "git+http://bitbucket.org/ws/repo"),
            ("/srv/git/repo", nil), ("ftp://h/r", nil), ("https://host", nil),
        ]
        for (url, want) in cases { XCTAssertEqual(ProvenanceSource.gitURI(fromRepositoryURL: url), want, url) }
        XCTAssertEqual(try ProvenanceSource.parseDigest(commit.uppercased()), ["gitCommit": commit])
        XCTAssertEqual(try ProvenanceSource.parseDigest("sha1:\(commit)"), ["sha1": commit])
        for bad in ["abc", "sha1:xyz", "sha256:\(commit)", ""] { XCTAssertThrowsError(try ProvenanceSource.parseDigest(bad), bad) }
        XCTAssertTrue(ProvenanceSource.splitRef("https://github.com/moby/buildkit.git#refs/tags/v0.11.0:sub") == ("https://github.com/moby/buildkit.git", "refs/tags/v0.11.0"))
        XCTAssertTrue(ProvenanceSource.splitRef("git+https://gitlab.com/p/r@@refs/heads/b") == ("git+https://gitlab.com/p/r", "refs/heads/b"))
        XCTAssertTrue(ProvenanceSource.splitRef("gs://bucket/source.tgz#1665165361152729") == ("gs://bucket/source.tgz#1665165361152729", nil))
    }

    /// BuildKit's docs: the full statements of slsa-provenance.md, and slsa-definitions.md's per-field
    /// fragments merged into one v1 and one v0.2 predicate (`...` elisions removed).
    func testBuildKitDocumentationExamples() throws {
        let docs = "examples/provenance/buildkit/docs/attestations/"
        let provenance = String(decoding: try SharedData.data(docs + "slsa-provenance.md"), as: UTF8.self)
        let statements = try jsonBlocks(provenance).compactMap { try? JSON.parse($0) }.filter { $0["_type"] != nil }
        XCTAssertEqual(statements.count, 2)
        for json in statements {
            let s = try ProvenanceSummary.parse(try InTotoStatement(json: json))
            XCTAssertEqual(s.buildType, "https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md")
            XCTAssertEqual(s.builderID, "")
            XCTAssertEqual(s.entryPoint, "Dockerfile")
            XCTAssertEqual(s.externalParameterKeys, ["configSource", "request"])
            XCTAssertEqual(s.materials.first?.uri, "pkg:docker/alpine@latest?platform=linux%2Famd64")
            XCTAssertNil(s.sourceURI, "a local build has no source repository")
        }
        let definitions = String(decoding: try SharedData.data(docs + "slsa-definitions.md"), as: UTF8.self)
        let sections = definitions.components(separatedBy: "\n## SLSA v0.2")
        XCTAssertEqual(sections.count, 2)
        for (section, type) in zip(sections, [PredicateType.slsaProvenanceV1, PredicateType.slsaProvenanceV02]) {
            var predicate = JSON.object(JSONObject())
            for block in try jsonBlocks(section) { predicate = merge(predicate, try fragment(block)) }
            let s = try ProvenanceSummary.parse(predicateType: type, predicate: predicate)
            XCTAssertEqual(s.builderID, "https://github.com/docker/buildx/actions/runs/3709599520", type)
            XCTAssertEqual(s.sourceURI, "https://github.com/moby/buildkit.git", type)
            XCTAssertEqual(s.sourceRef, "refs/tags/v0.11.0", type)
            XCTAssertEqual(s.sourceDigest, ["sha1": "4b220de5058abfd01ff619c9d2ff6b09a049bea0"], type)
            XCTAssertEqual(s.entryPoint, "Dockerfile", type)
            XCTAssertEqual(s.invocationID, "rpv7a389uzil5lqmrgwhijwjz", type)
            XCTAssertEqual(s.startedOn, ProvenanceTimestamp.parse("2021-11-17T15:00:00Z"), type)
            XCTAssertEqual(s.finishedOn, ProvenanceTimestamp.parse("2021-11-17T15:01:00Z"), type)
            XCTAssertTrue(s.materials.contains { $0.uri == "pkg:docker/alpine@3.17?platform=linux%2Famd64" }, type)
        }
    }

    func jsonBlocks(_ markdown: String) throws -> [String] {
        markdown.components(separatedBy: "```json\n").dropFirst().compactMap { $0.components(separatedBy: "```").first }
    }

    /// A documentation fragment as JSON: `...` lines and `{...}` elisions dropped, trailing commas
    /// removed, a bare member list wrapped in braces.
    func fragment(_ block: String) throws -> JSON {
        var text = block.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !["...", "...,"].contains($0.trimmingCharacters(in: .whitespaces)) }.joined(separator: "\n")
        text = text.replacingOccurrences(of: "{...}", with: "{}").replacingOccurrences(of: "[...]", with: "[]")
        text = text.replacingOccurrences(of: #",(\s*[}\]])"#, with: "$1", options: .regularExpression)
        text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasSuffix(",") { text.removeLast() }
        if text.hasPrefix("\"") { text = "{" + text + "}" }
        return try JSON.parse(text)
    }

    func merge(_ a: JSON, _ b: JSON) -> JSON {
        guard case .object(var left) = a, case .object(let right) = b else { return b }
        for (k, v) in right { left[k] = left[k].map { merge($0, v) } ?? v }
        return .object(left)
    }

    func testSummaryErrorsNameTheField() {
        func failure(_ type: String, _ predicate: String) -> InTotoError? {
            do {
                _ = try ProvenanceSummary.parse(predicateType: type, predicate: try JSON.parse(predicate))
                return nil
            } catch { return error as? InTotoError }
        }
        let v1 = PredicateType.slsaProvenanceV1, v02 = PredicateType.slsaProvenanceV02
        let e = failure(v1, #"{"buildDefinition":{"buildType":"https://t"},"runDetails":{"builder":{"id":42}}}"#)
        XCTAssertEqual(e?.description, "predicate.runDetails.builder.id: expected a string, found a number")
        XCTAssertEqual(failure(v1, #"{"buildDefinition":{"buildType":"https://t"},"runDetails":{}}"#)?.field, "predicate.runDetails.builder.id")
        XCTAssertEqual(failure(v1, #"{"runDetails":{"builder":{"id":"b"}}}"#)?.field, "predicate.buildDefinition.buildType")
        XCTAssertEqual(failure(v1, #"{"buildDefinition":[],"runDetails":{"builder":{"id":"b"}}}"#)?.field, "predicate.buildDefinition")
        XCTAssertEqual(failure(v1, #"{"buildDefinition":{"buildType":"t","resolvedDependencies":[{"digest":{"sha1":1}}]},"runDetails":{"builder":{"id":"b"}}}"#)?.field,
                       "predicate.buildDefinition.resolvedDependencies[0].digest.sha1")
        XCTAssertEqual(failure(v1, #"{"buildDefinition":{"buildType":"t"},"runDetails":{"builder":{"id":"b"},"metadata":{"startedOn":"noon"}}}"#)?.field,
                       "predicate.runDetails.metadata.startedOn")
        XCTAssertEqual(failure(v02, #"{"buildType":"t"}"#)?.field, "predicate.builder.id")
        XCTAssertEqual(failure(v02, #"{"builder":{"id":"b"},"buildType":"t","invocation":{"configSource":{"uri":["x"]}}}"#)?.field,
                       "predicate.invocation.configSource.uri")
        XCTAssertEqual(failure(v02, #"{"builder":{"id":"b"},"buildType":"t","materials":{}}"#)?.field, "predicate.materials")
        XCTAssertEqual(failure(v02, "[]")?.field, "predicate")
        XCTAssertEqual(failure("https://slsa.dev/provenanc/v0.2", "{}")?.field, "predicateType")
    }

    func testSummaryFindsSourcesInEachShape() throws {
        func summary(_ type: String, _ predicate: String) throws -> ProvenanceSummary {
            try ProvenanceSummary.parse(predicateType: type, predicate: try JSON.parse(predicate))
        }
        let gitlab = try summary(PredicateType.slsaProvenanceV1, #"{"buildDefinition":{"buildType":"https://gitlab.com/gitlab-org/gitlab-runner/-/blob/v16/PROVENANCE.md","externalParameters":{"source":"https://gitlab.com/g/p","entryPoint":"build"}},"runDetails":{"builder":{"id":"https://gitlab.com/g/p/-/runners/1"}}}"#)
        XCTAssertEqual(gitlab.sourceURI, "https://gitlab.com/g/p")
        XCTAssertEqual(gitlab.entryPoint, "build")
        let github02 = try summary(PredicateType.slsaProvenanceV02, #"{"builder":{"id":"b"},"buildType":"t","invocation":{"environment":{"github_repository":"org/r","github_ref":"refs/heads/main","github_sha1":"\#(commit)"}}}"#)
        XCTAssertEqual(github02.sourceURI, "git+https://github.com/org/r")
        XCTAssertEqual(github02.sourceRef, "refs/heads/main")
        XCTAssertEqual(github02.sourceDigest, ["sha1": commit])
        let none = try summary(PredicateType.slsaProvenanceV1, #"{"buildDefinition":{"buildType":"t","externalParameters":{"source":7}},"runDetails":{"builder":{"id":""}}}"#)
        XCTAssertNil(none.sourceURI)
        XCTAssertEqual(none.builderID, "")
        XCTAssertTrue(try summary(PredicateType.slsaProvenanceV02, #"{"builder":{"id":"https://g/w.yml@refs/tags/v1.2.0"},"buildType":"t"}"#).builderMatches("https://g/w.yml"))
    }
}
