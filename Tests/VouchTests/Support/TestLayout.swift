import Digest
import Foundation
import JSON
import XCTest

/// Builds small OCI layouts on disk for edge cases the real images do not have (hostile layers,
/// whiteout orderings). Layer tars come from Python's tarfile, which can write any entry name.
enum TestLayout {
    struct Entry {
        var name: String
        var type: String = "file"      // file, dir, symlink, hardlink
        var content: String = ""
        var target: String = ""
        var mode: Int = 0o644
    }

    /// A tar (optionally gzip-compressed) holding exactly these entries, in order.
    static func tar(_ entries: [Entry], gzip: Bool = true) throws -> Data {
        let spec = entries.map { ["name": $0.name, "type": $0.type, "content": $0.content, "target": $0.target, "mode": String($0.mode)] }
        let json = try JSONSerialization.data(withJSONObject: spec)
        let script = """
        import io, json, sys, tarfile, gzip
        spec = json.loads(sys.stdin.read())
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
            for e in spec:
                ti = tarfile.TarInfo(e["name"]); ti.mode = int(e["mode"]); ti.mtime = 1700000000
                data = e["content"].encode()
                if e["type"] == "dir": ti.type = tarfile.DIRTYPE; t.addfile(ti)
                elif e["type"] == "symlink": ti.type = tarfile.SYMTYPE; ti.linkname = e["target"]; t.addfile(ti)
                elif e["type"] == "hardlink": ti.type = tarfile.LNKTYPE; ti.linkname = e["target"]; t.addfile(ti)
                else: ti.size = len(data); t.addfile(ti, io.BytesIO(data))
        raw = buf.getvalue()
        sys.stdout.buffer.write(gzip.compress(raw, mtime=0) if \(gzip ? "True" : "False") else raw)
        """
        return try python(script, stdin: json)
    }

    static func python(_ script: String, stdin: Data = Data()) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script]
        let inPipe = Pipe(), outPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        do { try p.run() } catch { throw XCTSkip("python3 unavailable: \(error)") }
        inPipe.fileHandleForWriting.write(stdin)
        try inPipe.fileHandleForWriting.close()
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw XCTSkip("python3 failed building a test archive") }
        return out
    }

    struct Layer {
        var data: Data
        /// Override what the manifest declares (to make it lie).
        var declaredDigest: String?
        var declaredSize: Int64?
        var mediaType = "application/vnd.oci.image.layer.v1.tar+gzip"
        /// Leave the blob out of blobs/.
        var omitBlob = false
    }

    /// Writes an OCI layout with one image tagged `tag`; returns the layout directory.
    @discardableResult
    static func write(at dir: URL, tag: String = "test", layers: [Layer], labels: [String: String] = [:]) throws -> URL {
        let blobs = dir.appendingPathComponent("blobs/sha256")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        func put(_ d: Data) throws -> String {
            let hex = Hasher.sha256Hex(d)
            try d.write(to: blobs.appendingPathComponent(hex))
            return "sha256:" + hex
        }
        var layerDescriptors: [JSON] = []
        var diffIDs: [JSON] = []
        for l in layers {
            let digest = l.omitBlob ? "sha256:" + Hasher.sha256Hex(l.data) : try put(l.data)
            layerDescriptors.append(["mediaType": .string(l.mediaType), "digest": .string(l.declaredDigest ?? digest),
                                     "size": .int(l.declaredSize ?? Int64(l.data.count))])
            diffIDs.append(.string(digest))
        }
        var labelObject = JSONObject()
        for (k, v) in labels.sorted(by: { $0.key < $1.key }) { labelObject[k] = .string(v) }
        let config: JSON = ["architecture": "amd64", "os": "linux", "created": "2024-01-02T03:04:05Z",
                            "config": ["Labels": .object(labelObject)], "rootfs": ["type": "layers", "diff_ids": .array(diffIDs)]]
        let configData = config.serialized([])
        let configDigest = try put(configData)
        let manifest: JSON = ["schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                              "config": ["mediaType": "application/vnd.oci.image.config.v1+json", "digest": .string(configDigest), "size": .int(Int64(configData.count))],
                              "layers": .array(layerDescriptors)]
        let manifestData = manifest.serialized([])
        let manifestDigest = try put(manifestData)
        let index: JSON = ["schemaVersion": 2, "manifests": [[
            "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": .string(manifestDigest),
            "size": .int(Int64(manifestData.count)), "annotations": ["org.opencontainers.image.ref.name": .string(tag)],
        ]]]
        try index.serialized([]).write(to: dir.appendingPathComponent("index.json"))
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: dir.appendingPathComponent("oci-layout"))
        return dir
    }

    static let debianOSRelease = Entry(name: "etc/os-release", content: "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n")

    static func statusEntry(_ packages: [(String, String)]) -> Entry {
        let text = packages.map { "Package: \($0.0)\nStatus: install ok installed\nMaintainer: Test <t@example.com>\nArchitecture: amd64\nVersion: \($0.1)\n" }.joined(separator: "\n")
        return Entry(name: "var/lib/dpkg/status", content: text)
    }
}
