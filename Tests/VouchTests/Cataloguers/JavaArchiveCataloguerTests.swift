import Foundation
import JSON
import SBOM
import XCTest
@testable import Catalog

/// syft keeps its test jars as directories (`jar-metadata/<jar name>/META-INF/...`) and zips them at
/// test time; these tests do the same with the JDK's `jar` tool, so the archive bytes come from a
/// real zip writer and every file inside them from syft's fixtures.
final class JavaArchiveCataloguerTests: XCTestCase {
    static let jarMetadata = "fixtures/syft/syft/pkg/cataloger/java/testdata/jar-metadata"
    private var work: URL!

    override func setUpWithError() throws {
        work = FileManager.default.temporaryDirectory.appendingPathComponent("vouch-java-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let work { try? FileManager.default.removeItem(at: work) }
    }

    // MARK: Helpers

    private func run(_ tool: String, _ args: [String], in dir: URL? = nil) throws {
        guard let exe = ["/usr/bin/\(tool)", "/usr/local/bin/\(tool)"].first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("\(tool) is not installed")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.currentDirectoryURL = dir ?? work
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "\(tool) \(args.joined(separator: " "))")
    }

    /// A jar made of one of syft's jar-metadata directories.
    private func fixtureJar(_ name: String, as fileName: String? = nil) throws -> URL {
        let dir = try SharedData.path("\(Self.jarMetadata)/\(name)")
        let out = work.appendingPathComponent(fileName ?? "\(name).jar")
        try run("jar", ["--create", "--no-manifest", "--file", out.path, "-C", dir, "."])
        return out
    }

    /// An archive holding the given files at the given paths (no manifest of its own).
    private func archive(_ fileName: String, _ members: [(path: String, file: URL)], compress: Bool = true) throws -> URL {
        let stage = work.appendingPathComponent("stage-\(UUID().uuidString)")
        for m in members {
            let target = stage.appendingPathComponent(m.path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: m.file, to: target)
        }
        let out = work.appendingPathComponent(fileName)
        try run("jar", ["--create", "--no-manifest"] + (compress ? [] : ["--no-compress"]) + ["--file", out.path, "-C", stage.path, "."])
        return out
    }

    /// Inspects each file as the walker would and catalogues the resulting tree.
    private func catalogue(_ files: [(path: String, data: Data)]) throws -> [Package] {
        let c = JavaArchiveCataloguer()
        let tree = FileTree()
        tree.layerIDs = ["sha256:jre", "sha256:app"]
        for f in files {
            var node = FileNode(kind: .regular, size: Int64(f.data.count), layer: 1)
            if case .inspect(let max) = c.interest(path: f.path, size: node.size, mode: 0o644), f.data.count <= max,
               let ev = c.inspect(path: f.path, content: f.data) {
                node.evidence[c.name] = ev
            }
            tree.insert(f.path, node)
        }
        return try c.catalogue(tree, context: CatalogueContext(operatingSystem: nil))
    }

    private func evidence(_ data: Data, limits: JavaArchiveInspector.Limits = .init()) -> JavaArchiveEvidence {
        var inspector = JavaArchiveInspector(limits: limits)
        return inspector.inspect(data)
    }

    private func contents(_ url: URL) throws -> Data { try Data(contentsOf: url) }

    // MARK: Tests

    func testInterest() {
        let c = JavaArchiveCataloguer()
        for ext in ["jar", "war", "ear", "par", "sar", "nar", "jpi", "hpi", "kar", "JAR"] {
            XCTAssertEqual(c.interest(path: "opt/app/lib/x-1.0.\(ext)", size: 1, mode: 0o644), .inspect(maxBytes: 256 << 20), ext)
        }
        for path in ["opt/app/x.zip", "opt/app/x.jar.sha1", "opt/app/jar", "opt/.jar", "opt/app/x.tar"] {
            XCTAssertEqual(c.interest(path: path, size: 1, mode: 0o644), .none, path)
        }
    }

    /// opensaml-core-3.4.6: one pom.properties. Its manifest's vendor sits in a per-entry section,
    /// not the main one, so it is not the archive's supplier.
    func testJarWithOnePom() throws {
        let jar = try fixtureJar("opensaml-core-3.4.6")
        let pkgs = try catalogue([("usr/share/java/opensaml-core-3.4.6.jar", try contents(jar))])
        XCTAssertEqual(pkgs.count, 1)
        let p = try XCTUnwrap(pkgs.first)
        XCTAssertEqual(p.name, "opensaml-core")
        XCTAssertEqual(p.version, "3.4.6")
        XCTAssertEqual(p.type, .java)
        XCTAssertEqual(p.purl, "pkg:maven/org.opensaml/opensaml-core@3.4.6")
        XCTAssertNil(p.supplier)
        XCTAssertEqual(p.layer, "sha256:app")
        XCTAssertEqual(p.locations, [Location(path: "/usr/share/java/opensaml-core-3.4.6.jar", layer: "sha256:app")])
        XCTAssertEqual(p.foundBy, "java-archive")
    }

    /// Fixtures with several pom.properties: each is a package.
    func testJarsWithSeveralPoms() throws {
        let multiple = try catalogue([("app/multiple-matching-2.11.5.jar", try contents(try fixtureJar("multiple-matching-2.11.5")))])
        XCTAssertEqual(Set(multiple.map(\.purl)), ["pkg:maven/org.multiple/multiple-matching-1@2.11.5",
                                                   "pkg:maven/org.multiple/multiple-matching-2@2.11.5",
                                                   "pkg:maven/org.multiple/multiple-matching-3@2.11.5"])
        let sources = try catalogue([("app/api-all-2.0.0-sources.jar", try contents(try fixtureJar("api-all-2.0.0-sources")))])
        XCTAssertEqual(Set(sources.map(\.purl)), ["pkg:maven/org.apache.directory.api/api-all@2.0.0",
                                                  "pkg:maven/org.apache.directory.api/api-asn1-api@2.0.0"])
        let same = try catalogue([("app/org.multiple-thename.jar", try contents(try fixtureJar("org.multiple-thename")))])
        XCTAssertEqual(Set(same.map(\.purl)), ["pkg:maven/com.multiple/thename@10.11.12", "pkg:maven/org.multiple/thename@10.11.12"])
    }

    /// jackson-core-2.15.2 has a manifest and no pom.properties: the name comes from the Maven bundle
    /// plugin's symbolic name, the version from the file name, the group from the manifest.
    func testJarIdentifiedByManifest() throws {
        let pkgs = try catalogue([("app/lib/jackson-core-2.15.2.jar", try contents(try fixtureJar("jackson-core-2.15.2")))])
        XCTAssertEqual(pkgs.count, 1)
        let p = try XCTUnwrap(pkgs.first)
        XCTAssertEqual(p.name, "jackson-core")
        XCTAssertEqual(p.version, "2.15.2")
        XCTAssertEqual(p.purl, "pkg:maven/com.fasterxml.jackson.core/jackson-core@2.15.2")
        XCTAssertEqual(p.supplier, "Organization: FasterXML")
        XCTAssertEqual(p.licenses, ["Apache-2.0"])  // Bundle-License: https://www.apache.org/licenses/LICENSE-2.0.txt
        XCTAssertEqual(p.homepage, "https://github.com/FasterXML/jackson-core")

        let micronaut = try catalogue([("app/lib/micronaut-aop-4.9.11.jar", try contents(try fixtureJar("micronaut-aop-4.9.11")))])
        XCTAssertEqual(micronaut.map(\.name), ["micronaut-aop"])
        XCTAssertEqual(micronaut.map(\.version), ["4.9.11"])
        XCTAssertNil(micronaut.first?.supplier)
    }

    /// A pom.properties that is not the archive's own (a shaded library) leaves the archive to be
    /// identified by its manifest too, and only the archive's own artifact gets the manifest's
    /// vendor and licence. Built from two real fixtures: jackson-core's manifest, opensaml's pom.
    func testShadedPomBesideTheArchivesOwnManifest() throws {
        let jackson = try SharedData.path("\(Self.jarMetadata)/jackson-core-2.15.2/META-INF/MANIFEST.MF")
        let samlPom = try SharedData.path("\(Self.jarMetadata)/opensaml-core-3.4.6/META-INF/maven/org.opensaml/opensaml-core/pom.properties")
        let shaded = try archive("jackson-core-2.15.2.jar", [
            ("META-INF/MANIFEST.MF", URL(fileURLWithPath: jackson)),
            ("META-INF/maven/org.opensaml/opensaml-core/pom.properties", URL(fileURLWithPath: samlPom)),
        ])
        let pkgs = try catalogue([("app/jackson-core-2.15.2.jar", try contents(shaded))])
        XCTAssertEqual(pkgs.map(\.purl), ["pkg:maven/com.fasterxml.jackson.core/jackson-core@2.15.2",
                                          "pkg:maven/org.opensaml/opensaml-core@3.4.6"])
        XCTAssertEqual(pkgs.map(\.supplier), ["Organization: FasterXML", nil])
        XCTAssertEqual(pkgs.map(\.licenses), [["Apache-2.0"], []])

        // Renamed the Debian way (no version in the name, manifest without identity): the pom
        // alone identifies it, without a second package invented from the file name.
        let renamed = try catalogue([("usr/share/java/opensaml3.jar", try contents(try fixtureJar("opensaml-core-3.4.6")))])
        XCTAssertEqual(renamed.map(\.purl), ["pkg:maven/org.opensaml/opensaml-core@3.4.6"])
    }

    /// An ear holding a war holding two jars, and a Spring Boot style jar with BOOT-INF/lib: nested
    /// packages are located by the outer path and the inner paths joined with `:`.
    func testNestedArchives() throws {
        let saml = try fixtureJar("opensaml-core-3.4.6")
        let jackson = try fixtureJar("jackson-core-2.15.2")
        let war = try archive("shop.war", [("WEB-INF/lib/opensaml-core-3.4.6.jar", saml), ("WEB-INF/lib/jackson-core-2.15.2.jar", jackson)])
        let ear = try archive("shop.ear", [("shop.war", war)])
        let boot = try archive("service-1.0.jar", [("BOOT-INF/lib/opensaml-core-3.4.6.jar", saml)])

        let pkgs = try catalogue([("srv/shop.ear", try contents(ear)), ("srv/service-1.0.jar", try contents(boot))])
        let located = Set(pkgs.map { "\($0.purl) \($0.locations.first?.path ?? "")" })
        XCTAssertEqual(located, [
            "pkg:maven/org.opensaml/opensaml-core@3.4.6 /srv/shop.ear:shop.war:WEB-INF/lib/opensaml-core-3.4.6.jar",
            "pkg:maven/com.fasterxml.jackson.core/jackson-core@2.15.2 /srv/shop.ear:shop.war:WEB-INF/lib/jackson-core-2.15.2.jar",
            "pkg:maven/org.opensaml/opensaml-core@3.4.6 /srv/service-1.0.jar:BOOT-INF/lib/opensaml-core-3.4.6.jar",
        ])
        XCTAssertTrue(pkgs.allSatisfy { $0.layer == "sha256:app" && $0.locations.first?.layer == "sha256:app" })

        // The same jar twice in one archive is one package at each location, not a duplicate.
        let twice = try archive("twice.war", [("WEB-INF/lib/a/opensaml-core-3.4.6.jar", saml), ("WEB-INF/lib/b/opensaml-core-3.4.6.jar", saml)])
        XCTAssertEqual(try catalogue([("srv/twice.war", try contents(twice))]).count, 2)
    }

    /// Evidence survives its JSON form unchanged.
    func testEvidenceRoundTrip() throws {
        let saml = try fixtureJar("opensaml-core-3.4.6")
        let war = try archive("app.war", [("WEB-INF/lib/opensaml-core-3.4.6.jar", saml)])
        let ev = evidence(try contents(war))
        XCTAssertEqual(ev.nested.count, 1)
        XCTAssertEqual(ev.nested.first?.archive.poms.first?.path, "META-INF/maven/org.opensaml/opensaml-core/pom.properties")
        XCTAssertEqual(ev.nested.first?.archive.manifest?["Automatic-Module-Name"], "org.opensaml.core")
        XCTAssertEqual(JavaArchiveEvidence(json: try JSON.parse(ev.json.serialized([]))), ev)
    }

    /// Info-ZIP's `-fz` writes zip64 records even for small archives; they must read the same.
    func testZip64Archive() throws {
        let dir = try SharedData.path("\(Self.jarMetadata)/opensaml-core-3.4.6")
        let out = work.appendingPathComponent("opensaml-core-3.4.6.jar")
        try run("zip", ["-q", "-r", "-fz", out.path, "."], in: URL(fileURLWithPath: dir))
        let pkgs = try catalogue([("opt/opensaml-core-3.4.6.jar", try contents(out))])
        XCTAssertEqual(pkgs.map(\.purl), ["pkg:maven/org.opensaml/opensaml-core@3.4.6"])
    }

    /// A Spring Boot "fully executable" jar is a shell script followed by the zip, whose recorded
    /// offsets do not count the script.
    func testJarBehindALaunchScript() throws {
        let script = Data("#!/bin/bash\n# launch script\nexec java -jar \"$0\" \"$@\"\n".utf8)
        let data = script + (try contents(try fixtureJar("opensaml-core-3.4.6")))
        let pkgs = try catalogue([("app/app.jar", data)])
        XCTAssertEqual(pkgs.map(\.purl), ["pkg:maven/org.opensaml/opensaml-core@3.4.6"])
    }

    /// Jars Debian installs, when this machine has them (values checked with `unzip -p`): not in
    /// shared/data, so the test skips elsewhere.
    func testDebianJars() throws {
        let lang = "/usr/share/java/commons-lang3.jar", aop = "/usr/share/java/aopalliance-1.0.jar"
        guard let langData = FileManager.default.contents(atPath: lang),
              let aopData = FileManager.default.contents(atPath: aop) else {
            throw XCTSkip("Debian's libcommons-lang3-java and libaopalliance-java are not installed")
        }
        let pkgs = try catalogue([("usr/share/java/commons-lang3.jar", langData), ("usr/share/java/aopalliance-1.0.jar", aopData)])
        let byName = Dictionary(pkgs.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        // META-INF/maven/org.apache.commons/commons-lang3/pom.properties: 3.12.0.
        XCTAssertEqual(byName["commons-lang3"]?.purl, "pkg:maven/org.apache.commons/commons-lang3@3.12.0")
        XCTAssertEqual(byName["commons-lang3"]?.homepage, "https://commons.apache.org/proper/commons-lang/")
        // No pom.properties and a bare manifest: file name only, as syft names it.
        XCTAssertEqual(byName["aopalliance"]?.purl, "pkg:maven/aopalliance/aopalliance@1.0")
    }

    // MARK: Hostile input

    /// syft's corrupt/example.jar is the text `example archive`.
    func testNotAZip() throws {
        let data = try SharedData.data("fixtures/syft/syft/pkg/cataloger/java/testdata/corrupt/example.jar")
        XCTAssertEqual(evidence(data).problems, [ZipArchiveError.noEndOfCentralDirectory.description])
        XCTAssertEqual(try catalogue([("opt/example.jar", data)]), [])
        XCTAssertThrowsError(try ZipArchiveReader(data, maxEntries: 10)) { error in
            XCTAssertEqual(error as? ZipArchiveError, .noEndOfCentralDirectory)
        }
    }

    /// Every prefix of a real jar, and a few byte flips, read without trapping.
    func testTruncatedAndCorruptedJars() throws {
        let data = try contents(try fixtureJar("opensaml-core-3.4.6"))
        for cut in stride(from: 0, to: data.count, by: 97) {
            let ev = evidence(data.prefix(cut))
            XCTAssertTrue(ev.poms.isEmpty, "prefix \(cut)")
            XCTAssertFalse(ev.problems.isEmpty, "prefix \(cut)")
        }
        for at in stride(from: 0, to: data.count, by: 13) {
            var flipped = data
            flipped[at] ^= 0xFF
            _ = evidence(flipped)
        }
    }

    /// A central directory pointing a local header far past the end of the archive (the case that
    /// makes ZIPFoundation's in-memory reader trap): that entry is reported, the rest still read.
    func testLocalHeaderOffsetPastTheEnd() throws {
        var data = try contents(try fixtureJar("opensaml-core-3.4.6"))
        let signature = Data([0x50, 0x4B, 0x01, 0x02])
        var search = data.startIndex
        var patched = false
        while let r = data.range(of: signature, in: search..<data.endIndex) {
            let nameLength = Int(data[r.lowerBound + 28]) | Int(data[r.lowerBound + 29]) << 8
            let name = String(decoding: data[(r.lowerBound + 46)..<(r.lowerBound + 46 + nameLength)], as: UTF8.self)
            if name.hasSuffix("pom.properties") {
                data.replaceSubrange((r.lowerBound + 42)..<(r.lowerBound + 46), with: [0x00, 0x00, 0xFF, 0x7F])
                patched = true
            }
            search = r.upperBound
        }
        XCTAssertTrue(patched)
        let ev = evidence(data)
        XCTAssertTrue(ev.poms.isEmpty)
        XCTAssertEqual(ev.problems.count, 1)
        XCTAssertTrue(ev.problems[0].contains("pom.properties: local header at 2147418112"), ev.problems[0])
        // Without its pom.properties the jar is still identified by manifest and file name.
        let pkgs = try catalogue([("opt/opensaml-core-3.4.6.jar", data)])
        XCTAssertEqual(pkgs.map(\.name), ["opensaml-core"])
        XCTAssertEqual(pkgs.map(\.version), ["3.4.6"])
    }

    /// Archives nested five deep: four levels below the outer archive are opened, the fifth is not.
    func testNestingDepthLimit() throws {
        var inner = try fixtureJar("opensaml-core-3.4.6")
        var wrappers: [URL] = []
        for level in 1...5 {
            inner = try archive("w\(level).jar", [(level == 1 ? "lib/opensaml-core-3.4.6.jar" : "w\(level - 1).jar", inner)])
            wrappers.append(inner)
        }
        let four = try catalogue([("opt/w4.jar", try contents(wrappers[3]))])
        XCTAssertEqual(four.map { $0.locations.first?.path ?? "" }, ["/opt/w4.jar:w3.jar:w2.jar:w1.jar:lib/opensaml-core-3.4.6.jar"])

        let five = evidence(try contents(wrappers[4]))
        XCTAssertEqual(try catalogue([("opt/w5.jar", try contents(wrappers[4]))]), [])
        let deepest = five.flattened().last?.archive
        XCTAssertEqual(deepest?.problems, ["lib/opensaml-core-3.4.6.jar: nested deeper than 4 archives; not opened"])
    }

    /// A pom.properties that inflates past the metadata cap, and a nested archive past the total
    /// budget, are refused with their reason; neither is held in memory whole.
    func testInflationLimits() throws {
        let big = work.appendingPathComponent("zeros")
        try Data(count: 2 << 20).write(to: big)
        let bomb = try archive("bomb-1.0.jar", [("META-INF/maven/x/bomb/pom.properties", big)])
        let ev = evidence(try contents(bomb))
        XCTAssertTrue(ev.poms.isEmpty)
        XCTAssertEqual(ev.problems, ["META-INF/maven/x/bomb/pom.properties: expands past 1048576 bytes"])

        let storedBig = try archive("big.jar", [("data/zeros", big)], compress: false)
        let war = try archive("app.war", [("WEB-INF/lib/big.jar", storedBig)])
        var limits = JavaArchiveInspector.Limits()
        limits.maxInflatedBytes = 1 << 20
        let limited = evidence(try contents(war), limits: limits)
        XCTAssertTrue(limited.nested.isEmpty)
        XCTAssertEqual(limited.problems, ["WEB-INF/lib/big.jar: expands past 1048576 bytes"])
    }

    /// A directory count larger than the directory can hold is refused before any allocation.
    func testLyingEntryCount() throws {
        var data = try contents(try fixtureJar("opensaml-core-3.4.6"))
        let eocd = try XCTUnwrap(data.range(of: Data([0x50, 0x4B, 0x05, 0x06]), options: .backwards))
        data.replaceSubrange((eocd.lowerBound + 10)..<(eocd.lowerBound + 12), with: [0xFE, 0xFF])
        XCTAssertThrowsError(try ZipArchiveReader(data, maxEntries: 1_000_000)) { error in
            guard case ZipArchiveError.badCentralDirectoryEntry(index: 0, reason: _) = error else { return XCTFail("\(error)") }
        }
    }
}
