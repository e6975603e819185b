import CSQLite3
import Foundation
import SBOM
import XCTest
@testable import Catalog

/// Expected values were checked with rpm 4.18 itself (`rpm --dbpath <dir> --define '_db_backend bdb_ro' -qa
/// --qf '%{NAME}|%{EPOCH}|%{VERSION}|%{RELEASE}|%{ARCH}|%{LICENSE}|%{VENDOR}|%{SOURCERPM}|%{SUMMARY}|%{URL}|%{SIZE}'`):
///   dive|(none)|0.9.2|1|x86_64|MIT||dive-0.9.2-1.src.rpm|no description given|https://github.com/wagoodman/dive/|12406784
///   hello|1|0.0.1|rls|x86_64|GPL|(none)|hello-0.0.1-rls.src.rpm|summary goes here|(none)|29
final class RPMCataloguerTests: XCTestCase {
    override func setUpWithError() throws { try SharedData.require() }

    static let centos = "fixtures/os-pkgdb/grype/test/integration/testdata/image-centos-match-coverage"
    static let sles = "fixtures/os-pkgdb/grype/test/integration/testdata/image-sles-match-coverage"
    static let syftPackages = "fixtures/syft/syft/pkg/cataloger/redhat/testdata/Packages"
    static let epochPackages = "fixtures/os-pkgdb/osv-scalibr/extractor/filesystem/os/rpm/testdata/Packages_epoch"

    func tree(_ files: [String: Data]) -> FileTree {
        let tree = FileTree()
        tree.layerIDs = ["sha256:base", "sha256:rpm-layer"]
        for (path, data) in files {
            tree.insert(path, FileNode(kind: .regular, size: Int64(data.count), layer: 1, content: data))
        }
        return tree
    }

    func catalogue(_ tree: FileTree, os: OperatingSystem? = nil) throws -> [Package] {
        try RPMCataloguer().catalogue(tree, context: CatalogueContext(operatingSystem: os))
    }

    /// The single header blob stored in a real Berkeley DB fixture.
    func headerBlob(_ fixture: String) throws -> Data {
        let pairs = try BerkeleyDBHash.values(try SharedData.data(fixture))
        let blobs = pairs.filter { !$0.key.allSatisfy { $0 == 0 } }.map(\.value)
        XCTAssertEqual(blobs.count, 1)
        return try XCTUnwrap(blobs.first)
    }

    func assertDive(_ p: Package, purl: String, path: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(p.name, "dive", file: file, line: line)
        XCTAssertEqual(p.version, "0.9.2-1", file: file, line: line)
        XCTAssertEqual(p.type, .rpm, file: file, line: line)
        XCTAssertEqual(p.purl, purl, file: file, line: line)
        XCTAssertEqual(p.architecture, "x86_64", file: file, line: line)
        XCTAssertEqual(p.licenses, ["MIT"], file: file, line: line)
        XCTAssertNil(p.supplier, "VENDOR is present but empty", file: file, line: line)
        XCTAssertEqual(p.sourceName, "dive", file: file, line: line)
        XCTAssertEqual(p.sourceVersion, "0.9.2-1", file: file, line: line)
        XCTAssertEqual(p.description, "no description given", file: file, line: line)
        XCTAssertEqual(p.homepage, "https://github.com/wagoodman/dive/", file: file, line: line)
        XCTAssertEqual(p.properties["vouch:installed-size"], "12406784", file: file, line: line)
        XCTAssertEqual(p.locations, [Location(path: "/" + path, layer: "sha256:rpm-layer")], file: file, line: line)
        XCTAssertEqual(p.layer, "sha256:rpm-layer", file: file, line: line)
        XCTAssertEqual(p.foundBy, "rpm", file: file, line: line)
    }

    func assertHello(_ p: Package, purl: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(p.name, "hello", file: file, line: line)
        XCTAssertEqual(p.version, "1:0.0.1-rls", file: file, line: line)
        XCTAssertEqual(p.purl, purl, file: file, line: line)
        XCTAssertEqual(p.licenses, ["GPL-1.0-or-later"], file: file, line: line)
        XCTAssertNil(p.supplier, file: file, line: line)
        XCTAssertNil(p.homepage, file: file, line: line)
        XCTAssertEqual(p.sourceName, "hello", file: file, line: line)
        XCTAssertEqual(p.sourceVersion, "1:0.0.1-rls", file: file, line: line)
        XCTAssertEqual(p.description, "summary goes here", file: file, line: line)
        XCTAssertEqual(p.properties["vouch:installed-size"], "29", file: file, line: line)
    }

    func testInterest() {
        let c = RPMCataloguer()
        for p in ["var/lib/rpm/Packages", "var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/Packages.db", "usr/share/rpm/Packages"] {
            XCTAssertEqual(c.interest(path: p, size: 1, mode: 0o644), .keep(maxBytes: 1 << 30), p)
        }
        XCTAssertEqual(c.interest(path: "var/lib/rpm/Name", size: 1, mode: 0o644), .none)
        XCTAssertEqual(c.interest(path: "opt/var/lib/rpm/Packages", size: 1, mode: 0o644), .none)
    }

    // MARK: Berkeley DB fixtures

    func testCentOSBerkeleyDB() throws {
        let os = try XCTUnwrap(OSRelease.parse(try SharedData.data(Self.centos + "/etc/os-release")))
        let pkgs = try catalogue(tree(["var/lib/rpm/Packages": try SharedData.data(Self.centos + "/var/lib/rpm/Packages")]), os: os)
        XCTAssertEqual(pkgs.count, 1)
        assertDive(pkgs[0], purl: "pkg:rpm/centos/dive@0.9.2-1?arch=x86_64&distro=centos-8&upstream=dive-0.9.2-1.src.rpm",
                   path: "var/lib/rpm/Packages")
    }

    func testSLESBerkeleyDB() throws {
        let os = try XCTUnwrap(OSRelease.parse(try SharedData.data(Self.sles + "/etc/os-release")))
        let pkgs = try catalogue(tree(["var/lib/rpm/Packages": try SharedData.data(Self.sles + "/var/lib/rpm/Packages")]), os: os)
        XCTAssertEqual(pkgs.count, 1)
        assertDive(pkgs[0], purl: "pkg:rpm/sles/dive@0.9.2-1?arch=x86_64&distro=sles-12.5&upstream=dive-0.9.2-1.src.rpm",
                   path: "var/lib/rpm/Packages")
    }

    /// syft's own expectation for this fixture (parse_rpm_db_test.go): `pkg:rpm/dive@0.9.2-1?arch=x86_64&upstream=dive-0.9.2-1.src.rpm`.
    func testSyftFixtureWithoutOSRelease() throws {
        let pkgs = try catalogue(tree(["usr/share/rpm/Packages": try SharedData.data(Self.syftPackages)]))
        XCTAssertEqual(pkgs.count, 1)
        assertDive(pkgs[0], purl: "pkg:rpm/dive@0.9.2-1?arch=x86_64&upstream=dive-0.9.2-1.src.rpm", path: "usr/share/rpm/Packages")
    }

    func testEpoch() throws {
        let os = OperatingSystem(id: "rhel", versionID: "9.3")
        let pkgs = try catalogue(tree(["var/lib/rpm/Packages": try SharedData.data(Self.epochPackages)]), os: os)
        XCTAssertEqual(pkgs.count, 1)
        assertHello(pkgs[0], purl: "pkg:rpm/redhat/hello@0.0.1-rls?arch=x86_64&distro=rhel-9.3&epoch=1&upstream=hello-0.0.1-rls.src.rpm")
    }

    // MARK: SQLite and NDB backends, holding the real headers

    /// No rpmdb.sqlite is in the shared data, so one is made the way rpm makes it (same table, WAL mode,
    /// checkpointed on close) from the two real headers above.
    func testSQLiteBackend() throws {
        let blobs = [try headerBlob(Self.centos + "/var/lib/rpm/Packages"), try headerBlob(Self.epochPackages)]
        let db = try RPMTestDatabases.sqlite(blobs: blobs)
        XCTAssertEqual(db[18], 2, "the database is in WAL mode, as rpm leaves it")
        let t = tree(["usr/lib/sysimage/rpm/rpmdb.sqlite": db])
        // Fedora: var/lib/rpm is a symlink to the real directory; the database must be read once.
        t.insert("var/lib/rpm", FileNode(kind: .symlink, linkTarget: "../../usr/lib/sysimage/rpm"))
        let os = try XCTUnwrap(OSRelease.parse(try SharedData.data("fixtures/syft/syft/linux/testdata/os/fedora/usr/lib/os-release")))
        let pkgs = try catalogue(t, os: os)
        XCTAssertEqual(pkgs.map(\.name), ["dive", "hello"])
        assertDive(pkgs[0], purl: "pkg:rpm/fedora/dive@0.9.2-1?arch=x86_64&distro=fedora-36&upstream=dive-0.9.2-1.src.rpm",
                   path: "usr/lib/sysimage/rpm/rpmdb.sqlite")
        assertHello(pkgs[1], purl: "pkg:rpm/fedora/hello@0.0.1-rls?arch=x86_64&distro=fedora-36&epoch=1&upstream=hello-0.0.1-rls.src.rpm")
    }

    /// No Packages.db is in the shared data and Debian's rpm has no NDB backend, so the file is laid out
    /// here following rpm's lib/backend/ndb/rpmpkg.c, around the two real headers.
    func testNDBBackend() throws {
        let blobs = [try headerBlob(Self.centos + "/var/lib/rpm/Packages"), try headerBlob(Self.epochPackages)]
        let os = try XCTUnwrap(OSRelease.parse(try SharedData.data("fixtures/syft/syft/linux/testdata/os/opensuse-leap/etc/os-release")))
        let pkgs = try catalogue(tree(["usr/lib/sysimage/rpm/Packages.db": RPMTestDatabases.ndb(blobs: blobs)]), os: os)
        XCTAssertEqual(pkgs.map(\.name), ["dive", "hello"])
        XCTAssertEqual(pkgs[0].purl, "pkg:rpm/opensuse/dive@0.9.2-1?arch=x86_64&distro=opensuse-leap-15.2&upstream=dive-0.9.2-1.src.rpm")
        XCTAssertEqual(pkgs[1].version, "1:0.0.1-rls")
    }

    /// The newest backend in a directory wins; a stale Berkeley DB beside it is not read again.
    func testNewestBackendPerDirectory() throws {
        let bdb = try SharedData.data(Self.centos + "/var/lib/rpm/Packages")
        let sqlite = try RPMTestDatabases.sqlite(blobs: [try headerBlob(Self.epochPackages)])
        let pkgs = try catalogue(tree(["var/lib/rpm/Packages": bdb, "var/lib/rpm/rpmdb.sqlite": sqlite]))
        XCTAssertEqual(pkgs.map(\.name), ["hello"])
    }

    /// Overflow chains over several pages, in both byte orders, written by libdb itself (db5.3_load) from the
    /// real headers; the shared fixtures hold one small header each, which fits in a single overflow page.
    func testMultiPageBerkeleyDBWrittenByLibdb() throws {
        let blobs = [try headerBlob(Self.centos + "/var/lib/rpm/Packages"), try headerBlob(Self.epochPackages)]
        for bigEndian in [false, true] {
            let db = try RPMTestDatabases.libdbHash(blobs: blobs, pageSize: 512, bigEndian: bigEndian)
            let pkgs = try catalogue(tree(["var/lib/rpm/Packages": db])).sorted { $0.name < $1.name }
            XCTAssertEqual(pkgs.map(\.name), ["dive", "hello"], "bigEndian \(bigEndian)")
            assertDive(pkgs[0], purl: "pkg:rpm/dive@0.9.2-1?arch=x86_64&upstream=dive-0.9.2-1.src.rpm", path: "var/lib/rpm/Packages")
            assertHello(pkgs[1], purl: "pkg:rpm/hello@0.0.1-rls?arch=x86_64&epoch=1&upstream=hello-0.0.1-rls.src.rpm")
        }
    }

    // MARK: Hostile input: every case throws a typed error naming the file, or yields nothing; none may crash.

    func assertDatabaseError(_ data: Data, path: String = "var/lib/rpm/Packages", record: Int? = nil,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try catalogue(tree([path: data])), file: file, line: line) { error in
            guard let e = error as? RPMDatabaseError else { return XCTFail("untyped error \(error)", file: file, line: line) }
            XCTAssertEqual(e.path, path, file: file, line: line)
            XCTAssertEqual(e.record, record, "\(e)", file: file, line: line)
        }
    }

    func testTruncatedHeaderBlob() throws {
        let blob = try headerBlob(Self.centos + "/var/lib/rpm/Packages")
        for length in [0, 3, 8, 100, blob.count - 1] {
            XCTAssertThrowsError(try RPMHeader(blob: blob.prefix(length)), "length \(length)")
        }
        assertDatabaseError(try RPMTestDatabases.sqlite(blobs: [blob.prefix(700)]), path: "var/lib/rpm/rpmdb.sqlite", record: 1)
    }

    func testHeaderClaimingMoreThanItHolds() throws {
        var blob = try headerBlob(Self.centos + "/var/lib/rpm/Packages")
        for count: [UInt8] in [[0, 0, 0x10, 0], [0, 0, 0xff, 0xff], [0xff, 0xff, 0xff, 0xff], [0, 0, 0, 0]] {
            blob.replaceSubrange(0..<4, with: count)
            XCTAssertThrowsError(try RPMHeader(blob: blob)) { error in
                guard case RPMFormatError.corrupt = error else { return XCTFail("\(error)") }
            }
        }
        // A data-store size beyond the blob, and an entry pointing past the data store.
        var big = try headerBlob(Self.centos + "/var/lib/rpm/Packages")
        big.replaceSubrange(4..<8, with: [0, 0x10, 0, 0])
        XCTAssertThrowsError(try RPMHeader(blob: big))
        var far = try headerBlob(Self.centos + "/var/lib/rpm/Packages")
        far.replaceSubrange(16..<20, with: [0x7f, 0xff, 0xff, 0xff])
        XCTAssertThrowsError(try RPMHeader(blob: far))
        assertDatabaseError(RPMTestDatabases.ndb(blobs: [far]), path: "usr/lib/sysimage/rpm/Packages.db", record: 1)
    }

    func testCorruptBerkeleyDBPages() throws {
        let good = try SharedData.data(Self.centos + "/var/lib/rpm/Packages")
        func patched(_ offset: Int, _ bytes: [UInt8]) -> Data {
            var d = good
            d.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
            return d
        }
        // Page 2 holds the HOFFPAGE item at 4079; page 3 is its overflow page (see the page dump in the report).
        assertDatabaseError(patched(2 * 4096 + 4079 + 4, [0xe7, 0x03, 0, 0]))   // overflow page 999
        assertDatabaseError(patched(2 * 4096 + 4079 + 8, [0xff, 0xff, 0, 0]))   // announced length too long
        assertDatabaseError(patched(3 * 4096 + 22, [0x88, 0x13]))               // overflow page claims 5000 bytes
        assertDatabaseError(patched(3 * 4096 + 16, [3, 0, 0, 0]))               // overflow chain loops onto itself
        assertDatabaseError(patched(3 * 4096 + 25, [13]))                       // chain leads to a hash page
        assertDatabaseError(patched(1 * 4096 + 20, [3, 0]))                     // odd item count
        assertDatabaseError(patched(1 * 4096 + 20, [0xfe, 0x7f]))               // more items than fit
        assertDatabaseError(patched(1 * 4096 + 26, [0x10, 0]))                  // item offset inside the index
        assertDatabaseError(patched(2 * 4096 + 4079, [4]))                      // duplicate item type rpm never writes
        assertDatabaseError(patched(20, [0xe8, 0x03, 0, 0]))                    // page size 1000
        assertDatabaseError(patched(24, [1]))                                   // encrypted
        assertDatabaseError(patched(32, [0xff, 0xff, 0, 0]))                    // last page beyond the file
        assertDatabaseError(good.prefix(8192))                                  // truncated file
        assertDatabaseError(good.prefix(20))
    }

    func testCorruptNDBAndSQLite() throws {
        let blob = try headerBlob(Self.epochPackages)
        let ndb = RPMTestDatabases.ndb(blobs: [blob])
        func patched(_ d: Data, _ offset: Int, _ bytes: [UInt8]) -> Data {
            var d = d
            d.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
            return d
        }
        let ndbPath = "usr/lib/sysimage/rpm/Packages.db"
        assertDatabaseError(patched(ndb, 12, [0xff, 0xff, 0, 0]), path: ndbPath)        // 65535 slot pages
        assertDatabaseError(patched(ndb, 12, [2, 0, 0, 0]), path: ndbPath)              // slot pages past the file
        assertDatabaseError(patched(ndb, 32 + 8, [0xff, 0xff, 0xff, 0x0f]), path: ndbPath) // blob offset past the end
        assertDatabaseError(patched(ndb, 32 + 12, [1, 0, 0, 0]), path: ndbPath)          // block count disagrees
        assertDatabaseError(patched(ndb, 48, [0, 0, 0, 0]), path: ndbPath)               // bad slot magic
        assertDatabaseError(patched(ndb, 4096 + 12, [0xff, 0xff, 0xff, 0x7f]), path: ndbPath) // blob length

        let sqlitePath = "var/lib/rpm/rpmdb.sqlite"
        assertDatabaseError(try RPMTestDatabases.sqlite(blobs: [blob], table: "Other"), path: sqlitePath)
        let sqlite = try RPMTestDatabases.sqlite(blobs: [blob])
        assertDatabaseError(sqlite.prefix(100) + Data(repeating: 0xa5, count: sqlite.count - 100), path: sqlitePath)
        assertDatabaseError(sqlite.prefix(2048), path: sqlitePath)
    }

    func testNotAnRPMDatabase() throws {
        // syft's glob fixture: five bytes of placeholder text where a database belongs.
        assertDatabaseError(try SharedData.data("fixtures/syft/syft/pkg/cataloger/redhat/testdata/glob-paths/var/lib/rpm/Packages"))
        XCTAssertEqual(try catalogue(tree(["var/lib/rpm/Packages": Data()])).count, 0, "an empty file is an empty database")
    }

    // MARK: Field conversions

    func testLicenceExpressions() {
        let cases: [(String, String?)] = [
            ("MIT", "MIT"), ("GPLv2+", "GPL-2.0-or-later"), ("GPLv2", "GPL-2.0-only"), ("LGPLv2+", "LGPL-2.0-or-later"),
            ("MIT and BSD", "MIT AND BSD-3-Clause"), ("ASL 2.0 or MIT", "Apache-2.0 OR MIT"),
            ("GPL+ or Artistic", "GPL-1.0-or-later OR Artistic-1.0-Perl"),
            ("(GPLv2+ or LGPLv3+) and Foo Bar", "(GPL-2.0-or-later OR LGPL-3.0-or-later) AND LicenseRef-Foo-Bar"),
            ("GPLv2+ with exceptions", "LicenseRef-GPLv2-with-exceptions"),
            ("GPL-2.0-only WITH Linux-syscall-note", "GPL-2.0-only WITH Linux-syscall-note"),
            ("Public Domain", "LicenseRef-Public-Domain"), ("GPL-2.0+ and LGPL-2.1+", "GPL-2.0-or-later AND LGPL-2.1-or-later"),
            ("BSD with advertising", "BSD-4-Clause"), ("GPL-2.0", "GPL-2.0-only"), ("MIT and", "LicenseRef-MIT-and"), ("(MIT", "LicenseRef-MIT"),
            ("", nil), ("(none)", nil),
        ]
        for (raw, expected) in cases { XCTAssertEqual(DistroLicense.expression(raw), expected, raw) }
    }

    func testVendorSourceAndNamespace() {
        XCTAssertEqual(RPMCataloguer.supplier("Red Hat, Inc."), "Organization: Red Hat, Inc.")
        XCTAssertEqual(RPMCataloguer.supplier("SUSE LLC <https://www.suse.com/>"), "Organization: SUSE LLC")
        XCTAssertEqual(RPMCataloguer.supplier("Fedora Project <devel@lists.fedoraproject.org>"),
                       "Organization: Fedora Project (devel@lists.fedoraproject.org)")
        var info = RPMPackageInfo(name: "libgcc", version: "11.3.1", release: "4.3.el9")
        info.sourceRPM = "gcc-11.3.1-4.3.el9.src.rpm"
        XCTAssertEqual(info.source?.name, "gcc")
        XCTAssertEqual(info.source?.versionRelease, "11.3.1-4.3.el9")
        info.sourceRPM = "weird.src.rpm"
        XCTAssertNil(info.source)
        XCTAssertEqual(RPMCataloguer.namespace(OperatingSystem(id: "rhel")), "redhat")
        XCTAssertEqual(RPMCataloguer.namespace(OperatingSystem(id: "opensuse-tumbleweed")), "opensuse")
        XCTAssertEqual(RPMCataloguer.namespace(OperatingSystem(id: "almalinux")), "almalinux")
    }
}
