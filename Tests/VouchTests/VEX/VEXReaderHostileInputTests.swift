import Foundation
import JSON
import XCTest
@testable import VEX

/// Broken and hostile documents, made by damaging real ones (Node.js's OpenVEX document, trivy's)
/// where a real document can carry the damage: a bad statement costs only itself, a bad document
/// fails with a message naming it, and nothing crashes or hangs.
final class VEXReaderHostileInputTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        try SharedData.require()
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vex-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    /// Node.js's document with statement `index` changed by `edit`.
    private func node(editing index: Int, _ edit: (inout JSONObject) -> Void) throws -> VEXDocument {
        guard case .object(var root) = try JSON.parse(SharedData.data("examples/openvex/nodejs/node.openvex.json")),
              case .array(var statements)? = root["statements"], case .object(var s) = statements[index]
        else { throw XCTSkip("node.openvex.json changed shape") }
        edit(&s)
        statements[index] = .object(s)
        root["statements"] = .array(statements)
        return try VEXDocumentReader().read(JSON.object(root).serialized(), location: "node.openvex.json")
    }

    private func assertOneProblem(_ d: VEXDocument, at index: Int, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(d.statements.count, 182, "the other statements still read", file: file, line: line)
        XCTAssertFalse(d.statements.contains { $0.origin.statementIndex == index }, file: file, line: line)
        XCTAssertEqual(d.problems.map(\.description), [expected], file: file, line: line)
    }

    func testUnknownStatusSkipsOnlyThatStatement() throws {
        let d = try node(editing: 2) { $0["status"] = "maybe" }
        assertOneProblem(d, at: 2, "node.openvex.json statement 3: CVE-2015-6764: unknown status \"maybe\" (expected not_affected, affected, fixed, under_investigation)")
        XCTAssertEqual(d.statements[2].origin.statementIndex, 3, "positions are the file's, not the survivors'")
    }

    func testNotAffectedNeedsJustificationOrImpact() throws {
        let d = try node(editing: 131) { $0["justification"] = nil; $0["impact_statement"] = nil }
        assertOneProblem(d, at: 131, "node.openvex.json statement 132: CVE-2023-45853: not_affected without a justification or impact_statement")
        // Either one alone is enough.
        XCTAssertTrue(try node(editing: 131) { $0["justification"] = nil }.problems.isEmpty)
        XCTAssertTrue(try node(editing: 131) { $0["impact_statement"] = nil }.problems.isEmpty)
    }

    func testUnknownJustificationMissingIDBadPurlBadTime() throws {
        assertOneProblem(try node(editing: 131) { $0["justification"] = "it_is_fine" }, at: 131,
                         "node.openvex.json statement 132: CVE-2023-45853: unknown justification \"it_is_fine\" (expected component_not_present, vulnerable_code_not_present, vulnerable_code_not_in_execute_path, vulnerable_code_cannot_be_controlled_by_adversary, inline_mitigations_already_exist)")
        assertOneProblem(try node(editing: 0) { $0["vulnerability"] = ["description": "no name"] }, at: 0,
                         "node.openvex.json statement 1: missing vulnerability id (vulnerability is (an object))")
        assertOneProblem(try node(editing: 0) { $0["products"] = [["@id": "pkg:nodejs"]] }, at: 0,
                         "node.openvex.json statement 1: CVE-2015-3193: products[0].@id \"pkg:nodejs\" is not a valid purl: purl has no name")
        assertOneProblem(try node(editing: 0) { $0["timestamp"] = "yesterday" }, at: 0,
                         "node.openvex.json statement 1: CVE-2015-3193: timestamp \"yesterday\" is not an RFC 3339 time")
        assertOneProblem(try node(editing: 0) { $0["products"] = "pkg:nodejs/node@v5.1.1" }, at: 0,
                         "node.openvex.json statement 1: CVE-2015-3193: products is \"pkg:nodejs/node@v5.1.1\", not an array")
    }

    func testWholeDocumentFailuresNameTheFile() throws {
        let real = try SharedData.data("examples/openvex/nodejs/node.openvex.json")
        let cases: [(Data, String)] = [
            (real.prefix(5000), "is not valid JSON: invalid JSON at line"),
            (Data("{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": {}}".utf8), "statements is (an object), not an array"),
            (Data("{\"@context\": \"https://openvex.dev/ns/v0.2.0\"}".utf8), "is an OpenVEX document without a statements array"),
            (Data("{\"@context\": \"https://openvex.dev/ns/v9.9.9\", \"statements\": []}".utf8), "is an OpenVEX version this reader does not know"),
            (Data("{}".utf8), "is not a VEX document"),
            (Data("   \n".utf8), "is empty"),
            (Data([0xFF, 0xFE, 0x00, 0x41]), "is neither JSON nor UTF-8 YAML text"),
        ]
        for (data, expected) in cases {
            XCTAssertThrowsError(try VEXDocumentReader().read(data, location: "doc.json")) { error in
                let text = "\(error)"
                XCTAssertTrue(text.hasPrefix("doc.json: ") && text.contains(expected), text)
            }
        }
        // trivy's deliberately unknown document, by path.
        let unknown = try SharedData.path("examples/trivy/pkg/vex/testdata/unknown.json")
        XCTAssertThrowsError(try VEXDocumentReader().read(contentsOf: unknown)) { error in
            XCTAssertEqual("\(error)", "\(unknown): is not a VEX document (no OpenVEX @context or statements, no CycloneDX bomFormat, no CSAF document.csaf_version)")
        }
    }

    func testDepthBombs() throws {
        // Deeper than jansson allows, and deeper than the tree conversion allows (but within jansson's limit).
        for depth in [100_000, 1_000] {
            let bomb = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let doc = "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{\"products\": \(bomb)}]}"
            XCTAssertThrowsError(try VEXDocumentReader().read(Data(doc.utf8), location: "bomb.json")) { error in
                XCTAssertTrue("\(error)".hasPrefix("bomb.json: is not valid JSON"), "\(error)")
            }
        }
        let yamlBombs = [
            "statements:\n  - products: " + String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000) + "\n",
            "statements:\n" + (0..<300).map { String(repeating: " ", count: $0 + 2) + "- \n" }.joined(),
            "statements:\n  - " + String(repeating: "- ", count: 10_000) + "x\n",
            // A billion laughs: every level doubles the one before.
            "a0: &a0 [x, x]\n" + (1..<40).map { "a\($0): &a\($0) [*a\($0 - 1), *a\($0 - 1)]\n" }.joined() + "statements: [*a39]\n",
        ]
        for (i, yaml) in yamlBombs.enumerated() {
            let started = Date()
            XCTAssertThrowsError(try VEXDocumentReader().read(Data(yaml.utf8), location: "bomb.yaml"), "bomb \(i)") { error in
                XCTAssertTrue("\(error)".hasPrefix("bomb.yaml: "), "\(error)")
            }
            XCTAssertLessThan(Date().timeIntervalSince(started), 5, "bomb \(i)")
        }
    }

    func testFiftyThousandStatements() throws {
        guard case .object(var root) = try JSON.parse(SharedData.data("examples/openvex/nodejs/node.openvex.json")),
              let statements = root["statements"]?.array else { throw XCTSkip("node.openvex.json changed shape") }
        root["statements"] = .array((0..<50_000).map { statements[$0 % statements.count] })
        let data = JSON.object(root).serialized([])
        let started = Date()
        let d = try VEXDocumentReader().read(data, location: "big.json")
        let seconds = Date().timeIntervalSince(started)
        print("[timing] 50,000 OpenVEX statements (\(data.count / 1024) KB) read in \(String(format: "%.2f", seconds)) s")
        XCTAssertEqual(d.statements.count, 50_000)
        XCTAssertEqual(d.statements.last?.origin.statementIndex, 49_999)
        XCTAssertLessThan(seconds, 30)
    }

    func testFilesThatAreNotDocuments() throws {
        // A FIFO would block a plain read forever.
        let fifo = scratch.appendingPathComponent("pipe.json").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertThrowsError(try VEXDocumentReader().read(contentsOf: fifo)) { XCTAssertEqual("\($0)", "\(fifo): is not a regular file") }
        // Larger than the limit (sparse: no disk used): refused before reading.
        let huge = scratch.appendingPathComponent("huge.json").path
        XCTAssertTrue(FileManager.default.createFile(atPath: huge, contents: nil))
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: huge))
        try handle.truncate(atOffset: UInt64(VEXDocumentReader.maximumBytes + 1))
        try handle.close()
        XCTAssertThrowsError(try VEXDocumentReader().read(contentsOf: huge)) {
            XCTAssertEqual("\($0)", "\(huge): is 256 MB; VEX documents over 256 MB are refused")
        }
        let missing = scratch.appendingPathComponent("missing.json").path
        let (documents, errors) = VEXLocations.load([missing])
        XCTAssertEqual(documents.count, 0)
        XCTAssertEqual(errors.map(\.description), ["\(missing): no such file or folder"])
    }

    func testFolderSkipsWhatIsClearlyNotVEX() throws {
        let folder = scratch.appendingPathComponent("vex")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("nested"), withIntermediateDirectories: true)
        let copies = [("examples/openvex/go-vex/pkg/vex/testdata/v0.2.0.json", "a.json"),
                      ("examples/openvex/go-vex/pkg/vex/testdata/vex.yaml", "nested/b.yaml"),
                      ("examples/cyclonedx/bom-examples/VEX/bom.json", "sbom.json"),          // an SBOM: skipped
                      ("examples/openvex/vexctl/examples/sarif/README.md", "README.md"),     // not .json/.yaml: ignored
                      ("examples/trivy/pkg/vex/testdata/single-repo/vex/repositories/default/0.1/index.json", "nested/index.json")]
        for (from, to) in copies {
            try FileManager.default.copyItem(atPath: SharedData.path(from), toPath: folder.appendingPathComponent(to).path)
        }
        try Data("{\"statements\": [".utf8).write(to: folder.appendingPathComponent("nested/broken.json"))

        let (documents, errors) = VEXLocations.load([folder.path])
        XCTAssertEqual(documents.map { URL(fileURLWithPath: $0.location).lastPathComponent }, ["a.json", "b.yaml"])
        XCTAssertEqual(documents.map(\.statements.count), [5, 2])
        XCTAssertEqual(errors.count, 1)
        XCTAssertTrue(errors.first?.description.hasPrefix(folder.appendingPathComponent("nested/broken.json").path + ": is not valid JSON") == true,
                      "\(errors)")

        // The same SBOM named directly is an error.
        let sbom = folder.appendingPathComponent("sbom.json").path
        let direct = VEXLocations.load([sbom])
        XCTAssertEqual(direct.errors.map(\.description), ["\(sbom): is a CycloneDX SBOM without vulnerabilities, not VEX"])
    }

    func testByteOrderMarkAndEmptyStatements() throws {
        let real = try SharedData.data("examples/openvex/go-vex/pkg/vex/testdata/v0.2.0.json")
        XCTAssertEqual(try VEXDocumentReader().read(Data([0xEF, 0xBB, 0xBF]) + real, location: "bom.json").statements.count, 5)
        let empty = try VEXDocumentReader().read(Data("{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": []}".utf8), location: "e.json")
        XCTAssertEqual(empty.statements.count, 0)
        XCTAssertEqual(empty.problems.count, 0)
    }

    func testTimestamps() {
        func t(_ s: String) -> Double? { RFC3339.parse(s)?.timeIntervalSince1970 }
        XCTAssertEqual(t("1970-01-01T00:00:00Z"), 0)
        XCTAssertEqual(t("2024-01-04T17:17:25+01:00"), 1_704_385_045)
        XCTAssertEqual(t("2024-01-04T17:17:25+0100"), 1_704_385_045)
        XCTAssertEqual(t("2024-01-04t16:17:25z"), 1_704_385_045)
        XCTAssertEqual(t("2024-02-29T00:00:00Z"), 1_709_164_800)
        XCTAssertEqual(t("2017-02-07 15:59:00 UTC"), 1_486_483_140)
        XCTAssertEqual(t("2017-02-07T15:59:00"), 1_486_483_140)
        XCTAssertEqual(t("2023-01-08T18:02:03.647787998123-06:00")!, 1_673_222_523.647787998, accuracy: 1e-6)
        XCTAssertEqual(t("2023-01-01"), 1_672_531_200, "a date alone is midnight UTC (OSV writes these; one parser serves both)")
        for bad in ["", "2023-02-29T00:00:00Z", "2023-13-01T00:00:00Z", "2023-01-01T", "2023-01-01T24:00:00Z", "2023-01-01T00:00:00.Z",
                    "2023-01-01T00:00:00+25:00", "2023-01-01T00:00:00Zjunk", "yesterday", String(repeating: "9", count: 100)] {
            XCTAssertNil(t(bad), bad)
        }
    }
}
