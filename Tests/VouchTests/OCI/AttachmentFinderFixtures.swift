import Digest
import Foundation
import JSON
import OCI
import XCTest

/// Writes the blobs and index.json of a hand-made OCI layout. Image layer blobs are never written.
struct LayoutBuilder {
    let root: URL
    static let unknownPlatform = Platform(os: "unknown", architecture: "unknown")

    init(at root: URL) throws {
        self.root = root
        try FileManager.default.createDirectory(at: root.appendingPathComponent("blobs/sha256"), withIntermediateDirectories: true)
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: root.appendingPathComponent("oci-layout"))
    }

    @discardableResult
    func put(_ data: Data, mediaType: String = "application/octet-stream", annotations: [String: String] = [:]) throws -> Descriptor {
        let digest = Digest(sha256Of: data)
        try data.write(to: root.appendingPathComponent("blobs/sha256/\(digest.hex)"))
        return Descriptor(mediaType: mediaType, digest: digest, size: Int64(data.count), annotations: annotations)
    }

    func put(_ json: JSON, mediaType: String) throws -> Descriptor { try put(json.serialized([]), mediaType: mediaType) }

    /// An image manifest whose one layer blob is absent; `seed` makes distinct images.
    func image(tag: String? = nil, platform: Platform? = nil, seed: String = "amd64") throws -> Descriptor {
        let layer = Descriptor(mediaType: MediaType.ociLayerGzip, digest: Digest(sha256Of: Data(seed.utf8)), size: Int64(seed.utf8.count))
        let config = try put(["architecture": .string(platform?.architecture ?? "amd64"), "os": "linux",
                              "rootfs": ["type": "layers", "diff_ids": [.string(layer.digest.description)]]], mediaType: MediaType.ociConfig)
        var d = try put(["schemaVersion": 2, "mediaType": .string(MediaType.ociManifest), "config": config.json, "layers": [layer.json]],
                        mediaType: MediaType.ociManifest)
        if let tag { d.annotations[AttachmentAnnotation.refName] = tag }
        d.platform = platform
        return d
    }

    func attestationEntry(_ d: Descriptor, mediaType: String, of subject: Digest, type: String = "attestation-manifest") -> JSON {
        var entry = d
        entry.mediaType = mediaType
        entry.annotations = [AttachmentAnnotation.referenceType: type, AttachmentAnnotation.referenceDigest: subject.description]
        entry.platform = Self.unknownPlatform
        return entry.json
    }

    func writeIndex(_ entries: [JSON]) throws {
        let index: JSON = ["schemaVersion": 2, "mediaType": .string(MediaType.ociIndex), "manifests": .array(entries)]
        try index.serialized([]).write(to: root.appendingPathComponent("index.json"))
    }

    static func statement(_ predicateType: String, subject: Digest) -> Data {
        let json: JSON = ["_type": "https://in-toto.io/Statement/v1", "predicateType": .string(predicateType),
                          "subject": [["name": "_", "digest": ["sha256": .string(subject.hex)]]], "predicate": [:]]
        return json.serialized([])
    }
}

/// A BuildKit-shaped layout (attestation-storage.md §3.1): index.json → index `app` holding an
/// amd64 and an arm64 image, a legacy and an OCI-artifact attestation manifest for amd64, one
/// entry of another reference type and one attestation of arm64 (both to be ignored); index.json
/// itself lists one more attestation manifest for amd64 with a DSSE layer.
struct BuildKitFixture {
    var image: Digest, index: Digest, legacy: Digest, artifact: Digest, topLevel: Digest
    var expectedLayers: [Digest] = []
    var blobs: [Digest: Data] = [:]

    init(at dir: URL) throws {
        let b = try LayoutBuilder(at: dir)
        let amd = try b.image(platform: Platform(os: "linux", architecture: "amd64"))
        let arm = try b.image(platform: Platform(os: "linux", architecture: "arm64"), seed: "arm64")
        var blobs: [Digest: Data] = [:]
        func layer(_ data: Data, _ mediaType: String, _ predicate: String?) throws -> Descriptor {
            let d = try b.put(data, mediaType: mediaType, annotations: predicate.map { [AttachmentAnnotation.inTotoPredicateType: $0] } ?? [:])
            blobs[d.digest] = data
            return d
        }
        func legacyManifest(_ layers: [Descriptor]) throws -> Descriptor {
            let config = try b.put(["architecture": "unknown", "os": "unknown", "config": [:],
                                    "rootfs": ["type": "layers", "diff_ids": .array(layers.map { .string($0.digest.description) })]],
                                   mediaType: MediaType.ociConfig)
            return try b.put(["schemaVersion": 2, "mediaType": .string(MediaType.ociManifest), "config": config.json,
                              "layers": .array(layers.map(\.json))], mediaType: MediaType.ociManifest)
        }
        let spdx = try layer(LayoutBuilder.statement("https://spdx.dev/Document/v2.3", subject: amd.digest), MediaType.inToto, "https://spdx.dev/Document/v2.3")
        let prov = try layer(LayoutBuilder.statement("https://slsa.dev/provenance/v0.2", subject: amd.digest), MediaType.inToto, "https://slsa.dev/provenance/v0.2")
        let unknown = try layer(Data("{}".utf8), "application/vnd.example.unknown+json", nil)
        let legacy = try legacyManifest([spdx, prov, unknown])

        let empty = try b.put(Data("{}".utf8), mediaType: MediaType.ociEmpty)
        let prov1 = try layer(LayoutBuilder.statement("https://slsa.dev/provenance/v1", subject: amd.digest), MediaType.inToto, "https://slsa.dev/provenance/v1")
        let unannotated = try layer(LayoutBuilder.statement("https://example.com/custom", subject: amd.digest), MediaType.inToto, nil)
        var subject = amd
        subject.platform = nil
        let artifact = try b.put(["schemaVersion": 2, "mediaType": .string(MediaType.ociManifest),
                                  "artifactType": .string(AttachmentMediaType.buildkitAttestationManifest), "config": empty.json,
                                  "layers": [prov1.json, unannotated.json], "subject": subject.json], mediaType: MediaType.ociManifest)

        let ignoredLayer = try b.put(LayoutBuilder.statement("https://spdx.dev/Document", subject: amd.digest), mediaType: MediaType.inToto,
                                     annotations: [AttachmentAnnotation.inTotoPredicateType: "https://spdx.dev/Document"])
        let otherType = try legacyManifest([ignoredLayer])
        let armLayer = try b.put(LayoutBuilder.statement("https://spdx.dev/Document", subject: arm.digest), mediaType: MediaType.inToto,
                                 annotations: [AttachmentAnnotation.inTotoPredicateType: "https://spdx.dev/Document"])
        let armAttestation = try legacyManifest([armLayer])

        let nested = try b.put(["schemaVersion": 2, "mediaType": .string(MediaType.ociIndex), "manifests": [
            amd.json, arm.json,
            b.attestationEntry(legacy, mediaType: MediaType.ociManifest, of: amd.digest),
            b.attestationEntry(artifact, mediaType: MediaType.ociManifest, of: amd.digest),
            b.attestationEntry(otherType, mediaType: MediaType.ociManifest, of: amd.digest, type: "signature"),
            b.attestationEntry(armAttestation, mediaType: MediaType.ociManifest, of: arm.digest),
        ]], mediaType: MediaType.ociIndex)
        let vex = try layer(Data(#"{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[]}"#.utf8),
                            AttachmentMediaType.dsseEnvelope, "https://openvex.dev/ns/v0.2.0")
        let topLevel = try legacyManifest([vex])
        var tagged = nested
        tagged.annotations = [AttachmentAnnotation.refName: "app"]
        try b.writeIndex([tagged.json, b.attestationEntry(topLevel, mediaType: MediaType.ociManifest, of: amd.digest)])

        image = amd.digest; index = nested.digest
        self.legacy = legacy.digest; self.artifact = artifact.digest; self.topLevel = topLevel.digest
        expectedLayers = [spdx, prov, prov1, unannotated, vex].map(\.digest)
        self.blobs = blobs
    }
}

/// A scripted registry on 127.0.0.1 for answers Debian's docker-registry never gives (a referrers
/// API, pagination, odd statuses): each GET path (with its query) maps to a status, headers and
/// body, re-read on every request so a test can change them. Every request is logged.
final class FakeRegistry {
    struct Route: Encodable {
        var status: Int = 200
        var headers: [String: String] = [:]
        var body: String = ""
    }

    let port: Int
    let directory: URL
    private let process: Process
    var address: String { "127.0.0.1:\(port)" }
    var routes: [String: Route] = [:] { didSet { try? save() } }

    init() throws {
        guard let python = LocalRegistry.tool("python3") else { throw XCTSkip("python3 is not installed") }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vouch-fake-registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(Self.script.utf8).write(to: directory.appendingPathComponent("server.py"))
        try Data("{}".utf8).write(to: directory.appendingPathComponent("routes.json"))
        port = try LocalRegistry.freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [directory.appendingPathComponent("server.py").path, String(port), directory.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<200 {
            guard process.isRunning, !LocalRegistry.canConnect(port: port) else { break }
            usleep(50_000)
        }
        guard LocalRegistry.canConnect(port: port) else { stop(); throw XCTSkip("the scripted registry did not start") }
    }

    deinit { stop() }

    func stop() {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        try? FileManager.default.removeItem(at: directory)
    }

    /// `GET /v2/...` lines, in order.
    var requests: [String] {
        let text = (try? String(contentsOf: directory.appendingPathComponent("requests.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    /// Serves a manifest or index under its digest (and under `tag`), as a registry would.
    @discardableResult
    func serve(_ json: JSON, repository: String, tag: String? = nil, contentType: String? = nil) -> Descriptor {
        let data = json.serialized([])
        let digest = Digest(sha256Of: data)
        let type = contentType ?? json.string("mediaType") ?? MediaType.ociManifest
        let route = Route(headers: ["Content-Type": type, "Docker-Content-Digest": digest.description], body: String(decoding: data, as: UTF8.self))
        routes["/v2/\(repository)/manifests/\(digest)"] = route
        if let tag { routes["/v2/\(repository)/manifests/\(tag)"] = route }
        return Descriptor(mediaType: type, digest: digest, size: Int64(data.count))
    }

    func serveBlob(_ data: Data, repository: String) -> Descriptor {
        let digest = Digest(sha256Of: data)
        routes["/v2/\(repository)/blobs/\(digest)"] = Route(headers: ["Content-Type": "application/octet-stream"], body: String(decoding: data, as: UTF8.self))
        return Descriptor(mediaType: "application/octet-stream", digest: digest, size: Int64(data.count))
    }

    private func save() throws {
        try JSONEncoder().encode(routes).write(to: directory.appendingPathComponent("routes.json"))
    }

    static let script = #"""
    import http.server, json, os, sys
    port, folder = int(sys.argv[1]), sys.argv[2]
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def do_GET(self): self.answer(True)
        def do_HEAD(self): self.answer(False)
        def answer(self, with_body):
            with open(os.path.join(folder, "requests.log"), "a") as log: log.write(self.command + " " + self.path + "\n")
            with open(os.path.join(folder, "routes.json")) as f: routes = json.load(f)
            route = routes.get(self.path) or {"status": 404, "headers": {"Content-Type": "application/json"},
                                              "body": '{"errors":[{"code":"NAME_UNKNOWN","message":"no route"}]}'}
            data = route.get("body", "").encode()
            self.send_response(route.get("status", 200))
            for k, v in route.get("headers", {}).items(): self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if with_body: self.wfile.write(data)
        def log_message(self, *args): pass
    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
    """#
}

extension AttachmentFinderRegistryTests {
    /// An image `team/app:v1` whose layer is never served, plus helpers for referrer manifests.
    struct Scripted {
        let registry: FakeRegistry
        let repository = "team/app"
        let image: Descriptor

        init() throws {
            registry = try FakeRegistry()
            let config = registry.serveBlob(Data(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#.utf8), repository: "team/app")
            let layer: JSON = ["mediaType": .string(MediaType.ociLayerGzip), "digest": .string(Digest(sha256Of: Data("never".utf8)).description), "size": 5]
            var configJSON = config.json
            if case .object(var o) = configJSON { o["mediaType"] = .string(MediaType.ociConfig); configJSON = .object(o) }
            image = registry.serve(["schemaVersion": 2, "mediaType": .string(MediaType.ociManifest), "config": configJSON, "layers": [layer]],
                                   repository: "team/app", tag: "v1")
        }

        func referrer(artifactType: String?, layers: [JSON], annotations: [String: String] = [:], subject: Digest? = nil) -> Descriptor {
            var o: JSONObject = ["schemaVersion": 2, "mediaType": .string(MediaType.ociManifest)]
            if let artifactType { o["artifactType"] = .string(artifactType) }
            o["config"] = ["mediaType": .string(MediaType.ociEmpty), "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", "size": 2]
            o["layers"] = .array(layers)
            o["subject"] = ["mediaType": .string(MediaType.ociManifest), "digest": .string((subject ?? image.digest).description), "size": .int(image.size)]
            if !annotations.isEmpty {
                o["annotations"] = .object(JSONObject(annotations.sorted { $0.key < $1.key }.map { ($0.key, JSON.string($0.value)) }))
            }
            var d = registry.serve(.object(o), repository: repository)
            d.artifactType = artifactType
            d.annotations = annotations
            return d
        }

        static func layer(_ mediaType: String, _ content: String, annotations: [String: String] = [:]) -> JSON {
            Descriptor(mediaType: mediaType, digest: Digest(sha256Of: Data(content.utf8)), size: Int64(content.utf8.count), annotations: annotations).json
        }

        func index(_ descriptors: [Descriptor]) -> String {
            let json: JSON = ["schemaVersion": 2, "mediaType": .string(MediaType.ociIndex), "manifests": .array(descriptors.map(\.json))]
            return String(decoding: json.serialized([]), as: UTF8.self)
        }

        var referrersPath: String { "/v2/\(repository)/referrers/\(image.digest)" }
        var tagPath: String { "/v2/\(repository)/manifests/\(ReferrersTag.tag(for: image.digest))" }

        func finder(tag: String = "v1") throws -> AttachmentFinder {
            let ref = try RegistryReference.parse("\(registry.address)/\(repository):\(tag)")
            let image = try RegistryClient(options: RegistryOptions(insecure: true), environment: [:]).image(ref, platform: nil)
            return try AttachmentFinder(reference: .registry(ref), image: image)
        }
    }
}
