import Foundation
import JSON
import XCTest

/// Every SBOM vouch writes passes the official validators (cyclonedx-python-lib strict, pyspdxtools,
/// ntia-checker), is byte-identical across runs, and carries the same identifiers in both formats.
final class WriterValidationTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try OutsideTool.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    var sample: String { "oci-dir:\(SharedData.repo("Samples/image/oci")):app" }

    func write(_ image: String, _ format: String, _ name: String, env: [String: String] = [:]) throws -> URL {
        let out = dir.appendingPathComponent(name)
        let r = try VouchBinary.run(["sbom", image, "--format", format, "-o", out.path], environment: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        return out
    }

    func images() throws -> [String] {
        var list = [sample]
        if let oci = try? SharedData.image("oci") { list.append("oci-dir:\(oci):bookworm-app") }
        if let dirImage = try? SharedData.image("rootfs/bookworm") { list.append("dir:\(dirImage)") }
        return list
    }

    func testCycloneDXStrictValidation() throws {
        let python = try OutsideTool.venvTool("python")
        let validator = SharedData.root.deletingLastPathComponent().appendingPathComponent("tools/validators/cdx-validate.py").path
        guard FileManager.default.fileExists(atPath: validator) else { throw XCTSkip("cdx-validate.py absent at \(validator)") }
        for (i, image) in try images().enumerated() {
            for format in ["cyclonedx-json", "cyclonedx-json@1.5"] {
                let f = try write(image, format, "\(i)-\(format).cdx.json")
                let (status, output) = try OutsideTool.run(python, [validator, f.path])
                XCTAssertEqual(status, 0, "\(image) \(format): \(output)")
            }
        }
    }

    func testSPDXValidatesAndMeetsNTIA() throws {
        let pyspdx = try OutsideTool.venvTool("pyspdxtools")
        let ntia = try OutsideTool.venvTool("ntia-checker")
        for (i, image) in try images().enumerated() {
            let f = try write(image, "spdx-json", "\(i).spdx.json")
            let (s1, o1) = try OutsideTool.run(pyspdx, ["-i", f.path])
            XCTAssertEqual(s1, 0, "pyspdxtools on \(image): \(o1)")
            let (s2, o2) = try OutsideTool.run(ntia, [f.path])
            XCTAssertEqual(s2, 0, "ntia-checker on \(image): \(o2)")
            XCTAssertTrue(o2.contains("Conformant: True"), o2)
        }
    }

    func testDeterministicOutputAndSourceDateEpoch() throws {
        for format in ["cyclonedx-json", "spdx-json"] {
            let a = try Data(contentsOf: try write(sample, format, "a-\(format)"))
            let b = try Data(contentsOf: try write(sample, format, "b-\(format)"))
            XCTAssertEqual(a, b, "\(format) is byte-identical across runs")
            let c = try Data(contentsOf: try write(sample, format, "c-\(format)", env: ["SOURCE_DATE_EPOCH": "1700000000"]))
            XCTAssertTrue(String(decoding: c, as: UTF8.self).contains("2023-11-14T22:13:20Z"), "SOURCE_DATE_EPOCH sets the timestamp")
        }
    }

    func testSameIdentifiersInBothFormats() throws {
        let cdx = try JSON.parse(Data(contentsOf: try write(sample, "cyclonedx-json", "x.cdx.json")))
        let spdx = try JSON.parse(Data(contentsOf: try write(sample, "spdx-json", "x.spdx.json")))
        let cdxPurls = Set(cdx.array("components").compactMap { $0.string("purl") })
        let spdxPurls = Set(spdx.array("packages").flatMap { $0.array("externalRefs") }
            .filter { $0.string("referenceType") == "purl" }.compactMap { $0.string("referenceLocator") })
        XCTAssertFalse(cdxPurls.isEmpty)
        XCTAssertEqual(cdxPurls, spdxPurls.subtracting([cdx["metadata"]?["component"]?.string("purl") ?? ""]))
        // The image, its OS and the relationships are present.
        XCTAssertEqual(cdx["metadata"]?["component"]?.string("type"), "container")
        XCTAssertTrue(cdx.array("components").contains { $0.string("type") == "operating-system" && $0.string("name") == "debian" })
        let rels = spdx.array("relationships").map { "\($0.string("spdxElementId") ?? "") \($0.string("relationshipType") ?? "")" }
        XCTAssertTrue(rels.contains("SPDXRef-DOCUMENT DESCRIBES"))
        XCTAssertTrue(rels.contains { $0.hasSuffix("CONTAINS") })
    }
}
