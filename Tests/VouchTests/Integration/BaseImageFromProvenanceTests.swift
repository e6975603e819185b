import Foundation
import JSON
import XCTest

/// quickview's base-image row and `--ignore-base` when only the attached provenance names the base:
/// bookworm-app is built on the bookworm test image (same first layer), and its SLSA provenance records
/// `debian:bookworm@sha256:…` as a resolved dependency; the image has no base-name label.
final class BaseImageFromProvenanceTests: XCTestCase {
    private var dir: URL?

    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    /// A private layout sharing the cached image blobs by hard link (attaching only adds files), with its own index.
    private func layout() throws -> String {
        let cached = try SharedData.image("oci")
        let dir = try OutsideTool.temporaryDirectory()
        self.dir = dir
        let target = dir.appendingPathComponent("layout")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let (status, output) = try OutsideTool.run("/usr/bin/env", ["cp", "-al", cached + "/blobs", target.path + "/blobs"])
        XCTAssertEqual(status, 0, output)
        for f in ["index.json", "oci-layout"] {
            try FileManager.default.copyItem(atPath: cached + "/" + f, toPath: target.appendingPathComponent(f).path)
        }
        return target.path
    }

    private func manifestDigest(_ layout: String, tag: String) throws -> String {
        let index = try JSON.parse(try Data(contentsOf: URL(fileURLWithPath: layout + "/index.json")))
        return try XCTUnwrap(index.array("manifests").first { $0["annotations"]?.string("org.opencontainers.image.ref.name") == tag }?.string("digest"))
    }

    func testTheProvenanceNamedBaseGivesTheSecondRowAndIgnoreBase() throws {
        try SharedData.require()
        let layout = try layout()
        let image = "oci-dir:\(layout):bookworm-app"
        let base = try manifestDigest(layout, tag: "bookworm")
        let key = dir!.appendingPathComponent("signing").path
        XCTAssertEqual(try VouchBinary.run(["key", "generate", "--output", key]).status, 0)
        let attest = try VouchBinary.run(["attest", image, "--key", key + ".key", "--sbom", "--sbom-format", "cyclonedx", "--provenance",
                                          "--base-image", "debian:bookworm@\(base)", "--attach"] + CLISample.provenanceFlags,
                                         environment: ["VOUCH_KEY_PASSWORD": ""], timeout: 300)
        XCTAssertEqual(attest.status, 0, attest.stderr)

        let db = dir!.appendingPathComponent("advisories.sqlite").path
        let imported = try VouchBinary.run(["db", "import", "--db", db, try SharedData.path("osv/distro/debian-security-tracker")], timeout: 300)
        XCTAssertEqual(imported.status, 0, imported.stderr)

        let q = try VouchBinary.run(["quickview", image, "--db", db, "--key", key + ".pub"])
        XCTAssertEqual(q.status, 0, q.stderr)
        XCTAssertTrue(q.stdout.contains("Base image") && q.stdout.contains("debian:bookworm"), q.stdout)

        // --ignore-base refuses to run without the base's layers; here the provenance supplies them. (bookworm 12.15's
        // packages are newer than every fixed version in the DSA/DLA lists, so there is no base finding to count.)
        let ignoring = try VouchBinary.run(["cves", image, "--db", db, "--key", key + ".pub", "--ignore-base"])
        XCTAssertEqual(ignoring.status, 0, ignoring.stderr)

        // Control: the same image without provenance has no base, and --ignore-base says so.
        let plain = "oci-dir:\(layout):bookworm"
        let attestBase = try VouchBinary.run(["attest", plain, "--key", key + ".key", "--sbom", "--sbom-format", "cyclonedx", "--attach"],
                                             environment: ["VOUCH_KEY_PASSWORD": ""], timeout: 300)
        XCTAssertEqual(attestBase.status, 0, attestBase.stderr)
        let refused = try VouchBinary.run(["cves", plain, "--db", db, "--key", key + ".pub", "--ignore-base"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("neither the provenance nor the image labels name a base image"), refused.stderr)
        let q2 = try VouchBinary.run(["quickview", plain, "--db", db, "--key", key + ".pub"])
        XCTAssertFalse(q2.stdout.contains("Base image"), q2.stdout)
    }
}
