import Foundation
import XCTest
@testable import Advisories

/// Containers: directories, zips made here, tarballs with hostile entries.
final class AdvisoryImportSourceTests: XCTestCase {
    private func run(_ tool: String, _ arguments: [String], in folder: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "\(tool) \(arguments)")
    }

    func testZipImportsTheSameAsTheDirectory() throws {
        let samples = try SharedData.path("osv/samples")
        let folder = try ImportedOSV.scratchFolder("zip")
        defer { try? FileManager.default.removeItem(at: folder) }
        let zip = folder.appendingPathComponent("all.zip")
        let zipTool = FileManager.default.isExecutableFile(atPath: "/usr/bin/zip")
        if zipTool {
            try run("zip", ["-q", "-r", zip.path, "."], in: URL(fileURLWithPath: samples))
        } else {
            try run("python3", ["-c", "import shutil,sys; shutil.make_archive(sys.argv[1][:-4], 'zip', sys.argv[2])", zip.path, samples], in: folder)
        }
        let importer = AdvisoryImporter()
        let fromDirectory = try importer.read(samples)
        let fromZip = try importer.read(zip.path)
        XCTAssertGreaterThan(fromDirectory.advisories.count, 50)
        // A zip lists its entries in its own order; the records must be the same.
        func sorted(_ a: [Advisory]) -> [String] { a.map { "\($0)" }.sorted() }
        XCTAssertEqual(sorted(fromZip.advisories), sorted(fromDirectory.advisories))
        XCTAssertEqual(fromZip.stats.diagnostics.invalidRecords, fromDirectory.stats.diagnostics.invalidRecords)
        XCTAssertEqual(fromZip.stats.entries, fromDirectory.stats.entries)
        XCTAssertEqual(fromZip.stats.source, "all")

        let store = try AdvisoryStore(path: folder.appendingPathComponent("z.sqlite").path)
        let stats = try XCTUnwrap(try AdvisoryImporter.importPaths([zip.path], into: store).first)
        XCTAssertEqual(stats.records, fromDirectory.advisories.count)
        XCTAssertEqual(try store.advisory(id: "GHSA-jfh8-c2jp-5v3q"), fromDirectory.advisories.first { $0.id == "GHSA-jfh8-c2jp-5v3q" })
    }

    func testTarballAndSingleFilesAreRecognisedByContent() throws {
        let folder = try ImportedOSV.scratchFolder("kinds")
        defer { try? FileManager.default.removeItem(at: folder) }
        let ubuntu = try SharedData.path("osv/distro/ubuntu-osv-sample")
        // A gzip tarball with an unusual name is still read as one.
        let tarball = folder.appendingPathComponent("feed.bin")
        try run("tar", ["-czf", tarball.path, "-C", ubuntu, "."], in: folder)
        let importer = AdvisoryImporter()
        XCTAssertEqual(try importer.read(tarball.path).advisories.map(\.id).sorted(),
                       ["UBUNTU-CVE-2016-2781", "UBUNTU-CVE-2023-4911", "USN-5710-1", "USN-6409-1"])
        let single = try importer.read(ubuntu + "/USN-6409-1.json")
        XCTAssertEqual(single.advisories.map(\.id), ["USN-6409-1"])
        XCTAssertEqual(single.stats.source, "ubuntu-osv-sample")
        XCTAssertEqual(AdvisoryImporter.sourceName(for: try SharedData.path("osv/Go-vulndb.tar.gz")), "Go-vulndb")
        XCTAssertThrowsError(try importer.read(folder.appendingPathComponent("absent.json").path)) { error in
            XCTAssertTrue(error is ImportSourceError, "\(error)")
        }
        XCTAssertThrowsError(try importer.read("/dev/zero")) { error in
            XCTAssertEqual(error as? ImportSourceError, .unreadable(path: "/dev/zero", reason: "not a regular file"))
        }
    }

    /// A tarball with `../` and absolute names, a symlink, an over-size entry and one whose declared
    /// size runs past the end of the file. Nothing may be written anywhere, the good record must
    /// not be lost to the bad names, and the truncated entry must give a typed error.
    func testHostileTarballsNeverWriteOutsideAndFailCleanly() throws {
        let folder = try ImportedOSV.scratchFolder("hostile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let inside = folder.appendingPathComponent("inside")
        try FileManager.default.createDirectory(at: inside, withIntermediateDirectories: true)
        let record = #"{"id": "X-1", "modified": "2024-01-01T00:00:00Z"}"#
        let script = """
            import io, sys, tarfile
            rec = sys.argv[2].encode()
            def add(t, name, data, **kw):
                info = tarfile.TarInfo(name); info.size = len(data)
                for k, v in kw.items(): setattr(info, k, v)
                t.addfile(info, io.BytesIO(data))
            with tarfile.open(sys.argv[1] + '/names.tar.gz', 'w:gz') as t:
                add(t, '../../escape.json', rec.replace(b'X-1', b'X-2'))
                add(t, '/tmp/absolute.json', rec.replace(b'X-1', b'X-3'))
                add(t, 'ok/./good.json', rec)
                add(t, 'big.json', b' ' * (2 * 1024 * 1024))
                link = tarfile.TarInfo('link.json'); link.type = tarfile.SYMTYPE; link.linkname = '/etc/passwd'
                t.addfile(link)
            with open(sys.argv[1] + '/truncated.tar', 'wb') as f:
                info = tarfile.TarInfo('huge.json'); info.size = 10**11
                f.write(info.tobuf(format=tarfile.GNU_FORMAT)); f.write(b'{' * 4096)
            """
        try run("python3", ["-c", script, folder.path, record], in: inside)

        var importer = AdvisoryImporter()
        importer.limits.maxEntryBytes = 1 << 20
        let read = try importer.read(folder.appendingPathComponent("names.tar.gz").path)
        XCTAssertEqual(read.advisories.map(\.id), ["X-1"])
        XCTAssertEqual(read.stats.diagnostics.skippedEntries, 4, "\(read.stats.diagnostics.skippedSamples)")
        let skipped = read.stats.diagnostics.skippedSamples.joined(separator: "\n")
        XCTAssertTrue(skipped.contains("'..' in the name"), skipped)
        XCTAssertTrue(skipped.contains("absolute name"), skipped)
        XCTAssertTrue(skipped.contains("big.json"), skipped)
        XCTAssertTrue(skipped.contains("link.json"), skipped)

        XCTAssertThrowsError(try importer.read(folder.appendingPathComponent("truncated.tar").path)) { error in
            guard case .corruptArchive(_, let entry, _)? = error as? ImportSourceError else { return XCTFail("\(error)") }
            XCTAssertEqual(entry, "huge.json")
        }
        for escaped in [folder.deletingLastPathComponent().appendingPathComponent("escape.json").path,
                        folder.appendingPathComponent("escape.json").path, "/tmp/absolute.json"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: escaped), escaped)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: inside.path), [])
    }

    func testEntryNamesAreChecked() {
        XCTAssertEqual(EntryName.check("./a/b.json", maxBytes: 100), .accept("a/b.json"))
        XCTAssertEqual(EntryName.check("a//b.json", maxBytes: 100), .accept("a/b.json"))
        XCTAssertEqual(EntryName.check("repo/.github/x.yml", maxBytes: 100), .hidden)
        XCTAssertEqual(EntryName.check("a/../../b", maxBytes: 100), .refuse("'..' in the name"))
        XCTAssertEqual(EntryName.check("..\\b", maxBytes: 100), .refuse("'..' in the name"))
        XCTAssertEqual(EntryName.check("/etc/passwd", maxBytes: 100), .refuse("absolute name"))
        XCTAssertEqual(EntryName.check("C:x", maxBytes: 100), .refuse("absolute name"))
        XCTAssertEqual(EntryName.check("a\u{0}b", maxBytes: 100), .refuse("control characters in the name"))
        XCTAssertEqual(EntryName.check(String(repeating: "a", count: 101), maxBytes: 100), .refuse("name longer than 100 bytes"))
        XCTAssertEqual(EntryName.check("advisories/ALSA-2025:10073.json", maxBytes: 100), .accept("advisories/ALSA-2025:10073.json"))
    }
}
