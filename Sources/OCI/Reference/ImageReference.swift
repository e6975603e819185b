import Digest
import Foundation

/// What the user asked to read, in syft's scheme style, with Docker Scout's spellings as aliases.
public enum ImageReference: Equatable, CustomStringConvertible {
    case ociDirectory(path: String, tag: String?, digest: Digest?)
    case ociArchive(path: String, tag: String?)
    case dockerArchive(path: String, tag: String?)
    case directory(path: String)
    case registry(RegistryReference)

    public struct ParseError: Error, CustomStringConvertible {
        public let input: String
        public let reason: String
        public var description: String { "invalid image reference '\(input)': \(reason)" }
    }

    public var description: String {
        switch self {
        case .ociDirectory(let p, let t, let d): return "oci-dir:\(p)" + (d.map { "@\($0)" } ?? t.map { ":\($0)" } ?? "")
        case .ociArchive(let p, let t): return "oci-archive:\(p)" + (t.map { ":\($0)" } ?? "")
        case .dockerArchive(let p, let t): return "docker-archive:\(p)" + (t.map { ":\($0)" } ?? "")
        case .directory(let p): return "dir:\(p)"
        case .registry(let r): return "registry:\(r)"
        }
    }

    public static func parse(_ input: String) throws -> ImageReference {
        guard !input.isEmpty else { throw ParseError(input: input, reason: "empty") }
        let schemes: [(String, String)] = [
            ("oci-dir://", "oci-dir"), ("oci-dir:", "oci-dir"), ("oci://", "oci-dir"),
            ("oci-archive://", "oci-archive"), ("oci-archive:", "oci-archive"),
            ("docker-archive://", "docker-archive"), ("docker-archive:", "docker-archive"),
            ("archive://", "archive"), ("archive:", "archive"),
            ("dir://", "dir"), ("dir:", "dir"), ("fs://", "dir"), ("fs:", "dir"),
            ("registry://", "registry"), ("registry:", "registry"), ("image://", "registry"), ("docker://", "registry"),
        ]
        for (prefix, scheme) in schemes where input.hasPrefix(prefix) {
            let rest = String(input.dropFirst(prefix.count))
            guard !rest.isEmpty else { throw ParseError(input: input, reason: "nothing after '\(prefix)'") }
            switch scheme {
            case "oci-dir":
                let (p, t, d) = try splitPathReference(rest, input: input, isDirectory: true)
                return .ociDirectory(path: p, tag: t, digest: d)
            case "oci-archive":
                let (p, t, _) = try splitPathReference(rest, input: input, isDirectory: false)
                return .ociArchive(path: p, tag: t)
            case "docker-archive":
                let (p, t, _) = try splitPathReference(rest, input: input, isDirectory: false)
                return .dockerArchive(path: p, tag: t)
            case "archive":
                let (p, t, _) = try splitPathReference(rest, input: input, isDirectory: false)
                return try detectArchive(path: p, tag: t)
            case "dir":
                return .directory(path: rest)
            default:
                return .registry(try RegistryReference.parse(rest))
            }
        }
        return try detect(input)
    }

    /// A bare argument: an existing path is identified by its content, anything else is a registry reference.
    static func detect(_ input: String) throws -> ImageReference {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: input, isDirectory: &isDir) {
            if isDir.boolValue {
                if FileManager.default.fileExists(atPath: input + "/index.json") && FileManager.default.fileExists(atPath: input + "/oci-layout") {
                    return .ociDirectory(path: input, tag: nil, digest: nil)
                }
                return .directory(path: input)
            }
            return try detectArchive(path: input, tag: nil)
        }
        // `layout:tag` where layout exists.
        if let (p, t, d) = try? splitPathReference(input, input: input, isDirectory: true), p != input,
           FileManager.default.fileExists(atPath: p + "/index.json") {
            return .ociDirectory(path: p, tag: t, digest: d)
        }
        if input.hasPrefix("/") || input.hasPrefix("./") || input.hasPrefix("../") {
            throw ParseError(input: input, reason: "no such file or directory")
        }
        return .registry(try RegistryReference.parse(input))
    }

    static func detectArchive(path: String, tag: String?) throws -> ImageReference {
        let tar = try TarIndex(path: path)
        if tar.member("manifest.json") != nil { return .dockerArchive(path: path, tag: tag) }
        if tar.member("index.json") != nil { return .ociArchive(path: path, tag: tag) }
        throw ParseError(input: path, reason: "a tar archive with neither manifest.json (docker-archive) nor index.json (oci-archive)")
    }

    /// Splits `PATH[:TAG|@DIGEST]`. A path that exists as given wins over a tag split.
    static func splitPathReference(_ s: String, input: String, isDirectory: Bool) throws -> (String, String?, Digest?) {
        if let at = s.range(of: "@sha256:") ?? s.range(of: "@sha512:") {
            let d = String(s[s.index(after: at.lowerBound)...])
            guard let digest = Digest(d) else { throw ParseError(input: input, reason: "invalid digest '\(d)'") }
            return (String(s[..<at.lowerBound]), nil, digest)
        }
        if FileManager.default.fileExists(atPath: s) { return (s, nil, nil) }
        if let colon = s.lastIndex(of: ":") {
            let tag = String(s[s.index(after: colon)...])
            let path = String(s[..<colon])
            if !tag.isEmpty, !tag.contains("/") { return (path, tag, nil) }
        }
        return (s, nil, nil)
    }
}

/// `[registry/]repository[:tag][@digest]`, normalised the way docker does (docker.io, library/).
public struct RegistryReference: Equatable, CustomStringConvertible, Sendable {
    public var registry: String
    public var repository: String
    public var tag: String?
    public var digest: Digest?

    public var description: String {
        var s = "\(registry)/\(repository)"
        if let tag { s += ":\(tag)" }
        if let digest { s += "@\(digest)" }
        return s
    }
    /// The tag or digest to request.
    public var reference: String { digest?.description ?? tag ?? "latest" }

    public static func parse(_ input: String) throws -> RegistryReference {
        var rest = input
        var digest: Digest?
        if let at = rest.firstIndex(of: "@") {
            let d = String(rest[rest.index(after: at)...])
            guard let parsed = Digest(d) else { throw ImageReference.ParseError(input: input, reason: "invalid digest '\(d)'") }
            digest = parsed
            rest = String(rest[..<at])
        }
        var tag: String?
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            tag = String(rest[rest.index(after: colon)...])
            rest = String(rest[..<colon])
        }
        var registry = "docker.io"
        var repository = rest
        if let slash = rest.firstIndex(of: "/") {
            let first = String(rest[..<slash])
            if first.contains(".") || first.contains(":") || first == "localhost" {
                registry = first
                repository = String(rest[rest.index(after: slash)...])
            }
        }
        if registry == "docker.io" && !repository.contains("/") { repository = "library/" + repository }
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789._-/")
        guard !repository.isEmpty, repository.unicodeScalars.allSatisfy(allowed.contains),
              !repository.hasPrefix("/"), !repository.hasSuffix("/"), !repository.contains("//") else {
            throw ImageReference.ParseError(input: input, reason: "repository '\(repository)' is not a valid name")
        }
        if let tag {
            let tagChars = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
            guard !tag.isEmpty, tag.count <= 128, tag.unicodeScalars.allSatisfy(tagChars.contains) else {
                throw ImageReference.ParseError(input: input, reason: "tag '\(tag)' is not valid")
            }
        }
        if tag == nil && digest == nil { tag = "latest" }
        return RegistryReference(registry: registry, repository: repository, tag: tag, digest: digest)
    }
}
