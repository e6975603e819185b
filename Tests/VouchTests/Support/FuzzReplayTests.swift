import Foundation
import XCTest

/// The fuzz harness (Sources/vouch-fuzz, run by `make fuzz`) built normally replays inputs through the
/// same parser entry points: every real VEX, SBOM and provenance document in ../shared/data, plus
/// truncations of each, goes through without a crash (a crash kills the process: non-zero status).
final class FuzzReplayTests: XCTestCase {
    func testRealDocumentsAndTheirTruncationsReplayThroughEveryTarget() throws {
        try SharedData.require()
        let vouch = URL(fileURLWithPath: try VouchBinary.path)
        let harness = vouch.deletingLastPathComponent().appendingPathComponent("vouch-fuzz").path
        guard FileManager.default.isExecutableFile(atPath: harness) else { throw XCTSkip("vouch-fuzz not built at \(harness)") }
        let dir = try OutsideTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var inputs: [String] = []
        for folder in ["examples/openvex", "examples/trivy/pkg/vex", "examples/cyclonedx/bom-examples/VEX", "examples/provenance/cosign"] {
            let root = try SharedData.path(folder)
            let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") } ?? []
            for (i, f) in files.prefix(40).enumerated() {
                guard let data = FileManager.default.contents(atPath: root + "/" + f), data.count < 1 << 20 else { continue }
                // The whole document, and cut at a third and two thirds: truncated input is the commonest hostile case.
                for (j, cut) in [data.count, data.count / 3, 2 * data.count / 3].enumerated() {
                    let path = dir.appendingPathComponent("\(folder.replacingOccurrences(of: "/", with: "_"))-\(i)-\(j).json").path
                    try data.prefix(cut).write(to: URL(fileURLWithPath: path))
                    inputs.append(path)
                }
            }
        }
        XCTAssertGreaterThan(inputs.count, 100)
        for target in ["vex", "osv", "sbom", "envelope", "purl"] {
            let (status, output) = try OutsideTool.run(harness, [target] + inputs, environment: ["SWIFT_BACKTRACE": "enable=no"])
            XCTAssertEqual(status, 0, "\(target): \(output.suffix(500))")
            XCTAssertTrue(output.contains("replayed \(inputs.count) inputs through \(target)"), output)
        }
    }
}
