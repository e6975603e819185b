import Foundation

/// Why an in-toto Statement, one of its ResourceDescriptors or its SLSA provenance predicate could not
/// be read or built. Every case names the field as a JSON path (`subject[0].digest.sha256`,
/// `predicate.runDetails.builder.id`), so a user can find the offending value in the document.
public enum InTotoError: Error, Equatable, CustomStringConvertible, Sendable {
    case notJSON(reason: String)
    case missingField(String)
    case wrongType(field: String, expected: String, found: String)
    case emptyField(String)
    case unsupportedStatementType(String)
    case unsupportedPredicateType(String)
    case invalidDigest(field: String, reason: String)
    case invalidValue(field: String, reason: String)

    /// The JSON path the error is about.
    public var field: String {
        switch self {
        case .notJSON: return "statement"
        case .missingField(let f), .emptyField(let f): return f
        case .wrongType(let f, _, _), .invalidDigest(let f, _), .invalidValue(let f, _): return f
        case .unsupportedStatementType: return "_type"
        case .unsupportedPredicateType: return "predicateType"
        }
    }

    public var description: String {
        switch self {
        case .notJSON(let reason):
            return "in-toto statement is not JSON: \(reason)"
        case .missingField(let f):
            return "\(f): required field is missing"
        case .wrongType(let f, let expected, let found):
            return "\(f): expected \(expected), found \(found)"
        case .emptyField(let f):
            return "\(f): must not be empty"
        case .unsupportedStatementType(let t):
            return "_type: \(Self.quoted(t)) is not an in-toto Statement type (expected \(StatementType.v1) or \(StatementType.v01))"
        case .unsupportedPredicateType(let t):
            return "predicateType: \(Self.quoted(t)) is not SLSA provenance v0.1, v0.2 or v1"
        case .invalidDigest(let f, let reason):
            return "\(f): \(reason)"
        case .invalidValue(let f, let reason):
            return "\(f): \(reason)"
        }
    }

    /// Values from hostile documents are shortened so one error stays one readable line.
    static func quoted(_ s: String) -> String {
        let limit = 120
        let clipped = s.count > limit ? String(s.prefix(limit)) + "…" : s
        let escaped = clipped.unicodeScalars.map { $0.value < 0x20 ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
        return "\"\(escaped)\""
    }
}
