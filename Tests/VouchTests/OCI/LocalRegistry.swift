import Foundation
import XCTest

/// A throw-away Distribution v2 registry (Debian's `docker-registry`) on 127.0.0.1, on a free
/// port, with its own storage folder and config. Tests start it in setUp and `stop()` it in
/// tearDown; it is stopped by its own PID and its folder removed.
final class LocalRegistry {
    let port: Int
    let directory: URL
    private let process: Process

    var address: String { "127.0.0.1:\(port)" }

    /// `htpasswd` protects the registry with Basic auth for that one user; `token` makes it demand
    /// Bearer tokens from a token service (a `TokenServer`) whose certificate it trusts.
    init(htpasswd: (user: String, password: String)? = nil, token: TokenServer? = nil) throws {
        guard let binary = LocalRegistry.tool("docker-registry") else {
            throw XCTSkip("docker-registry is not installed (apt-get install docker-registry)")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vouch-registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
        port = try LocalRegistry.freePort()
        var auth = ""
        if let htpasswd {
            guard let tool = LocalRegistry.tool("htpasswd") else {
                try? FileManager.default.removeItem(at: directory)
                throw XCTSkip("htpasswd is not installed (apt-get install apache2-utils)")
            }
            let file = directory.appendingPathComponent("htpasswd")
            let out = try LocalRegistry.run(tool, ["-Bbn", htpasswd.user, htpasswd.password])
            try Data(out.utf8).write(to: file)
            auth = "auth:\n  htpasswd:\n    realm: vouch-test\n    path: \(file.path)\n"
        }
        if let token {
            auth = "auth:\n  token:\n    realm: \(token.realm)\n    service: \(token.service)\n"
                + "    issuer: \(token.issuer)\n    rootcertbundle: \(token.certificate)\n"
        }
        let config = """
        version: 0.1
        log:
          level: warn
        storage:
          filesystem:
            rootdirectory: \(directory.appendingPathComponent("data").path)
          delete:
            enabled: true
        http:
          addr: 127.0.0.1:\(port)
          secret: vouch-test-secret
        \(auth)
        """
        let configFile = directory.appendingPathComponent("config.yml")
        try Data(config.utf8).write(to: configFile)
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", configFile.path]
        let log = directory.appendingPathComponent("registry.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        try waitUntilListening()
    }

    deinit { stop() }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// `skopeo copy` of one tag of an OCI layout into this registry.
    func push(layout: String, tag: String, to repository: String, as newTag: String, credentials: String? = nil) throws {
        guard let skopeo = LocalRegistry.tool("skopeo") else { throw XCTSkip("skopeo is not installed (apt-get install skopeo)") }
        var args = ["copy", "--quiet", "--dest-tls-verify=false"]
        if let credentials { args += ["--dest-creds", credentials] }
        args += ["oci:\(layout):\(tag)", "docker://\(address)/\(repository):\(newTag)"]
        _ = try LocalRegistry.run(skopeo, args)
    }

    private func waitUntilListening() throws {
        for _ in 0..<200 {
            guard process.isRunning else { break }
            if LocalRegistry.canConnect(port: port) { return }
            usleep(50_000)
        }
        let log = (try? String(contentsOf: directory.appendingPathComponent("registry.log"), encoding: .utf8)) ?? ""
        stop()
        throw NSError(domain: "LocalRegistry", code: 1, userInfo: [NSLocalizedDescriptionKey: "registry did not start: \(log.suffix(2000))"])
    }

    static func tool(_ name: String) -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") + ["/usr/sbin", "/usr/bin"]
        return paths.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @discardableResult
    static func run(_ tool: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            let message = "\(tool) \(args.joined(separator: " ")) failed: \(String(decoding: stderr, as: UTF8.self))"
            throw NSError(domain: "LocalRegistry", code: Int(p.terminationStatus), userInfo: [NSLocalizedDescriptionKey: message])
        }
        return String(decoding: stdout, as: UTF8.self)
    }

    /// Binds port 0 on loopback and returns what the kernel chose.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw NSError(domain: "LocalRegistry", code: Int(errno)) }
        defer { close(fd) }
        var addr = loopback(port: 0)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw NSError(domain: "LocalRegistry", code: Int(errno)) }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = loopback(port: port)
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    static func loopback(port: Int) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return addr
    }
}
