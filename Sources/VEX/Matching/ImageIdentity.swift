import Foundation
import SBOM

/// Every name a VEX document may use for the scanned image, and the test of a product against them.
///
/// Documents name images many ways: `pkg:oci/app@sha256:…?repository_url=ghcr.io/acme/app` (OpenVEX,
/// vexctl, trivy), `pkg:docker/acme/app@sha256:…` or `@1.4` (Docker Scout), `ghcr.io/acme/app@sha256:…`,
/// a bare `sha256:…` or hex digest, or `hashes: {sha-256: …}`. A content digest is the strongest identity:
/// when a product pins one, the digest decides, whatever repository it names (the same bytes are the same
/// image under any name). Without a digest, the repository (and tag, when the product gives one) must agree.
public struct ImageIdentity: Sendable, Equatable {
    /// `sha256:…` digests that are this image: the platform manifest and any index that points at it.
    public var digests: [String]
    /// Repository path without tag or digest (`ghcr.io/acme/app`, `team/app`, `app`).
    public var repository: String?
    public var tag: String?
    public var architecture: String?
    public var os: String?
    /// The scanned CycloneDX SBOM's serial number (without `urn:uuid:`) and its subject's bom-ref, when the
    /// packages came from one: CycloneDX VEX names the product by a BOM-link to them.
    public var bomSerialNumber: String?
    public var bomRef: String?

    public init(digests: [String], repository: String? = nil, tag: String? = nil, architecture: String? = nil, os: String? = nil) {
        self.digests = digests.map { $0.lowercased() }
        self.repository = repository.map(ImageIdentity.normalizedRepository)
        self.tag = tag
        self.architecture = architecture
        self.os = os
    }

    /// From an SBOM subject; `extraDigests` are index digests the attestation search saw as subjects.
    public init(subject: Subject, extraDigests: [String] = []) {
        var repo = subject.repository
        if repo == nil, subject.kind == .image, !subject.name.isEmpty {
            repo = ImageIdentity.repositoryPart(of: subject.name)
        }
        self.init(digests: [subject.manifestDigest].compactMap { $0 } + extraDigests, repository: repo,
                  tag: subject.tag ?? ImageIdentity.tagPart(of: subject.name), architecture: subject.architecture, os: subject.os)
        bomSerialNumber = subject.bomSerialNumber.map(ImageIdentity.bareSerial)
        bomRef = subject.bomRef
    }

    /// `urn:uuid:3e67…` and `3e67…` name the same BOM.
    static func bareSerial(_ s: String) -> String {
        let lower = s.lowercased()
        return lower.hasPrefix("urn:uuid:") ? String(lower.dropFirst("urn:uuid:".count)) : lower
    }

    /// The names explanations list: `sha256:…`, `app@sha256:…`, `pkg:oci/app@sha256%3A…`, `app:1.4`.
    public var names: [String] {
        var out: [String] = []
        if let serial = bomSerialNumber { out.append("urn:cdx:\(serial)" + (bomRef.map { "/…#" + $0 } ?? "")) }
        for d in digests {
            out.append(d)
            if let repo = repository {
                out.append("\(repo)@\(d)")
                let last = repo.split(separator: "/").last.map(String.init) ?? repo
                out.append("pkg:oci/\(last)@\(d.replacingOccurrences(of: ":", with: "%3A"))")
            }
        }
        if let repo = repository, let tag { out.append("\(repo):\(tag)") }
        return out
    }

    public enum Match: Equatable {
        case matches
        /// The component names an image, but another one; the reason says how it differs.
        case otherImage(String)
        /// The component is not an image name (a package purl, a CPE, a file hash).
        case notAnImage
    }

    public func match(_ component: VEXComponent) -> Match {
        // A BOM-link names a BOM by serial: a link into another BOM is about another product, a link to
        // the scanned SBOM's subject (or to the BOM as a whole) is this image, a link to one of its
        // components is a package. Without a known serial (SPDX input) the link's ref alone is used.
        if let link = component.bomLink, let serial = bomSerialNumber {
            guard ImageIdentity.bareSerial(link.serialNumber) == serial else {
                return .otherImage("BOM-link \(link) points into another BOM (this SBOM is urn:uuid:\(serial))")
            }
            if link.ref == nil || link.ref == bomRef { return .matches }
            return .notAnImage
        }
        if let link = component.bomLink, let ref = link.ref, ref == bomRef, bomRef != nil { return .matches }
        for (algorithm, hex) in component.hashes {
            let name = algorithm.lowercased().replacingOccurrences(of: "-", with: "")
            if digests.contains("\(name):\(hex.lowercased())") { return .matches }
        }
        var verdict: Match = component.hashes.isEmpty ? .notAnImage : .otherImage("its hashes are not this image's digest")
        for text in [component.purl, component.id].compactMap({ $0 }) {
            switch match(name: text) {
            case .matches: return .matches
            case .otherImage(let why): verdict = .otherImage(why)
            case .notAnImage: break
            }
        }
        return verdict
    }

    /// One name: a purl, a reference (`repo@digest`, `repo:tag`), or a digest.
    public func match(name text: String) -> Match {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased().hasPrefix("pkg:") {
            guard let purl = try? PackageURL(parsing: trimmed, enforcingTypeRules: false) else { return .notAnImage }
            switch purl.type {
            case "oci": return matchOCI(purl)
            case "docker": return matchDocker(purl)
            default: return .notAnImage
            }
        }
        if let digest = ImageIdentity.digest(in: trimmed) {
            if !trimmed.contains("@") { return digests.contains(digest) ? .matches : .otherImage("digest \(digest) is not this image's") }
            guard digests.contains(digest) else { return .otherImage("digest \(digest) is not this image's") }
            return .matches
        }
        // A reference without digest: repository (and tag) must agree. Only text shaped like an image
        // reference counts; an IRI or a CPE is not an image name.
        guard !trimmed.contains("://"), !trimmed.hasPrefix("cpe:"), let repository else { return .notAnImage }
        let repo = ImageIdentity.repositoryPart(of: trimmed)
        guard ImageIdentity.sameRepository(repo, repository) else { return .notAnImage }
        if let t = ImageIdentity.tagPart(of: trimmed), t != tag { return .otherImage("tag \(t) is not this image's tag (\(tag ?? "none"))") }
        return .matches
    }

    private func matchOCI(_ purl: PackageURL) -> Match {
        // pkg:oci names are the last path component; the registry path is the repository_url qualifier.
        if let arch = purl.qualifiers["arch"], let mine = architecture, arch != mine {
            return .otherImage("arch=\(arch) but the image is \(mine)")
        }
        if let v = purl.version, let digest = ImageIdentity.digest(in: v) {
            return digests.contains(digest) ? .matches : .otherImage("digest \(digest) is not this image's")
        }
        guard let repository else { return .otherImage("it names no digest and this image has no repository name") }
        let last = repository.split(separator: "/").last.map(String.init) ?? repository
        guard purl.name.lowercased() == last.lowercased() else { return .otherImage("name \(purl.name) is not \(last)") }
        if let url = purl.qualifiers["repository_url"], !ImageIdentity.sameRepository(url, repository), repository.contains("/") {
            return .otherImage("repository_url \(url) is not \(repository)")
        }
        if let t = purl.qualifiers["tag"] ?? purl.version, t != tag { return .otherImage("tag \(t) is not this image's tag (\(tag ?? "none"))") }
        return .matches
    }

    private func matchDocker(_ purl: PackageURL) -> Match {
        if let v = purl.version, let digest = ImageIdentity.digest(in: v) {
            return digests.contains(digest) ? .matches : .otherImage("digest \(digest) is not this image's")
        }
        guard let repository else { return .otherImage("it names no digest and this image has no repository name") }
        let repo = (purl.namespace.map { $0 + "/" } ?? "") + purl.name
        guard ImageIdentity.sameRepository(repo, repository) || ImageIdentity.sameRepository((purl.qualifiers["repository_url"].map { $0 + "/" } ?? "") + purl.name, repository) else {
            return .otherImage("repository \(repo) is not \(repository)")
        }
        if let t = purl.version, t != tag { return .otherImage("tag \(t) is not this image's tag (\(tag ?? "none"))") }
        return .matches
    }

    // MARK: - Reference text

    /// `sha256:<64 hex>` (or a bare 64-hex) found in a version, reference or digest text.
    static func digest(in text: String) -> String? {
        let lower = text.lowercased()
        let candidate: Substring
        if let at = lower.lastIndex(of: "@") { candidate = lower[lower.index(after: at)...] } else { candidate = lower[...] }
        let parts = candidate.split(separator: ":", maxSplits: 1)
        if parts.count == 2, ["sha256", "sha384", "sha512"].contains(parts[0]), parts[1].allSatisfy(\.isHexDigit), parts[1].count >= 64 {
            return String(candidate)
        }
        if parts.count == 1, candidate.count == 64, candidate.allSatisfy(\.isHexDigit) { return "sha256:" + candidate }
        return nil
    }

    static func repositoryPart(of reference: String) -> String {
        var r = Substring(reference)
        if let at = r.firstIndex(of: "@") { r = r[..<at] }
        if let colon = r.lastIndex(of: ":"), !r[colon...].contains("/") { r = r[..<colon] }
        return normalizedRepository(String(r))
    }

    static func tagPart(of reference: String) -> String? {
        var r = Substring(reference)
        if let at = r.firstIndex(of: "@") { r = r[..<at] }
        guard let colon = r.lastIndex(of: ":"), !r[colon...].contains("/") else { return nil }
        return String(r[r.index(after: colon)...])
    }

    /// Docker Hub's implied parts dropped, so `docker.io/library/debian`, `index.docker.io/debian` and `debian` agree.
    public static func normalizedRepository(_ repo: String) -> String {
        var r = repo.lowercased()
        for prefix in ["https://", "http://"] where r.hasPrefix(prefix) { r.removeFirst(prefix.count) }
        for prefix in ["docker.io/", "index.docker.io/", "registry-1.docker.io/"] where r.hasPrefix(prefix) { r.removeFirst(prefix.count) }
        if r.hasPrefix("library/") { r.removeFirst("library/".count) }
        while r.hasSuffix("/") { r.removeLast() }
        return r
    }

    /// Equal, or one is the other with its registry host left off (`acme/app` vs `ghcr.io/acme/app`): local
    /// layouts know images by short names, documents by full ones.
    static func sameRepository(_ a: String, _ b: String) -> Bool {
        let x = normalizedRepository(a), y = normalizedRepository(b)
        return x == y || x.hasSuffix("/" + y) || y.hasSuffix("/" + x)
    }
}
