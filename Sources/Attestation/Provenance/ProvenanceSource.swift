import Foundation

/// The source a build came from: a repository URI in the `git+https://host/org/repo` form SLSA
/// builders use, the ref that was built (`refs/heads/main`, `refs/tags/v1`) and the commit digest
/// (`gitCommit` or `sha1` → hex).
public struct ProvenanceSource: Equatable, Sendable {
    public var uri: String
    public var ref: String?
    public var digest: [String: String]

    public init(uri: String, ref: String? = nil, digest: [String: String] = [:]) {
        self.uri = uri
        self.ref = ref
        self.digest = digest
    }

    /// The resolved dependency for this source: `git+https://host/org/repo@refs/heads/main` with its digest.
    public var dependency: ResourceDescriptor {
        ResourceDescriptor(uri: ref.map { "\(uri)@\($0)" } ?? uri, digest: digest)
    }

    /// `--source-digest` text to a DigestSet: `gitCommit:<hex>`, `sha1:<hex>`, `sha256:<hex>`, or bare
    /// hex (40 or 64 characters, taken as a git commit id).
    public static func parseDigest(_ text: String) throws -> [String: String] {
        let field = "source digest"
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var set: [String: String]
        if let colon = trimmed.firstIndex(of: ":") {
            set = [String(trimmed[..<colon]): String(trimmed[trimmed.index(after: colon)...]).lowercased()]
        } else {
            guard [40, 64].contains(trimmed.utf8.count) else {
                throw InTotoError.invalidDigest(field: field, reason: "expected a 40 or 64 hex character commit id or algorithm:hex, found \(InTotoError.quoted(text))")
            }
            set = ["gitCommit": trimmed.lowercased()]
        }
        try DigestSetRules.validate(set, field: field)
        return set
    }

    /// A repository URL as a SLSA source URI: `https://`, `http://`, `ssh://` and scp-like
    /// `git@host:org/repo.git` forms become `git+https://host/org/repo` (scheme kept for http),
    /// with credentials, a trailing `.git` and `/` removed. Credentials must never reach provenance:
    /// CI clone URLs often embed a job token. Nil for anything that is not a recognisable URL.
    public static func gitURI(fromRepositoryURL raw: String) -> String? {
        var s = raw.trimmingCharacters(in: .whitespaces)
        if s.hasPrefix("git+") { s.removeFirst(4) }
        var scheme = "https"
        if let range = s.range(of: "://") {
            let given = s[..<range.lowerBound].lowercased()
            s = String(s[range.upperBound...])
            switch given {
            case "https", "ssh", "git": scheme = "https"
            case "http": scheme = "http"
            default: return nil
            }
        } else if let colon = s.firstIndex(of: ":"), !s[..<colon].contains("/") {
            // scp-like `user@host:path`
            s = String(s[..<colon]) + "/" + s[s.index(after: colon)...]
        } else {
            return nil
        }
        if let slash = s.firstIndex(of: "/"), let at = s[..<slash].lastIndex(of: "@") {
            s = String(s[s.index(after: at)...])
        } else if !s.contains("/"), let at = s.lastIndex(of: "@") {
            s = String(s[s.index(after: at)...])
        }
        // ssh ports (ssh://git@host:7999/…) mean nothing over https.
        if scheme == "https", let slash = s.firstIndex(of: "/"), let colon = s[..<slash].firstIndex(of: ":"),
           raw.contains("ssh://") || raw.contains("git://") {
            s = String(s[..<colon]) + s[slash...]
        }
        while s.hasSuffix("/") { s.removeLast() }
        if s.hasSuffix(".git") { s.removeLast(4) }
        guard let slash = s.firstIndex(of: "/"), slash != s.startIndex, s.index(after: slash) != s.endIndex else { return nil }
        let host = s[..<slash].lowercased()
        return "git+\(scheme)://\(host)\(s[slash...])"
    }

    /// Splits a ref carried on a URI: `git+https://host/repo@refs/tags/v1` (slsa-github-generator,
    /// Cloud Build) or `https://host/repo.git#refs/tags/v1[:subdir]` (BuildKit). Only suffixes that
    /// start with `refs/` count, so user info (`user@host`) and GCS generation fragments stay put.
    public static func splitRef(_ uri: String) -> (uri: String, ref: String?) {
        if let range = uri.range(of: "@refs/") {
            var base = String(uri[..<range.lowerBound])
            while base.hasSuffix("@") { base.removeLast() }  // Cloud Build has written `repo@@refs/…`
            return (base, String(uri[uri.index(after: range.lowerBound)...]))
        }
        if let range = uri.range(of: "#refs/") {
            var ref = String(uri[uri.index(after: range.lowerBound)...])
            if let colon = ref.firstIndex(of: ":") { ref = String(ref[..<colon]) }
            return (String(uri[..<range.lowerBound]), ref)
        }
        return (uri, nil)
    }

    /// A repository URI reduced for comparison: no `git+`, ref suffix, credentials, `.git` or trailing
    /// `/`, host lowercased. `withScheme: false` drops the scheme too (`github.com/org/repo`).
    public static func comparableRepository(_ uri: String, withScheme: Bool = true) -> String {
        var s = splitRef(uri).uri
        if let hash = s.firstIndex(of: "#") { s = String(s[..<hash]) }
        if s.hasPrefix("git+") { s.removeFirst(4) }
        var scheme = ""
        if let range = s.range(of: "://") {
            scheme = s[..<range.lowerBound].lowercased()
            s = String(s[range.upperBound...])
        }
        if let slash = s.firstIndex(of: "/"), let at = s[..<slash].lastIndex(of: "@") { s = String(s[s.index(after: at)...]) }
        while s.hasSuffix("/") { s.removeLast() }
        if s.hasSuffix(".git") { s.removeLast(4) }
        let host = s.firstIndex(of: "/").map { s[..<$0].lowercased() + s[$0...] } ?? s.lowercased()
        return withScheme && !scheme.isEmpty ? "\(scheme)://\(host)" : host
    }

    /// True when both URIs name the same repository. An expectation without a scheme
    /// (`github.com/org/repo`, slsa-verifier's `--source-uri` style) matches any scheme;
    /// with one, the scheme must match too (`http` is not `https`).
    public static func sameRepository(_ actual: String, expected: String) -> Bool {
        let expectedHasScheme = expected.contains("://")
        return comparableRepository(actual, withScheme: expectedHasScheme) == comparableRepository(expected, withScheme: expectedHasScheme)
    }

    /// True when `actual` (a full ref) is the ref the user asked for: a full ref must match exactly,
    /// a short name matches the branch or tag of that name (`main` ~ `refs/heads/main`, `v1` ~ `refs/tags/v1`).
    public static func refMatches(_ actual: String, expected: String) -> Bool {
        if expected.hasPrefix("refs/") { return actual == expected }
        return actual == expected || actual == "refs/heads/\(expected)" || actual == "refs/tags/\(expected)"
    }
}
