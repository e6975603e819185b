import Foundation
import XCTest

/// A minimal Docker token service on 127.0.0.1 for exercising the Bearer flow against the real
/// Distribution registry: it checks Basic credentials and issues ES256 JWTs whose `x5c` certificate
/// the registry trusts (`rootcertbundle`), with the `access` the requested scopes ask for.
/// Python's standard library serves HTTP and the `openssl` command signs; the key and certificate
/// are made fresh for each test. Every token request is logged as one JSON line for assertions.
/// Three more endpoints exercise the transport: `/redirect?to=URL` (307), `/slow?seconds=N`
/// (64 KiB every 50 ms) and `/stall?seconds=N` (10 bytes, then nothing).
final class TokenServer {
    let port: Int
    let directory: URL
    let service = "vouch-test-registry"
    let issuer = "vouch-test-issuer"
    private let process: Process

    var realm: String { "http://127.0.0.1:\(port)/token" }
    var certificate: String { directory.appendingPathComponent("cert.pem").path }

    struct LoggedRequest: Decodable {
        let service: [String]?
        let scope: [String]?
        let basic: Bool
        let authorization: Bool
    }

    init(user: String, password: String) throws {
        guard let python = ["/usr/bin/python3", LocalRegistry.tool("python3")].compactMap({ $0 }).first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) else { throw XCTSkip("python3 is not installed (needed for the test token service)") }
        guard let openssl = LocalRegistry.tool("openssl") else { throw XCTSkip("openssl is not installed") }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vouch-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = directory.appendingPathComponent("key.pem").path
        try LocalRegistry.run(openssl, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                        "-keyout", key, "-out", directory.appendingPathComponent("cert.pem").path,
                                        "-days", "2", "-subj", "/CN=vouch-test-token"])
        let script = directory.appendingPathComponent("token.py")
        try Data(TokenServer.script.utf8).write(to: script)
        port = try LocalRegistry.freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path, String(port), openssl, key, directory.appendingPathComponent("cert.pem").path,
                             user, password, service, issuer, directory.appendingPathComponent("requests.log").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var listening = false
        for _ in 0..<200 where process.isRunning {
            listening = LocalRegistry.canConnect(port: port)
            if listening { break }
            usleep(50_000)
        }
        guard listening else {
            stop()
            throw NSError(domain: "TokenServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "token service did not start"])
        }
    }

    deinit { stop() }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    func requests() throws -> [LoggedRequest] {
        let path = directory.appendingPathComponent("requests.log")
        guard let text = try? String(contentsOf: path, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(LoggedRequest.self, from: Data($0.utf8)) }
    }

    private static let script = #"""
    import base64, json, os, subprocess, sys, time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import urlparse, parse_qs

    port, openssl, keyfile, certfile, user, password, service, issuer, logfile = sys.argv[1:10]
    cert_b64 = "".join(l for l in open(certfile).read().splitlines() if "-----" not in l)
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def b64url(b):
        return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

    def raw_signature(der):
        # ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } -> JWS r||s, 32 bytes each.
        i = 2 if der[1] < 0x80 else 2 + (der[1] & 0x7F)
        out = b""
        for _ in range(2):
            n = der[i + 1]
            out += der[i + 2:i + 2 + n].lstrip(b"\0").rjust(32, b"\0")
            i += 2 + n
        return out

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self, status, obj):
            body = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            url = urlparse(self.path)
            query = parse_qs(url.query)
            if url.path == "/redirect":
                self.send_response(307)
                self.send_header("Location", query["to"][0])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if url.path in ("/slow", "/stall"):
                # /slow: 64 KiB every 50 ms for `seconds`; /stall: 10 bytes, then silence.
                seconds = float(query.get("seconds", ["60"])[0])
                chunks = int(seconds / 0.05)
                self.send_response(200)
                self.send_header("Content-Length", str(chunks * 65536 if url.path == "/slow" else 1000))
                self.end_headers()
                try:
                    if url.path == "/stall":
                        self.wfile.write(b"0123456789")
                        self.wfile.flush()
                        time.sleep(seconds)
                        return
                    for _ in range(chunks):
                        self.wfile.write(b"x" * 65536)
                        self.wfile.flush()
                        time.sleep(0.05)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                return
            auth = self.headers.get("Authorization", "")
            with open(logfile, "a") as f:
                f.write(json.dumps({"service": query.get("service"), "scope": query.get("scope"),
                                    "basic": auth == expected, "authorization": bool(auth)}) + "\n")
            if auth != expected:
                return self.answer(401, {"details": "incorrect username or password"})
            access = []
            for scope in query.get("scope", []):
                parts = scope.split(":")
                if len(parts) >= 3:
                    access.append({"type": parts[0], "name": ":".join(parts[1:-1]), "actions": parts[-1].split(",")})
            now = int(time.time())
            header = {"typ": "JWT", "alg": "ES256", "x5c": [cert_b64]}
            claims = {"iss": issuer, "sub": user, "aud": service, "exp": now + 300, "nbf": now - 10, "iat": now,
                      "jti": os.urandom(8).hex(), "access": access}
            signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
            der = subprocess.run([openssl, "dgst", "-sha256", "-sign", keyfile], input=signing_input.encode(),
                                 capture_output=True, check=True).stdout
            token = signing_input + "." + b64url(raw_signature(der))
            self.answer(200, {"token": token, "expires_in": 300})

    ThreadingHTTPServer(("127.0.0.1", int(port)), Handler).serve_forever()
    """#
}
