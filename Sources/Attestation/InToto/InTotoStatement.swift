import Foundation
import JSON

/// An in-toto Statement (`spec/v1/statement.md`): subjects bound by digest to a typed predicate.
/// v1 and v0.1 (`_type` …/Statement/v0.1, still written by cosign 2.5 and older BuildKit) are read;
/// unknown members are ignored as the parsing rules require. The predicate is kept as read.
public struct InTotoStatement: Equatable, Sendable {
    public var type: String
    public var subjects: [ResourceDescriptor]
    public var predicateType: String
    /// The predicate tree, verbatim; an absent or null predicate reads as `{}` (the spec treats them alike).
    public var predicate: JSON

    public init(type: String = StatementType.v1, subjects: [ResourceDescriptor], predicateType: String,
                predicate: JSON = .object(JSONObject())) {
        self.type = type
        self.subjects = subjects
        self.predicateType = predicateType
        self.predicate = predicate
    }

    /// Parses and validates a Statement; errors name the offending field.
    public init(data: Data) throws {
        let json: JSON
        do { json = try JSON.parse(data) } catch { throw InTotoError.notJSON(reason: "\(error)") }
        try self.init(json: json)
    }

    public init(json: JSON) throws {
        let root = InTotoField(json, path: "")
        guard root.isPresent else { throw InTotoError.wrongType(field: "statement", expected: "an object", found: "null") }
        _ = try root.object()

        let type = try root.field("_type").requiredString()
        guard type == StatementType.v1 || type == StatementType.v01 else { throw InTotoError.unsupportedStatementType(type) }
        self.type = type

        let subjectField = try root.field("subject")
        guard let items = try subjectField.array() else { throw InTotoError.missingField("subject") }
        guard !items.isEmpty else { throw InTotoError.emptyField("subject") }
        subjects = try items.map(Self.subject)

        predicateType = try root.field("predicateType").requiredString()
        guard !predicateType.isEmpty else { throw InTotoError.emptyField("predicateType") }

        let predicateField = try root.field("predicate")
        predicate = .object(try predicateField.object() ?? JSONObject())
    }

    /// A subject must carry a digest that passes `DigestSetRules`: subjects are matched by digest only.
    private static func subject(_ field: InTotoField) throws -> ResourceDescriptor {
        let descriptor = try ResourceDescriptor(field: field)
        let digestPath = "\(field.path).digest"
        guard try field.field("digest").isPresent else { throw InTotoError.missingField(digestPath) }
        guard !descriptor.digest.isEmpty else { throw InTotoError.emptyField(digestPath) }
        try DigestSetRules.validate(descriptor.digest, field: digestPath)
        return descriptor
    }

    /// The Statement as JSON, members in the order `_type`, `subject`, `predicateType`, `predicate`.
    public var json: JSON {
        .object(JSONObject([
            ("_type", .string(type)),
            ("subject", .array(subjects.map(\.json))),
            ("predicateType", .string(predicateType)),
            ("predicate", predicate),
        ]))
    }

    /// Compact, deterministic bytes: the same statement always serialises identically (what gets signed).
    public func serialized() -> Data { json.serialized([]) }

    /// True when any subject has this digest (algorithm exact, hex case-insensitive).
    public func matchesSubject(digest algorithm: String, hex: String) -> Bool {
        subjects.contains { $0.hasDigest(algorithm: algorithm, hex: hex) }
    }

    /// `matchesSubject` for an OCI-style `algorithm:hex` digest such as a manifest digest.
    public func matchesSubject(digest: String) -> Bool {
        guard let colon = digest.firstIndex(of: ":") else { return false }
        return matchesSubject(digest: String(digest[..<colon]), hex: String(digest[digest.index(after: colon)...]))
    }
}
