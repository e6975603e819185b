import Catalog
import Foundation
import SBOM
import XCTest

/// The dpkg cataloguer on real databases: syft's, trivy's, osv-scalibr's and grype's test data.
final class DpkgCataloguerTests: XCTestCase {
    override func setUpWithError() throws { try SharedData.require() }

    let debian12 = OperatingSystem(id: "debian", versionID: "12", versionCodename: "bookworm")

    /// A tree holding the fixtures at the given paths, kept only where the cataloguer asks for them,
    /// as the layer walker would.
    func tree(_ files: [String: String]) throws -> FileTree {
        let tree = FileTree()
        for (path, fixture) in files {
            let data = try SharedData.data(fixture)
            let keep = DpkgCataloguer().interest(path: path, size: Int64(data.count), mode: 0o644) != .none
            tree.insert(path, FileNode(kind: .regular, size: Int64(data.count), content: keep ? data : nil))
        }
        return tree
    }

    func catalogue(_ files: [String: String], os: OperatingSystem? = nil) throws -> [Package] {
        try DpkgCataloguer().catalogue(try tree(files), context: CatalogueContext(operatingSystem: os ?? debian12))
    }

    func testSyftImageDpkgWithCopyright() throws {
        let base = "fixtures/syft/syft/pkg/cataloger/debian/testdata/image-dpkg/"
        let pkgs = try catalogue([
            "var/lib/dpkg/status": base + "var/lib/dpkg/status",
            "usr/share/doc/libpam-runtime/copyright": base + "usr/share/doc/libpam-runtime/copyright",
        ])
        XCTAssertEqual(pkgs.count, 1)
        let p = try XCTUnwrap(pkgs.first)
        XCTAssertEqual(p.name, "libpam-runtime")
        XCTAssertEqual(p.version, "1.1.8-3.6")
        XCTAssertEqual(p.sourceName, "pam")
        XCTAssertEqual(p.sourceVersion, "1.1.8-3.6")
        XCTAssertEqual(p.purl, "pkg:deb/debian/libpam-runtime@1.1.8-3.6?arch=all&distro=debian-12&upstream=pam")
        XCTAssertEqual(p.supplier, "Person: Steve Langasek (vorlon@debian.org)")
        // syft reads GPL-1, GPL-2 and LGPL-2.1 from this file (License: lines and a common-licenses reference).
        XCTAssertEqual(Set(p.licenses), ["GPL-1.0-only", "GPL-2.0-only", "LGPL-2.1-only"])
        XCTAssertEqual(p.locations.map(\.path), ["/var/lib/dpkg/status", "/usr/share/doc/libpam-runtime/copyright"])
    }

    func testDistrolessStatusD() throws {
        let base = "fixtures/syft/syft/pkg/cataloger/debian/testdata/image-distroless-deb/"
        let pkgs = try catalogue([
            "var/lib/dpkg/status.d/libsqlite3-0": base + "var/lib/dpkg/status.d/libsqlite3-0",
            "var/lib/dpkg/status.d/libsqlite3-0.md5sums": base + "var/lib/dpkg/status.d/libsqlite3-0.md5sums",
            "usr/share/doc/libsqlite3-0/copyright": base + "usr/share/doc/libsqlite3-0/copyright",
        ])
        XCTAssertEqual(pkgs.map(\.name), ["libsqlite3-0"])
        XCTAssertEqual(pkgs.first?.sourceName, "sqlite3")
        XCTAssertTrue(pkgs.first?.licenses.contains("LicenseRef-Public-Domain") ?? false, "\(pkgs.first?.licenses ?? [])")
    }

    func testStatusDVariants() throws {
        let base = "fixtures/syft/syft/pkg/cataloger/debian/testdata/var/lib/dpkg/status.d/"
        // `multiple` holds several paragraphs; `deinstall` a removed package; `corrupt` misspelled fields.
        // `multiple`: an empty Package field and a package without a version are not packages.
        let multiple = try catalogue(["var/lib/dpkg/status.d/multiple": base + "multiple"])
        XCTAssertEqual(multiple.map(\.name), ["tzdata", "util-linux"])
        XCTAssertEqual(try catalogue(["var/lib/dpkg/status.d/corrupt": base + "corrupt"]), [])
        XCTAssertEqual(try catalogue(["var/lib/dpkg/status.d/empty": base + "empty"]), [])
        // `deinstall`: one package installed, one removed with only its config files left.
        let deinstall = try catalogue(["var/lib/dpkg/status": base + "deinstall"])
        XCTAssertEqual(deinstall.map(\.name), ["linux-image-6.14.0-1012-aws"])
    }

    func testUbuntuStatusFromTrivy() throws {
        let pkgs = try catalogue(["var/lib/dpkg/status": "fixtures/os-pkgdb/ubuntu-18.04_var_lib_dpkg_status"],
                                 os: OperatingSystem(id: "ubuntu", versionID: "18.04"))
        // Counted independently: paragraphs whose Status is "install ok installed".
        let text = String(decoding: try SharedData.data("fixtures/os-pkgdb/ubuntu-18.04_var_lib_dpkg_status"), as: UTF8.self)
        let installed = text.components(separatedBy: "\n\n").filter { $0.contains("Status: install ok installed") && $0.contains("Package: ") }.count
        XCTAssertEqual(pkgs.count, installed)
        XCTAssertGreaterThan(installed, 50)
        let libc = try XCTUnwrap(pkgs.first { $0.name == "libc6" })
        XCTAssertEqual(libc.sourceName, "glibc")
        XCTAssertTrue(libc.purl.hasPrefix("pkg:deb/ubuntu/libc6@"), libc.purl)
        XCTAssertTrue(libc.purl.contains("distro=ubuntu-18.04"), libc.purl)
        XCTAssertTrue(libc.purl.contains("upstream=glibc"), libc.purl)
        XCTAssertTrue(pkgs.allSatisfy { $0.supplier != nil }, "every package has a Maintainer")
    }

    func testOSVScalibrCases() throws {
        let base = "fixtures/os-pkgdb/osv-scalibr/extractor/filesystem/os/dpkg/testdata/dpkg/"
        XCTAssertEqual(try catalogue(["var/lib/dpkg/status": base + "empty"]), [])
        // A paragraph without Package, or without Version, is skipped; its neighbours are kept.
        XCTAssertEqual(try catalogue(["var/lib/dpkg/status": base + "nopackage"]).map(\.name), ["foo", "bar"])
        XCTAssertEqual(try catalogue(["var/lib/dpkg/status": base + "noversion"]).map(\.name), ["foo", "bar"])
        XCTAssertEqual(try catalogue(["var/lib/dpkg/status": base + "invalid"]), [])
        let single = try catalogue(["var/lib/dpkg/status": base + "single"])
        XCTAssertEqual(single.count, 1)
        let trailing = try catalogue(["var/lib/dpkg/status": base + "trailingnewlines"])
        XCTAssertEqual(trailing.count, 1)
        let valid = try catalogue(["var/lib/dpkg/status": base + "valid"])
        let text = String(decoding: try SharedData.data(base + "valid"), as: UTF8.self)
        let installed = text.components(separatedBy: "\n\n").filter { $0.contains("install ok installed") && $0.contains("Package:") && $0.contains("Version:") }.count
        XCTAssertEqual(valid.count, installed)
        let statusField = try catalogue(["var/lib/dpkg/status": base + "statusfield"])
        // Of seven paragraphs, three are in state `installed` (whatever was wanted of them); unpacked,
        // half-installed, config-files and a paragraph with no Status are not on disk as packages.
        XCTAssertEqual(statusField.count, 3)
    }

    func testEpochKeptInVersionAndPurl() throws {
        let pkgs = try catalogue(["var/lib/dpkg/status": "fixtures/os-pkgdb/ubuntu-18.04_var_lib_dpkg_status"], os: OperatingSystem(id: "ubuntu", versionID: "18.04"))
        XCTAssertFalse(pkgs.isEmpty)
        XCTAssertTrue(pkgs.contains { $0.version.contains(":") }, "the fixture has epochs")
        for p in pkgs where p.version.contains(":") {
            XCTAssertTrue(p.purl.contains("@" + p.version.replacingOccurrences(of: "+", with: "%2B")), "\(p.purl) keeps epoch of \(p.version)")
        }
    }

    func testDebianCopyrightLicences() throws {
        let base = "fixtures/syft/syft/pkg/cataloger/debian/testdata/copyright/"
        func licences(_ name: String) throws -> [String] {
            let t = FileTree()
            let status = "Package: \(name)\nStatus: install ok installed\nVersion: 1\n"
            t.insert("var/lib/dpkg/status", FileNode(kind: .regular, content: Data(status.utf8)))
            let path = "usr/share/doc/\(name)/copyright"
            XCTAssertNotEqual(DpkgCataloguer().interest(path: path, size: 100, mode: 0o644), .none)
            t.insert(path, FileNode(kind: .regular, content: try SharedData.data(base + name)))
            return try DpkgCataloguer().catalogue(t, context: CatalogueContext(operatingSystem: debian12)).first?.licenses ?? []
        }
        // Expected values are syft's for the same files (debian/parse_copyright_test.go).
        XCTAssertEqual(Set(try licences("libc6")), ["GPL-2.0-only", "LGPL-2.1-only"])
        XCTAssertEqual(Set(try licences("trilicense")), ["GPL-2.0-only", "LGPL-2.1-only", "MPL-1.1", "MPL-1.1 OR GPL-2.0-only OR LGPL-2.1-only"])
        // DEP-5 names mapped to SPDX, unknown ones kept as LicenseRefs, `none` dropped, and the
        // common-licenses references (GPL-2, GPL-3, LGPL-2, LGPL-2.1) added.
        XCTAssertEqual(Set(try licences("liblzma5")), [
            "LicenseRef-Autoconf", "GPL-2.0-only", "GPL-2.0-or-later", "LGPL-2.1-or-later", "LicenseRef-Public-Domain",
            "LicenseRef-PD-debian", "LicenseRef-config-h", "LicenseRef-noderivs", "LicenseRef-permissive-fsf",
            "LicenseRef-permissive-nowarranty", "LicenseRef-probably-PD", "GPL-3.0-only", "LGPL-2.0-only", "LGPL-2.1-only",
        ])
        // Free-form sentences on `License:` lines name nothing.
        for l in try licences("python") + licences("microsoft") { XCTAssertFalse(l.contains("Permission"), l) }
    }
}
