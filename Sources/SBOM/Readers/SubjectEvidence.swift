import Foundation

/// What a document says about the thing it describes (CycloneDX `metadata.component`, the SPDX package
/// the document DESCRIBES, or only the document name), turned into a `Subject`.
struct SubjectEvidence {
    var name: String
    /// Kind stated by the document (component type, SPDX primary purpose); nil when it does not say.
    var kind: Subject.Kind?
    /// CycloneDX `version` / SPDX `versionInfo`: syft and vouch put the manifest digest there.
    var version: String?
    var purl: String?
    /// Hex SHA-256 from `hashes` / `checksums`.
    var sha256: String?
    /// trivy (`aquasecurity:trivy:ImageID`, …) and vouch (`vouch:image:…`) facts as name/value pairs.
    var properties: [(name: String, value: String)] = []

    init(name: String) { self.name = name }

    func subject() -> Subject {
        var s = Subject(kind: kind ?? .file, name: name)
        if let purl, let p = try? PackageURL(parsing: purl, enforcingTypeRules: false), p.type == "oci" || p.type == "docker" {
            s.kind = .image
            if let v = p.version, v.contains(":") { s.manifestDigest = v }
            if let repo = p.qualifiers["repository_url"] {
                s.repository = repo.hasSuffix("/" + p.name) || repo == p.name ? repo : repo + "/" + p.name
            }
            s.tag = p.qualifiers["tag"]
            s.architecture = p.qualifiers["arch"]
            s.os = p.qualifiers["os"]
        }
        if s.manifestDigest == nil, let v = version, SubjectEvidence.isDigest(v) { s.manifestDigest = v }
        apply(properties, to: &s)
        if kind == nil && (s.manifestDigest != nil || s.configDigest != nil || !s.diffIDs.isEmpty) { s.kind = .image }
        // Only an image's own hash is its manifest digest; a package's checksum is that of its archive.
        if s.kind == .image, s.manifestDigest == nil, let hex = sha256, !hex.isEmpty { s.manifestDigest = "sha256:" + hex.lowercased() }
        if s.kind == .image { splitReference(&s) }
        return s
    }

    private func apply(_ pairs: [(name: String, value: String)], to s: inout Subject) {
        var layers: [Int: String] = [:], digests: [Int: String] = [:]
        for (key, value) in pairs where !value.isEmpty {
            switch key {
            case "aquasecurity:trivy:ImageID", "vouch:image:configDigest": s.configDigest = value
            case "vouch:image:manifestDigest": s.manifestDigest = value
            case "aquasecurity:trivy:RepoDigest":
                // `kasmweb/nginx@sha256:…`: the registry's manifest digest.
                if let at = value.lastIndex(of: "@") {
                    s.manifestDigest = s.manifestDigest ?? String(value[value.index(after: at)...])
                    s.repository = s.repository ?? String(value[..<at])
                }
            case "aquasecurity:trivy:RepoTag":
                if let (repo, tag) = SubjectEvidence.splitTag(value) {
                    s.repository = s.repository ?? repo
                    s.tag = s.tag ?? tag
                }
            case "aquasecurity:trivy:DiffID": s.diffIDs.append(value)
            case "vouch:image:tag": s.tag = value
            case "vouch:image:created": s.created = value
            case "vouch:image:platform":
                let parts = value.split(separator: "/").map(String.init)
                if parts.count >= 2 { s.os = parts[0]; s.architecture = parts[1] }
                if parts.count >= 3 { s.variant = parts[2] }
            default:
                if key.hasPrefix("vouch:image:label:") {
                    s.labels[String(key.dropFirst("vouch:image:label:".count))] = value
                } else if let (i, field) = SubjectEvidence.layerIndex(key) {
                    if field == "diffID" { layers[i] = value } else if field == "digest" { digests[i] = value }
                }
            }
        }
        if !layers.isEmpty { s.diffIDs = layers.keys.sorted().compactMap { layers[$0] } }
        if !digests.isEmpty { s.layerDigests = digests.keys.sorted().compactMap { digests[$0] } }
    }

    /// `docker.io/library/ubuntu:latest` → repository and tag; `kasmweb/nginx@sha256:…` → repository and digest.
    private func splitReference(_ s: inout Subject) {
        guard s.repository == nil else { return }
        var ref = Substring(name)
        if let at = ref.lastIndex(of: "@") {
            let digest = ref[ref.index(after: at)...]
            if SubjectEvidence.isDigest(String(digest)) { s.manifestDigest = s.manifestDigest ?? String(digest) }
            ref = ref[..<at]
        }
        if let (repo, tag) = SubjectEvidence.splitTag(String(ref)) {
            s.repository = repo
            s.tag = s.tag ?? tag
        } else if !ref.isEmpty, !SubjectEvidence.isDigest(String(ref)), !ref.hasPrefix("/") {
            s.repository = String(ref)
        }
    }

    /// A tag follows the last ':' after the last '/' (a registry port, `host:5000/app`, is not a tag).
    static func splitTag(_ ref: String) -> (String, String)? {
        let lastSegment = ref.lastIndex(of: "/").map { ref.index(after: $0) } ?? ref.startIndex
        guard let colon = ref[lastSegment...].lastIndex(of: ":") else { return nil }
        let repo = String(ref[..<colon]), tag = String(ref[ref.index(after: colon)...])
        return repo.isEmpty || tag.isEmpty ? nil : (repo, tag)
    }

    static func isDigest(_ s: String) -> Bool {
        guard let colon = s.firstIndex(of: ":") else { return false }
        let algo = s[..<colon], hex = s[s.index(after: colon)...]
        return ["sha256", "sha384", "sha512"].contains(algo) && hex.count >= 32 && hex.allSatisfy(\.isHexDigit)
    }

    /// `vouch:image:layer:2:diffID` → (2, "diffID").
    private static func layerIndex(_ key: String) -> (Int, String)? {
        let prefix = "vouch:image:layer:"
        guard key.hasPrefix(prefix) else { return nil }
        let parts = key.dropFirst(prefix.count).split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let i = Int(parts[0]), i >= 0 else { return nil }
        return (i, String(parts[1]))
    }
}
