import Foundation
@testable import OCI
import XCTest

/// Transport behaviour that registries rely on but a local Distribution registry does not show:
/// redirects to another host, readers that stop early, servers that stop sending.
final class RegistryHTTPTests: XCTestCase {
    private var server: TokenServer?

    override func setUpWithError() throws {
        server = try TokenServer(user: "bob", password: "hunter2-x")
    }

    override func tearDown() {
        server?.stop()
        server = nil
    }

    private func client(timeout: TimeInterval = 30) throws -> (RegistryHTTP, TokenServer) {
        let server = try XCTUnwrap(server)
        let options = RegistryOptions(insecure: true, dockerConfigPath: server.directory.appendingPathComponent("none.json").path,
                                      requestTimeout: timeout)
        return (try RegistryHTTP(registry: "127.0.0.1:\(server.port)", options: options, environment: [:]), server)
    }

    /// Storage redirects must not carry the registry's Authorization to another host (127.0.0.1 and
    /// localhost are different hosts to HTTP), while a redirect on the same host keeps it.
    func testRedirectKeepsAuthorizationOnlyOnTheSameHost() throws {
        let (http, server) = try client()
        let basic = "Basic " + Data("bob:hunter2-x".utf8).base64EncodedString()
        func status(redirectingTo host: String) throws -> Int {
            var redirect = try XCTUnwrap(URLComponents(string: "http://127.0.0.1:\(server.port)/redirect"))
            redirect.queryItems = [URLQueryItem(name: "to", value: "http://\(host):\(server.port)/token?service=s&scope=repository:a:pull")]
            let request = RegistryHTTP.Request(path: "", url: try XCTUnwrap(redirect.url), headers: ["Authorization": basic], what: "redirected token")
            return try http.send(request).status
        }
        XCTAssertEqual(try status(redirectingTo: "127.0.0.1"), 200)
        XCTAssertEqual(try status(redirectingTo: "localhost"), 401)
        XCTAssertEqual(try server.requests().map(\.authorization), [true, false])
    }

    /// A reader that stops early must stop the download, not leave it running into the spool.
    func testDroppingAStreamCancelsItsDownload() throws {
        let (http, _) = try client()
        do {
            let (head, source) = try http.open(RegistryHTTP.Request(path: "/slow?seconds=60", what: "slow body"))
            XCTAssertEqual(head.status, 200)
            var buffer = [UInt8](repeating: 0, count: 4096)
            XCTAssertGreaterThan(try buffer.withUnsafeMutableBytes { try source.read(into: $0) }, 0)
            XCTAssertEqual(http.transport.runningTasks, 1)
        }
        let deadline = Date().addingTimeInterval(10)
        while http.transport.runningTasks > 0 && Date() < deadline { usleep(20_000) }
        XCTAssertEqual(http.transport.runningTasks, 0, "the 60 s download is still running after its reader went away")
    }

    /// The request timeout is an idle timeout: a steady trickle longer than it succeeds...
    func testSlowButSteadyTransferOutlivesTheRequestTimeout() throws {
        let (http, _) = try client(timeout: 1)
        let (_, source) = try http.open(RegistryHTTP.Request(path: "/slow?seconds=2.5", what: "slow body"))
        XCTAssertEqual(try source.readAll(limit: 1 << 30)?.count, 50 * 65536)
    }

    /// ...while silence longer than it fails with a timeout that names the registry and the request.
    func testSilentServerTimesOut() throws {
        let (http, server) = try client(timeout: 1)
        let (_, source) = try http.open(RegistryHTTP.Request(path: "/stall?seconds=20", what: "stalled body"))
        let start = Date()
        XCTAssertThrowsError(try source.readAll(limit: 1 << 20)) { error in
            guard case RegistryError.timeout(let host, let what, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(host, "127.0.0.1:\(server.port)")
            XCTAssertEqual(what, "stalled body")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
    }

    func testConnectionRefusedIsAClearError() throws {
        let port = try LocalRegistry.freePort()
        let http = try RegistryHTTP(registry: "127.0.0.1:\(port)", options: RegistryOptions(insecure: true), environment: [:])
        XCTAssertThrowsError(try http.send(RegistryHTTP.Request(path: "/v2/", what: "version check"))) { error in
            guard case RegistryError.connection(let host, let detail) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(host, "127.0.0.1:\(port)")
            XCTAssertTrue(detail.contains("connection refused"), detail)
        }
    }
}
