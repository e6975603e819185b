import Foundation
import JSON

/// Subject and dependency names for container images in BuildKit's package-URL form
/// (moby/buildkit `util/purl/image.go` RefToPURL): the familiar repository name (`docker.io/library/`
/// dropped) as namespace/name, the tag as version (`latest` when the reference has neither tag nor
/// digest), then sorted qualifiers `digest=<alg:hex>` and `platform=<os>%2F<arch>[%2F<variant>]`.
/// Examples: `pkg:docker/alpine@3.17?platform=linux%2Famd64`,
/// `pkg:docker/ghcr.io/org/app@v1?digest=sha256:…&platform=linux%2Farm64%2Fv8`.
public enum ImageSubjectName {
    /// `reference` is an image reference such as `docker.io/library/debian:bookworm`,
    /// `ghcr.io/org/app@sha256:…` or `registry:5000/team/app:1.4`; `platform` is `os/arch[/variant]`.
    public static func purl(reference: String, platform: String? = nil) throws -> String {
        let ref = try ImageReferenceParts(reference)
        var parts = ref.familiarName.split(separator: "/").map(String.init)
        let name = parts.removeLast()
        var out = "pkg:docker/"
        if !parts.isEmpty { out += parts.map(percentEncode).joined(separator: "/") + "/" }
        out += percentEncode(name)
        if let version = ref.tag ?? (ref.digest == nil ? "latest" : nil) { out += "@" + percentEncode(version) }
        var qualifiers: [String] = []
        if let digest = ref.digest { qualifiers.append("digest=" + percentEncode(digest)) }
        if let platform, !platform.isEmpty { qualifiers.append("platform=" + percentEncode(platform)) }
        if !qualifiers.isEmpty { out += "?" + qualifiers.joined(separator: "&") }
        return out
    }

    /// Unreserved characters and `:` stay; everything else (notably `/` in platforms) is %-encoded,
    /// as packageurl-go writes them.
    static func percentEncode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            let keep = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "~")
                || b == UInt8(ascii: ":")
            out += keep ? String(UnicodeScalar(b)) : String(format: "%%%02X", b)
        }
        return out
    }
}

/// The pieces of an image reference needed for package URLs; not a general reference parser
/// (the OCI module has that, and this module must not depend on it).
struct ImageReferenceParts {
    let familiarName: String
    let tag: String?
    let digest: String?

    init(_ reference: String) throws {
        let field = "image reference"
        var rest = reference.trimmingCharacters(in: .whitespaces)
        guard !rest.isEmpty else { throw InTotoError.emptyField(field) }
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            let d = String(rest[rest.index(after: at)...])
            guard let colon = d.firstIndex(of: ":") else {
                throw InTotoError.invalidValue(field: field, reason: "\(InTotoError.quoted(reference)) has a digest without an algorithm")
            }
            try DigestSetRules.validate([String(d[..<colon]): String(d[d.index(after: colon)...])], field: "\(field) digest")
            digest = d
            rest = String(rest[..<at])
        }
        var tag: String?
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            tag = String(rest[rest.index(after: colon)...])
            rest = String(rest[..<colon])
            guard let t = tag, !t.isEmpty, t.utf8.count <= 128,
                  t.utf8.allSatisfy({ Self.isNameByte($0) && $0 != UInt8(ascii: "/") }) else {
                throw InTotoError.invalidValue(field: field, reason: "\(InTotoError.quoted(reference)) has an invalid tag")
            }
        }
        let components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !components.contains(where: \.isEmpty),
              rest.utf8.allSatisfy({ Self.isNameByte($0) || $0 == UInt8(ascii: ":") }) else {
            throw InTotoError.invalidValue(field: field, reason: "\(InTotoError.quoted(reference)) is not an image reference")
        }
        // The first component is a registry when it looks like a host (docker's rule).
        var path = components
        var domain = "docker.io"
        if components.count > 1, let first = components.first,
           first.contains(".") || first.contains(":") || first == "localhost" {
            domain = first
            path.removeFirst()
        }
        // A port belongs to the registry only; `:` anywhere else is no reference (`inv:al:id`).
        guard !path.contains(where: { $0.contains(":") }) else {
            throw InTotoError.invalidValue(field: field, reason: "\(InTotoError.quoted(reference)) is not an image reference")
        }
        if domain == "index.docker.io" || domain == "registry-1.docker.io" { domain = "docker.io" }
        if domain == "docker.io" {
            if path.count == 2 && path[0] == "library" { path.removeFirst() }
            familiarName = path.joined(separator: "/")
        } else {
            familiarName = ([domain] + path).joined(separator: "/")
        }
        self.tag = tag
        self.digest = digest
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "/")
    }
}

extension InTotoStatement {
    /// A Statement about one image manifest (one per platform: the caller loops over an index).
    /// `manifestDigest` is `sha256:<hex>`; `name` is used as given, typically `ImageSubjectName.purl(…)`.
    public static func forImage(manifestDigest: String, name: String, predicateType: String,
                                predicate: JSON) throws -> InTotoStatement {
        let field = "subject[0].digest"
        guard let colon = manifestDigest.firstIndex(of: ":") else {
            throw InTotoError.invalidDigest(field: field, reason: "expected algorithm:hex, found \(InTotoError.quoted(manifestDigest))")
        }
        let digest = [String(manifestDigest[..<colon]): String(manifestDigest[manifestDigest.index(after: colon)...])]
        try DigestSetRules.validate(digest, field: field)
        guard !predicateType.isEmpty else { throw InTotoError.emptyField("predicateType") }
        guard case .object = predicate else {
            throw InTotoError.wrongType(field: "predicate", expected: "an object", found: predicate.attestationTypeName)
        }
        let subject = ResourceDescriptor(name: name.isEmpty ? nil : name, digest: digest)
        return InTotoStatement(subjects: [subject], predicateType: predicateType, predicate: predicate)
    }
}
