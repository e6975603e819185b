import Foundation
import JSON

/// Reads OpenVEX 0.2.0 and earlier (0.0.1) into the statement model.
///
/// What differs between the versions, and what real documents add:
/// - 0.0.1 writes `vulnerability` as a string, `products` as a list of strings, and `subcomponents` as a
///   list of strings beside them that applies to every product; 0.2.0 writes objects for both.
/// - Canonical's Ubuntu documents put the document fields (`@context`, `@id`, `author`, `timestamp`,
///   `version`) under `metadata`; a field at the top level wins over the same field there.
/// - trivy's VEX repositories name the vulnerability by `@id` alone; it stands in when `name` is absent.
/// - go-vex's YAML example has no `@context`; a document with a `statements` array and no marker of
///   another format is read as OpenVEX (see `isOpenVEX`).
public enum OpenVEXReader {
    /// The contexts of the versions this reader knows; `https://openvex.dev/ns` alone means 0.0.1.
    static let contexts: Set<String> = ["https://openvex.dev/ns", "https://openvex.dev/ns/v0.0.1", "https://openvex.dev/ns/v0.2.0"]
    static let contextPrefix = "https://openvex.dev/ns"

    public static func read(_ root: JSON, location: String) throws -> VEXDocument {
        func fail(_ message: String) -> VEXReadError { VEXReadError(location: location, message: message) }
        guard root.object != nil else { throw fail("is not an OpenVEX document (the top level is not an object)") }
        let metadata = root["metadata"]?.object.map { JSON.object($0) }
        func field(_ key: String) -> JSON? { root[key] ?? metadata?[key] }

        if let context = field("@context") {
            let names = openVEXContexts(context)
            guard !names.isEmpty else { throw fail("@context \(VEXText.describe(context)) is not an OpenVEX context") }
            if let unknown = names.first(where: { !contexts.contains($0) }) {
                throw fail("@context \"\(VEXText.clip(unknown))\" is an OpenVEX version this reader does not know (it reads 0.0.1 and 0.2.0)")
            }
        }
        guard let list = root["statements"] else { throw fail("is an OpenVEX document without a statements array") }
        guard let statements = list.array else { throw fail("statements is \(VEXText.describe(list)), not an array") }

        var document = VEXDocument(format: .openVEX, location: location, id: VEXText.text(field("@id")),
                                   author: VEXText.text(field("author")), version: VEXText.integer(field("version")))
        do { document.timestamp = try VEXText.time(field("timestamp"), "document timestamp") } catch let p as VEXStatementProblem {
            // Statements without their own time would be ordered wrongly either way; the document stays
            // readable, and the problem says its statements have no time to fall back on.
            document.problems.append(VEXProblem(location: location, statementIndex: nil, message: p.message + "; the document has no time"))
        }
        var origin = VEXOrigin(format: .openVEX, location: location, documentID: document.id, author: document.author,
                               documentTimestamp: document.timestamp, documentVersion: document.version, statementIndex: 0)
        var purls = VEXPurlCheck()
        document.statements.reserveCapacity(statements.count)
        for (index, item) in statements.enumerated() {
            origin.statementIndex = index
            do { document.statements.append(try statement(item, origin: origin, purls: &purls)) } catch let p as VEXStatementProblem {
                let v = item["vulnerability"]
                let name = (VEXText.text(v) ?? VEXText.text(v?["name"]) ?? VEXText.text(v?["@id"])).map { VEXText.clip($0) + ": " } ?? ""
                document.problems.append(VEXProblem(location: location, statementIndex: index, message: name + p.message))
            }
        }
        return document
    }

    /// An OpenVEX `@context` (at the top or under `metadata`), or no context but a `statements` array.
    static func isOpenVEX(_ root: JSON) -> Bool {
        if let context = root["@context"] ?? root["metadata"]?["@context"] { return !openVEXContexts(context).isEmpty }
        return root["statements"]?.array != nil
    }

    /// The OpenVEX names in a JSON-LD context, which may be one string or a list of them.
    private static func openVEXContexts(_ context: JSON) -> [String] {
        let names = context.string.map { [$0] } ?? context.array?.compactMap(\.string) ?? []
        return names.filter { $0.hasPrefix(contextPrefix) }
    }

    static func statement(_ item: JSON, origin: VEXOrigin, purls: inout VEXPurlCheck) throws -> VEXStatement {
        guard item.object != nil else { throw VEXStatementProblem("is \(VEXText.describe(item)), not an object") }
        let (vulnerability, aliases) = try self.vulnerability(item["vulnerability"])
        guard let statusText = item["status"]?.string else { throw VEXStatementProblem("status is \(VEXText.describe(item["status"]))") }
        guard let status = VEXStatus(rawValue: statusText) else {
            throw VEXStatementProblem("unknown status \"\(VEXText.clip(statusText))\" (expected \(VEXStatus.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let justification = try self.justification(item["justification"])
        let impact = VEXText.text(item["impact_statement"])
        try VEXText.requireReason(status, justification, impact, "impact_statement")
        let timestamp = try VEXText.time(item["timestamp"], "timestamp")
        let products = try products(item, purls: &purls)
        var origin = origin
        origin.statementID = VEXText.text(item["@id"])
        return VEXStatement(vulnerability: vulnerability, aliases: aliases, products: products, status: status,
                            justification: justification, impactStatement: impact, actionStatement: VEXText.text(item["action_statement"]),
                            statusNotes: VEXText.text(item["status_notes"]), timestamp: timestamp, origin: origin)
    }

    /// OpenVEX justification labels; CSAF flags use the same five.
    static func justification(_ json: JSON?) throws -> VEXJustification? {
        guard let json, !json.isNull, json.string != "" else { return nil }
        guard let text = json.string, let justification = VEXJustification(rawValue: text) else {
            throw VEXStatementProblem("unknown justification \(VEXText.describe(json)) (expected \(VEXJustification.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return justification
    }

    /// 0.0.1: a string. 0.2.0: `{name, @id, aliases}`.
    private static func vulnerability(_ json: JSON?) throws -> (String, [String]) {
        if let name = VEXText.text(json) { return (name, []) }
        guard json?.object != nil, let name = VEXText.text(json?["name"]) ?? VEXText.text(json?["@id"]) else {
            throw VEXStatementProblem("missing vulnerability id (vulnerability is \(VEXText.describe(json)))")
        }
        var seen: Set<String> = [name]
        let aliases = (json?.array("aliases") ?? []).compactMap(VEXText.text).filter { seen.insert($0).inserted }
        return (name, aliases)
    }

    private static func products(_ item: JSON, purls: inout VEXPurlCheck) throws -> [VEXComponent] {
        guard let list = item["products"], !list.isNull else { return [] }
        guard let products = list.array else { throw VEXStatementProblem("products is \(VEXText.describe(list)), not an array") }
        // 0.0.1: statement-level `subcomponents` belong to every product that does not list its own.
        var shared: [VEXComponent] = []
        if let subs = item["subcomponents"], !subs.isNull {
            guard let subs = subs.array else { throw VEXStatementProblem("subcomponents is \(VEXText.describe(item["subcomponents"])), not an array") }
            shared = try subs.enumerated().map { try component($0.element, "subcomponents[\($0.offset)]", nested: true, purls: &purls) }
        }
        return try products.enumerated().map { index, product in
            var c = try component(product, "products[\(index)]", nested: false, purls: &purls)
            if c.subcomponents.isEmpty { c.subcomponents = shared }
            return c
        }
    }

    /// A product or subcomponent: a string (0.0.1), or `{@id, identifiers{purl,cpe22,cpe23}, hashes, subcomponents}`.
    private static func component(_ json: JSON, _ field: String, nested: Bool, purls: inout VEXPurlCheck) throws -> VEXComponent {
        if let id = json.string {
            guard !id.isEmpty else { throw VEXStatementProblem("\(field) is an empty string") }
            let purl = id.hasPrefix("pkg:") ? try purls.check(id, field) : nil
            return VEXComponent(id: id, purl: purl)
        }
        guard json.object != nil else { throw VEXStatementProblem("\(field) is \(VEXText.describe(json)), not a string or an object") }
        let id = VEXText.text(json["@id"])
        let identifiers = json["identifiers"]
        if let identifiers, !identifiers.isNull, identifiers.object == nil {
            throw VEXStatementProblem("\(field).identifiers is \(VEXText.describe(identifiers)), not an object")
        }
        var purl: String?
        if let written = VEXText.text(identifiers?["purl"]) { purl = try purls.check(written, "\(field).identifiers.purl") }
        if let id, id.hasPrefix("pkg:") {
            let checked = try purls.check(id, "\(field).@id")
            purl = purl ?? checked
        }
        var hashes: [String: String] = [:]
        if let written = json["hashes"], !written.isNull {
            guard let object = written.object else { throw VEXStatementProblem("\(field).hashes is \(VEXText.describe(written)), not an object") }
            for (algorithm, value) in object {
                guard let hex = VEXText.text(value) else { throw VEXStatementProblem("\(field).hashes.\(VEXText.clip(algorithm)) is \(VEXText.describe(value))") }
                hashes[algorithm.lowercased()] = hex.lowercased()
            }
        }
        var subcomponents: [VEXComponent] = []
        if !nested, let subs = json["subcomponents"], !subs.isNull {
            guard let list = subs.array else { throw VEXStatementProblem("\(field).subcomponents is \(VEXText.describe(subs)), not an array") }
            subcomponents = try list.enumerated().map { try component($0.element, "\(field).subcomponents[\($0.offset)]", nested: true, purls: &purls) }
        }
        let cpe = VEXText.text(identifiers?["cpe23"]) ?? VEXText.text(identifiers?["cpe22"])
        guard id != nil || purl != nil || cpe != nil || !hashes.isEmpty else {
            throw VEXStatementProblem("\(field) names nothing (no @id, identifiers or hashes)")
        }
        return VEXComponent(id: id, purl: purl, cpe: cpe, hashes: hashes, subcomponents: subcomponents)
    }
}
