import Catalog
import Foundation
import OCI
import XCTest

/// Hostile images through the CLI, as a user meets them: one clear error line naming the image, layer
/// and entry, exit status 1, no crash, no hang, and no output file written.
final class HostileImageTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try OutsideTool.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Runs `vouch sbom` on a layout and checks the failure contract; returns the error line.
    @discardableResult
    func expectFailure(_ layout: URL, mentions: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let target = out.appendingPathComponent("sbom.json")
        let r = try VouchBinary.run(["sbom", "oci-dir:\(layout.path):test", "--format", "spdx-json", "-o", target.path], timeout: 60)
        XCTAssertEqual(r.status, 1, "exit status; stderr: \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stderrLines.count, 1, "exactly one error line, got: \(r.stderr)", file: file, line: line)
        let message = r.stderrLines.first ?? ""
        XCTAssertTrue(message.hasPrefix("vouch: error: "), message, file: file, line: line)
        for m in mentions { XCTAssertTrue(message.contains(m), "'\(message)' should mention '\(m)'", file: file, line: line) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [], "nothing may be written", file: file, line: line)
        XCTAssertEqual(r.stdout, "", file: file, line: line)
        return message
    }

    func layout(_ layers: [TestLayout.Layer]) throws -> URL {
        try TestLayout.write(at: dir.appendingPathComponent("layout"), layers: layers)
    }

    func testTruncatedGzip() throws {
        let good = try TestLayout.tar([TestLayout.debianOSRelease, .init(name: "usr/bin/tool", content: String(repeating: "x", count: 100_000))])
        let l = try layout([.init(data: good.prefix(good.count / 2))])
        try expectFailure(l, mentions: ["layer 1"])
    }

    func testCorruptTarHeader() throws {
        var raw = try TestLayout.tar([TestLayout.debianOSRelease, .init(name: "etc/hostname", content: "x\n")], gzip: false)
        // Damage the second member's header (its name field), so its checksum no longer matches.
        let second = raw.indices.dropFirst(512).first { i in i % 512 == 0 && raw[i] != 0 && raw[i..<(i + 5)].elementsEqual("etc/h".utf8) } ?? 1536
        for i in second..<(second + 8) { raw[i] ^= 0x5a }
        let l = try layout([.init(data: raw, mediaType: "application/vnd.oci.image.layer.v1.tar")])
        try expectFailure(l, mentions: ["layer 1"])
    }

    func testParentDirectoryEntry() throws {
        let t = try TestLayout.tar([TestLayout.debianOSRelease, .init(name: "../../etc/evil", content: "x")])
        try expectFailure(try layout([.init(data: t)]), mentions: ["layer 1", "../../etc/evil", "'..'"])
    }

    func testAbsoluteEntry() throws {
        let t = try TestLayout.tar([TestLayout.debianOSRelease, .init(name: "/etc/evil", content: "x")])
        try expectFailure(try layout([.init(data: t)]), mentions: ["layer 1", "/etc/evil", "absolute"])
    }

    func testSymlinkLoop() throws {
        let t = try TestLayout.tar([TestLayout.debianOSRelease, .init(name: "a", type: "symlink", target: "b"), .init(name: "b", type: "symlink", target: "a")])
        try expectFailure(try layout([.init(data: t)]), mentions: ["symlink loop"])
    }

    func testSymlinkEscapingRoot() throws {
        let t = try TestLayout.tar([TestLayout.debianOSRelease, .init(name: "usr/lib/escape", type: "symlink", target: "../../../../etc/shadow")])
        try expectFailure(try layout([.init(data: t)]), mentions: ["/usr/lib/escape", "escapes the root"])
    }

    func testHardlinkToMissingTarget() throws {
        let t = try TestLayout.tar([TestLayout.debianOSRelease, .init(name: "usr/bin/link", type: "hardlink", target: "usr/bin/absent")])
        try expectFailure(try layout([.init(data: t)]), mentions: ["layer 1", "usr/bin/link", "hard link"])
    }

    func testLayerSizeLies() throws {
        let t = try TestLayout.tar([TestLayout.debianOSRelease])
        try expectFailure(try layout([.init(data: t, declaredSize: Int64(t.count) + 100)]), mentions: ["layer 1", "bytes"])
    }

    func testLayerDigestLies() throws {
        let t = try TestLayout.tar([TestLayout.debianOSRelease])
        let other = "sha256:" + String(repeating: "ab", count: 32)
        let l = try layout([.init(data: t, declaredDigest: other)])
        // The blob is stored under its real name, so the declared one is missing; store it under the lie too.
        try t.write(to: l.appendingPathComponent("blobs/sha256/" + String(repeating: "ab", count: 32)))
        try expectFailure(l, mentions: ["layer 1", "hashes to"])
    }

    func testMissingBlob() throws {
        let t = try TestLayout.tar([TestLayout.debianOSRelease])
        try expectFailure(try layout([.init(data: t, omitBlob: true)]), mentions: ["layer 1", "missing"])
    }

    func testIndexPointingNowhere() throws {
        let l = dir.appendingPathComponent("nowhere")
        try FileManager.default.createDirectory(at: l.appendingPathComponent("blobs/sha256"), withIntermediateDirectories: true)
        let index = #"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:\#(String(repeating: "cd", count: 32))","size":321,"annotations":{"org.opencontainers.image.ref.name":"test"}}]}"#
        try Data(index.utf8).write(to: l.appendingPathComponent("index.json"))
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: l.appendingPathComponent("oci-layout"))
        try expectFailure(l, mentions: ["missing"])
    }

    func testMalformedIndex() throws {
        let l = dir.appendingPathComponent("malformed")
        try FileManager.default.createDirectory(at: l, withIntermediateDirectories: true)
        try Data("{\"schemaVersion\": 2, \"manifests\": [".utf8).write(to: l.appendingPathComponent("index.json"))
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: l.appendingPathComponent("oci-layout"))
        try expectFailure(l, mentions: ["index.json"])
    }

    /// A layer that expands far beyond its compressed size. The CLI's floor is 4 GiB, too slow to
    /// reach in a test, so the library is driven with a lower floor; the check is the same code.
    func testDecompressionBomb() throws {
        let bomb = try TestLayout.python("""
        import gzip, io, sys, tarfile
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as t:
            ti = tarfile.TarInfo("zeros"); ti.size = 64 << 20
            t.addfile(ti, io.BytesIO(bytes(ti.size)))
        sys.stdout.buffer.write(gzip.compress(buf.getvalue(), compresslevel=9))
        """)
        XCTAssertLessThan(bomb.count, 1 << 20)
        let l = try layout([.init(data: bomb)])
        let image = try ImageLoader().load(.ociDirectory(path: l.path, tag: "test", digest: nil))
        var catalog = ImageCatalog()
        catalog.limits.expansionFloor = 8 << 20
        catalog.limits.maxExpansionRatio = 100
        XCTAssertThrowsError(try catalog.inventory(of: image)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("decompression bomb"), text)
            XCTAssertTrue(text.contains("layer 1"), text)
        }
    }
}
