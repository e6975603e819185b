import Foundation
import SBOM
import XCTest
@testable import Catalog

final class DotNetDepsCataloguerTests: XCTestCase {
    static let testdata = "fixtures/syft/syft/pkg/cataloger/dotnet/testdata"

    func catalogue(_ fixture: String, at path: String) throws -> [Package] {
        let data = try SharedData.data("\(Self.testdata)/\(fixture)")
        let tree = FileTree()
        tree.layerIDs = ["sha256:runtime", "sha256:app"]
        tree.insert(path, FileNode(kind: .regular, size: Int64(data.count), layer: 1, content: data))
        return try DotNetDepsCataloguer().catalogue(tree, context: CatalogueContext(operatingSystem: nil))
    }

    func testInterest() {
        let c = DotNetDepsCataloguer()
        XCTAssertEqual(c.interest(path: "app/TestLibrary.deps.json", size: 1, mode: 0o644), .keep(maxBytes: 16 << 20))
        XCTAssertEqual(c.interest(path: "usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.0/Microsoft.NETCore.App.deps.json",
                                  size: 1, mode: 0o644), .keep(maxBytes: 16 << 20))
        XCTAssertEqual(c.interest(path: "app/.deps.json", size: 1, mode: 0o644), .none)
        XCTAssertEqual(c.interest(path: "app/TestLibrary.runtimeconfig.json", size: 1, mode: 0o644), .none)
        XCTAssertEqual(c.interest(path: "app/packages.lock.json", size: 1, mode: 0o644), .none)
    }

    /// syft's dir-example-1: twelve `package` libraries; the `project` entries (the application
    /// TestLibrary and its own TestCommon project) are not NuGet packages.
    func testPackagesOfAnApplication() throws {
        let pkgs = try catalogue("dir-example-1/TestLibrary.deps.json", at: "app/TestLibrary.deps.json")
        XCTAssertEqual(pkgs.map(\.purl), [
            "pkg:nuget/AWSSDK.Core@3.7.10.6",
            "pkg:nuget/Microsoft.Extensions.DependencyInjection@6.0.0",
            "pkg:nuget/Microsoft.Extensions.DependencyInjection.Abstractions@6.0.0",
            "pkg:nuget/Microsoft.Extensions.Logging@6.0.0",
            "pkg:nuget/Microsoft.Extensions.Logging.Abstractions@6.0.0",
            "pkg:nuget/Microsoft.Extensions.Options@6.0.0",
            "pkg:nuget/Microsoft.Extensions.Primitives@6.0.0",
            "pkg:nuget/Newtonsoft.Json@13.0.1",
            "pkg:nuget/Serilog@2.10.0",
            "pkg:nuget/Serilog.Sinks.Console@4.0.1",
            "pkg:nuget/System.Diagnostics.DiagnosticSource@6.0.0",
            "pkg:nuget/System.Runtime.CompilerServices.Unsafe@6.0.0",
        ])
        XCTAssertFalse(pkgs.contains { $0.name == "TestLibrary" || $0.name == "TestCommon" })

        let json = try XCTUnwrap(pkgs.first { $0.name == "Newtonsoft.Json" })
        XCTAssertEqual(json.version, "13.0.1")
        XCTAssertEqual(json.type, .nuget)
        XCTAssertEqual(json.properties["vouch:sha512"],
                       "sha512-ppPFpBcvxdsfUonNcvITKqLl3bqxWbDCZIzDWHzjpdAHRFfZe0Dw9HmA0+za13IdyrgJwpkDTDA9fHaxOrt20A==")
        XCTAssertEqual(json.layer, "sha256:app")
        XCTAssertEqual(json.locations, [Location(path: "/app/TestLibrary.deps.json", layer: "sha256:app")])
        XCTAssertEqual(json.foundBy, "dotnet-deps")
    }

    /// syft's deps-with-referenceassembly: `referenceassembly` entries (framework reference
    /// assemblies, no NuGet package) are skipped like projects.
    func testReferenceAssembliesAreNotPackages() throws {
        let pkgs = try catalogue("deps-with-referenceassembly/MyApp.deps.json", at: "app/MyApp.deps.json")
        XCTAssertEqual(pkgs.map(\.purl), ["pkg:nuget/Newtonsoft.Json@13.0.3"])
        XCTAssertEqual(pkgs.first?.properties["vouch:sha512"],
                       "sha512-HrC5BXdl00IP9zeV+0Z848QWPAoCr9P3bDEZguI+gkLcBKAOxix/tLEAAHC+UvDNPv4a2d18lOReHMOagPa+zQ==")
    }

    /// syft's glob-path fixture is the text `bogus deps.json`.
    func testNotJSONIsSkippedWithATypedError() throws {
        let data = try SharedData.data("\(Self.testdata)/glob-paths/src/something.deps.json")
        XCTAssertThrowsError(try DotNetDepsLibrary.parse(data, path: "src/something.deps.json")) { error in
            guard case DotNetDepsError.notJSON(path: "src/something.deps.json", reason: _) = error else {
                return XCTFail("unexpected \(error)")
            }
        }
        XCTAssertEqual(try catalogue("glob-paths/src/something.deps.json", at: "src/something.deps.json"), [])
    }

    /// Synthetic: wrongly typed members the fixtures do not have. None may crash; only the
    /// well-formed `package` entry survives.
    func testWrongTypes() throws {
        XCTAssertThrowsError(try DotNetDepsLibrary.parse(Data(#"{"libraries": ["a/1"]}"#.utf8), path: "a")) { error in
            XCTAssertEqual(error as? DotNetDepsError, .noLibraries(path: "a"))
        }
        XCTAssertThrowsError(try DotNetDepsLibrary.parse(Data("[]".utf8), path: "b")) { error in
            XCTAssertEqual(error as? DotNetDepsError, .noLibraries(path: "b"))
        }
        let doc = #"""
        {"libraries": {
          "NoVersion": {"type": "package"},
          "/1.0.0": {"type": "package"},
          "A/": {"type": "package"},
          "B/1.0/extra": {"type": "package"},
          "C/2.0": {"type": 5, "sha512": "x"},
          "D/3.0": "package",
          "E/4.0": {"type": "package", "sha512": 12},
          "F/5.0": {"type": "package", "sha512": "sha512-AAAA"}
        }}
        """#
        let libs = try DotNetDepsLibrary.parse(Data(doc.utf8), path: "c")
        XCTAssertEqual(libs, [DotNetDepsLibrary(name: "E", version: "4.0", sha512: nil),
                              DotNetDepsLibrary(name: "F", version: "5.0", sha512: "sha512-AAAA")])
    }
}
