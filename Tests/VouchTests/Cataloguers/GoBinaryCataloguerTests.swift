import Foundation
import JSON
import OCI
import SBOM
import XCTest
@testable import Catalog

final class GoBinaryCataloguerTests: XCTestCase {
    static let shfmtImagePath = "rootfs/bookworm-app/opt/app/lib/bin/shfmt"

    func shfmt() throws -> Data {
        let p = try SharedData.image(Self.shfmtImagePath)
        guard let d = FileManager.default.contents(atPath: p) else { throw XCTSkip("cannot read \(p)") }
        return d
    }

    /// What `syft scan file:<shfmt> -o json` (syft 1.18.1) reports for this binary: module path and version.
    static let syftModules: Set<String> = [
        "github.com/google/renameio/v2@v2.0.2",
        "github.com/rogpeppe/go-internal@v1.15.0",
        "golang.org/x/sys@v0.47.0",
        "golang.org/x/term@v0.45.0",
        "mvdan.cc/editorconfig@v0.3.0",
        "mvdan.cc/sh/v3@v3.14.1",
        "stdlib@go1.27.1",
    ]

    func testShfmtBuildInfo() throws {
        let info = try XCTUnwrap(GoBuildInfoReader.read(try shfmt()))
        XCTAssertEqual(info.goVersion, "go1.27.1")
        XCTAssertEqual(info.path, "mvdan.cc/sh/v3/cmd/shfmt")
        XCTAssertEqual(info.main?.module, GoModuleVersion(path: "mvdan.cc/sh/v3", version: "v3.14.1"))
        XCTAssertEqual(info.deps.count, 5)
        XCTAssertEqual(info.deps.first?.module, GoModuleVersion(path: "github.com/google/renameio/v2", version: "v2.0.2",
                                                                 sum: "h1:qKZs+tfn+arruZZhQ7TKC/ergJunuJicWS6gLDt/dGw="))
        XCTAssertEqual(info.setting("GOARCH"), "amd64")
        XCTAssertEqual(info.setting("vcs.revision"), "a3f0c75d21d918756fa38de8b5d3429efde7948b")
        XCTAssertEqual(info.setting("DefaultGODEBUG"), "tracebacklabels=0,x509sslcertoverrideplatform=0")
    }

    func testShfmtCatalogueMatchesSyft() throws {
        let packages = try catalogue(try shfmt(), at: "opt/app/lib/bin/shfmt")
        XCTAssertEqual(Set(packages.map { "\($0.name)@\($0.version)" }), Self.syftModules)
        XCTAssertEqual(packages.count, Self.syftModules.count)

        let byName = Dictionary(uniqueKeysWithValues: packages.map { ($0.name, $0) })
        let renameio = try XCTUnwrap(byName["github.com/google/renameio/v2"])
        // syft 1.18.1 writes pkg:golang/github.com/google/renameio@v2.0.2#v2 (a bug fixed in syft#4395);
        // the purl spec's namespace is every path segment but the last.
        XCTAssertEqual(renameio.purl, "pkg:golang/github.com/google/renameio/v2@v2.0.2")
        XCTAssertEqual(renameio.properties["vouch:go.sum"], "h1:qKZs+tfn+arruZZhQ7TKC/ergJunuJicWS6gLDt/dGw=")
        XCTAssertEqual(renameio.properties["vouch:go.version"], "go1.27.1")
        XCTAssertEqual(renameio.type, .golang)
        XCTAssertEqual(renameio.architecture, "amd64")
        XCTAssertEqual(renameio.foundBy, "go-module-binary")
        XCTAssertEqual(renameio.layer, "sha256:layer0")
        XCTAssertEqual(renameio.locations, [Location(path: "/opt/app/lib/bin/shfmt", layer: "sha256:layer0")])

        let main = try XCTUnwrap(byName["mvdan.cc/sh/v3"])
        XCTAssertEqual(main.purl, "pkg:golang/mvdan.cc/sh/v3@v3.14.1")
        XCTAssertNil(main.properties["vouch:go.sum"], "the main module has no sum in the build info")

        let std = try XCTUnwrap(byName["stdlib"])
        XCTAssertEqual(std.purl, "pkg:golang/stdlib@1.27.1")
        XCTAssertEqual(std.cpes, ["cpe:2.3:a:golang:go:1.27.1:-:*:*:*:*:*:*"])
        XCTAssertEqual(std.licenses, ["BSD-3-Clause"])
    }

    /// The whole bookworm-app image walked once with both binary cataloguers: every executable is offered to
    /// them, and only shfmt yields packages.
    func testBookwormAppImageWalk() throws {
        let layout = try SharedData.image("oci")
        let image = try ImageLoader().load(.ociDirectory(path: layout, tag: "bookworm-app", digest: nil))
        let go = GoBinaryCataloguer(), cargo = CargoAuditableCataloguer()
        let tree = try LayerWalker(cataloguers: [go, cargo]).walk(image)
        let packages = try go.catalogue(tree, context: CatalogueContext(operatingSystem: nil))
        XCTAssertEqual(Set(packages.map { "\($0.name)@\($0.version)" }), Self.syftModules)
        XCTAssertEqual(Set(packages.flatMap(\.locations).map(\.path)), ["/opt/app/lib/bin/shfmt"])
        let layer = try XCTUnwrap(CatalogSupport.layer("opt/app/lib/bin/shfmt", in: tree))
        XCTAssertEqual(Set(packages.map(\.layer)), [layer])
        XCTAssertEqual(try cargo.catalogue(tree, context: CatalogueContext(operatingSystem: nil)), [])
    }

    func testEvidenceIsSmallAndKeepsOnlySelectedSettings() throws {
        let data = try shfmt()
        let evidence = try XCTUnwrap(GoBinaryCataloguer().inspect(path: "opt/app/lib/bin/shfmt", content: data))
        XCTAssertLessThan(evidence.count, 2048, "a 3.5 MB binary reduces to a few hundred bytes")
        let json = try JSON.parse(evidence)
        XCTAssertEqual(json["settings"]?.object?.keys.sorted(), ["GOARCH", "GOOS", "vcs.revision", "vcs.time"])
        XCTAssertEqual(GoBinaryEvidence.decode(evidence)?.deps.count, 5)
    }

    /// With the section headers gone (as after `strip --strip-section-headers`), the header must be found by
    /// scanning the first writable data segment, as Go's debug/buildinfo does.
    func testStrippedSectionHeadersFallBackToDataSegmentScan() throws {
        let original = try shfmt()
        var stripped = [UInt8](original)
        for i in 40..<48 { stripped[i] = 0 }  // e_shoff
        stripped[60] = 0; stripped[61] = 0    // e_shnum
        let elf = try ELFFile(Data(stripped))
        XCTAssertTrue(elf.sections.isEmpty)
        XCTAssertEqual(try GoBuildInfoReader.read(Data(stripped)), try GoBuildInfoReader.read(original))
    }

    func testNonGoAndNonELFFilesGiveNothing() throws {
        // syft's own "partial-binary" fixture: the first bytes of a Mach-O file.
        let partial = try SharedData.data("fixtures/syft/syft/pkg/cataloger/golang/testdata/glob-paths/partial-binary")
        XCTAssertNil(GoBinaryCataloguer().inspect(path: "partial-binary", content: partial))
        let dpkgStatus = try SharedData.data("fixtures/os-pkgdb/ubuntu-18.04_var_lib_dpkg_status")
        XCTAssertNil(GoBinaryCataloguer().inspect(path: "status", content: dpkgStatus))
        // A real ELF that Go did not build (the test toolchain's own C compiler output).
        let c = try ELFFixtures.compileC("int main(void) { return 0; }")
        XCTAssertNil(try GoBuildInfoReader.read(c))
    }

    func testInterest() {
        let c = GoBinaryCataloguer()
        XCTAssertEqual(c.interest(path: "usr/bin/app", size: 4096, mode: 0o100755), .inspect(maxBytes: 512 << 20))
        XCTAssertEqual(c.interest(path: "usr/lib/x86_64-linux-gnu/libgo.so.1", size: 4096, mode: 0o100644), .inspect(maxBytes: 512 << 20))
        XCTAssertEqual(c.interest(path: "usr/share/doc/readme.so", size: 4096, mode: 0o100644), .none)
        XCTAssertEqual(c.interest(path: "etc/passwd", size: 4096, mode: 0o100644), .none)
        XCTAssertEqual(c.interest(path: "usr/bin/tiny", size: 10, mode: 0o100755), .none)
    }

    // MARK: Go < 1.18 pointer format, linked by the system toolchain

    /// The pre-1.18 layout: the header holds two pointers to Go string headers (pointer, length) in the data
    /// segment. No such binary is on the machine, so the test links one with the same layout, carrying the
    /// module info read from the real shfmt, and checks both formats read the same.
    func testPointerFormat64BitMatchesInlineFormat() throws {
        let real = try XCTUnwrap(GoBuildInfoReader.read(try shfmt()))
        let modInfo = try rawModInfo(try shfmt())
        let binary = try ELFFixtures.compileC(Self.pointerFormatSource(version: "go1.16.15", modInfo: modInfo, entry: "int main(void) { return 0; }"),
                                              flags: ["-no-pie"])
        let info = try XCTUnwrap(GoBuildInfoReader.read(binary))
        XCTAssertEqual(info.goVersion, "go1.16.15")
        XCTAssertEqual(info.deps.count, 5)
        XCTAssertEqual(info.deps, real.deps)
        XCTAssertEqual(info.main, real.main)
        XCTAssertEqual(info.settings.map(\.key), real.settings.map(\.key))
    }

    func testPointerFormat32Bit() throws {
        let modInfo = try rawModInfo(try shfmt())
        let binary = try ELFFixtures.link32(Self.pointerFormatSource(version: "go1.15.2", modInfo: modInfo, entry: "void _start(void) {}"))
        let elf = try ELFFile(binary)
        XCTAssertFalse(elf.is64Bit)
        let info = try XCTUnwrap(GoBuildInfoReader.read(binary))
        XCTAssertEqual(info.goVersion, "go1.15.2")
        XCTAssertEqual(info.deps.map(\.module.path), ["github.com/google/renameio/v2", "github.com/rogpeppe/go-internal",
                                                       "golang.org/x/sys", "golang.org/x/term", "mvdan.cc/editorconfig"])
    }

    /// Big-endian files (s390x, ppc64) are read with the same code: the shfmt inline block placed in the
    /// `.go.buildinfo` section of 32- and 64-bit big-endian objects written by objcopy.
    func testBigEndianObjects() throws {
        let data = try shfmt()
        let elf = try ELFFile(data)
        let section = try XCTUnwrap(elf.section(named: ".go.buildinfo"))
        let block = try elf.contents(of: section, limit: 1 << 20)
        for target in ["elf32-big", "elf64-big"] {
            let object = try ELFFixtures.objectFromBinary(block, target: target, section: ".go.buildinfo")
            let parsed = try ELFFile(object)
            XCTAssertTrue(parsed.isBigEndian, target)
            XCTAssertEqual(try GoBuildInfoReader.read(object)?.deps.count, 5, target)
            XCTAssertEqual(try GoBuildInfoReader.read(object), try GoBuildInfoReader.read(data), target)
        }
    }

    // MARK: Hostile input

    func testTruncatedELFNeverCrashes() throws {
        let data = try shfmt()
        for length in [0, 3, 4, 15, 16, 63, 64, 400, 1423, 1424, 0x349000 + 20, 0x349000 + 40] where length <= data.count {
            let cut = data.prefix(length)
            XCTAssertNil(GoBinaryCataloguer().inspect(path: "x", content: cut), "prefix of \(length) bytes")
            if length >= 4 && length < 1424 {
                // The section header table (at 0x190, 16 × 64 bytes) is cut: a typed error, not a guess.
                XCTAssertThrowsError(try GoBuildInfoReader.read(cut)) { error in
                    guard case GoBuildInfoError.elf = error else { return XCTFail("\(length): \(error)") }
                }
            }
        }
    }

    func testSectionOffsetsPastTheEnd() throws {
        var bytes = [UInt8](try shfmt())
        let originalShoff = Array(bytes[40..<48])
        for i in 40..<48 { bytes[i] = 0xff }  // e_shoff far past the end
        XCTAssertThrowsError(try GoBuildInfoReader.read(Data(bytes))) { error in
            guard case GoBuildInfoError.elf(.truncated) = error else { return XCTFail("\(error)") }
        }
        bytes.replaceSubrange(40..<48, with: originalShoff)
        // .go.buildinfo is section 8: point its sh_offset (header + 24) past the end of the file.
        let header = 0x190 + 8 * 64
        for i in (header + 24)..<(header + 32) { bytes[i] = 0x7f }
        XCTAssertThrowsError(try GoBuildInfoReader.read(Data(bytes))) { error in
            guard case GoBuildInfoError.elf(.truncated) = error else { return XCTFail("\(error)") }
        }
    }

    func testVarintClaimingTwoToTheSixtyBytes() throws {
        var bytes = [UInt8](try shfmt())
        // The Go version length is the byte after the 32-byte header; 2^60 as a uvarint is 8 × 0x80, then 0x10.
        let at = 0x349000 + 32
        bytes.replaceSubrange(at..<(at + 9), with: [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10])
        XCTAssertThrowsError(try GoBuildInfoReader.read(Data(bytes))) { error in
            XCTAssertEqual(error as? GoBuildInfoError, .stringTooLong(field: "Go version", length: 1 << 60, available: 0x380 - 41))
        }
        bytes.replaceSubrange(at..<(at + 11), with: [UInt8](repeating: 0xff, count: 11))
        XCTAssertThrowsError(try GoBuildInfoReader.read(Data(bytes))) { error in
            XCTAssertEqual(error as? GoBuildInfoError, .badVarint(field: "Go version"))
        }
        XCTAssertNil(GoBinaryCataloguer().inspect(path: "x", content: Data(bytes)))
    }

    func testRandomCorruptionNeverCrashes() throws {
        let original = [UInt8](try shfmt())
        var rng = SplitMix64(seed: 0x5eed)
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<8 {
                // Corrupt the headers and the build info block, where the reader looks.
                let region = rng.next() % 2 == 0 ? 0..<0x590 : 0x349000..<0x349380
                let i = region.lowerBound + Int(rng.next() % UInt64(region.count))
                bytes[i] = UInt8(truncatingIfNeeded: rng.next())
            }
            _ = try? GoBuildInfoReader.read(Data(bytes))
        }
    }

    func testModInfoParsing() throws {
        let text = "path\texample.com/cmd/x\nmod\texample.com\t(devel)\t\ndep\tgolang.org/x/net\tv0.1.0\th1:abc=\n"
            + "=>\tgithub.com/fork/net\tv0.1.1\th1:def=\ndep\texample.com/local\tv1.0.0\n=>\t../local\t\t\n"
            + "build\t-ldflags=\"-s -w -X main.version=1.4.2\"\nbuild\t\"weird\\tkey\"=v\n"
        let info = try GoModInfoParser.parse(text, goVersion: "go1.21.0 X:boringcrypto")
        XCTAssertEqual(info.deps[0].effective, GoModuleVersion(path: "github.com/fork/net", version: "v0.1.1", sum: "h1:def="))
        XCTAssertEqual(info.setting("-ldflags"), "-s -w -X main.version=1.4.2")
        XCTAssertEqual(info.setting("weird\tkey"), "v")
        XCTAssertThrowsError(try GoModInfoParser.parse("=>\ta\tb\tc\n", goVersion: "go1")) { error in
            XCTAssertEqual(error as? GoModInfoError, .replacementWithoutModule(line: 1))
        }
        XCTAssertThrowsError(try GoModInfoParser.parse("dep\ta\n", goVersion: "go1")) { error in
            XCTAssertEqual(error as? GoModInfoError, .columns(line: 1, kind: "dep", found: 1))
        }

        let packages = GoPackageBuilder(info: info, layer: nil, location: Location(path: "/x"), foundBy: "go-module-binary").packages()
        let byName = Dictionary(uniqueKeysWithValues: packages.map { ($0.name, $0) })
        XCTAssertEqual(byName["github.com/fork/net"]?.purl, "pkg:golang/github.com/fork/net@v0.1.1")
        XCTAssertEqual(byName["github.com/fork/net"]?.properties["vouch:go.replaces"], "golang.org/x/net@v0.1.0")
        XCTAssertEqual(byName["example.com/local"]?.version, "(devel)")
        XCTAssertEqual(byName["example.com/local"]?.properties["vouch:go.replaced-by-directory"], "../local")
        // The (devel) main module takes the version passed with -ldflags -X, as syft does.
        XCTAssertEqual(byName["example.com"]?.version, "v1.4.2")
        XCTAssertEqual(byName["stdlib"]?.version, "go1.21.0")
        XCTAssertEqual(byName["stdlib"]?.purl, "pkg:golang/stdlib@1.21.0")
    }

    func testMainModuleVersionLikeSyft() {
        XCTAssertEqual(GoMainModuleVersion.resolve(ldflags: "-X github.com/a/b/internal.Version=v2.3.4-rc1", revision: nil, time: nil), "v2.3.4-rc1")
        XCTAssertEqual(GoMainModuleVersion.resolve(ldflags: "-s -w", revision: "a3f0c75d21d918756fa38de8b5d3429efde7948b",
                                                   time: "2024-01-02T15:04:05Z"), "v0.0.0-20240102150405-a3f0c75d21d9")
        XCTAssertNil(GoMainModuleVersion.resolve(ldflags: nil, revision: "a3f0c75d21d9", time: nil))
        XCTAssertEqual(GoPackageBuilder.stdlibCPE("1.23rc1"), "cpe:2.3:a:golang:go:1.23:rc1:*:*:*:*:*:*")
    }

    // MARK: Helpers

    /// The raw module info string (with its sentinels) of an inline-format binary.
    func rawModInfo(_ data: Data) throws -> [UInt8] {
        let elf = try ELFFile(data)
        let block = [UInt8](try elf.contents(of: try XCTUnwrap(elf.section(named: ".go.buildinfo")), limit: 1 << 20))
        var cursor = 32
        _ = try GoBuildInfoReader.inlineBytes(block, &cursor, field: "Go version")
        let modInfo = try GoBuildInfoReader.inlineBytes(block, &cursor, field: "module info")
        XCTAssertEqual(modInfo.prefix(2), [0x30, 0x77], "starts with Go's 16-byte infoStart sentinel")
        return modInfo
    }

    /// C for Go's pre-1.18 layout; `pad` fills the 32-bit header to the 32 bytes Go always writes.
    static func pointerFormatSource(version: String, modInfo: [UInt8], entry: String) -> String {
        func literal(_ bytes: [UInt8]) -> String { "\"" + bytes.map { String(format: "\\%03o", $0) }.joined() + "\"" }
        return """
        struct gostring { const char *p; unsigned long n; };
        static const char vers[] = \(literal(Array(version.utf8)));
        static const char mod[] = \(literal(modInfo));
        static const struct gostring vers_h = { vers, sizeof(vers) - 1 };
        static const struct gostring mod_h = { mod, sizeof(mod) - 1 };
        __attribute__((section(".go.buildinfo"), aligned(16), used))
        const struct { char magic[14]; unsigned char ptrsize; unsigned char flags; const void *v; const void *m; char pad[8]; }
            go_buildinfo = { "\\377 Go buildinf:", sizeof(void *), 0, &vers_h, &mod_h };
        \(entry)
        """
    }

    func catalogue(_ content: Data, at path: String) throws -> [Package] {
        let c = GoBinaryCataloguer()
        let tree = FileTree()
        tree.layerIDs = ["sha256:layer0"]
        var node = FileNode(kind: .regular, size: Int64(content.count), mode: 0o100755, layer: 0)
        node.evidence[c.name] = c.inspect(path: path, content: content)
        tree.insert(path, node)
        return try c.catalogue(tree, context: CatalogueContext(operatingSystem: nil))
    }
}

/// Builds small real ELF files with the system toolchain in a temporary directory; skips when it is missing.
enum ELFFixtures {
    static func tool(_ name: String) throws -> String {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        throw XCTSkip("\(name) is not installed; cannot build the test ELF")
    }

    static func run(_ tool: String, _ args: [String], in dir: URL) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try self.tool(tool))
        p.arguments = args
        p.currentDirectoryURL = dir
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let message = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw XCTSkip("\(tool) \(args.joined(separator: " ")) failed: \(String(decoding: message, as: UTF8.self))")
        }
    }

    static func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vouch-elf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try body(dir)
    }

    static func compileC(_ source: String, flags: [String] = [], addSections: [String: Data] = [:]) throws -> Data {
        try withTemporaryDirectory { dir in
            try Data(source.utf8).write(to: dir.appendingPathComponent("main.c"))
            try run("cc", flags + ["-O0", "-o", "main", "main.c"], in: dir)
            return try addSectionsAndRead(dir, "main", addSections)
        }
    }

    /// A static 32-bit i386 executable linked without libc (no 32-bit libgcc is needed).
    static func link32(_ source: String, addSections: [String: Data] = [:]) throws -> Data {
        try withTemporaryDirectory { dir in
            try Data(source.utf8).write(to: dir.appendingPathComponent("main.c"))
            try run("cc", ["-m32", "-O0", "-ffreestanding", "-fno-pic", "-fno-stack-protector", "-c", "-o", "main.o", "main.c"], in: dir)
            try run("ld", ["-m", "elf_i386", "-e", "_start", "-o", "main", "main.o"], in: dir)
            return try addSectionsAndRead(dir, "main", addSections)
        }
    }

    /// An object file of another format (`elf32-big`, `elf64-big`, …) whose only data section is `bytes`.
    static func objectFromBinary(_ bytes: Data, target: String, section: String) throws -> Data {
        try withTemporaryDirectory { dir in
            try bytes.write(to: dir.appendingPathComponent("blob.bin"))
            try run("objcopy", ["-I", "binary", "-O", target, "--rename-section", ".data=\(section)", "blob.bin", "blob.o"], in: dir)
            return try Data(contentsOf: dir.appendingPathComponent("blob.o"))
        }
    }

    private static func addSectionsAndRead(_ dir: URL, _ file: String, _ sections: [String: Data]) throws -> Data {
        for (name, bytes) in sections.sorted(by: { $0.key < $1.key }) {
            let payload = "payload\(name.filter(\.isLetter))"
            try bytes.write(to: dir.appendingPathComponent(payload))
            try run("objcopy", ["--add-section", "\(name)=\(payload)", file], in: dir)
        }
        return try Data(contentsOf: dir.appendingPathComponent(file))
    }
}

/// A tiny deterministic generator, so corruption tests are repeatable.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
