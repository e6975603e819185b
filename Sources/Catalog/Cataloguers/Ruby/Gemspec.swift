import Foundation

/// Why an installed gemspec gave no package.
public enum GemspecError: Error, CustomStringConvertible, Equatable {
    case notText(path: String)
    case missingField(path: String, field: String)

    public var description: String {
        switch self {
        case .notText(let p): return "/\(p): not UTF-8 text"
        case .missingField(let p, let f): return "/\(p): no literal s.\(f) assignment"
        }
    }
}

/// The literal assignments of an installed gemspec (`specifications/*.gemspec`). RubyGems writes these
/// files itself (`Gem::Specification#to_ruby`), one `s.field = literal` a line, so they are read as
/// text rather than evaluated: string literals (with `.freeze`, `%q{}`, `\uXXXX`) and arrays of them.
struct Gemspec: Equatable {
    var name: String
    var version: String
    var licenses: [String]
    var authors: [String]
    var emails: [String]
    var homepage: String?
    var summary: String?
    var description: String?

    init(_ data: Data, path: String) throws {
        guard let text = String(data: data, encoding: .utf8) else { throw GemspecError.notText(path: path) }
        var strings: [String: String] = [:]
        var lists: [String: [String]] = [:]
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            guard let (field, value) = Gemspec.assignment(Substring(rawLine)) else { continue }
            if let list = RubyLiteral.stringArray(value) {
                lists[field] = list
            } else if let s = RubyLiteral.string(value) {
                strings[field] = s
            }
        }
        guard let name = strings["name"], !name.isEmpty else { throw GemspecError.missingField(path: path, field: "name") }
        guard let version = strings["version"], !version.isEmpty else {
            throw GemspecError.missingField(path: path, field: "version")
        }
        self.name = name
        self.version = version
        licenses = lists["licenses"] ?? strings["license"].map { [$0] } ?? []
        authors = lists["authors"] ?? strings["author"].map { [$0] } ?? []
        emails = lists["email"] ?? strings["email"].map { [$0] } ?? []
        summary = strings["summary"].flatMap { $0.isEmpty ? nil : $0 }
        description = strings["description"].flatMap { $0.isEmpty ? nil : $0 }
        homepage = strings["homepage"].flatMap { Gemspec.interpolate($0, name: name, version: version) }
    }

    /// `receiver.field = value` with a plain identifier receiver; `==` comparisons are not assignments.
    static func assignment(_ line: Substring) -> (String, Substring)? {
        let text = line.drop(while: { $0 == " " || $0 == "\t" })
        guard let dot = text.firstIndex(of: "."), dot > text.startIndex,
              text[..<dot].allSatisfy(isIdentifier) else { return nil }
        let afterDot = text[text.index(after: dot)...]
        let field = afterDot.prefix(while: isIdentifier)
        guard !field.isEmpty else { return nil }
        let rest = afterDot[field.endIndex...].drop(while: { $0 == " " || $0 == "\t" })
        guard rest.first == "=", rest.dropFirst().first != "=" else { return nil }
        return (String(field), rest.dropFirst().drop(while: { $0 == " " || $0 == "\t" }))
    }

    private static func isIdentifier(_ c: Character) -> Bool { c == "_" || (c.isASCII && (c.isLetter || c.isNumber)) }

    /// Resolves the interpolations gem authors put in URLs (`"https://github.com/x/#{s.name}"`);
    /// a URL still holding an unresolved `#{…}` is dropped rather than reported wrong.
    static func interpolate(_ value: String, name: String, version: String) -> String? {
        var v = value
        for receiver in ["s.", "spec.", "gem.", ""] {
            v = v.replacingOccurrences(of: "#{\(receiver)name}", with: name)
            v = v.replacingOccurrences(of: "#{\(receiver)version}", with: version)
        }
        return v.isEmpty || v.contains("#{") ? nil : v
    }
}

/// Ruby literal syntax as RubyGems serialises it.
enum RubyLiteral {
    /// `"text"`, `'text'` or `%q{text}`, optionally followed by `.freeze` and trailing code.
    static func string(_ value: Substring) -> String? {
        var it = value[...]
        return parseString(&it)
    }

    /// `["a".freeze, "b"]`; nil when the value is not an array of string literals.
    static func stringArray(_ value: Substring) -> [String]? {
        guard value.first == "[" else { return nil }
        var it = value.dropFirst()
        var items: [String] = []
        while true {
            it = it.drop(while: { $0 == " " || $0 == "," || $0 == "\t" })
            if it.first == "]" { return items }
            guard let item = parseString(&it) else { return nil }
            items.append(item)
        }
    }

    private static func parseString(_ it: inout Substring) -> String? {
        let result: String?
        if it.hasPrefix("%q{") {
            it = it.dropFirst(3)
            guard let close = it.firstIndex(of: "}") else { return nil }
            result = String(it[..<close])
            it = it[it.index(after: close)...]
        } else if let quote = it.first, quote == "\"" || quote == "'" {
            it = it.dropFirst()
            result = parseQuoted(&it, quote: quote)
        } else {
            return nil
        }
        if it.hasPrefix(".freeze") { it = it.dropFirst(7) }
        return result
    }

    /// The body of a quoted literal up to its closing quote, with escapes decoded.
    private static func parseQuoted(_ it: inout Substring, quote: Character) -> String? {
        var out = ""
        while let c = it.popFirst() {
            if c == quote { return out }
            guard c == "\\", let next = it.popFirst() else { out.append(c); continue }
            switch next {
            case "n" where quote == "\"": out.append("\n")
            case "t" where quote == "\"": out.append("\t")
            case "u" where quote == "\"":
                if let scalar = unicodeEscape(&it) { out.unicodeScalars.append(scalar) } else { out.append("\\u") }
            default:
                if quote == "'" && next != "'" && next != "\\" { out.append("\\") }
                out.append(next)
            }
        }
        return nil
    }

    /// `\u00E9` or `\u{E9}` after the `\u`.
    private static func unicodeEscape(_ it: inout Substring) -> Unicode.Scalar? {
        if it.first == "{" {
            guard let close = it.firstIndex(of: "}"), let v = UInt32(it[it.index(after: it.startIndex)..<close], radix: 16),
                  let scalar = Unicode.Scalar(v) else { return nil }
            it = it[it.index(after: close)...]
            return scalar
        }
        let hex = it.prefix(4)
        guard hex.count == 4, let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else { return nil }
        it = it.dropFirst(4)
        return scalar
    }
}
