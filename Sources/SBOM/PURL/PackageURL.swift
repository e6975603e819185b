import Foundation

/// A package URL (https://github.com/package-url/purl-spec, ECMA-427): `pkg:type/namespace/name@version?qualifiers#subpath`.
///
/// Components hold decoded values, normalised by the rules of their type (`PurlTypeRules`): building one
/// with `init(type:…)` or parsing one gives the same components for the same package. `description` is the
/// canonical string: lower-case type, qualifiers sorted by key, empty qualifiers dropped, every component
/// percent-encoded.
public struct PackageURL: Hashable, Sendable, CustomStringConvertible {
    public var type: String
    public var namespace: String?
    public var name: String
    public var version: String?
    /// Qualifiers keyed by lower-case key. Empty values are not kept.
    public var qualifiers: [String: String]
    public var subpath: String?

    /// Builds a purl from decoded components and applies the type's normalisation. It does not reject
    /// anything; call `validate()` to learn whether the components make a valid purl.
    public init(type: String, namespace: String? = nil, name: String, version: String? = nil,
                qualifiers: [String: String] = [:], subpath: String? = nil) {
        self.type = type.lowercased()
        self.namespace = PackageURL.cleanPath(namespace)
        self.name = name
        self.version = version.flatMap { $0.isEmpty ? nil : $0 }
        var q: [String: String] = [:]
        for (k, v) in qualifiers where !v.isEmpty { q[k.lowercased()] = v }
        self.qualifiers = q
        self.subpath = PackageURL.cleanPath(subpath, dropDotSegments: true)
        normalizeForType()
    }

    public enum ParseError: Error, CustomStringConvertible, Equatable {
        case missingScheme, missingType, invalidType(String), missingName, invalidQualifier(String), invalidEncoding(String)
        case duplicateQualifier(String)
        case namespaceRequired(type: String)
        case namespaceProhibited(type: String)
        case missingQualifier(type: String, key: String)
        case invalidName(type: String, name: String, reason: String)
        case invalidVersion(type: String, version: String, reason: String)

        public var description: String {
            switch self {
            case .missingScheme: return "purl must start with 'pkg:'"
            case .missingType: return "purl has no type"
            case .invalidType(let t): return "purl type '\(t)' is not valid (ASCII letters, digits, '.', '-'; not starting with a digit)"
            case .missingName: return "purl has no name"
            case .invalidQualifier(let q): return "purl qualifier '\(q)' is not valid"
            case .invalidEncoding(let s): return "purl component '\(s)' is not validly percent-encoded"
            case .duplicateQualifier(let k): return "purl qualifier '\(k)' appears more than once"
            case .namespaceRequired(let t): return "purl type '\(t)' requires a namespace"
            case .namespaceProhibited(let t): return "purl type '\(t)' does not allow a namespace"
            case .missingQualifier(let t, let k): return "purl type '\(t)' requires the qualifier '\(k)'"
            case .invalidName(let t, let n, let why): return "purl name '\(n)' is not valid for type '\(t)': \(why)"
            case .invalidVersion(let t, let v, let why): return "purl version '\(v)' is not valid for type '\(t)': \(why)"
            }
        }
    }

    /// Parses and checks the type's rules (required/prohibited namespace, required qualifiers, name syntax).
    public init(parsing input: String) throws {
        try self.init(parsing: input, enforcingTypeRules: true)
    }

    /// `enforcingTypeRules: false` parses the generic syntax only (still normalising), for purls written by
    /// other tools that bend a type's rules (a Maven purl without a group) but still name a package.
    public init(parsing input: String, enforcingTypeRules: Bool) throws {
        var rest = Substring(input.trimmingCharacters(in: .whitespaces))

        // Subpath and qualifiers are split from the right, as the specification's parsing steps say.
        var subpath: String?
        if let hash = rest.lastIndex(of: "#") {
            subpath = try PackageURL.decodePath(rest[rest.index(after: hash)...], dropDotSegments: true)
            rest = rest[..<hash]
        }
        var qualifiers: [String: String] = [:]
        if let mark = rest.lastIndex(of: "?") {
            qualifiers = try PackageURL.parseQualifiers(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
        }

        guard let colon = rest.firstIndex(of: ":"), rest[..<colon].lowercased() == "pkg" else { throw ParseError.missingScheme }
        rest = rest[rest.index(after: colon)...]
        // `pkg://type/…` and `pkg:/type/…` are tolerated: the slashes after the scheme carry no meaning.
        while rest.hasPrefix("/") { rest = rest.dropFirst() }
        while rest.hasSuffix("/") { rest = rest.dropLast() }

        guard let slash = rest.firstIndex(of: "/") else {
            throw rest.isEmpty ? ParseError.missingType : ParseError.missingName
        }
        let type = rest[..<slash].lowercased()
        guard !type.isEmpty else { throw ParseError.missingType }
        guard PackageURL.isValidType(type) else { throw ParseError.invalidType(type) }
        rest = rest[rest.index(after: slash)...]

        // The version follows the last '@' of the last segment, so an unencoded npm scope (`@babel/core`)
        // is not mistaken for a version.
        let lastSegmentStart = rest.lastIndex(of: "/").map { rest.index(after: $0) } ?? rest.startIndex
        var version: String?
        if let at = rest[lastSegmentStart...].lastIndex(of: "@") {
            version = try PackageURL.decode(rest[rest.index(after: at)...])
            rest = rest[..<at]
        }
        let name: String
        var namespace: String?
        if let slash = rest.lastIndex(of: "/") {
            name = try PackageURL.decode(rest[rest.index(after: slash)...])
            namespace = try PackageURL.decodePath(rest[..<slash], dropDotSegments: false)
        } else {
            name = try PackageURL.decode(rest)
        }
        guard !name.isEmpty else { throw ParseError.missingName }
        self.init(type: type, namespace: namespace, name: name, version: version, qualifiers: qualifiers, subpath: subpath)
        if enforcingTypeRules { try PurlTypeRules.validate(self) }
    }

    /// Checks that the components make a valid purl: the generic syntax rules and the type's own rules.
    public func validate() throws {
        guard !type.isEmpty else { throw ParseError.missingType }
        guard PackageURL.isValidType(type) else { throw ParseError.invalidType(type) }
        guard !name.isEmpty else { throw ParseError.missingName }
        for key in qualifiers.keys where !PackageURL.isValidQualifierKey(key) {
            throw ParseError.invalidQualifier(key)
        }
        try PurlTypeRules.validate(self)
    }

    /// Type-specific normalisation from the purl spec's type definitions (see `PurlTypeRules`).
    public mutating func normalizeForType() {
        PurlTypeRules.normalize(&self)
    }

    static func isValidType(_ t: String) -> Bool {
        guard let first = t.unicodeScalars.first, isASCIILetter(first) else { return false }
        return t.unicodeScalars.allSatisfy { isASCIILetter($0) || isASCIIDigit($0) || $0 == "." || $0 == "-" }
    }

    static func isValidQualifierKey(_ k: String) -> Bool {
        guard let first = k.unicodeScalars.first, isASCIILetter(first) else { return false }
        return k.unicodeScalars.allSatisfy {
            isASCIILetter($0) || isASCIIDigit($0) || $0 == "." || $0 == "_" || $0 == "-"
        }
    }

    private static func isASCIILetter(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("A"..."Z").contains(s) }
    private static func isASCIIDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }

    public var description: String {
        // Components are public and mutable; normalising a copy keeps the output canonical either way.
        var p = self
        p.normalizeForType()
        var s = "pkg:\(p.type)/"
        if let ns = p.namespace {
            s += PackageURL.encodePath(ns) + "/"
        }
        // Only git names may hold '/' (owner/repository); everywhere else it is part of the name and encoded.
        s += p.type == "git" ? PackageURL.encodePath(p.name) : PackageURL.encode(p.name)
        if let v = p.version { s += "@" + PackageURL.encode(v) }
        let q = p.qualifiers.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        if !q.isEmpty {
            s += "?" + q.map { "\($0.key.lowercased())=\(PackageURL.encode($0.value))" }.joined(separator: "&")
        }
        if let sub = p.subpath, let clean = PackageURL.cleanPath(sub, dropDotSegments: true) {
            s += "#" + PackageURL.encodePath(clean)
        }
        return s
    }
}

// MARK: - Component syntax

extension PackageURL {
    static func parseQualifiers(_ text: Substring) throws -> [String: String] {
        var qualifiers: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            guard let eq = pair.firstIndex(of: "=") else { throw ParseError.invalidQualifier(String(pair)) }
            let key = pair[..<eq].lowercased()
            guard isValidQualifierKey(key) else { throw ParseError.invalidQualifier(String(pair)) }
            let value = try decode(pair[pair.index(after: eq)...])
            if value.isEmpty { continue }
            guard qualifiers[key] == nil else { throw ParseError.duplicateQualifier(key) }
            qualifiers[key] = value
        }
        return qualifiers
    }

    /// Splits on '/', drops empty segments (and '.'/'..' in subpaths), decodes each; nil when nothing is left.
    static func decodePath(_ text: Substring, dropDotSegments: Bool) throws -> String? {
        let segments = try text.split(separator: "/", omittingEmptySubsequences: true)
            .filter { !dropDotSegments || ($0 != "." && $0 != "..") }
            .map { try decode($0) }
        return segments.isEmpty ? nil : segments.joined(separator: "/")
    }

    static func cleanPath(_ path: String?, dropDotSegments: Bool = false) -> String? {
        guard let path else { return nil }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
            .filter { !dropDotSegments || ($0 != "." && $0 != "..") }
        return segments.isEmpty ? nil : segments.joined(separator: "/")
    }

    static func encodePath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true).map { encode($0) }.joined(separator: "/")
    }

    /// Leaves RFC 3986 unreserved characters and ':' as they are (the specification's canonical form keeps
    /// ':' readable, as in `sha256:…`); everything else, '/', '+', '@' and ',' included, is percent-encoded.
    static func encode<S: StringProtocol>(_ s: S) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: ":"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%" + String(b >> 4, radix: 16, uppercase: true) + String(b & 0x0F, radix: 16, uppercase: true)
            }
        }
        return out
    }

    static func decode<S: StringProtocol>(_ s: S) throws -> String {
        guard s.contains("%") else { return String(s) }
        var bytes = [UInt8]()
        bytes.reserveCapacity(s.utf8.count)
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            guard b == UInt8(ascii: "%") else { bytes.append(b); continue }
            guard it.count >= 2, let hi = hexValue(it[it.startIndex]), let lo = hexValue(it[it.startIndex + 1]) else {
                throw ParseError.invalidEncoding(String(s))
            }
            bytes.append(hi << 4 | lo)
            it = it.dropFirst(2)
        }
        guard let out = String(bytes: bytes, encoding: .utf8) else { throw ParseError.invalidEncoding(String(s)) }
        return out
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
