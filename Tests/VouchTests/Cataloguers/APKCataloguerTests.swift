import Foundation
import SBOM
import XCTest
@testable import Catalog

final class APKCataloguerTests: XCTestCase {
    static let trivyDB = "fixtures/os-pkgdb/alpine_lib_apk_db_installed.trivy"
    static let grypeImage = "fixtures/os-pkgdb/grype/test/integration/testdata/image-alpine-match-coverage"
    static let scalibrTestdata = "fixtures/os-pkgdb/osv-scalibr/extractor/filesystem/os/apk/testdata"
    static let syftTestdata = "fixtures/syft/syft/pkg/cataloger/alpine/testdata"

    /// A tree holding one database at `path`, written by a layer with a known id.
    func tree(_ fixture: String, at path: String = "lib/apk/db/installed") throws -> FileTree {
        let data = try SharedData.data(fixture)
        let tree = FileTree()
        tree.layerIDs = ["sha256:base", "sha256:apk-layer"]
        tree.insert(path, FileNode(kind: .regular, size: Int64(data.count), layer: 1, content: data))
        return tree
    }

    func catalogue(_ tree: FileTree, os: OperatingSystem? = nil) throws -> [String: Package] {
        let packages = try APKCataloguer().catalogue(tree, context: CatalogueContext(operatingSystem: os))
        let byName = Dictionary(packages.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(byName.count, packages.count, "package names are unique in these fixtures")
        return byName
    }

    func testInterest() {
        let c = APKCataloguer()
        XCTAssertEqual(c.interest(path: "lib/apk/db/installed", size: 10, mode: 0o644), .keep(maxBytes: 128 << 20))
        XCTAssertEqual(c.interest(path: "usr/lib/apk/db/installed", size: 10, mode: 0o644), .keep(maxBytes: 128 << 20))
        XCTAssertEqual(c.interest(path: "lib/apk/db/triggers", size: 10, mode: 0o644), .none)
        XCTAssertEqual(c.interest(path: "etc/apk/db/installed", size: 10, mode: 0o644), .none)
    }

    /// Trivy's fixture: 16 records, one of them (`invalidPackageWithoutAVersion`) without a version.
    func testTrivyDatabase() throws {
        let pkgs = try catalogue(try tree(Self.trivyDB))
        XCTAssertEqual(pkgs.count, 15)
        XCTAssertNil(pkgs["invalidPackageWithoutAVersion"])

        let musl = try XCTUnwrap(pkgs["musl"])
        XCTAssertEqual(musl.version, "1.1.14-r10")
        XCTAssertEqual(musl.type, .apk)
        XCTAssertEqual(musl.architecture, "x86_64")
        XCTAssertEqual(musl.purl, "pkg:apk/alpine/musl@1.1.14-r10?arch=x86_64")
        XCTAssertEqual(musl.licenses, ["MIT"])
        XCTAssertEqual(musl.supplier, "Person: Timo Teräs (timo.teras@iki.fi)")
        XCTAssertEqual(musl.sourceName, "musl")
        XCTAssertEqual(musl.sourceVersion, "1.1.14-r10")
        XCTAssertEqual(musl.description, "the musl c library (libc) implementation")
        XCTAssertEqual(musl.homepage, "http://www.musl-libc.org/")
        XCTAssertEqual(musl.layer, "sha256:apk-layer")
        XCTAssertEqual(musl.locations, [Location(path: "/lib/apk/db/installed", layer: "sha256:apk-layer")])
        XCTAssertEqual(musl.foundBy, "apk")
        XCTAssertEqual(musl.properties["vouch:installed-size"], "569344")

        // The origin (source package) differs from the binary package name.
        let libcrypto = try XCTUnwrap(pkgs["libcrypto1.0"])
        XCTAssertEqual(libcrypto.purl, "pkg:apk/alpine/libcrypto1.0@1.0.2h-r1?arch=x86_64&upstream=openssl")
        XCTAssertEqual(libcrypto.sourceName, "openssl")
        XCTAssertEqual(libcrypto.licenses, ["OpenSSL"])
        XCTAssertEqual(libcrypto.supplier, "Person: Timo Teras (timo.teras@iki.fi)")

        // Old Alpine licence fields: legacy names and bare space-separated lists.
        XCTAssertEqual(pkgs["busybox"]?.licenses, ["GPL-2.0-only"])
        XCTAssertEqual(pkgs["musl-utils"]?.licenses, ["MIT AND BSD-3-Clause AND GPL-2.0-or-later"])
        XCTAssertEqual(pkgs["zlib"]?.licenses, ["Zlib"])
        XCTAssertEqual(pkgs["sqlite-libs"]?.licenses, ["LicenseRef-Public-Domain"])
        XCTAssertEqual(pkgs["ada-libs"]?.licenses, ["(Apache-2.0 OR MIT) AND MPL-2.0"])
        XCTAssertEqual(pkgs["test"]?.purl, "pkg:apk/alpine/test@2.9.11_pre20061021-r2?arch=x86_64&upstream=test-parent")
    }

    /// Grype's Alpine image with its os-release: the distro qualifier comes from VERSION_ID.
    func testGrypeImageWithOSRelease() throws {
        let osRelease = try SharedData.data(Self.grypeImage + "/etc/os-release")
        let os = try XCTUnwrap(OSRelease.parse(osRelease))
        let pkgs = try catalogue(try tree(Self.grypeImage + "/lib/apk/db/installed"), os: os)
        XCTAssertEqual(pkgs.count, 3)
        let vnc = try XCTUnwrap(pkgs["libvncserver"])
        XCTAssertEqual(vnc.purl, "pkg:apk/alpine/libvncserver@0.9.9?arch=x86_64&distro=alpine-3.12.0")
        XCTAssertEqual(vnc.licenses, ["GPL-2.0-or-later"])
        XCTAssertEqual(vnc.supplier, "Person: A. Wilcox (awilfox@adelielinux.org)")
        let sub = try XCTUnwrap(pkgs["npm-apk-subpackage-with-false-positive"])
        XCTAssertEqual(sub.purl, "pkg:apk/alpine/npm-apk-subpackage-with-false-positive@7.0.0?arch=x86_64"
                       + "&distro=alpine-3.12.0&upstream=npm-apk-package-with-false-positive")
        XCTAssertEqual(sub.licenses, [])
        XCTAssertNil(sub.supplier)
    }

    /// osv-scalibr's Alpine 3.18 database: current SPDX licence fields pass through unchanged.
    func testScalibrDatabase() throws {
        let os = OperatingSystem(id: "alpine", versionID: "3.18.0")
        let pkgs = try catalogue(try tree(Self.scalibrTestdata + "/installed"), os: os)
        XCTAssertEqual(pkgs.count, 15)
        XCTAssertEqual(pkgs["musl-utils"]?.licenses, ["MIT AND BSD-2-Clause AND GPL-2.0-or-later"])
        XCTAssertEqual(pkgs["ca-certificates-bundle"]?.licenses, ["MPL-2.0 AND MIT"])
        XCTAssertEqual(pkgs["ssl_client"]?.purl, "pkg:apk/alpine/ssl_client@1.36.0-r9?arch=x86_64&distro=alpine-3.18.0&upstream=busybox")
        XCTAssertEqual(pkgs["busybox"]?.supplier, "Person: Sören Tempel (soeren+alpine@soeren-tempel.net)")
        XCTAssertEqual(pkgs["libssl3"]?.sourceName, "openssl")
    }

    /// Wolfi keeps the database under usr/lib; the namespace follows os-release's ID.
    func testNamespaceFollowsDistribution() throws {
        let os = OperatingSystem(id: "wolfi", versionID: "20230201")
        let pkgs = try catalogue(try tree(Self.syftTestdata + "/multiple-2/lib/apk/db/installed", at: "usr/lib/apk/db/installed"), os: os)
        XCTAssertEqual(pkgs.count, 14)
        XCTAssertEqual(pkgs["zlib"]?.purl, "pkg:apk/wolfi/zlib@1.2.12-r3?arch=x86_64&distro=wolfi-20230201")
        XCTAssertEqual(pkgs["zlib"]?.locations.first?.path, "/usr/lib/apk/db/installed")
    }

    /// A merged-/usr image has `lib -> usr/lib`: the database is listed once, under its real path.
    func testSymlinkedLibIsNotCountedTwice() throws {
        let t = try tree(Self.syftTestdata + "/multiple-2/lib/apk/db/installed", at: "usr/lib/apk/db/installed")
        t.insert("lib", FileNode(kind: .symlink, linkTarget: "usr/lib"))
        XCTAssertEqual(try catalogue(t).count, 14)
    }

    func testDamagedDatabases() throws {
        // syft's "corrupt" database starts with a stray line and ends mid-record; the one full record survives.
        let corrupt = try catalogue(try tree(Self.syftTestdata + "/corrupt/lib/apk/db/installed"))
        XCTAssertEqual(Array(corrupt.keys), ["alpine-baselayout-data"])
        XCTAssertEqual(corrupt["alpine-baselayout-data"]?.purl,
                       "pkg:apk/alpine/alpine-baselayout-data@3.2.0-r22?arch=x86_64&upstream=alpine-baselayout")
        XCTAssertEqual(try catalogue(try tree(Self.scalibrTestdata + "/invalid")).count, 0)
        XCTAssertEqual(try catalogue(try tree(Self.scalibrTestdata + "/empty")).count, 0)
        // No origin: the package is its own source and the purl has no upstream.
        let noOrigin = try catalogue(try tree(Self.scalibrTestdata + "/no-origin"))
        XCTAssertEqual(noOrigin.count, 1)
        let only = try XCTUnwrap(noOrigin.values.first)
        XCTAssertEqual(only.sourceName, only.name)
        XCTAssertFalse(only.purl.contains("upstream="), only.purl)
    }

    /// The same real database with Windows line endings (as a copy through a careless tool leaves it).
    func testCRLFLineEndings() throws {
        let text = String(decoding: try SharedData.data(Self.trivyDB), as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n")
        let t = FileTree()
        t.insert("lib/apk/db/installed", FileNode(kind: .regular, content: Data(text.utf8)))
        let pkgs = try catalogue(t)
        XCTAssertEqual(pkgs.count, 15)
        XCTAssertEqual(pkgs["musl"]?.version, "1.1.14-r10")
        XCTAssertEqual(pkgs["musl"]?.homepage, "http://www.musl-libc.org/")
    }

    /// Binary noise must not crash the parser (synthetic: no fixture holds a binary file at this path).
    func testBinaryNoise() throws {
        var bytes = [UInt8](repeating: 0, count: 4096)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 7) }
        let t = FileTree()
        t.insert("lib/apk/db/installed", FileNode(kind: .regular, size: 4096, content: Data(bytes)))
        let pkgs = try APKCataloguer().catalogue(t, context: CatalogueContext(operatingSystem: nil))
        XCTAssertTrue(pkgs.allSatisfy { !$0.name.isEmpty && !$0.version.isEmpty })
    }
}
