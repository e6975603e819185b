import Foundation

/// Base images as SLSA resolved dependencies, from the OCI `org.opencontainers.image.base.name` and
/// `…base.digest` keys. The image-spec defines them as manifest annotations; BuildKit and docker also
/// write them as image config labels, so either map can be passed.
public enum BaseImageDependencies {
    public static let nameKey = "org.opencontainers.image.base.name"
    public static let digestKey = "org.opencontainers.image.base.digest"

    /// `[]` without a base name; otherwise one dependency `pkg:docker/<name>@<tag>?platform=…` (BuildKit's
    /// form) with the base digest. `platform` is the attested image's `os/arch[/variant]`. A malformed
    /// name or digest is an error naming the key: provenance must not carry a garbled dependency.
    public static func from(_ labelsOrAnnotations: [String: String], platform: String? = nil) throws -> [ResourceDescriptor] {
        guard let name = labelsOrAnnotations[nameKey]?.trimmingCharacters(in: .whitespaces), !name.isEmpty else { return [] }
        let nameField = "labels[\(nameKey)]"
        let digestField = "labels[\(digestKey)]"
        let reference: ImageReferenceParts
        do { reference = try ImageReferenceParts(name) } catch let e as InTotoError {
            throw InTotoError.invalidValue(field: nameField, reason: e.description)
        }
        var digest: [String: String] = [:]
        if let given = labelsOrAnnotations[digestKey]?.trimmingCharacters(in: .whitespaces), !given.isEmpty {
            guard let colon = given.firstIndex(of: ":") else {
                throw InTotoError.invalidDigest(field: digestField, reason: "expected algorithm:hex, found \(InTotoError.quoted(given))")
            }
            digest = [String(given[..<colon]): String(given[given.index(after: colon)...])]
            try DigestSetRules.validate(digest, field: digestField)
            if let inName = reference.digest, inName != given {
                throw InTotoError.invalidValue(field: digestField, reason: "disagrees with the digest in \(nameKey) (\(inName))")
            }
        } else if let inName = reference.digest, let colon = inName.firstIndex(of: ":") {
            digest = [String(inName[..<colon]): String(inName[inName.index(after: colon)...])]
        }
        let uri = try ImageSubjectName.purl(reference: name, platform: platform)
        return [ResourceDescriptor(uri: uri, digest: digest)]
    }
}
