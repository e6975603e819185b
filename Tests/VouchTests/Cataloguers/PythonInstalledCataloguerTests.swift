import Catalog
import Foundation
import SBOM
import XCTest

/// Installed Python metadata from syft's site-packages test data.
final class PythonInstalledCataloguerTests: XCTestCase {
    let base = "fixtures/syft/syft/pkg/cataloger/python/testdata/site-packages/"

    func catalogue(_ files: [String]) throws -> [Package] {
        let tree = FileTree()
        let c = PythonInstalledCataloguer()
        for f in files {
            let data = try SharedData.data(base + f)
            guard c.interest(path: "site-packages/" + f, size: Int64(data.count), mode: 0o644) != .none else { continue }
            tree.insert("site-packages/" + f, FileNode(kind: .regular, size: Int64(data.count), content: data))
        }
        return try c.catalogue(tree, context: CatalogueContext(operatingSystem: nil))
    }

    func testDistInfoEggInfoAndUppercase() throws {
        let pkgs = try catalogue([
            "nested/dist-name/dist-info/METADATA", "nested/egg-name/egg-info/PKG-INFO",
            "uppercase/dist-name/DIST-INFO/METADATA", "uppercase/egg-name/EGG-INFO/PKG-INFO",
            "test/test.egg-info", "no-version/no-version-py3.8.egg-info", "partial.dist-info/METADATA",
            "nested/egg-name/egg-info/PKG-INFO-INVALID", "nested/dist-name/dist-info/RECORD",
        ])
        // syft's expectations for these files (python/cataloger_test.go).
        let byName = Dictionary(grouping: pkgs, by: \.name)
        XCTAssertEqual(byName["requests"]?.first?.version, "2.22.0")
        XCTAssertEqual(byName["requests"]?.first?.purl, "pkg:pypi/requests@2.22.0")
        XCTAssertEqual(byName["requests"]?.first?.licenses, ["Apache-2.0"])
        XCTAssertEqual(byName["Pygments"]?.first?.version, "2.6.1")
        XCTAssertEqual(byName["Pygments"]?.first?.purl, "pkg:pypi/pygments@2.6.1")
        XCTAssertEqual(byName["Pygments"]?.first?.licenses, ["BSD-3-Clause"])
        XCTAssertNotNil(byName["Pygments"]?.first?.supplier)
        XCTAssertNil(byName["no-version"], "metadata without a version is not a package")
        XCTAssertTrue(pkgs.allSatisfy { $0.type == .python && $0.foundBy == "python-installed" })
        XCTAssertFalse(pkgs.contains { $0.locations.first?.path.hasSuffix("PKG-INFO-INVALID") ?? false })
    }

    func testLicenceExpressionAndClassifiers() throws {
        let pkgs = try catalogue(["license/with-license-file-declared.dist-info/METADATA", "license/without-license-file-declared.dist-info/METADATA"])
        XCTAssertEqual(pkgs.count, 2)
        // Neither has a License field; both carry the classifier `License :: OSI Approved :: BSD License`.
        for p in pkgs { XCTAssertEqual(p.licenses, ["BSD-3-Clause"], p.name) }
    }
}
