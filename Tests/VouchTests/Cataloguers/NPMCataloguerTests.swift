import Foundation
import SBOM
import XCTest
@testable import Catalog

final class NPMCataloguerTests: XCTestCase {
    static let testdata = "fixtures/syft/syft/pkg/cataloger/javascript/testdata"

    /// A tree holding real syft `package.json` fixtures at image paths, written by layer 1.
    func tree(_ files: [(fixture: String, path: String)]) throws -> FileTree {
        let tree = FileTree()
        tree.layerIDs = ["sha256:base", "sha256:node-layer"]
        for f in files {
            let data = try SharedData.data("\(Self.testdata)/\(f.fixture)")
            tree.insert(f.path, FileNode(kind: .regular, size: Int64(data.count), layer: 1, content: data))
        }
        return tree
    }

    func catalogue(_ tree: FileTree) throws -> [String: Package] {
        let pkgs = try NPMCataloguer().catalogue(tree, context: CatalogueContext(operatingSystem: nil))
        return Dictionary(pkgs.map { ($0.locations.first?.path ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }

    func testInterest() {
        let c = NPMCataloguer()
        XCTAssertEqual(c.interest(path: "usr/lib/node_modules/npm/package.json", size: 10, mode: 0o644), .keep(maxBytes: 1 << 20))
        XCTAssertEqual(c.interest(path: "app/node_modules/@types/node/package.json", size: 10, mode: 0o644), .keep(maxBytes: 1 << 20))
        XCTAssertEqual(c.interest(path: "app/node_modules/a/node_modules/b/package.json", size: 10, mode: 0o644), .keep(maxBytes: 1 << 20))
        // The application's own manifest and lock files are not installed packages.
        XCTAssertEqual(c.interest(path: "app/package.json", size: 10, mode: 0o644), .none)
        XCTAssertEqual(c.interest(path: "package.json", size: 10, mode: 0o644), .none)
        XCTAssertEqual(c.interest(path: "app/node_modules/.package-lock.json", size: 10, mode: 0o644), .none)
        XCTAssertEqual(c.interest(path: "app/node_modules/x/package.json.bak", size: 10, mode: 0o644), .none)
    }

    /// syft's `pkg-lock/node_modules` fixtures: a plain and a scoped installed package.
    func testInstalledPackages() throws {
        let pkgs = try catalogue(try tree([
            ("pkg-lock/node_modules/cowsay/package.json", "usr/lib/node_modules/cowsay/package.json"),
            ("pkg-lock/node_modules/@actions/core/package.json", "usr/lib/node_modules/@actions/core/package.json"),
        ]))
        XCTAssertEqual(pkgs.count, 2)

        let cowsay = try XCTUnwrap(pkgs["/usr/lib/node_modules/cowsay/package.json"])
        XCTAssertEqual(cowsay.name, "cowsay")
        XCTAssertEqual(cowsay.version, "1.4.0")
        XCTAssertEqual(cowsay.type, .npm)
        XCTAssertEqual(cowsay.purl, "pkg:npm/cowsay@1.4.0")
        XCTAssertEqual(cowsay.licenses, ["MIT"])
        XCTAssertEqual(cowsay.supplier, "Person: Fabio Crisci (piuccio@gmail.com)")
        XCTAssertEqual(cowsay.homepage, "https://github.com/piuccio/cowsay")
        XCTAssertEqual(cowsay.description, "cowsay is a configurable talking cow")
        XCTAssertEqual(cowsay.layer, "sha256:node-layer")
        XCTAssertEqual(cowsay.locations, [Location(path: "/usr/lib/node_modules/cowsay/package.json", layer: "sha256:node-layer")])
        XCTAssertEqual(cowsay.foundBy, "npm-installed")

        let core = try XCTUnwrap(pkgs["/usr/lib/node_modules/@actions/core/package.json"])
        XCTAssertEqual(core.name, "@actions/core")
        XCTAssertEqual(core.purl, "pkg:npm/%40actions/core@1.6.0")
        XCTAssertEqual(core.licenses, ["MIT"])
        XCTAssertNil(core.supplier)
        XCTAssertEqual(core.description, "Actions core lib")
    }

    /// syft's `pkg-json` fixtures placed inside `node_modules`: the author and licence variants.
    func testAuthorAndLicenceForms() throws {
        let pkgs = try catalogue(try tree([
            ("pkg-json/package.json", "srv/node_modules/npm/package.json"),
            ("pkg-json/package-license-object.json", "srv/node_modules/license-object/package.json"),
            ("pkg-json/package-license-objects.json", "srv/node_modules/license-objects/package.json"),
            ("pkg-json/package-malformed-license.json", "srv/node_modules/malformed-license/package.json"),
            ("pkg-json/package-no-license.json", "srv/node_modules/no-license/package.json"),
            ("pkg-json/package-nested-author.json", "srv/node_modules/nested-author/package.json"),
            ("pkg-json/package-author-non-standard.json", "srv/node_modules/organization/package.json"),
            ("pkg-json/package-repo-string.json", "srv/node_modules/function-bind/package.json"),
        ]))
        XCTAssertEqual(pkgs.count, 8)
        func pkg(_ dir: String) throws -> Package { try XCTUnwrap(pkgs["/srv/node_modules/\(dir)/package.json"], dir) }

        let npm = try pkg("npm")
        XCTAssertEqual(npm.purl, "pkg:npm/npm@6.14.6")
        XCTAssertEqual(npm.licenses, ["Artistic-2.0"])
        // "Isaac Z. Schlueter <i@izs.me> (http://blog.izs.me)": the URL is not part of an SPDX supplier.
        XCTAssertEqual(npm.supplier, "Person: Isaac Z. Schlueter (i@izs.me)")
        XCTAssertEqual(npm.homepage, "https://docs.npmjs.com/")

        XCTAssertEqual(try pkg("license-object").licenses, ["ISC"])
        // The deprecated `licenses` array offers a choice.
        XCTAssertEqual(try pkg("license-objects").licenses, ["MIT OR Apache-2.0"])
        XCTAssertEqual(try pkg("malformed-license").licenses, ["MIT"])
        XCTAssertEqual(try pkg("no-license").licenses, [])
        XCTAssertEqual(try pkg("nested-author").supplier, "Person: Isaac Z. Schlueter (i@izs.me)")
        XCTAssertEqual(try pkg("organization").supplier, "Organization: npm Inc.")
        let bind = try pkg("function-bind")
        XCTAssertEqual(bind.purl, "pkg:npm/function-bind@1.1.1")
        XCTAssertEqual(bind.supplier, "Person: Raynos (raynos2@gmail.com)")
        XCTAssertEqual(bind.licenses, ["MIT"])
    }

    /// A project's own manifest is skipped even though it has a name and version; grype's
    /// image-simple fixture has one at the top level and one nested outside `node_modules`.
    func testProjectManifestsOutsideNodeModulesAreNotCatalogued() throws {
        let top = try SharedData.data("examples/grype/grype/pkg/testdata/image-simple/package.json")
        let nested = try SharedData.data("examples/grype/grype/pkg/testdata/image-simple/target/nested/package.json")
        let t = FileTree()
        t.insert("package.json", FileNode(kind: .regular, content: top))
        t.insert("target/nested/package.json", FileNode(kind: .regular, content: nested))
        XCTAssertEqual(try NPMCataloguer().catalogue(t, context: CatalogueContext(operatingSystem: nil)), [])
    }

    /// Hostile and partial manifests: not JSON, no name/version, wrong types. Each is skipped, and
    /// the parser says why with a typed error.
    func testMalformedManifestsAreSkipped() throws {
        let corrupt = try SharedData.data("\(Self.testdata)/corrupt/package.json")
        let partial = try SharedData.data("\(Self.testdata)/pkg-json/package-partial.json")
        XCTAssertThrowsError(try NPMPackageManifest(corrupt, path: "a/package.json")) { error in
            guard case NPMManifestError.notJSON(path: "a/package.json", reason: _) = error else {
                return XCTFail("unexpected \(error)")
            }
        }
        XCTAssertThrowsError(try NPMPackageManifest(partial, path: "b/package.json")) { error in
            XCTAssertEqual(error as? NPMManifestError, .missingField(path: "b/package.json", field: "name"))
        }
        // Synthetic: the fixtures have no wrongly typed fields or non-object documents.
        XCTAssertThrowsError(try NPMPackageManifest(Data(#"{"name": 5, "version": "1"}"#.utf8), path: "c")) { error in
            XCTAssertEqual(error as? NPMManifestError, .missingField(path: "c", field: "name"))
        }
        XCTAssertThrowsError(try NPMPackageManifest(Data(#"["name"]"#.utf8), path: "d")) { error in
            XCTAssertEqual(error as? NPMManifestError, .notAnObject(path: "d"))
        }
        let odd = try NPMPackageManifest(Data(#"{"name":"x","version":"1.0.0","license":7,"author":[1],"homepage":{}}"#.utf8), path: "e")
        XCTAssertEqual(odd.licenses, [])
        XCTAssertNil(odd.supplier)
        XCTAssertNil(odd.homepage)

        let t = try tree([
            ("corrupt/package.json", "app/node_modules/corrupt/package.json"),
            ("pkg-json/package-partial.json", "app/node_modules/date-fns/fp/isSaturday/package.json"),
            ("pkg-lock/node_modules/cowsay/package.json", "app/node_modules/cowsay/package.json"),
        ])
        let pkgs = try NPMCataloguer().catalogue(t, context: CatalogueContext(operatingSystem: nil))
        XCTAssertEqual(pkgs.map(\.purl), ["pkg:npm/cowsay@1.4.0"])
    }

    func testPersonForms() {
        func parts(_ s: String) -> [String?] { let p = NPMPerson(s); return [p.name, p.email, p.url] }
        XCTAssertEqual(parts("Isaac Z. Schlueter <i@izs.me> (http://blog.izs.me)"), ["Isaac Z. Schlueter", "i@izs.me", "http://blog.izs.me"])
        XCTAssertEqual(parts("Raynos <raynos2@gmail.com>"), ["Raynos", "raynos2@gmail.com", nil])
        XCTAssertEqual(parts("Jane (https://jane.dev)"), ["Jane", nil, "https://jane.dev"])
        XCTAssertEqual(parts("  "), ["", nil, nil])
    }
}
