import Digest
import Foundation
import JSON
@testable import OCI
import XCTest

/// Statements and DSSE envelopes about a given image digest, signed with a fresh EC P-256 key by the
/// `openssl` command (PAE bytes, `openssl dgst -sha256 -sign`), the way cosign signs: cosign
/// verifies them with the matching public key.
final class OpenSSLTestSigner {
    let directory: URL
    let privateKey: String
    let publicKey: String
    private let openssl: String

    init() throws {
        guard let openssl = LocalRegistry.tool("openssl") else { throw XCTSkip("openssl is not installed") }
        self.openssl = openssl
        directory = try OutsideTool.temporaryDirectory()
        privateKey = directory.appendingPathComponent("key.pem").path
        publicKey = directory.appendingPathComponent("cosign.pub").path
        try LocalRegistry.run(openssl, ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", privateKey])
        try LocalRegistry.run(openssl, ["ec", "-in", privateKey, "-pubout", "-out", publicKey])
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    static func statement(subject: Digest, predicateType: String, predicate: JSON = ["note": "vouch attach test"]) -> Data {
        let s: JSON = ["_type": "https://in-toto.io/Statement/v1",
                       "subject": [["name": "image", "digest": .object(JSONObject([(subject.algorithm, JSON.string(subject.hex))]))]],
                       "predicateType": .string(predicateType), "predicate": predicate]
        return s.serialized([])
    }

    func envelope(_ statement: Data) throws -> Data {
        let type = "application/vnd.in-toto+json"
        var pae = Data("DSSEv1 \(type.utf8.count) \(type) \(statement.count) ".utf8)
        pae.append(statement)
        let paeFile = directory.appendingPathComponent("pae-\(UUID().uuidString)")
        let sigFile = paeFile.appendingPathExtension("sig")
        try pae.write(to: paeFile)
        try LocalRegistry.run(openssl, ["dgst", "-sha256", "-sign", privateKey, "-out", sigFile.path, paeFile.path])
        let signature = try Data(contentsOf: sigFile)
        let envelope: JSON = ["payloadType": .string(type), "payload": .string(statement.base64EncodedString()),
                              "signatures": [["keyid": "", "sig": .string(signature.base64EncodedString())]]]
        return envelope.serialized([])
    }

    func dsse(subject: Digest, predicateType: String, predicate: JSON = ["note": "vouch attach test"]) throws -> AttachmentPayload {
        let statement = OpenSSLTestSigner.statement(subject: subject, predicateType: predicateType, predicate: predicate)
        return AttachmentPayload(envelope: .dsse, predicateType: predicateType, data: try envelope(statement))
    }
}

enum AttachFixture {
    static let spdx = "https://spdx.dev/Document"
    static let cyclonedx = "https://cyclonedx.org/bom"
    static let custom = "https://example.com/vouch-test/v1"

    static func statement(subject: Digest, predicateType: String, note: String = "x") -> AttachmentPayload {
        AttachmentPayload(envelope: .statement, predicateType: predicateType,
                          data: OpenSSLTestSigner.statement(subject: subject, predicateType: predicateType, predicate: ["note": .string(note)]))
    }

    /// A one-image layout tagged `app`.
    static func layout() throws -> URL {
        let dir = try OutsideTool.temporaryDirectory()
        let tar = try TestLayout.tar([TestLayout.debianOSRelease])
        try TestLayout.write(at: dir, tag: "app", layers: [TestLayout.Layer(data: tar)])
        return dir
    }

    static func json(_ url: URL) throws -> JSON { try JSON.parse(Data(contentsOf: url)) }

    static func blob(_ layout: URL, _ digest: String) -> URL {
        layout.appendingPathComponent("blobs/sha256/" + digest.replacingOccurrences(of: "sha256:", with: ""))
    }

    static func blobJSON(_ layout: URL, _ digest: String?) throws -> JSON {
        try json(blob(layout, try XCTUnwrap(digest)))
    }

    /// Every file under the layout with its bytes, to prove that nothing was written.
    static func snapshot(_ dir: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let walker = FileManager.default.enumerator(atPath: dir.path)
        while let name = walker?.nextObject() as? String {
            let url = dir.appendingPathComponent(name)
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue {
                files[name] = try Data(contentsOf: url)
            }
        }
        return files
    }
}
