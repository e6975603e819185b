import Catalog
import Foundation
import JSON
import OCI
import SBOM
import XCTest

/// The real Debian images from make-test-image.sh, read through every source kind, checked against
/// the truth files dpkg-query and pip wrote while building them.
final class RealImageTests: XCTestCase {
    struct Truth {
        var dpkg: Set<String>   // "name\tversion"
        var python: Set<String>
    }

    func truth(_ tag: String) throws -> Truth {
        let dpkgText = try String(contentsOfFile: try SharedData.image("truth/\(tag).dpkg.tsv"), encoding: .utf8)
        let dpkg = Set(dpkgText.split(separator: "\n").map { l -> String in
            let f = l.split(separator: "\t", omittingEmptySubsequences: false)
            return "\(f[0])\t\(f[1])"
        })
        var python = Set<String>()
        if let text = try? String(contentsOfFile: try SharedData.image("truth/\(tag).python.tsv"), encoding: .utf8) {
            python = Set(text.split(separator: "\n").dropFirst().map { l -> String in
                let f = l.split(separator: "\t"); return "\(f[0])\t\(f[1])"
            })
        }
        return Truth(dpkg: dpkg, python: python)
    }

    func inventory(_ reference: String) throws -> Inventory {
        let ref = try ImageReference.parse(reference)
        var catalog = ImageCatalog()
        if case .directory(let p) = ref { return try catalog.inventory(ofDirectory: p) }
        return try catalog.inventory(of: try ImageLoader().load(ref))
    }

    func set(_ inv: Inventory, _ type: PackageType) -> Set<String> {
        Set(inv.packages.filter { $0.type == type }.map { "\($0.name)\t\($0.version)" })
    }

    func checkBookwormApp(_ reference: String) throws {
        let t = try truth("bookworm-app")
        let inv = try inventory(reference)
        XCTAssertEqual(t.dpkg.count, 112)
        XCTAssertEqual(set(inv, .deb), t.dpkg, reference)
        XCTAssertEqual(set(inv, .python), t.python, reference)
        XCTAssertEqual(t.python.count, 7)
        XCTAssertFalse(inv.packages.contains { $0.name == "less" }, "less was purged in layer 4")
        XCTAssertFalse(inv.packages.contains { $0.name == "chardet" }, "chardet was deleted in layer 4")
        XCTAssertEqual(inv.operatingSystem?.id, "debian")
        XCTAssertEqual(inv.operatingSystem?.versionID, "12")
        for p in inv.packages where p.type == .deb {
            XCTAssertTrue(p.purl.contains("distro=debian-12"), p.purl)
            XCTAssertNotNil(p.supplier, p.name)
        }
        // Layers: the Python packages came with layer 3, openssl with layer 2, bash with layer 1.
        if !inv.subject.diffIDs.isEmpty {
            XCTAssertEqual(inv.subject.diffIDs.count, 4)
            XCTAssertEqual(inv.packages.first { $0.name == "requests" }?.layer, inv.subject.diffIDs[2])
            XCTAssertEqual(inv.packages.first { $0.name == "openssl" }?.layer, inv.subject.diffIDs[1])
            XCTAssertEqual(inv.packages.first { $0.name == "bash" }?.layer, inv.subject.diffIDs[0])
        }
        let libc = try XCTUnwrap(inv.packages.first { $0.name == "libc6" })
        XCTAssertEqual(libc.sourceName, "glibc")
        // Licences come from the copyright files: libc6's free-form file names LGPL-2.1 and GPL-2,
        // bash's DEP-5 file GPL-3+; nearly every Debian package has one.
        XCTAssertEqual(Set(libc.licenses), ["LGPL-2.1-only", "GPL-2.0-only"])
        XCTAssertTrue(inv.packages.first { $0.name == "bash" }?.licenses.contains("GPL-3.0-or-later") ?? false)
        let debs = inv.packages.filter { $0.type == .deb }
        XCTAssertGreaterThan(debs.filter { !$0.licenses.isEmpty }.count, debs.count * 9 / 10, "licences for most Debian packages")
        XCTAssertTrue(libc.purl.contains("upstream=glibc"), libc.purl)
    }

    func testBookwormAppFromOCILayout() throws {
        let inv = try inventory("oci-dir:\(try SharedData.image("oci")):bookworm-app")
        let digest = try String(contentsOfFile: try SharedData.image("images.tsv"), encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("bookworm-app\t") }?.split(separator: "\t")[1]
        XCTAssertEqual(inv.subject.manifestDigest, digest.map(String.init))
        try checkBookwormApp("oci-dir:\(try SharedData.image("oci")):bookworm-app")
    }

    func testBookwormAppFromDockerArchive() throws {
        try checkBookwormApp("docker-archive:\(try SharedData.image("docker-archive/bookworm-app.tar"))")
    }

    func testBookwormAppFromOCIArchive() throws {
        try checkBookwormApp("oci-archive:\(try SharedData.image("oci-archive/bookworm-app.tar"))")
    }

    func testBookwormAppFromBareArchivePathAndScoutAlias() throws {
        try checkBookwormApp(try SharedData.image("docker-archive/bookworm-app.tar"))
        try checkBookwormApp("archive://\(try SharedData.image("oci-archive/bookworm-app.tar"))")
    }

    func testBookwormAppFromRootFilesystem() throws {
        let t = try truth("bookworm-app")
        let inv = try inventory("dir:\(try SharedData.image("rootfs/bookworm-app"))")
        XCTAssertEqual(set(inv, .deb), t.dpkg)
        XCTAssertEqual(set(inv, .python), t.python)
    }

    func testSingleLayerSuites() throws {
        for (tag, distro) in [("bookworm", "debian-12"), ("trixie", "debian-13"), ("bullseye", "debian-11")] {
            let t = try truth(tag)
            let inv = try inventory("oci-dir:\(try SharedData.image("oci")):\(tag)")
            XCTAssertEqual(set(inv, .deb), t.dpkg, tag)
            XCTAssertEqual(inv.operatingSystem?.distroQualifier, distro, tag)
            let archive = try inventory("docker-archive:\(try SharedData.image("docker-archive/\(tag).tar"))")
            XCTAssertEqual(set(archive, .deb), t.dpkg, tag)
        }
    }

    func testMultiTagLayoutNeedsATag() throws {
        let oci = try SharedData.image("oci")
        XCTAssertThrowsError(try ImageLoader().load(.ociDirectory(path: oci, tag: nil, digest: nil))) { e in
            XCTAssertTrue("\(e)".contains("bookworm-app"), "lists the tags: \(e)")
        }
        XCTAssertThrowsError(try ImageLoader().load(.ociDirectory(path: oci, tag: "no-such-tag", digest: nil)))
        XCTAssertThrowsError(try ImageLoader(platform: Platform(os: "linux", architecture: "arm64"))
            .load(.ociDirectory(path: oci, tag: "bookworm", digest: nil))) { e in
            XCTAssertTrue("\(e)".contains("linux/amd64"), "\(e)")
        }
        XCTAssertNoThrow(try ImageLoader(platform: Platform(os: "linux", architecture: "amd64"))
            .load(.ociDirectory(path: oci, tag: "bookworm", digest: nil)))
    }

    /// syft (installed by make tools) as the oracle: same package set on the same archive, or an explained difference.
    func testAgreesWithSyft() throws {
        let syft = try OutsideTool.venvTool("syft")
        let archive = try SharedData.image("docker-archive/bookworm-app.tar")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("syft-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: out) }
        let (status, output) = try OutsideTool.run(syft, ["scan", "docker-archive:\(archive)", "-o", "syft-json=\(out.path)", "-q"],
                                                   environment: ["SYFT_CHECK_FOR_APP_UPDATE": "false"])
        XCTAssertEqual(status, 0, output)
        let syftJSON = try JSON.parse(Data(contentsOf: out))
        func key(_ purl: String) -> String? {
            guard let p = try? PackageURL(parsing: purl, enforcingTypeRules: false) else { return nil }
            // syft 1.18 puts a Go module's major-version suffix in the subpath
            // (`pkg:golang/github.com/google/renameio@v2.0.2#v2`, fixed upstream in anchore/syft#4395);
            // the purl spec puts it in the name path, as vouch does.
            let suffix = p.type == "golang" ? (p.subpath.map { "/" + $0 } ?? "") : ""
            return "\(p.type)/\(p.namespace.map { $0 + "/" } ?? "")\(p.name)\(suffix)@\(p.version ?? "")"
        }
        let theirs = Set(syftJSON.array("artifacts").compactMap { $0.string("purl") }.compactMap(key))
        let ours = Set(try inventory("docker-archive:\(archive)").packages.compactMap { key($0.purl) })
        // syft names the Go toolchain `stdlib` and the main module of a binary built outside a module
        // checkout `(devel)`; both are kept out of the comparison where the other side lacks them.
        let onlyTheirs = theirs.subtracting(ours).filter { !$0.contains("/stdlib@") && !$0.hasSuffix("@(devel)") }
        let onlyOurs = ours.subtracting(theirs).filter { !$0.contains("/stdlib@") }
        XCTAssertEqual(onlyTheirs, [], "syft found these and vouch did not")
        XCTAssertEqual(onlyOurs, [], "vouch found these and syft did not")
    }
}
