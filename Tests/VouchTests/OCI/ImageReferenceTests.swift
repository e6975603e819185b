import Digest
import Foundation
import OCI
import XCTest

final class ImageReferenceTests: XCTestCase {
    func testSchemesAndAliases() throws {
        let d = "sha256:" + String(repeating: "a", count: 64)
        XCTAssertEqual(try ImageReference.parse("oci-dir:/nonexistent/layout:app"), .ociDirectory(path: "/nonexistent/layout", tag: "app", digest: nil))
        XCTAssertEqual(try ImageReference.parse("oci-dir:/x@\(d)"), .ociDirectory(path: "/x", tag: nil, digest: Digest(d)))
        XCTAssertEqual(try ImageReference.parse("oci-dir:///x:app"), .ociDirectory(path: "/x", tag: "app", digest: nil))
        XCTAssertEqual(try ImageReference.parse("docker-archive:app.tar"), .dockerArchive(path: "app.tar", tag: nil))
        XCTAssertEqual(try ImageReference.parse("oci-archive:app.tar:v1"), .ociArchive(path: "app.tar", tag: "v1"))
        XCTAssertEqual(try ImageReference.parse("dir:/srv/rootfs"), .directory(path: "/srv/rootfs"))
        XCTAssertEqual(try ImageReference.parse("fs:///srv/rootfs"), .directory(path: "/srv/rootfs"))
        guard case .registry(let r) = try ImageReference.parse("registry:127.0.0.1:5000/team/app:1.4") else { return XCTFail() }
        XCTAssertEqual(r.registry, "127.0.0.1:5000"); XCTAssertEqual(r.repository, "team/app"); XCTAssertEqual(r.tag, "1.4")
        guard case .registry(let h) = try ImageReference.parse("registry://ubuntu") else { return XCTFail() }
        XCTAssertEqual(h.description, "docker.io/library/ubuntu:latest")
    }

    func testBarePathsAreDetectedByContent() throws {
        let sample = SharedData.repo("Samples/image/oci")
        XCTAssertEqual(try ImageReference.parse(sample), .ociDirectory(path: sample, tag: nil, digest: nil))
        XCTAssertEqual(try ImageReference.parse(sample + ":app"), .ociDirectory(path: sample, tag: "app", digest: nil))
        XCTAssertEqual(try ImageReference.parse(SharedData.repo("Sources")), .directory(path: SharedData.repo("Sources")))
        if let archive = try? SharedData.image("oci-archive/bookworm.tar") {
            XCTAssertEqual(try ImageReference.parse(archive), .ociArchive(path: archive, tag: nil))
        }
    }

    func testInvalidReferences() {
        XCTAssertThrowsError(try ImageReference.parse(""))
        XCTAssertThrowsError(try ImageReference.parse("oci-dir:"))
        XCTAssertThrowsError(try ImageReference.parse("oci-dir:/x@sha256:nothex"))
        XCTAssertThrowsError(try ImageReference.parse("registry:UPPER/Case"))
        XCTAssertThrowsError(try ImageReference.parse("./no/such/path"))
        XCTAssertThrowsError(try ImageReference.parse("registry:repo:bad tag"))
    }

    func testDigestValidation() {
        XCTAssertNotNil(Digest("sha256:" + String(repeating: "0", count: 64)))
        XCTAssertNil(Digest("sha256:" + String(repeating: "0", count: 63)))
        XCTAssertNil(Digest("sha256:" + String(repeating: "A", count: 64)), "upper-case hex is not canonical")
        XCTAssertNil(Digest("md5:" + String(repeating: "0", count: 32)))
        XCTAssertNil(Digest("sha256:../../etc/passwd"))
    }
}
