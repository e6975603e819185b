import Foundation
import JSON

/// Why an SBOM could not be read. Every case names the file (or the caller's label for in-memory data).
public enum SBOMReadError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, reason: String)
    case notJSON(file: String, reason: String)
    /// Valid JSON that is neither an SPDX 2.x nor a CycloneDX document.
    case unrecognisedFormat(file: String, detail: String)
    case unsupportedVersion(file: String, format: String, version: String, supported: [String])
    /// A field the reader needs holds the wrong JSON type (`packages` that is not an array, …).
    case wrongType(file: String, field: String, expected: String, found: String)

    public var description: String {
        switch self {
        case .unreadable(let f, let why): return "\(f): cannot read: \(why)"
        case .notJSON(let f, let why): return "\(f): not JSON: \(why)"
        case .unrecognisedFormat(let f, let detail): return "\(f): neither SPDX nor CycloneDX JSON (\(detail))"
        case .unsupportedVersion(let f, let format, let v, let supported):
            return "\(f): \(format) version \(v) is not supported (supported: \(supported.joined(separator: ", ")))"
        case .wrongType(let f, let field, let expected, let found):
            return "\(f): field '\(field)' should be \(expected) but is \(found)"
        }
    }
}

public enum SBOMFormat: String, Sendable, Equatable {
    case spdx = "SPDX"
    case cycloneDX = "CycloneDX"
}

/// Reads SPDX 2.2/2.3 JSON and CycloneDX 1.4–1.6 JSON written by other tools into an `Inventory`,
/// telling the format from the content rather than the file name.
public struct SBOMReader: Sendable {
    public init() {}

    public func read(contentsOf path: String) throws -> Inventory {
        guard let data = FileManager.default.contents(atPath: path) else {
            let why = FileManager.default.fileExists(atPath: path) ? "permission denied or not a regular file" : "no such file"
            throw SBOMReadError.unreadable(file: path, reason: why)
        }
        return try read(data, source: path)
    }

    /// `source` names the document in errors (a path, or a label such as `stdin`).
    public func read(_ data: Data, source: String = "<data>") throws -> Inventory {
        let json: JSON
        do {
            json = try JSON.parse(data)
        } catch {
            throw SBOMReadError.notJSON(file: source, reason: "\(error)")
        }
        switch try SBOMReader.detect(json, source: source) {
        case .spdx: return try SPDXReader(source: source).read(json)
        case .cycloneDX: return try CycloneDXReader(source: source).read(json)
        }
    }

    /// The format of a parsed document, or a typed error saying why it is neither.
    public static func detect(_ json: JSON, source: String = "<data>") throws -> SBOMFormat {
        guard let object = json.object else {
            throw SBOMReadError.unrecognisedFormat(file: source, detail: "top level is \(JSONKind.of(json)), not an object")
        }
        if let format = object["bomFormat"] {
            guard format.string == "CycloneDX" else {
                throw SBOMReadError.unrecognisedFormat(file: source, detail: "bomFormat is \(JSONKind.describe(format))")
            }
            return .cycloneDX
        }
        if object["spdxVersion"] != nil { return .spdx }
        // SPDX 3 is JSON-LD: recognise it to say which version it is rather than "unknown format".
        if let context = object["@context"], JSONKind.mentions(context, "spdx.org/rdf/3") {
            throw SBOMReadError.unsupportedVersion(file: source, format: "SPDX", version: "3.x (JSON-LD)",
                                                   supported: SPDXReader.supportedVersions)
        }
        if object["specVersion"] != nil && object["components"] != nil {
            throw SBOMReadError.unrecognisedFormat(file: source, detail: "CycloneDX-like but without bomFormat \"CycloneDX\"")
        }
        throw SBOMReadError.unrecognisedFormat(file: source, detail: "no spdxVersion or bomFormat member")
    }
}

/// Names of JSON value kinds for error messages.
enum JSONKind {
    static func of(_ json: JSON) -> String {
        switch json {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    static func describe(_ json: JSON) -> String {
        if let s = json.string { return "\"\(s.prefix(40))\"" }
        return of(json)
    }

    static func mentions(_ json: JSON, _ needle: String) -> Bool {
        switch json {
        case .string(let s): return s.contains(needle)
        case .array(let a): return a.contains { mentions($0, needle) }
        case .object(let o): return o.contains { mentions($0.value, needle) }
        default: return false
        }
    }
}

/// Typed access to the members a reader requires to be of one JSON type when present.
struct FieldReader {
    let source: String

    /// The array at `key`: empty when absent or null, an error when of another type.
    func array(_ json: JSON, _ key: String, path: String) throws -> [JSON] {
        guard let value = json[key], !value.isNull else { return [] }
        guard let a = value.array else {
            throw SBOMReadError.wrongType(file: source, field: path, expected: "an array", found: JSONKind.of(value))
        }
        return a
    }

    func object(_ json: JSON, path: String) throws -> JSON {
        guard json.object != nil else {
            throw SBOMReadError.wrongType(file: source, field: path, expected: "an object", found: JSONKind.of(json))
        }
        return json
    }

    /// A string member that must be a string when present.
    func string(_ json: JSON, _ key: String, path: String) throws -> String? {
        guard let value = json[key], !value.isNull else { return nil }
        guard let s = value.string else {
            throw SBOMReadError.wrongType(file: source, field: path, expected: "a string", found: JSONKind.of(value))
        }
        return s
    }
}
