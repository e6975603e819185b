import Foundation
import JSON

/// A value found (or not) at a JSON path, read with typed accessors whose errors name that path.
/// JSON `null` counts as absent: the in-toto and SLSA parsing rules treat unset and null alike.
struct InTotoField {
    let value: JSON?
    let path: String

    init(_ value: JSON?, path: String) {
        if case .null? = value { self.value = nil } else { self.value = value }
        self.path = path
    }

    var isPresent: Bool { value != nil }

    /// A member of this object; absent when this field is absent, an error when it is not an object.
    func field(_ key: String) throws -> InTotoField {
        let childPath = path.isEmpty ? key : "\(path).\(key)"
        guard let value else { return InTotoField(nil, path: childPath) }
        guard case .object(let o) = value else { throw wrongType("an object") }
        return InTotoField(o[key], path: childPath)
    }

    /// The first of several spellings that is present (BuildKit writes `invocationID`, the spec `invocationId`).
    func field(anyOf keys: [String]) throws -> InTotoField {
        for key in keys {
            let f = try field(key)
            if f.isPresent { return f }
        }
        return try field(keys.first ?? "")
    }

    func string() throws -> String? {
        guard let value else { return nil }
        guard case .string(let s) = value else { throw wrongType("a string") }
        return s
    }

    func requiredString() throws -> String {
        guard let s = try string() else { throw InTotoError.missingField(path) }
        return s
    }

    func object() throws -> JSONObject? {
        guard let value else { return nil }
        guard case .object(let o) = value else { throw wrongType("an object") }
        return o
    }

    func array() throws -> [InTotoField]? {
        guard let value else { return nil }
        guard case .array(let a) = value else { throw wrongType("an array") }
        return a.enumerated().map { InTotoField($0.element, path: "\(path)[\($0.offset)]") }
    }

    /// A map of string to string (DigestSet, builder.version).
    func stringMap() throws -> [String: String]? {
        guard let o = try object() else { return nil }
        var out: [String: String] = [:]
        for (k, v) in o {
            guard case .string(let s) = v else {
                throw InTotoError.wrongType(field: "\(path).\(k)", expected: "a string", found: v.attestationTypeName)
            }
            out[k] = s
        }
        return out
    }

    private func wrongType(_ expected: String) -> InTotoError {
        InTotoError.wrongType(field: path.isEmpty ? "statement" : path, expected: expected,
                              found: value?.attestationTypeName ?? "nothing")
    }
}

extension JSON {
    /// How a value is named in type errors: "a string", "an object", …
    var attestationTypeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
