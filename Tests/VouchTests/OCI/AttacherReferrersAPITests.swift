import Digest
import Foundation
import JSON
@testable import OCI
import XCTest

/// A registry that implements the OCI 1.1 referrers API, which Debian's docker-registry lacks: a
/// small Python server that answers `OCI-Subject` on manifest PUTs, lists referrers one per page
/// with `Link: rel="next"` and ignores the `artifactType` filter (so clients must filter).
final class AttacherReferrersAPITests: XCTestCase {
    private var process: Process?
    private var port = 0

    override func tearDown() {
        if let process, process.isRunning { process.terminate(); process.waitUntilExit() }
    }

    private func startServer() throws {
        guard let python = LocalRegistry.tool("python3") else { throw XCTSkip("python3 is not installed") }
        port = try LocalRegistry.freePort()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", Self.script, String(port)]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        // One probe at a time, stopping at the first answer: Python's listen backlog is 5.
        var up = false
        for _ in 0..<100 {
            if LocalRegistry.canConnect(port: port) { up = true; break }
            usleep(50_000)
        }
        guard up else { throw XCTSkip("the test referrers registry did not start") }
    }

    func testReferrersAPIRegistryGetsNoTagSchemaAndLosesTheReplacedReferrer() throws {
        try startServer()
        let options = RegistryOptions(insecure: true)
        let environment = ["HOME": "/nonexistent", "SOURCE_DATE_EPOCH": "1700000000"]
        let ref = try RegistryReference.parse("127.0.0.1:\(port)/team/app:v1")
        let push = RegistryPush(http: try RegistryHTTP(registry: ref.registry, options: options, environment: environment), repository: ref.repository)

        // The image goes up through the same push code, blob by blob.
        let dir = try AttachFixture.layout()
        defer { try? FileManager.default.removeItem(at: dir) }
        let top = try XCTUnwrap(try OCILayout(path: dir.path).index.manifests.first)
        let manifestData = try Data(contentsOf: AttachFixture.blob(dir, top.digest.description))
        let manifest = try Manifest(json: try JSON.parse(manifestData), context: "test")
        for d in [manifest.config] + manifest.layers {
            try push.upload(try Data(contentsOf: AttachFixture.blob(dir, d.digest.description)), digest: d.digest, what: "image blob")
        }
        try push.putManifest(manifestData, mediaType: MediaType.ociManifest, reference: "v1", what: "image")
        let image = try RegistryClient(options: options, environment: environment).image(ref, platform: nil)
        let subject = try XCTUnwrap(image.manifestDigest)

        let attacher = Attacher(target: .registry(ref), registryOptions: options, environment: environment)
        let cdx = AttachFixture.statement(subject: subject, predicateType: AttachFixture.cyclonedx)
        let first = try attacher.attach([cdx, AttachFixture.statement(subject: subject, predicateType: AttachFixture.spdx, note: "one")],
                                        to: image, schemes: [.referrer])
        XCTAssertEqual(first.entries.map(\.place), ["referrers API", "referrers API"])
        XCTAssertEqual(first.entries.map(\.replaced), [0, 0])
        XCTAssertNil(first.entries[0].tag)

        let second = try attacher.attach([AttachFixture.statement(subject: subject, predicateType: AttachFixture.spdx, note: "two")],
                                         to: image, schemes: [.referrer])
        XCTAssertEqual(second.entries.map(\.replaced), [1])
        XCTAssertTrue(second.notes.isEmpty, "\(second.notes)")
        XCTAssertNil(try push.manifest(first.entries[1].manifest.description), "the replaced referrer is deleted")
        XCTAssertNotNil(try push.manifest(first.entries[0].manifest.description), "the other predicate type stays")
        XCTAssertNil(try push.manifest(ReferrersTag.tag(for: subject)), "no tag schema index on a registry with the API")
        let listed = try XCTUnwrap(try push.referrers(of: subject, artifactType: AttachmentMediaType.vouchAttestationArtifact))
        XCTAssertEqual(Set(listed.map(\.digest)), [first.entries[0].manifest, second.entries[0].manifest])
    }

    private static let script = #"""
import hashlib, json, sys, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs
blobs, manifests, tags, order = {}, {}, {}, []
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # answers libcurl's Expect: 100-continue instead of making it wait
    def log_message(self, *a): pass
    def reply(self, code, body=b"", headers=None):
        self.send_response(code)
        for k, v in (headers or {}).items(): self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD": self.wfile.write(body)
    def body(self): return self.rfile.read(int(self.headers.get("Content-Length") or 0))
    def parts(self):
        u = urlparse(self.path); p = u.path.split("/")
        return u, p, parse_qs(u.query)
    def do_HEAD(self): self.do_GET()
    def do_GET(self):
        u, p, q = self.parts()
        if "blobs" in p:
            d = p[-1]; return self.reply(200, blobs[d]) if d in blobs else self.reply(404)
        if "manifests" in p:
            d = tags.get(p[-1], p[-1])
            if d not in manifests: return self.reply(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"unknown"}]}')
            data, ct = manifests[d]
            return self.reply(200, data, {"Content-Type": ct, "Docker-Content-Digest": d})
        if "referrers" in p:
            subject, page = p[-1], int(q.get("page", ["0"])[0])
            refs = []
            for d in order:
                if d not in manifests: continue
                m = json.loads(manifests[d][0])
                if m.get("subject", {}).get("digest") == subject:
                    refs.append({"mediaType": m["mediaType"], "digest": d, "size": len(manifests[d][0]),
                                 "artifactType": m.get("artifactType") or m["config"]["mediaType"], "annotations": m.get("annotations", {})})
            headers = {"Content-Type": "application/vnd.oci.image.index.v1+json"}
            if page + 1 < len(refs): headers["Link"] = '<%s?page=%d>; rel="next"' % (u.path, page + 1)
            index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": refs[page:page + 1]}
            return self.reply(200, json.dumps(index).encode(), headers)
        self.reply(404)
    def do_POST(self):
        u, p, q = self.parts(); self.body()
        self.reply(202, b"", {"Location": "/v2/%s/blobs/uploads/%s?_state=x%%3D" % ("/".join(p[2:-3]), uuid.uuid4())})
    def do_PUT(self):
        u, p, q = self.parts(); data = self.body()
        if "uploads" in p:
            d = q.get("digest", [""])[0]
            if q.get("_state") != ["x="] or d != "sha256:" + hashlib.sha256(data).hexdigest(): return self.reply(400)
            blobs[d] = data; return self.reply(201, b"", {"Docker-Content-Digest": d})
        d = "sha256:" + hashlib.sha256(data).hexdigest()
        manifests[d] = (data, self.headers.get("Content-Type")); order.append(d)
        if not p[-1].startswith("sha256:"): tags[p[-1]] = d
        headers = {"Docker-Content-Digest": d}
        subject = json.loads(data).get("subject")
        if subject: headers["OCI-Subject"] = subject["digest"]
        self.reply(201, b"", headers)
    def do_DELETE(self):
        u, p, q = self.parts()
        if manifests.pop(p[-1], None) is None: return self.reply(404)
        self.reply(202)
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""#
}
