import Foundation
import XCTest

/// Runs the built `vouch` executable the way a user would, with Swift's backtracer off
/// (it was seen to hang on crashes here instead of exiting).
enum VouchBinary {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
    }

    static var path: String {
        get throws {
            let candidates = [
                Bundle.main.bundleURL.appendingPathComponent("vouch"),
                Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("vouch"),
                SharedData.repositoryRoot.appendingPathComponent(".build/debug/vouch"),
            ]
            for c in candidates where FileManager.default.isExecutableFile(atPath: c.path) { return c.path }
            throw XCTSkip("vouch executable not built (looked in \(candidates.map(\.path)))")
        }
    }

    /// Runs vouch with a time limit: a hang is a test failure, not a stuck suite.
    static func run(_ arguments: [String], environment extra: [String: String] = [:], timeout: TimeInterval = 120,
                    file: StaticString = #filePath, line: UInt = #line) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["SWIFT_BACKTRACE"] = "enable=no"
        for (k, v) in extra { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let collected = Collected()
        let group = DispatchGroup()
        group.enter(); DispatchQueue.global().async { collected.set(out: out.fileHandleForReading.readDataToEndOfFile()); group.leave() }
        group.enter(); DispatchQueue.global().async { collected.set(err: err.fileHandleForReading.readDataToEndOfFile()); group.leave() }
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            XCTFail("vouch \(arguments.joined(separator: " ")) did not finish within \(timeout) s", file: file, line: line)
        }
        process.waitUntilExit()
        group.wait()
        return Result(status: process.terminationStatus, stdout: String(decoding: collected.out, as: UTF8.self),
                      stderr: String(decoding: collected.err, as: UTF8.self))
    }

    /// Output gathered from two reader threads.
    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var out = Data()
        private(set) var err = Data()
        func set(out d: Data) { lock.lock(); out = d; lock.unlock() }
        func set(err d: Data) { lock.lock(); err = d; lock.unlock() }
    }
}

/// Runs an outside tool (python validators, syft) and returns its status and output.
enum OutsideTool {
    static var venv: String {
        ProcessInfo.processInfo.environment["VOUCH_TOOLS_VENV"]
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/vouch-tools/venv").path
    }

    static func venvTool(_ name: String) throws -> String {
        let p = venv + "/bin/" + name
        guard FileManager.default.isExecutableFile(atPath: p) else {
            throw XCTSkip("\(name) not installed (expected \(p); run make tools)")
        }
        return p
    }

    static func run(_ executable: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in extra { env[k] = v }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vouch-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
