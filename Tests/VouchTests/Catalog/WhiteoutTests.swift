import Catalog
import Foundation
import OCI
import SBOM
import XCTest

/// Whiteouts across layers, including orders the real images do not exercise: an opaque marker
/// written after entries of the same layer, and a file replaced by a directory.
final class WhiteoutTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try OutsideTool.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func metadata(_ name: String, _ version: String) -> String { "Metadata-Version: 2.1\nName: \(name)\nVersion: \(version)\n" }

    func inventory(_ layers: [[TestLayout.Entry]]) throws -> Inventory {
        let l = try TestLayout.write(at: dir.appendingPathComponent("layout"), layers: layers.map { .init(data: try TestLayout.tar($0)) })
        let image = try ImageLoader().load(.ociDirectory(path: l.path, tag: "test", digest: nil))
        var catalog = ImageCatalog()
        return try catalog.inventory(of: image)
    }

    func testPlainWhiteoutRemovesLowerPackage() throws {
        let inv = try inventory([
            [TestLayout.debianOSRelease, TestLayout.statusEntry([("less", "590-2"), ("bash", "5.2.15-2+b2")]),
             .init(name: "lib/a-1.0.dist-info/METADATA", content: metadata("a", "1.0")),
             .init(name: "lib/b-2.0.dist-info/METADATA", content: metadata("b", "2.0"))],
            [.init(name: "lib/.wh.a-1.0.dist-info", content: ""), TestLayout.statusEntry([("bash", "5.2.15-2+b2")])],
        ])
        XCTAssertEqual(inv.packages.map(\.name).sorted(), ["b", "bash"])
        let bash = try XCTUnwrap(inv.packages.first { $0.name == "bash" })
        XCTAssertEqual(bash.purl, "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12")
        let b = try XCTUnwrap(inv.packages.first { $0.name == "b" })
        XCTAssertEqual(b.layer, inv.subject.diffIDs[0], "introduced by the first layer")
    }

    func testOpaqueWhiteoutKeepsSameLayerEntriesWrittenBeforeIt() throws {
        let inv = try inventory([
            [TestLayout.debianOSRelease, .init(name: "lib/old-1.0.dist-info/METADATA", content: metadata("old", "1.0"))],
            // The new entry precedes the opaque marker in the tar: it must survive it.
            [.init(name: "lib/new-3.0.dist-info/METADATA", content: metadata("new", "3.0")), .init(name: "lib/.wh..wh..opq", content: "")],
        ])
        XCTAssertEqual(inv.packages.map(\.name), ["new"])
        XCTAssertEqual(inv.packages.first?.layer, inv.subject.diffIDs[1])
    }

    func testDirectoryReplacedByFileDropsItsChildren() throws {
        let inv = try inventory([
            [TestLayout.debianOSRelease, .init(name: "lib/x-1.0.dist-info/METADATA", content: metadata("x", "1.0"))],
            [.init(name: "lib", content: "now a file")],
        ])
        XCTAssertEqual(inv.packages, [])
    }

    func testOSReleaseThroughSymlink() throws {
        // Debian ships etc/os-release as a link to ../usr/lib/os-release.
        let inv = try inventory([[
            .init(name: "usr/lib/os-release", content: TestLayout.debianOSRelease.content),
            .init(name: "etc/os-release", type: "symlink", target: "../usr/lib/os-release"),
        ]])
        XCTAssertEqual(inv.operatingSystem?.distroQualifier, "debian-12")
    }
}
