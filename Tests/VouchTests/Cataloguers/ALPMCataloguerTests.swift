import Foundation
import SBOM
import XCTest
@testable import Catalog

final class ALPMCataloguerTests: XCTestCase {
    override func setUpWithError() throws { try SharedData.require() }

    static let installed = "fixtures/syft/syft/pkg/cataloger/arch/testdata/installed"
    static let globPaths = "fixtures/syft/syft/pkg/cataloger/arch/testdata/glob-paths"
    static let archOSRelease = "fixtures/syft/syft/linux/testdata/os/arch/etc/os-release"

    /// Every file of a syft testdata root, as the walker would keep it (only the files the cataloguer wants).
    func tree(_ root: String) throws -> FileTree {
        let base = try SharedData.path(root)
        let tree = FileTree()
        tree.layerIDs = ["sha256:only"]
        let cataloguer = ALPMCataloguer()
        guard let walker = FileManager.default.enumerator(atPath: base) else { throw XCTSkip("cannot list \(base)") }
        for case let relative as String in walker {
            let full = base + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
                  let data = FileManager.default.contents(atPath: full) else { continue }
            guard cataloguer.interest(path: relative, size: Int64(data.count), mode: 0o644) != .none else { continue }
            tree.insert(relative, FileNode(kind: .regular, size: Int64(data.count), content: data))
        }
        return tree
    }

    func catalogue(_ tree: FileTree, os: OperatingSystem?) throws -> [String: Package] {
        let packages = try ALPMCataloguer().catalogue(tree, context: CatalogueContext(operatingSystem: os))
        return Dictionary(packages.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    func arch() throws -> OperatingSystem {
        try XCTUnwrap(OSRelease.parse(try SharedData.data(Self.archOSRelease)))
    }

    func testInterest() {
        let c = ALPMCataloguer()
        XCTAssertNotEqual(c.interest(path: "var/lib/pacman/local/gmp-6.2.1-2/desc", size: 1, mode: 0o644), .none)
        XCTAssertEqual(c.interest(path: "var/lib/pacman/local/gmp-6.2.1-2/files", size: 1, mode: 0o644), .none)
        XCTAssertEqual(c.interest(path: "var/lib/pacman/local/desc", size: 1, mode: 0o644), .none)
        XCTAssertEqual(c.interest(path: "var/lib/pacman/local/a/b/desc", size: 1, mode: 0o644), .none)
        XCTAssertEqual(c.interest(path: "var/lib/pacman/sync/core/gmp/desc", size: 1, mode: 0o644), .none)
    }

    /// syft's installed fixture: five packages; `corrupt-0.2.1-3/desc` has mangled keys (`%NME%`) and is skipped,
    /// as syft skips it.
    func testSyftInstalledDatabase() throws {
        let os = try arch()
        XCTAssertEqual(os.distroQualifier, "arch")
        let pkgs = try catalogue(try tree(Self.installed), os: os)
        XCTAssertEqual(Set(pkgs.keys), ["tree-sitter", "emacs", "fuzzy", "madeup", "gmp"])

        let gmp = try XCTUnwrap(pkgs["gmp"])
        XCTAssertEqual(gmp.version, "6.2.1-2")
        XCTAssertEqual(gmp.type, .alpm)
        XCTAssertEqual(gmp.architecture, "x86_64")
        XCTAssertEqual(gmp.purl, "pkg:alpm/arch/gmp@6.2.1-2?arch=x86_64&distro=arch")
        // Two %LICENSE% lines are two licences; Arch's legacy names map to SPDX.
        XCTAssertEqual(gmp.licenses, ["LGPL-3.0-only", "GPL-1.0-or-later"])
        XCTAssertEqual(gmp.supplier, "Person: Antonio Rojas (arojas@archlinux.org)")
        XCTAssertEqual(gmp.sourceName, "gmp")
        XCTAssertEqual(gmp.sourceVersion, "6.2.1-2")
        XCTAssertEqual(gmp.description, "A free library for arbitrary precision arithmetic")
        XCTAssertEqual(gmp.homepage, "https://gmplib.org/")
        XCTAssertEqual(gmp.properties["vouch:installed-size"], "1044438")
        XCTAssertEqual(gmp.locations, [Location(path: "/var/lib/pacman/local/gmp-6.2.1-2/desc", layer: "sha256:only")])
        XCTAssertEqual(gmp.layer, "sha256:only")
        XCTAssertEqual(gmp.foundBy, "alpm")

        let emacs = try XCTUnwrap(pkgs["emacs"])
        XCTAssertEqual(emacs.licenses, ["GPL-3.0-only"])
        XCTAssertEqual(emacs.supplier, "Person: Frederik Schwan (freswa@archlinux.org)")
        XCTAssertEqual(emacs.homepage, "https://www.gnu.org/software/emacs/emacs.html")

        XCTAssertEqual(pkgs["tree-sitter"]?.licenses, ["MIT"])
        XCTAssertEqual(pkgs["tree-sitter"]?.supplier, "Person: Daniel M. Capella (polyzen@archlinux.org)")

        // Minimal records: no arch, licence, packager or base.
        let fuzzy = try XCTUnwrap(pkgs["fuzzy"])
        XCTAssertEqual(fuzzy.purl, "pkg:alpm/arch/fuzzy@1.2-3?distro=arch")
        XCTAssertEqual(fuzzy.licenses, [])
        XCTAssertNil(fuzzy.supplier)
        XCTAssertNil(fuzzy.architecture)
        XCTAssertEqual(fuzzy.sourceName, "fuzzy")
    }

    /// Without os-release the namespace stays `arch` (the purl requires one) but no distro is claimed.
    func testWithoutOSRelease() throws {
        let pkgs = try catalogue(try tree(Self.installed), os: nil)
        XCTAssertEqual(pkgs["emacs"]?.purl, "pkg:alpm/arch/emacs@29.3-3?arch=x86_64")
    }

    /// A split package names its pkgbase in %BASE%; it becomes the upstream qualifier.
    /// (Synthetic: the fixtures have no split package. Fields copied from tree-sitter's real desc.)
    func testSplitPackageUpstream() throws {
        let desc = "%NAME%\ntree-sitter-cli\n\n%VERSION%\n0.22.6-1\n\n%BASE%\ntree-sitter\n\n%ARCH%\nx86_64\n\n%LICENSE%\nMIT\n"
        let t = FileTree()
        t.insert("var/lib/pacman/local/tree-sitter-cli-0.22.6-1/desc", FileNode(kind: .regular, content: Data(desc.utf8)))
        let pkg = try XCTUnwrap(try catalogue(t, os: try arch())["tree-sitter-cli"])
        XCTAssertEqual(pkg.purl, "pkg:alpm/arch/tree-sitter-cli@0.22.6-1?arch=x86_64&distro=arch&upstream=tree-sitter")
        XCTAssertEqual(pkg.sourceName, "tree-sitter")
    }

    /// syft's glob fixture holds placeholder text, not pacman records: nothing is catalogued, nothing crashes.
    func testPlaceholderFilesYieldNothing() throws {
        let t = try tree(Self.globPaths)
        XCTAssertEqual(t.paths { p, _ in ALPMCataloguer.isDesc(p) }.count, 2)
        XCTAssertEqual(try catalogue(t, os: nil).count, 0)
    }

    func testDescParser() {
        let d = ALPMDesc(Data("stray\n%NAME%\r\nfoo\r\n\r\n%LICENSE%\ncustom:Foo Bar\nMIT\n\n%EMPTY%\n\n%%\nx\n".utf8))
        XCTAssertEqual(d.first("NAME"), "foo")
        XCTAssertEqual(d.all("LICENSE"), ["custom:Foo Bar", "MIT"])
        XCTAssertNil(d.first("EMPTY"))
        XCTAssertEqual(DistroLicense.expression("custom:Foo Bar"), "LicenseRef-custom-Foo-Bar")
    }
}
