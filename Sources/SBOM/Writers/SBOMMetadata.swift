import Digest
import Foundation
import JSON

/// Facts every writer needs that are not in the inventory: tool identity and the document time.
public struct SBOMWriteOptions: Sendable {
    public var toolName = "vouch"
    public var toolVersion = VouchVersion.current
    /// Document timestamp. Defaults (see `resolvedTimestamp`) keep output byte-identical for the same image.
    public var timestamp: Date?
    /// Supplier of the image itself (SPDX syntax, `Organization: Example Inc.`), when the user knows it.
    public var imageSupplier: String?
    public init() {}

    /// `SOURCE_DATE_EPOCH` wins, then an explicit timestamp, then the image's `created` time, then now.
    public func resolvedTimestamp(for inventory: Inventory, environment: [String: String] = ProcessInfo.processInfo.environment) -> Date {
        if let s = environment["SOURCE_DATE_EPOCH"], let secs = Int64(s.trimmingCharacters(in: .whitespaces)) {
            return Date(timeIntervalSince1970: TimeInterval(secs))
        }
        if let timestamp { return timestamp }
        if let created = inventory.subject.created, let d = RFC3339.parse(created) { return d }
        return Date()
    }
}

public enum VouchVersion {
    public static let current = "0.1.0"
}

/// Deterministic identifiers derived from content, so the same inventory always gives the same document.
enum StableID {
    static func uuid(_ seed: String) -> String {
        var b = Array(Hasher.sha256Hex(Array(seed.utf8)).utf8.prefix(32))
        // RFC 9562 version 8 (custom), variant 10.
        b[12] = UInt8(ascii: "8")
        let variants = Array("89ab".utf8)
        let nibble = Int(String(decoding: [b[16]], as: UTF8.self), radix: 16) ?? 0
        b[16] = variants[nibble % 4]
        let s = String(decoding: b, as: UTF8.self)
        func sub(_ a: Int, _ n: Int) -> Substring {
            s[s.index(s.startIndex, offsetBy: a)..<s.index(s.startIndex, offsetBy: a + n)]
        }
        return "\(sub(0, 8))-\(sub(8, 4))-\(sub(12, 4))-\(sub(16, 4))-\(sub(20, 12))"
    }

    static func short(_ seed: String) -> String { String(Hasher.sha256Hex(Array(seed.utf8)).prefix(16)) }
}

extension Inventory {
    /// A content fingerprint of what is described (subject identity and packages), independent of time.
    var fingerprint: String {
        var parts = [subject.name, subject.manifestDigest ?? "", subject.configDigest ?? "",
                     operatingSystem?.distroQualifier ?? ""]
        parts += packages.map { "\($0.purl)|\($0.locations.first?.path ?? "")" }
        return parts.joined(separator: "\n")
    }

    /// The version recorded for the subject: the manifest digest of an image (the identity attestations
    /// bind to), else its config digest, else for a directory a digest of what was catalogued in it.
    public var subjectVersion: String {
        if let d = subject.manifestDigest ?? subject.configDigest { return d }
        return "sha256:" + Hasher.sha256Hex(Array(fingerprint.utf8))
    }

    /// The purl of the image or directory described, in the `pkg:oci` form trivy and grype use.
    public var subjectPURL: String? {
        guard subject.kind == .image else { return nil }
        let digest = subject.manifestDigest ?? subject.configDigest
        guard let digest else { return nil }
        let base = subject.repository ?? subject.name
        let name = base.split(separator: "/").last.map(String.init) ?? base
        var q: [String: String] = [:]
        if let arch = subject.architecture { q["arch"] = arch }
        if let repo = subject.repository { q["repository_url"] = repo }
        if let tag = subject.tag { q["tag"] = tag }
        return PackageURL(type: "oci", name: name.lowercased(), version: digest, qualifiers: q).description
    }
}
