import Foundation

/// A package URL (https://github.com/package-url/purl-spec): `pkg:type/namespace/name@version?qualifiers#subpath`.
/// `description` is the canonical form: lower-cased type, qualifiers sorted by key, empty qualifiers dropped,
/// components percent-encoded.
public struct PackageURL: Hashable, Sendable, CustomStringConvertible {
    public var type: String
    public var namespace: String?
    public var name: String
    public var version: String?
    /// Qualifiers keyed by lower-case key. Empty values are not kept.
    public var qualifiers: [String: String]
    public var subpath: String?

    public init(type: String, namespace: String? = nil, name: String, version: String? = nil,
                qualifiers: [String: String] = [:], subpath: String? = nil) {
        self.type = type.lowercased()
        self.namespace = namespace.flatMap { $0.isEmpty ? nil : $0 }
        self.name = name
        self.version = version.flatMap { $0.isEmpty ? nil : $0 }
        self.qualifiers = qualifiers.filter { !$0.value.isEmpty }
        self.subpath = subpath.flatMap { $0.isEmpty ? nil : $0 }
    }

    public enum ParseError: Error, CustomStringConvertible, Equatable {
        case missingScheme, missingType, invalidType(String), missingName, invalidQualifier(String), invalidEncoding(String)
        public var description: String {
            switch self {
            case .missingScheme: return "purl must start with 'pkg:'"
            case .missingType: return "purl has no type"
            case .invalidType(let t): return "purl type '\(t)' is not valid"
            case .missingName: return "purl has no name"
            case .invalidQualifier(let q): return "purl qualifier '\(q)' is not valid"
            case .invalidEncoding(let s): return "purl component '\(s)' is not validly percent-encoded"
            }
        }
    }

    public init(parsing input: String) throws {
        var rest = Substring(input.trimmingCharacters(in: .whitespaces))
        guard rest.lowercased().hasPrefix("pkg:") else { throw ParseError.missingScheme }
        rest = rest.dropFirst(4)
        while rest.hasPrefix("/") { rest = rest.dropFirst() }

        var subpath: String?
        if let hash = rest.firstIndex(of: "#") {
            let raw = rest[rest.index(after: hash)...]
            let segs = try raw.split(separator: "/").filter { $0 != "." && $0 != ".." && !$0.isEmpty }
                .map { try PackageURL.decode(String($0)) }
            subpath = segs.isEmpty ? nil : segs.joined(separator: "/")
            rest = rest[..<hash]
        }
        var qualifiers: [String: String] = [:]
        if let q = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: q)...].split(separator: "&") {
                guard let eq = pair.firstIndex(of: "=") else { throw ParseError.invalidQualifier(String(pair)) }
                let key = pair[..<eq].lowercased()
                guard !key.isEmpty, PackageURL.isValidQualifierKey(key) else { throw ParseError.invalidQualifier(String(pair)) }
                let value = try PackageURL.decode(String(pair[pair.index(after: eq)...]))
                if !value.isEmpty { qualifiers[key] = value }
            }
            rest = rest[..<q]
        }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard let slash = rest.firstIndex(of: "/") else {
            throw rest.isEmpty ? ParseError.missingType : ParseError.missingName
        }
        let type = rest[..<slash].lowercased()
        guard !type.isEmpty else { throw ParseError.missingType }
        guard PackageURL.isValidType(type) else { throw ParseError.invalidType(type) }
        rest = rest[rest.index(after: slash)...]

        var version: String?
        if let at = rest.lastIndex(of: "@") {
            version = try PackageURL.decode(String(rest[rest.index(after: at)...]))
            rest = rest[..<at]
        }
        let segments = rest.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let last = segments.last else { throw ParseError.missingName }
        let name = try PackageURL.decode(last)
        guard !name.isEmpty else { throw ParseError.missingName }
        let ns = try segments.dropLast().map { try PackageURL.decode($0) }
        self.init(type: type, namespace: ns.isEmpty ? nil : ns.joined(separator: "/"), name: name,
                  version: version, qualifiers: qualifiers, subpath: subpath)
        normalizeForType()
    }

    /// Type-specific normalisation from the purl spec's type definitions.
    public mutating func normalizeForType() {
        switch type {
        case "pypi":
            name = name.lowercased().replacingOccurrences(of: "_", with: "-")
        case "deb", "apk", "alpm", "bitbucket", "github", "composer", "hex":
            namespace = namespace?.lowercased()
            name = name.lowercased()
        default:
            break
        }
    }

    static func isValidType(_ t: String) -> Bool {
        guard let first = t.unicodeScalars.first, CharacterSet.letters.contains(first) else { return false }
        return t.unicodeScalars.allSatisfy { ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "." || $0 == "+" || $0 == "-" }
    }

    static func isValidQualifierKey(_ k: String) -> Bool {
        guard let first = k.unicodeScalars.first, CharacterSet.letters.contains(first) else { return false }
        return k.unicodeScalars.allSatisfy { ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    public var description: String {
        var s = "pkg:\(type)/"
        if let namespace {
            s += namespace.split(separator: "/").map { PackageURL.encode(String($0)) }.joined(separator: "/") + "/"
        }
        s += PackageURL.encode(name)
        if let version { s += "@" + PackageURL.encode(version) }
        let q = qualifiers.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        if !q.isEmpty {
            s += "?" + q.map { "\($0.key)=\(PackageURL.encode($0.value, allowSlash: false))" }.joined(separator: "&")
        }
        if let subpath {
            s += "#" + subpath.split(separator: "/").map { PackageURL.encode(String($0)) }.joined(separator: "/")
        }
        return s
    }

    /// Characters left unencoded: RFC 3986 unreserved plus ':' (as the purl spec's canonical form allows).
    static func encode(_ s: String, allowSlash: Bool = false) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: ":"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            case UInt8(ascii: "/") where allowSlash:
                out.append("/")
            default:
                out += String(format: "%%%02X", b)
            }
        }
        return out
    }

    static func decode(_ s: String) throws -> String {
        guard s.contains("%") else { return s }
        var bytes = [UInt8]()
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%") {
                guard it.count >= 2, let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) else {
                    throw ParseError.invalidEncoding(s)
                }
                bytes.append(v)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        guard let out = String(bytes: bytes, encoding: .utf8) else { throw ParseError.invalidEncoding(s) }
        return out
    }
}
