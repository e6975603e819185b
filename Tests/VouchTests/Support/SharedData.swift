import Foundation
import XCTest

/// Locates the real public data in `../shared/data` (next to the repository) and the test images
/// built by `../shared/tools/make-test-image.sh`. Tests that need them skip with a clear message when absent.
enum SharedData {
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }  // Support, VouchTests, Tests, repo
        return url
    }()

    static var root: URL {
        if let env = ProcessInfo.processInfo.environment["VOUCH_SHARED_DATA"] { return URL(fileURLWithPath: env) }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    /// Absolute path of a file under shared/data, or a skip when it is absent.
    static func path(_ relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let p = root.appendingPathComponent(relative).path
        guard FileManager.default.fileExists(atPath: p) else {
            throw XCTSkip("shared data \(relative) is absent (expected at \(p))")
        }
        return p
    }

    /// For test classes built wholly on shared data: skip when the folder is absent. A skip thrown
    /// inside an XCTAssert/XCTUnwrap argument would be recorded as a failure, not a skip.
    static func require() throws {
        guard FileManager.default.fileExists(atPath: root.path) else {
            throw XCTSkip("shared data is absent (expected at \(root.path))")
        }
    }

    static func data(_ relative: String) throws -> Data {
        let p = try path(relative)
        guard let d = FileManager.default.contents(atPath: p) else { throw XCTSkip("cannot read \(p)") }
        return d
    }

    /// The test image set (OCI layout, archives, truth files); `VOUCH_TEST_IMAGES` overrides the default cache folder.
    static var imagesRoot: URL {
        if let env = ProcessInfo.processInfo.environment["VOUCH_TEST_IMAGES"] { return URL(fileURLWithPath: env) }
        let cache = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return cache.appendingPathComponent("vouch-images")
    }

    static func image(_ relative: String) throws -> String {
        let p = imagesRoot.appendingPathComponent(relative).path
        guard FileManager.default.fileExists(atPath: p) else {
            throw XCTSkip("test image \(relative) is absent (build it with: make images, expected at \(p))")
        }
        return p
    }

    /// Unpacks a tarball under shared/data (`osv/RubyGems-rubysec.tar.gz`) into a new temporary folder
    /// with `tar`, for tests that read its files one by one; the caller removes the folder.
    static func unpack(_ relative: String) throws -> URL {
        let archive = try path(relative)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vouch-unpacked-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let (status, output) = try OutsideTool.run("/usr/bin/env", ["tar", "xzf", archive, "-C", dir.path])
        guard status == 0 else {
            try? FileManager.default.removeItem(at: dir)
            throw NSError(domain: "SharedData", code: Int(status), userInfo: [NSLocalizedDescriptionKey: "tar xzf \(archive): \(output)"])
        }
        return dir
    }

    /// A file under the repository (Samples/, Schemas/).
    static func repo(_ relative: String) -> String { repositoryRoot.appendingPathComponent(relative).path }
}
