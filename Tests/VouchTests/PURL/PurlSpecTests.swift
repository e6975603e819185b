import Foundation
import JSON
import XCTest
@testable import SBOM

/// Runs every case of the official purl-spec test suite (tests/spec/specification-test.json and
/// tests/types/*-test.json): `parse` compares decoded components, `build` compares the canonical string
/// built from components, `validate` (called "roundtrip" in older suites) parses and compares the canonical
/// string. Each failure names the file, the case index, its description and its input.
final class PurlSpecTests: XCTestCase {
    static let suiteRoot = "fixtures/purl-spec/tests"

    /// Cases the suite itself contradicts. Each is identified exactly and is still run: if one starts to
    /// agree with us, the test fails so the entry gets removed rather than silently rotting.
    static let contested: [ContestedCase] = [
        ContestedCase(
            file: "types/gem-test.json", testType: "parse", input: "pkg:gem/jruby-launcher@1.1.2?Platform=java",
            reason: "expects a parse failure for an upper-case qualifier key (the standard says keys MUST be lower case), "
                + "while the `validate` case with the same input expects `platform=java` and maven's parse cases lower-case "
                + "`repositorY_url`. One parser cannot pass both; we lower-case keys, as the majority of cases expect."),
        ContestedCase(
            file: "types/rpm-test.json", testType: "parse", input: "pkg:Rpm/fedora/curl@7.50.3-1.fc25?Arch=i386&Distro=fedora-25",
            reason: "same contradiction as gem: the `validate` case with this input expects `arch=i386&distro=fedora-25`."),
        ContestedCase(
            file: "types/git-test.json", testType: "validate", input: "pkg:git/github/Package-url/purl-Spec@244fd47e07d1004f0aed9c",
            reason: "expects the namespace and name lower-cased, but git-definition.json marks both "
                + "`case_sensitive: true` (git hosts and paths are case-sensitive); we follow the type definition."),
    ]

    struct ContestedCase {
        let file: String, testType: String, input: String, reason: String
    }

    struct Outcome {
        var ran = 0
        var failures: [String] = []
        var contestedSeen: Set<String> = []
    }

    func testEveryCaseOfTheOfficialSuite() throws {
        let root = try SharedData.path(Self.suiteRoot)
        let typeFiles = try FileManager.default.contentsOfDirectory(atPath: root + "/types")
            .filter { $0.hasSuffix("-test.json") }.sorted().map { "types/" + $0 }
        let files = ["spec/specification-test.json"] + typeFiles
        XCTAssertGreaterThan(typeFiles.count, 30, "the suite should hold a test file per purl type")

        var outcome = Outcome()
        var total = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: root + "/" + file) else {
                XCTFail("cannot read \(file)"); continue
            }
            let doc = try JSON.parse(data)
            let cases = doc.array("tests")
            XCTAssertFalse(cases.isEmpty, "\(file) has no tests")
            total += cases.count
            for (index, c) in cases.enumerated() { run(c, file: file, index: index, into: &outcome) }
        }

        for failure in outcome.failures { XCTFail(failure) }
        for c in Self.contested where !outcome.contestedSeen.contains(c.file + "|" + c.testType + "|" + c.input) {
            XCTFail("contested case no longer in the suite (remove it from the list): \(c.file) \(c.testType) \(c.input)")
        }
        XCTAssertEqual(outcome.ran + Self.contested.count, total, "every case is either run or listed as contested")
        XCTAssertGreaterThan(outcome.ran, 500)
    }

    /// Every purl syft, trivy and bom wrote into the real SBOMs parses without the type rules (which some
    /// break: syft writes `pkg:golang/go.opencensus.io@v0.22.3` without a namespace), and its canonical form
    /// parses back to the same components and the same string.
    func testRealWorldPurlsRoundTrip() throws {
        let root = try SharedData.path("sboms")
        guard let walker = FileManager.default.enumerator(atPath: root) else { throw XCTSkip("cannot list \(root)") }
        var purls: Set<String> = []
        while let f = walker.nextObject() as? String {
            guard f.hasSuffix(".json"), let data = FileManager.default.contents(atPath: root + "/" + f) else { continue }
            collectPurls(try JSON.parse(data), into: &purls)
        }
        XCTAssertGreaterThan(purls.count, 3000)
        var offSpec: [String] = []
        for text in purls.sorted() {
            do {
                let purl = try PackageURL(parsing: text, enforcingTypeRules: false)
                let again = try PackageURL(parsing: purl.description, enforcingTypeRules: false)
                XCTAssertEqual(again, purl, "\(text) → \(purl.description)")
                XCTAssertEqual(again.description, purl.description, text)
            } catch {
                XCTFail("\(text): \(error)")
            }
            if (try? PackageURL(parsing: text)) == nil { offSpec.append(text) }
        }
        XCTAssertTrue(offSpec.contains("pkg:golang/go.opencensus.io@v0.22.3"), "strict parsing applies golang's namespace rule")
        XCTAssertTrue(offSpec.allSatisfy { $0.hasPrefix("pkg:golang/") }, "only namespace-less Go modules break a type rule: \(offSpec)")
    }

    private func collectPurls(_ json: JSON, into out: inout Set<String>) {
        switch json {
        case .string(let s) where s.hasPrefix("pkg:"): out.insert(s)
        case .array(let a): for v in a { collectPurls(v, into: &out) }
        case .object(let o): for (_, v) in o { collectPurls(v, into: &out) }
        default: break
        }
    }

    private func run(_ c: JSON, file: String, index: Int, into outcome: inout Outcome) {
        let testType = c.string("test_type") ?? "?"
        let description = c.string("description") ?? "?"
        let expectFailure = c["expected_failure"]?.bool ?? false
        let inputText = c["input"]?.string ?? c["input"].map { $0.serializedString([]) } ?? "null"
        let label = "\(file)#\(index) [\(testType)\(expectFailure ? ", expected failure" : "")] \(description) — input: \(inputText)"

        if let contested = Self.contested.first(where: { $0.file == file && $0.testType == testType && $0.input == inputText }) {
            outcome.contestedSeen.insert(contested.file + "|" + contested.testType + "|" + contested.input)
            if check(c, testType: testType, expectFailure: expectFailure) == nil {
                outcome.failures.append("contested case now agrees with the suite; remove it from the list: \(label)")
            }
            return
        }
        outcome.ran += 1
        if let problem = check(c, testType: testType, expectFailure: expectFailure) {
            outcome.failures.append("\(label): \(problem)")
        }
    }

    /// nil when the case passes; otherwise what went wrong.
    private func check(_ c: JSON, testType: String, expectFailure: Bool) -> String? {
        switch testType {
        case "parse":
            guard let input = c["input"]?.string else { return "parse input is not a string" }
            do {
                let purl = try PackageURL(parsing: input)
                if expectFailure { return "parsed as \(purl.description) but the suite expects a failure" }
                guard let expected = c["expected_output"], expected.object != nil else { return "no expected components" }
                return compare(purl, expected)
            } catch {
                return expectFailure ? nil : "parse threw \(error)"
            }
        case "build":
            guard let input = c["input"], input.object != nil else { return "build input is not an object" }
            let purl = PackageURL(type: input.string("type") ?? "", namespace: input.string("namespace"),
                                  name: input.string("name") ?? "", version: input.string("version"),
                                  qualifiers: qualifiers(input["qualifiers"]), subpath: input.string("subpath"))
            do {
                try purl.validate()
                if expectFailure { return "built \(purl.description) but the suite expects a failure" }
                let expected = c.string("expected_output") ?? "<none>"
                return purl.description == expected ? nil : "built \(purl.description), expected \(expected)"
            } catch {
                return expectFailure ? nil : "build validation threw \(error)"
            }
        case "validate", "roundtrip":
            guard let input = c["input"]?.string else { return "input is not a string" }
            do {
                let purl = try PackageURL(parsing: input)
                if expectFailure { return "parsed as \(purl.description) but the suite expects a failure" }
                let expected = c.string("expected_output") ?? "<none>"
                return purl.description == expected ? nil : "canonical form \(purl.description), expected \(expected)"
            } catch {
                return expectFailure ? nil : "parse threw \(error)"
            }
        default:
            return "unknown test_type \(testType)"
        }
    }

    private func compare(_ purl: PackageURL, _ expected: JSON) -> String? {
        var diffs: [String] = []
        func field(_ name: String, _ actual: String?) {
            let want = expected.string(name)
            if actual != want { diffs.append("\(name) \(actual.map { "'\($0)'" } ?? "nil") ≠ \(want.map { "'\($0)'" } ?? "nil")") }
        }
        field("type", purl.type)
        field("namespace", purl.namespace)
        field("name", purl.name)
        field("version", purl.version)
        field("subpath", purl.subpath)
        let wantQualifiers = qualifiers(expected["qualifiers"])
        if purl.qualifiers != wantQualifiers { diffs.append("qualifiers \(purl.qualifiers) ≠ \(wantQualifiers)") }
        return diffs.isEmpty ? nil : diffs.joined(separator: "; ")
    }

    private func qualifiers(_ json: JSON?) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in json?.object ?? JSONObject() { if let s = v.string { out[k] = s } }
        return out
    }
}
