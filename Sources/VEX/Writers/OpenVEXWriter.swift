import Digest
import Foundation
import JSON
import SBOM

/// Writes a `VEXDocument` as OpenVEX 0.2.0 JSON. The same document and time always give the same bytes:
/// members in a fixed order, statements sorted (see `write`), products and hashes sorted, second-precision
/// UTC times. The writer never reads the clock or the environment; `issueTime` is for callers.
///
/// OpenVEX's own rules are enforced here, not left to readers to trip over (go-vex and the JSON schema
/// refuse the same things): a `not_affected` statement needs a justification or an impact statement, an
/// `affected` one an action statement, and a justification belongs to `not_affected` only; `fixed` carries
/// neither a justification nor an impact statement. Nothing is invented to get past a rule: a placeholder
/// action statement would make the document valid while saying nothing, which is what the rule forbids.
public struct OpenVEXWriter {
    public static let context = "https://openvex.dev/ns/v0.2.0"
    /// go-vex's public namespace: documents without an id are named `<this>vex-<hash>`, as vexctl does.
    public static let idPrefix = "https://openvex.dev/docs/public/vex-"

    /// The document author's role (`Document Creator`), when the caller knows it.
    public var role: String?
    public var tooling: String
    /// The JSON schema wants at least one statement; a caller writing "the current state" of a clean scan
    /// may ask for an empty `statements` array instead (go-vex and the VEX readers take it).
    public var allowsEmpty: Bool

    public init(role: String? = nil, tooling: String = "vouch", allowsEmpty: Bool = false) {
        self.role = role
        self.tooling = tooling
        self.allowsEmpty = allowsEmpty
    }

    /// Pretty JSON with a trailing newline. `timestamp` is the document's time when it has none of its own.
    public func write(_ document: VEXDocument, timestamp: Date) throws -> Data {
        try json(document, timestamp: timestamp).serialized([.pretty])
    }

    public func json(_ document: VEXDocument, timestamp: Date) throws -> JSON {
        guard let author = OpenVEXWriter.text(document.author) else { throw OpenVEXWriteError.missingAuthor }
        let version = document.version ?? 1
        guard version >= 1 else { throw OpenVEXWriteError.invalidVersion(version) }
        guard allowsEmpty || !document.statements.isEmpty else { throw OpenVEXWriteError.noStatements }
        let issued = document.timestamp ?? timestamp

        // Statements in a stable order: by vulnerability, time, then products; ties keep the input order,
        // because of two statements on the same products at the same time the later one is the one that counts.
        struct Entry { var offset: Int; var vulnerability: String; var time: Date; var products: Data; var json: JSON }
        var entries: [Entry] = []
        for (offset, s) in document.statements.enumerated() {
            let json = try statement(s)
            entries.append(Entry(offset: offset, vulnerability: s.vulnerability, time: s.effectiveTimestamp ?? issued,
                                 products: (json["products"] ?? .null).serialized([.sortedKeys]), json: json))
        }
        entries.sort { a, b in
            if a.vulnerability != b.vulnerability { return a.vulnerability < b.vulnerability }
            if a.time != b.time { return a.time < b.time }
            if a.products != b.products { return a.products.lexicographicallyPrecedes(b.products) }
            return a.offset < b.offset
        }
        // The schema wants unique statements; an exact repeat says nothing more.
        var seen = Set<Data>()
        let statements = entries.filter { seen.insert($0.json.serialized([.sortedKeys])).inserted }.map(\.json)

        var doc: JSONObject = ["@context": .string(OpenVEXWriter.context)]
        if let id = OpenVEXWriter.text(document.id) { doc["@id"] = .string(id) }
        doc["author"] = .string(author)
        if let role = OpenVEXWriter.text(role) { doc["role"] = .string(role) }
        doc["timestamp"] = .string(RFC3339.format(issued))
        doc["version"] = .int(Int64(version))
        doc["tooling"] = .string(tooling)
        doc["statements"] = .array(statements)
        if doc["@id"] == nil {
            doc["@id"] = .string(OpenVEXWriter.idPrefix + OpenVEXWriter.canonicalHash(.object(doc)))
            doc = JSONObject(["@context", "@id", "author", "role", "timestamp", "version", "tooling", "statements"].compactMap { key in
                doc[key].map { (key, $0) }
            })
        }
        return .object(doc)
    }

    /// SHA-256 (hex) of the document without its `@id`, keys sorted, no whitespace. Like go-vex's
    /// `CanonicalHash` it covers the time, version and every statement, so the same content issued at the
    /// same time gets the same id (go-vex hashes a string of its own making; the ids differ, both are names).
    static func canonicalHash(_ document: JSON) -> String {
        var object = document.object ?? [:]
        object["@id"] = nil
        return Hasher.sha256Hex(JSON.object(object).serialized([.sortedKeys]))
    }

    func statement(_ s: VEXStatement) throws -> JSON {
        let justification = s.justification
        let impact = OpenVEXWriter.text(s.impactStatement)
        let action = OpenVEXWriter.text(s.actionStatement)
        switch s.status {
        case .notAffected:
            guard justification != nil || impact != nil else { throw OpenVEXWriteError.notAffectedWithoutReason(statement: s.label) }
        case .affected:
            guard action != nil else { throw OpenVEXWriteError.affectedWithoutAction(statement: s.label) }
        case .fixed:
            if impact != nil { throw OpenVEXWriteError.notAllowed(field: "impact_statement", status: s.status, statement: s.label) }
        case .underInvestigation:
            break
        }
        if justification != nil, s.status != .notAffected {
            throw OpenVEXWriteError.notAllowed(field: "justification", status: s.status, statement: s.label)
        }

        var vulnerability: JSONObject = ["name": .string(s.vulnerability)]
        let aliases = Set(s.aliases.filter { !$0.isEmpty && $0 != s.vulnerability }).sorted()
        if !aliases.isEmpty { vulnerability["aliases"] = .array(aliases.map { .string($0) }) }

        var out: JSONObject = ["vulnerability": .object(vulnerability)]
        if let time = s.timestamp { out["timestamp"] = .string(RFC3339.format(time)) }
        if !s.products.isEmpty {
            var products: [JSON] = []
            for p in s.products { products.append(try component(p, statement: s.label, nested: true)) }
            out["products"] = .array(OpenVEXWriter.uniqueSorted(products))
        }
        out["status"] = .string(s.status.rawValue)
        if let n = OpenVEXWriter.text(s.statusNotes) { out["status_notes"] = .string(n) }
        if let justification { out["justification"] = .string(justification.rawValue) }
        if let impact { out["impact_statement"] = .string(impact) }
        if let action { out["action_statement"] = .string(action) }
        return .object(out)
    }

    /// A product (with its subcomponents) or a subcomponent. The schema wants an `@id` or `identifiers`;
    /// a component named only by hashes has neither and is refused rather than written unmatchable.
    func component(_ c: VEXComponent, statement: String, nested: Bool) throws -> JSON {
        var out: JSONObject = [:]
        if let id = OpenVEXWriter.text(c.id) ?? OpenVEXWriter.text(c.purl) ?? c.bomLink?.description { out["@id"] = .string(id) }
        var identifiers: JSONObject = [:]
        if let purl = OpenVEXWriter.text(c.purl) { identifiers["purl"] = .string(purl) }
        if let cpe = OpenVEXWriter.text(c.cpe) { identifiers[cpe.hasPrefix("cpe:2.3:") ? "cpe23" : "cpe22"] = .string(cpe) }
        if !identifiers.isEmpty { out["identifiers"] = .object(identifiers) }
        guard !out.isEmpty else { throw OpenVEXWriteError.unnamedComponent(statement: statement, component: c.displayName) }
        let hashes = c.hashes.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        if !hashes.isEmpty { out["hashes"] = .object(JSONObject(hashes.map { ($0.key, .string($0.value.lowercased())) })) }
        // OpenVEX has one level of subcomponents; deeper ones (a CSAF relationship chain) have no place.
        if nested, !c.subcomponents.isEmpty {
            var subs: [JSON] = []
            for sub in c.subcomponents { subs.append(try component(sub, statement: statement, nested: false)) }
            out["subcomponents"] = .array(OpenVEXWriter.uniqueSorted(subs))
        }
        return .object(out)
    }

    static func uniqueSorted(_ items: [JSON]) -> [JSON] {
        var seen = Set<Data>()
        return items.map { ($0.serialized([.sortedKeys]), $0) }
            .filter { seen.insert($0.0).inserted }
            .sorted { $0.0.lexicographicallyPrecedes($1.0) }
            .map(\.1)
    }

    /// Text worth writing: nil for absent, empty or blank.
    static func text(_ s: String?) -> String? {
        guard let s, !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return s
    }

    /// The time to issue a new document at: `SOURCE_DATE_EPOCH` when set (reproducible builds), else `now`.
    public static func issueTime(environment: [String: String] = ProcessInfo.processInfo.environment, now: Date = Date()) throws -> Date {
        guard let raw = environment["SOURCE_DATE_EPOCH"], !raw.isEmpty else { return now }
        guard let seconds = Int64(raw.trimmingCharacters(in: .whitespaces)) else { throw OpenVEXWriteError.badSourceDateEpoch(raw) }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}

public enum OpenVEXWriteError: Error, Equatable, CustomStringConvertible {
    case missingAuthor
    case invalidVersion(Int)
    case noStatements
    case notAffectedWithoutReason(statement: String)
    case affectedWithoutAction(statement: String)
    case notAllowed(field: String, status: VEXStatus, statement: String)
    case unnamedComponent(statement: String, component: String)
    case badSourceDateEpoch(String)

    public var description: String {
        switch self {
        case .missingAuthor: return "an OpenVEX document needs an author"
        case .invalidVersion(let v): return "OpenVEX document version \(v) is not a positive integer"
        case .noStatements: return "an OpenVEX document needs at least one statement"
        case .notAffectedWithoutReason(let s): return "\(s): not_affected needs a justification or an impact statement"
        case .affectedWithoutAction(let s): return "\(s): affected needs an action statement (what to do about it)"
        case .notAllowed(let field, let status, let s): return "\(s): \(field) does not belong to a \(status.rawValue) statement"
        case .unnamedComponent(let s, let c): return "\(s): product \(c) has no @id, purl or CPE to name it by"
        case .badSourceDateEpoch(let raw): return "SOURCE_DATE_EPOCH '\(raw.prefix(40))' is not a number of seconds since 1970"
        }
    }
}
