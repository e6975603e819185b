import CVouchZlib
import Foundation
import JSON
import SBOM
import XCTest
@testable import Catalog

/// No cargo-auditable binary exists on this machine and crates.io is unreachable, so each test links a real
/// ELF with the system C toolchain and adds a `.dep-v0` section holding zlib-compressed JSON in exactly
/// cargo-auditable's format. The crate list is taken from syft's own cargo-auditable fixture project
/// (`rust/testdata/image-audit/Cargo.lock`), whose audited binary syft expects to yield these ten crates.
final class CargoAuditableCataloguerTests: XCTestCase {
    static let lockFixture = "fixtures/syft/syft/pkg/cataloger/rust/testdata/image-audit/Cargo.lock"
    /// The proc-macro crates and what only they use: recorded as `"kind":"build"` from format 1 on.
    static let buildOnly: Set<String> = ["argh_derive", "serde_derive", "proc-macro2", "quote", "syn", "unicode-ident"]

    struct LockedCrate { var name: String; var version: String; var source: String?; var dependencies: [String] }

    /// The `[[package]]` entries of a Cargo.lock (name, version, source, dependency names).
    func lockedCrates() throws -> [LockedCrate] {
        let text = String(decoding: try SharedData.data(Self.lockFixture), as: UTF8.self)
        var crates: [LockedCrate] = []
        var inDependencies = false
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line == "[[package]]" { crates.append(LockedCrate(name: "", version: "", source: nil, dependencies: [])); inDependencies = false; continue }
            guard !crates.isEmpty else { continue }
            func value(_ key: String) -> String? {
                guard line.hasPrefix(key + " = \"") else { return nil }
                return String(line.dropFirst(key.count + 4).dropLast())
            }
            if inDependencies {
                if line == "]" { inDependencies = false } else {
                    let dep = line.trimmingCharacters(in: CharacterSet(charactersIn: "\","))
                    crates[crates.count - 1].dependencies.append(String(dep.split(separator: " ").first ?? ""))
                }
            } else if line == "dependencies = [" {
                inDependencies = true
            } else if let v = value("name") { crates[crates.count - 1].name = v
            } else if let v = value("version") { crates[crates.count - 1].version = v
            } else if let v = value("source") { crates[crates.count - 1].source = v }
        }
        return crates
    }

    /// cargo-auditable's JSON for the lock: sources shortened the way auditable-serde writes them, `kind`
    /// only when build, `root` only on the root, `dependencies` as indices and only when non-empty.
    func auditJSON(root: String, format: Int) throws -> Data {
        let crates = try lockedCrates()
        let index = Dictionary(uniqueKeysWithValues: crates.enumerated().map { ($0.element.name, $0.offset) })
        let packages: [JSON] = crates.map { c in
            var o: JSONObject = ["name": .string(c.name), "version": .string(c.version)]
            o["source"] = .string(c.source?.hasPrefix("registry+https://github.com/rust-lang/crates.io-index") == true ? "crates.io" : "local")
            if format >= 1, Self.buildOnly.contains(c.name) { o["kind"] = "build" }
            let deps = c.dependencies.compactMap { index[$0] }.map { JSON.int(Int64($0)) }
            if !deps.isEmpty { o["dependencies"] = .array(deps) }
            if c.name == root { o["root"] = true }
            return .object(o)
        }
        var top: JSONObject = ["packages": .array(packages)]
        if format > 0 { top["format"] = .int(Int64(format)) }
        return JSON.object(top).serialized([])
    }

    static func zlib(_ data: Data) throws -> Data {
        var bound = compressBound(uLong(data.count))
        var out = [UInt8](repeating: 0, count: Int(bound))
        let code = data.withUnsafeBytes { src in
            compress2(&out, &bound, src.bindMemory(to: Bytef.self).baseAddress, uLong(data.count), 9)
        }
        guard code == Z_OK else { throw XCTSkip("zlib compress2 failed with \(code)") }
        return Data(out.prefix(Int(bound)))
    }

    func audited(_ section: Data, name: String = ".dep-v0") throws -> Data {
        try ELFFixtures.compileC("int main(void) { return 0; }", addSections: [name: section])
    }

    func catalogue(_ content: Data, at path: String) throws -> [Package] {
        let c = CargoAuditableCataloguer()
        let tree = FileTree()
        tree.layerIDs = ["sha256:base", "sha256:app"]
        var node = FileNode(kind: .regular, size: Int64(content.count), mode: 0o100755, layer: 1)
        node.evidence[c.name] = c.inspect(path: path, content: content)
        tree.insert(path, node)
        return try c.catalogue(tree, context: CatalogueContext(operatingSystem: nil))
    }

    // MARK: Real format

    func testFormat0ReportsWhatSyftExpects() throws {
        let binary = try audited(try Self.zlib(try auditJSON(root: "hello_world", format: 0)))
        XCTAssertNotNil(try ELFFile(binary).section(named: ".dep-v0"))
        let packages = try catalogue(binary, at: "usr/local/bin/hello_world")
        // syft's TestNewAuditBinaryCataloger expects exactly these ten for this project.
        XCTAssertEqual(packages.map(\.purl).sorted(), [
            "pkg:cargo/argh@0.1.12", "pkg:cargo/argh_derive@0.1.12", "pkg:cargo/argh_shared@0.1.12",
            "pkg:cargo/hello_world@0.1.0", "pkg:cargo/proc-macro2@1.0.92", "pkg:cargo/quote@1.0.37",
            "pkg:cargo/serde@1.0.215", "pkg:cargo/serde_derive@1.0.215", "pkg:cargo/syn@2.0.90",
            "pkg:cargo/unicode-ident@1.0.14",
        ])
        let root = try XCTUnwrap(packages.first { $0.name == "hello_world" })
        XCTAssertEqual(root.properties, ["vouch:cargo.source": "local", "vouch:cargo.root": "true"])
        XCTAssertEqual(root.type, .cargo)
        XCTAssertEqual(root.foundBy, "cargo-auditable-binary")
        XCTAssertEqual(root.layer, "sha256:app")
        XCTAssertEqual(root.locations, [Location(path: "/usr/local/bin/hello_world", layer: "sha256:app")])
        XCTAssertEqual(packages.first { $0.name == "serde" }?.properties["vouch:cargo.source"], "crates.io")
    }

    func testBuildOnlyCratesAreLeftOutLikeSyft() throws {
        let binary = try audited(try Self.zlib(try auditJSON(root: "hello_world", format: 1)))
        let packages = try catalogue(binary, at: "usr/local/bin/hello_world")
        XCTAssertEqual(packages.map(\.name).sorted(), ["argh", "argh_shared", "hello_world", "serde"])
        let all = try XCTUnwrap(try CargoAuditData.read(binary))
        XCTAssertEqual(all.count, 10)
        XCTAssertEqual(all.filter { $0.kind == .build }.count, Self.buildOnly.count)
    }

    func testRustAudit01SectionNameAndOtherSources() throws {
        let json = #"{"packages":[{"name":"app","version":"1.0.0","source":"local","root":true,"dependencies":[1,2]},"#
            + #"{"name":"gitdep","version":"0.3.0","source":"git"},{"name":"mirror","version":"2.0.0","source":{"Other":"sparse+https://example.org/"}}]}"#
        let binary = try audited(try Self.zlib(Data(json.utf8)), name: ".rust-deps-v0")
        let packages = try catalogue(binary, at: "app")
        XCTAssertEqual(packages.map(\.purl).sorted(), ["pkg:cargo/app@1.0.0", "pkg:cargo/gitdep@0.3.0", "pkg:cargo/mirror@2.0.0"])
        XCTAssertEqual(packages.first { $0.name == "mirror" }?.properties["vouch:cargo.source"], "sparse+https://example.org/")
    }

    /// 32-bit little-endian and 64-bit big-endian objects carry the same section and read the same.
    func testOtherClassesAndByteOrders() throws {
        let section = try Self.zlib(try auditJSON(root: "hello_world", format: 0))
        let i386 = try ELFFixtures.link32("void _start(void) {}", addSections: [".dep-v0": section])
        let big = try ELFFixtures.objectFromBinary(section, target: "elf64-big", section: ".dep-v0")
        XCTAssertFalse(try ELFFile(i386).is64Bit)
        XCTAssertTrue(try ELFFile(big).isBigEndian)
        let reference = try CargoAuditData.read(try audited(section))
        XCTAssertEqual(try CargoAuditData.read(i386), reference)
        XCTAssertEqual(try CargoAuditData.read(big), reference)
    }

    func testBinariesWithoutAuditDataGiveNothing() throws {
        let plain = try ELFFixtures.compileC("int main(void) { return 0; }")
        XCTAssertNil(try CargoAuditData.read(plain))
        XCTAssertNil(CargoAuditableCataloguer().inspect(path: "x", content: plain))
        // syft's corrupt-binary fixture (the first bytes of a Mach-O file) is not even ELF.
        let partial = try SharedData.data("fixtures/syft/syft/pkg/cataloger/rust/testdata/glob-paths/partial-binary")
        XCTAssertNil(CargoAuditableCataloguer().inspect(path: "partial-binary", content: partial))
    }

    // MARK: Hostile input

    func testZlibBombIsRefused() throws {
        // 64 MiB of zeros compresses to about 64 KiB: eight times the 8 MiB output ceiling.
        let bomb = try Self.zlib(Data(count: 64 << 20))
        XCTAssertLessThan(bomb.count, 100_000)
        let binary = try audited(bomb)
        XCTAssertThrowsError(try CargoAuditData.read(binary)) { error in
            XCTAssertEqual(error as? CargoAuditError, .zlib(.tooLarge(limit: CargoAuditData.maxInflatedBytes)))
        }
        XCTAssertNil(CargoAuditableCataloguer().inspect(path: "bomb", content: binary))
    }

    func testCorruptAndTruncatedSections() throws {
        let good = try Self.zlib(try auditJSON(root: "hello_world", format: 0))
        XCTAssertThrowsError(try CargoAuditData.read(try audited(good.prefix(good.count / 2)))) { error in
            XCTAssertEqual(error as? CargoAuditError, .zlib(.truncated))
        }
        XCTAssertThrowsError(try CargoAuditData.read(try audited(Data("{\"packages\":[]}".utf8)))) { error in
            guard case CargoAuditError.zlib(.corrupt) = error else { return XCTFail("\(error)") }
        }
        let cases: [(String, CargoAuditError)] = [
            (#"[1,2]"#, .json("no 'packages' array")),
            (#"{"packages":[{"name":"a"}]}"#, .field(package: 0, name: "version", problem: "is missing or not a string")),
            (#"{"packages":[{"name":"a","version":"1","kind":3}]}"#, .field(package: 0, name: "kind", problem: "is not a string")),
            (#"{"packages":[7]}"#, .field(package: 0, name: "package", problem: "is not an object")),
        ]
        for (json, expected) in cases {
            XCTAssertThrowsError(try CargoAuditData.read(try audited(try Self.zlib(Data(json.utf8)))), json) { error in
                XCTAssertEqual(error as? CargoAuditError, expected, json)
            }
        }
    }

    func testTruncatedAndLyingHeadersNeverCrash() throws {
        let binary = try audited(try Self.zlib(try auditJSON(root: "hello_world", format: 0)))
        let elf = try ELFFile(binary)
        let section = try XCTUnwrap(elf.section(named: ".dep-v0"))
        // Cut inside the compressed section: its header now points past the end.
        let cut = binary.prefix(Int(section.offset) + 10)
        XCTAssertThrowsError(try CargoAuditData.read(cut)) { error in
            guard case CargoAuditError.elf(.truncated) = error else { return XCTFail("\(error)") }
        }
        XCTAssertNil(CargoAuditableCataloguer().inspect(path: "x", content: cut))

        var rng = SplitMix64(seed: 0xdeb0)
        let original = [UInt8](binary)
        let shoff = Int(try elf.unsigned(at: 40, size: 8))
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<6 {
                // The ELF header, the section header table and the compressed payload.
                let regions = [0..<64, shoff..<original.count, Int(section.offset)..<Int(section.offset + section.size)]
                let region = regions[Int(rng.next() % 3)]
                bytes[region.lowerBound + Int(rng.next() % UInt64(region.count))] = UInt8(truncatingIfNeeded: rng.next())
            }
            _ = try? CargoAuditData.read(Data(bytes))
            _ = CargoAuditableCataloguer().inspect(path: "x", content: Data(bytes))
        }
    }
}
