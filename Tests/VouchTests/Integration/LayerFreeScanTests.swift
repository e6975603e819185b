import Digest
import Foundation
import JSON
import XCTest

/// The evaluator reads the attached SBOM attestation, never a layer: deleting every layer blob
/// changes nothing, and an image declaring a 20 GB layer that is not there scans like a small one.
final class LayerFreeScanTests: XCTestCase {
    private var sample: CLISample?
    private static var database: String?

    override func tearDown() { sample?.remove() }

    /// PyPI advisories (the sample carries old idna/urllib3 wheels) and Debian's DSA list, imported once.
    private func db() throws -> String {
        if let d = Self.database { return d }
        let dir = try OutsideTool.temporaryDirectory()
        let path = dir.appendingPathComponent("advisories.sqlite").path
        let r = try VouchBinary.run(["db", "import", "--db", path, try SharedData.path("osv/PyPI-pypa.tar.gz"),
                                     try SharedData.path("osv/distro/debian-security-tracker")], timeout: 300)
        XCTAssertEqual(r.status, 0, r.stderr)
        Self.database = path
        return path
    }

    private func cvesJSON(_ image: String, db: String, extra: [String] = []) throws -> (JSON, TimeInterval) {
        let started = Date()
        let r = try VouchBinary.run(["cves", image, "--db", db, "--format", "json", "--require-attestation"] + extra)
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(r.status, 0, r.stderr)
        return (try JSON.parse(Data(r.stdout.utf8)), elapsed)
    }

    private func layers(of layout: String, tag: String) throws -> [String] {
        let index = try JSON.parse(try Data(contentsOf: URL(fileURLWithPath: layout + "/index.json")))
        let entry = try XCTUnwrap(index.array("manifests").first { $0["annotations"]?.string("org.opencontainers.image.ref.name") == tag })
        func blob(_ d: String?) throws -> JSON {
            let digest = try XCTUnwrap(Digest(d ?? ""))
            return try JSON.parse(try Data(contentsOf: URL(fileURLWithPath: "\(layout)/blobs/sha256/\(digest.hex)")))
        }
        var manifest = try blob(entry.string("digest"))
        // After attaching, the tag names an index: the image is its linux entry.
        if let image = manifest.array("manifests").first(where: { $0["platform"]?.string("os") == "linux" }) {
            manifest = try blob(image.string("digest"))
        }
        let layers = manifest.array("layers").compactMap { $0.string("digest") }
        XCTAssertFalse(layers.isEmpty, "found the image's layers")
        return layers
    }

    func testScanWithoutAnyLayerBlobGivesTheSameResult() throws {
        let db = try db()
        let sample = try CLISample()
        self.sample = sample
        let attest = try VouchBinary.run(["attest", sample.image, "--key", sample.key, "--sbom", "--attach"])
        XCTAssertEqual(attest.status, 0, attest.stderr)

        let (before, _) = try cvesJSON(sample.image, db: db, extra: ["--key", sample.pub])
        XCTAssertFalse(before.array("findings").isEmpty, "the sample's old idna/urllib3 wheels have PyPI advisories: \(before)")

        for layer in try layers(of: sample.layout, tag: "app") {
            let hex = String(layer.dropFirst("sha256:".count))
            try FileManager.default.removeItem(atPath: "\(sample.layout)/blobs/sha256/\(hex)")
        }
        let (after, _) = try cvesJSON(sample.image, db: db, extra: ["--key", sample.pub])
        XCTAssertEqual(after, before, "the scan read nothing from the deleted layers")

        // Cataloguing the layers (what happens without an attestation) now fails: they are really gone.
        let sbom = try VouchBinary.run(["sbom", sample.image])
        XCTAssertEqual(sbom.status, 1)
    }

    func testA20GBDeclaredLayerScansLikeASmallImage() throws {
        let db = try db()
        let sample = try CLISample()
        self.sample = sample
        let layout = sample.layout
        // The sample's SBOM, made once, attested onto both images.
        let sbomFile = sample.path("app.cdx.json")
        XCTAssertEqual(try VouchBinary.run(["sbom", sample.image, "-f", "cyclonedx-json", "-o", sbomFile]).status, 0)

        // A second image: the sample's config, one 20 GB layer that is nowhere on disk.
        let index = try JSON.parse(try Data(contentsOf: URL(fileURLWithPath: layout + "/index.json")))
        let appEntry = try XCTUnwrap(index.array("manifests").first)
        let appManifest = try JSON.parse(try Data(contentsOf: URL(fileURLWithPath: "\(layout)/blobs/sha256/\(String((appEntry.string("digest") ?? "").dropFirst(7)))")))
        let fakeLayer = "sha256:" + Hasher.sha256Hex(Data("twenty gigabytes that are not here".utf8))
        var manifest = appManifest.object ?? JSONObject()
        manifest["layers"] = [["mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": .string(fakeLayer), "size": .int(20_000_000_000)]]
        let manifestData = JSON.object(manifest).serialized([])
        let manifestHex = Hasher.sha256Hex(manifestData)
        try manifestData.write(to: URL(fileURLWithPath: "\(layout)/blobs/sha256/\(manifestHex)"))
        var entries = index.array("manifests")
        entries.append(["mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": .string("sha256:" + manifestHex),
                        "size": .int(Int64(manifestData.count)), "annotations": ["org.opencontainers.image.ref.name": "huge"]])
        var top = index.object ?? JSONObject()
        top["manifests"] = .array(entries)
        try JSON.object(top).serialized([]).write(to: URL(fileURLWithPath: layout + "/index.json"))

        for tag in ["app", "huge"] {
            let r = try VouchBinary.run(["attest", "oci-dir:\(layout):\(tag)", "--key", sample.key, "--sbom-file", sbomFile, "--attach"])
            XCTAssertEqual(r.status, 0, "\(tag): \(r.stderr)")
        }
        // Warm both once, then time them.
        _ = try cvesJSON("oci-dir:\(layout):app", db: db)
        _ = try cvesJSON("oci-dir:\(layout):huge", db: db)
        let (small, smallTime) = try cvesJSON("oci-dir:\(layout):app", db: db, extra: ["--key", sample.pub])
        let (huge, hugeTime) = try cvesJSON("oci-dir:\(layout):huge", db: db, extra: ["--key", sample.pub])
        XCTAssertEqual(huge.array("findings").count, small.array("findings").count)
        print("scan time: small image \(String(format: "%.3f", smallTime)) s, 20 GB declared layer \(String(format: "%.3f", hugeTime)) s")
        // Generous: the point is that nothing proportional to 20 GB happens, not a timing benchmark.
        XCTAssertLessThan(hugeTime, smallTime * 3 + 2)
    }
}
