import Foundation
import SBOM
import XCTest
@testable import Catalog

final class ComposerCataloguerTests: XCTestCase {
    static let testdata = "fixtures/syft/syft/pkg/cataloger/php/testdata"
    static let installedPath = "var/www/html/vendor/composer/installed.json"

    func catalogue(_ fixture: String, at path: String = installedPath) throws -> [Package] {
        let data = try SharedData.data("\(Self.testdata)/\(fixture)")
        let tree = FileTree()
        tree.layerIDs = ["sha256:base", "sha256:php-app"]
        tree.insert(path, FileNode(kind: .regular, size: Int64(data.count), layer: 1, content: data))
        return try ComposerCataloguer().catalogue(tree, context: CatalogueContext(operatingSystem: nil))
    }

    func testInterest() {
        let c = ComposerCataloguer()
        XCTAssertEqual(c.interest(path: Self.installedPath, size: 1, mode: 0o644), .keep(maxBytes: 32 << 20))
        XCTAssertEqual(c.interest(path: "vendor/composer/installed.json", size: 1, mode: 0o644), .keep(maxBytes: 32 << 20))
        XCTAssertEqual(c.interest(path: "var/www/html/composer.lock", size: 1, mode: 0o644), .none)
        XCTAssertEqual(c.interest(path: "var/www/html/vendor/composer/installed.php", size: 1, mode: 0o644), .none)
        XCTAssertEqual(c.interest(path: "src/installed.json", size: 1, mode: 0o644), .none)
    }

    /// composer 1 writes a bare array, composer 2 an object with `packages`: syft's fixtures hold the
    /// same two packages in both layouts, so both must give the same result.
    func testComposerOneAndTwoLayouts() throws {
        for fixture in ["vendor/composer_1/installed.json", "vendor/composer_2/installed.json"] {
            let pkgs = try catalogue(fixture)
            XCTAssertEqual(pkgs.map(\.purl), ["pkg:composer/asm89/stack-cors@1.3.0", "pkg:composer/behat/mink@v1.8.1"], fixture)

            let cors = try XCTUnwrap(pkgs.first)
            XCTAssertEqual(cors.name, "asm89/stack-cors")
            XCTAssertEqual(cors.version, "1.3.0")
            XCTAssertEqual(cors.type, .composer)
            XCTAssertEqual(cors.licenses, ["MIT"])
            XCTAssertEqual(cors.supplier, "Person: Alexander (iam.asm89@gmail.com)")
            XCTAssertEqual(cors.homepage, "https://github.com/asm89/stack-cors")
            XCTAssertEqual(cors.description, "Cross-origin resource sharing library and stack middleware")
            XCTAssertEqual(cors.layer, "sha256:php-app")
            XCTAssertEqual(cors.locations, [Location(path: "/" + Self.installedPath, layer: "sha256:php-app")])
            XCTAssertEqual(cors.foundBy, "php-composer-installed")
            XCTAssertNil(cors.properties["vouch:composer.dev"])

            let mink = try XCTUnwrap(pkgs.last)
            XCTAssertEqual(mink.version, "v1.8.1")
            XCTAssertEqual(mink.homepage, "http://mink.behat.org/")
            XCTAssertEqual(mink.description, "Browser controller/emulator abstraction for PHP")
            XCTAssertEqual(mink.supplier, "Person: Konstantin Kudryashov (ever.zet@gmail.com)")
        }
    }

    /// syft's glob-path fixture is the text `bogus installed.json`.
    func testNotJSONIsSkippedWithATypedError() throws {
        let data = try SharedData.data("\(Self.testdata)/glob-paths/src/installed.json")
        XCTAssertThrowsError(try ComposerInstalledPackage.parse(data, path: "x/installed.json")) { error in
            guard case ComposerInstalledError.notJSON(path: "x/installed.json", reason: _) = error else {
                return XCTFail("unexpected \(error)")
            }
        }
        XCTAssertEqual(try catalogue("glob-paths/src/installed.json"), [])
    }

    /// Synthetic: wrong shapes and types the fixtures do not have. Entries without a string name
    /// and version are dropped; a licence list offers a choice; dev packages are marked.
    func testWrongTypesAndDevPackages() throws {
        XCTAssertThrowsError(try ComposerInstalledPackage.parse(Data(#"{"packages": 3}"#.utf8), path: "p")) { error in
            XCTAssertEqual(error as? ComposerInstalledError, .unexpectedShape(path: "p"))
        }
        XCTAssertThrowsError(try ComposerInstalledPackage.parse(Data(#""text""#.utf8), path: "q")) { error in
            XCTAssertEqual(error as? ComposerInstalledError, .unexpectedShape(path: "q"))
        }
        let doc = #"""
        {"packages": [
          {"name": "monolog/monolog", "version": "2.9.1", "license": ["MIT", "GPL-2.0-or-later"], "authors": [{"email": "j@seld.be"}]},
          {"name": 7, "version": "1.0"},
          {"name": "a/b", "version": ["1"]},
          "junk",
          {"name": "phpunit/phpunit", "version": "9.6.0", "license": "BSD-3-Clause", "authors": "nobody"}
        ], "dev": true, "dev-package-names": ["phpunit/phpunit"]}
        """#
        let entries = try ComposerInstalledPackage.parse(Data(doc.utf8), path: "r")
        XCTAssertEqual(entries.map(\.name), ["monolog/monolog", "phpunit/phpunit"])
        XCTAssertEqual(entries[0].license, "MIT OR GPL-2.0-or-later")
        XCTAssertEqual(entries[0].supplier, "Person: j@seld.be")
        XCTAssertFalse(entries[0].isDev)
        XCTAssertEqual(entries[1].license, "BSD-3-Clause")
        XCTAssertNil(entries[1].supplier)
        XCTAssertTrue(entries[1].isDev)
    }

    /// Synthetic: compound licence entries keep their precedence when offered as a choice.
    func testLicenceChoiceKeepsPrecedence() {
        XCTAssertEqual(ComposerInstalledPackage.license(.array(["(MIT OR GPL-2.0-only)", "Apache-2.0"])),
                       "(MIT OR GPL-2.0-only) OR Apache-2.0")
        XCTAssertEqual(ComposerInstalledPackage.license(.array(["(MIT) AND (BSD-3-Clause)", "ISC"])),
                       "((MIT) AND (BSD-3-Clause)) OR ISC")
        XCTAssertEqual(ComposerInstalledPackage.license(.array(["MIT", "MIT", "proprietary"])), "MIT OR LicenseRef-proprietary")
        XCTAssertNil(ComposerInstalledPackage.license(.array([])))
        XCTAssertNil(ComposerInstalledPackage.license(.int(3)))
    }
}
