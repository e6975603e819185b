import Foundation
import JSON

/// A sigstore bundle (`application/vnd.dev.sigstore.bundle…+json`, v0.1–v0.3) that carries a
/// DSSE envelope, as cosign v3 and GitHub's attest actions attach it. Bundles are protobuf JSON:
/// fields are read in lowerCamelCase or in their original snake_case.
/// Only what signature checking needs is read; transparency-log entries and timestamps are not.
public struct SigstoreBundle: Sendable {
    public let mediaType: String
    public let envelope: DSSEEnvelope
    /// `verificationMaterial.publicKey.hint`: names a key the verifier should already have.
    public let publicKeyHint: String?
    /// The signing certificate's DER: `certificate.rawBytes` (v0.3) or the first of
    /// `x509CertificateChain.certificates` (v0.1/v0.2). Keyless bundles carry one.
    public let certificateDER: Data?

    public init(json: Data) throws {
        guard json.count <= DSSEEnvelope.maximumEnvelopeSize + (1 << 20) else {
            throw DSSEError.tooLarge(field: "bundle", bytes: json.count, limit: DSSEEnvelope.maximumEnvelopeSize + (1 << 20))
        }
        let tree: JSON
        do { tree = try JSON.parse(json) } catch { throw DSSEError.notJSON(reason: "\(error)") }
        guard tree.object != nil else { throw DSSEError.notAnObject(field: "bundle", found: tree.kindName) }
        guard let mediaType = Self.member(tree, "mediaType")?.string else {
            throw DSSEError.notASigstoreBundle(reason: "no 'mediaType' string")
        }
        guard mediaType.hasPrefix("application/vnd.dev.sigstore.bundle") else {
            throw DSSEError.notASigstoreBundle(reason: "media type '\(mediaType)'")
        }
        guard let envelopeTree = Self.member(tree, "dsseEnvelope") else {
            let what = Self.member(tree, "messageSignature") != nil ? "it holds a message signature" : "no 'dsseEnvelope'"
            throw DSSEError.notASigstoreBundle(reason: what)
        }
        self.mediaType = mediaType
        envelope = try DSSEEnvelope(tree: envelopeTree, path: "dsseEnvelope.")

        let material = Self.member(tree, "verificationMaterial")
        publicKeyHint = material.flatMap { Self.member($0, "publicKey") }.flatMap { $0["hint"]?.string }
        let single = material.flatMap { Self.member($0, "certificate") }
        let chain = material.flatMap { Self.member($0, "x509CertificateChain") }.flatMap { $0["certificates"]?.array?.first }
        if let certificate = single ?? chain {
            guard let text = Self.member(certificate, "rawBytes")?.string else {
                throw DSSEError.missingField("verificationMaterial.certificate.rawBytes")
            }
            guard let der = FlexibleBase64.decode(text) else {
                throw DSSEError.invalidBase64(field: "verificationMaterial.certificate.rawBytes")
            }
            certificateDER = der
        } else {
            certificateDER = nil
        }
    }

    /// The hint as a `PublicKey.keyID`: cosign writes base64(SHA-256(SPKI DER)), the same digest
    /// vouch's key ids are the hex of. Nil when there is no hint or it is not such a digest.
    public var hintedKeyID: String? {
        guard let hint = publicKeyHint, let digest = FlexibleBase64.decode(hint), digest.count == 32 else { return nil }
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    /// The certificate's public key, for checking the DSSE signature of a keyless bundle.
    /// Only the signature is checked with it: the certificate chain and identity are not.
    public func certificatePublicKey() throws -> PublicKey? {
        try certificateDER.map { try PublicKey(certificateDER: $0, source: "sigstore bundle certificate") }
    }

    /// A protobuf-JSON member by its lowerCamelCase name or its snake_case original.
    static func member(_ tree: JSON, _ camel: String) -> JSON? {
        if let value = tree[camel] { return value }
        var snake = ""
        for c in camel {
            if c.isUppercase { snake += "_" + c.lowercased() } else { snake.append(c) }
        }
        return tree[snake]
    }
}

extension DSSEEnvelope {
    /// The DSSE envelope inside a sigstore bundle's JSON (see `SigstoreBundle`).
    public init(sigstoreBundle: Data) throws {
        self = try SigstoreBundle(json: sigstoreBundle).envelope
    }
}
