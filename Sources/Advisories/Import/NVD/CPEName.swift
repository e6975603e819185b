import Foundation

/// A CPE 2.3 name in the formatted-string binding (`cpe:2.3:a:openssl:openssl:1.1.1n-0\+deb11u3:*:*:*:*:*:*:*`),
/// parsed into its eleven attributes (NISTIR 7695 §6.2).
///
/// Values are kept in their logical form: backslash escapes removed (`1.1.1n-0\+deb11u3` → `1.1.1n-0+deb11u3`)
/// and lowercased, since CPE compares case-insensitively. So `node\.js` and `node.js`, which producers write
/// both ways, are one value, and a (vendor, product) pair can be an exact database key.
///
/// Unescaped `*` and `?` inside a value are wildcards in the spec (only at its start or end). NVD's match
/// criteria and SBOM producers do not use them; a name with one is refused (`CPENameError`) rather than
/// matched approximately, so it can never widen a match.
public struct CPEName: Sendable, Hashable, CustomStringConvertible {
    /// One attribute: `*` (ANY), `-` (NA: the attribute does not apply), or a value.
    public enum Value: Sendable, Hashable, CustomStringConvertible {
        case any
        case notApplicable
        case value(String)

        public var description: String {
            switch self {
            case .any: return "*"
            case .notApplicable: return "-"
            case .value(let v): return v
            }
        }

        /// The value, nil for ANY and NA.
        public var text: String? { if case .value(let v) = self { return v }; return nil }
    }

    /// `a` (application), `o` (operating system), `h` (hardware), or ANY.
    public var part: Value
    public var vendor: Value
    public var product: Value
    public var version: Value
    public var update: Value
    public var edition: Value
    public var language: Value
    public var softwareEdition: Value
    public var targetSoftware: Value
    public var targetHardware: Value
    public var other: Value

    /// Longer than any real CPE name by far; bounds what one hostile string can cost.
    public static let maximumLength = 1_024

    public init(parsing text: String) throws {
        guard text.utf8.count <= Self.maximumLength else { throw CPENameError(text, "is longer than \(Self.maximumLength) bytes") }
        guard text.utf8.count > 8, text.prefix(8).lowercased() == "cpe:2.3:" else {
            throw CPENameError(text, "does not start with 'cpe:2.3:' (only CPE 2.3 formatted strings are read)")
        }
        let fields = try Self.split(text.utf8.dropFirst(8), whole: text)
        guard fields.count == 11 else { throw CPENameError(text, "has \(fields.count) attributes, not 11") }
        let values = try fields.enumerated().map { i, f in try Self.value(f, attribute: Self.attributeNames[i], whole: text) }
        part = values[0]; vendor = values[1]; product = values[2]; version = values[3]; update = values[4]
        edition = values[5]; language = values[6]; softwareEdition = values[7]; targetSoftware = values[8]
        targetHardware = values[9]; other = values[10]
        switch part {
        case .any, .value("a"), .value("o"), .value("h"): break
        default: throw CPENameError(text, "part '\(part)' is not a, o, h or *")
        }
    }

    static let attributeNames = ["part", "vendor", "product", "version", "update", "edition", "language",
                                 "sw_edition", "target_sw", "target_hw", "other"]

    /// The attributes after the prefix, still escaped, split on unescaped colons.
    private static func split(_ bytes: Substring.UTF8View.SubSequence, whole: String) throws -> [[UInt8]] {
        var fields: [[UInt8]] = [[]]
        var escaped = false
        for b in bytes {
            // Printable ASCII only: the binding has no spaces, controls or non-ASCII characters.
            guard b > 0x20, b < 0x7F else { throw CPENameError(whole, "holds a space, control or non-ASCII character") }
            if escaped {
                fields[fields.count - 1].append(b)
                escaped = false
            } else if b == UInt8(ascii: ":") {
                fields.append([])
            } else {
                fields[fields.count - 1].append(b)
                if b == UInt8(ascii: "\\") { escaped = true }
            }
        }
        if escaped { throw CPENameError(whole, "ends in a lone backslash") }
        return fields
    }

    /// The logical value of one escaped attribute.
    private static func value(_ field: [UInt8], attribute: String, whole: String) throws -> Value {
        if field.isEmpty { throw CPENameError(whole, "\(attribute) is empty") }
        if field == [UInt8(ascii: "*")] { return .any }
        if field == [UInt8(ascii: "-")] { return .notApplicable }
        var out: [UInt8] = []
        out.reserveCapacity(field.count)
        var escaped = false
        for b in field {
            if escaped {
                out.append(b)
                escaped = false
            } else if b == UInt8(ascii: "\\") {
                escaped = true
            } else if b == UInt8(ascii: "*") || b == UInt8(ascii: "?") {
                throw CPENameError(whole, "\(attribute) holds a wildcard inside a value, which vouch does not match")
            } else {
                out.append(b)
            }
        }
        return .value(String(decoding: out, as: UTF8.self).lowercased())
    }

    /// The name in the formatted-string binding, with the lowercased logical values re-escaped.
    public var description: String {
        let all = [part, vendor, product, version, update, edition, language, softwareEdition, targetSoftware, targetHardware, other]
        return "cpe:2.3:" + all.map(Self.bound).joined(separator: ":")
    }

    private static func bound(_ v: Value) -> String {
        guard case .value(let text) = v else { return v.description }
        if text == "-" { return "\\-" }  // a literal hyphen, not NA
        var out = ""
        for ch in text {
            // Alphanumerics, `_`, `-` and `.` stand as they are in a formatted string; the rest is quoted.
            if !(ch.isASCII && (ch.isLetter || ch.isNumber || ch == "_" || ch == "-" || ch == ".")) { out.append("\\") }
            out.append(ch)
        }
        return out
    }
}

/// Why a string is not a CPE 2.3 name vouch can match.
public struct CPENameError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The offending string, cut to 120 characters.
    public let text: String
    public let reason: String

    init(_ text: String, _ reason: String) {
        self.text = String(text.prefix(120))
        self.reason = reason
    }

    public var description: String { "CPE \(text.debugDescription) \(reason)" }
}
