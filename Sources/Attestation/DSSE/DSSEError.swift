import Foundation

/// Why a DSSE envelope (or the sigstore bundle around one) could not be read or made.
/// Field names are JSON paths such as `signatures[1].sig` or `dsseEnvelope.payload`.
public enum DSSEError: Error, Equatable, CustomStringConvertible, Sendable {
    case notJSON(reason: String)
    case notAnObject(field: String, found: String)
    case missingField(String)
    case wrongType(field: String, expected: String, found: String)
    case invalidBase64(field: String)
    case tooLarge(field: String, bytes: Int, limit: Int)
    case noSignatures(field: String)
    case tooManySignatures(count: Int, limit: Int)
    case noSigningKeys
    case notASigstoreBundle(reason: String)

    public var description: String {
        switch self {
        case .notJSON(let reason): return "DSSE envelope is not JSON: \(reason)"
        case .notAnObject(let field, let found): return "DSSE \(field) is \(found), not a JSON object"
        case .missingField(let field): return "DSSE envelope has no '\(field)'"
        case .wrongType(let field, let expected, let found): return "DSSE '\(field)' is \(found), expected \(expected)"
        case .invalidBase64(let field): return "DSSE '\(field)' is not base64 (standard or URL-safe)"
        case .tooLarge(let field, let bytes, let limit): return "DSSE '\(field)' is \(bytes) bytes, over the \(limit)-byte limit"
        case .noSignatures(let field): return "DSSE '\(field)' is empty: the envelope is unsigned"
        case .tooManySignatures(let count, let limit): return "DSSE envelope has \(count) signatures, more than the \(limit) vouch checks"
        case .noSigningKeys: return "DSSE signing needs at least one key"
        case .notASigstoreBundle(let reason): return "not a sigstore bundle with a DSSE envelope: \(reason)"
        }
    }
}
