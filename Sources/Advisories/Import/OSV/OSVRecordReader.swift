import Foundation
import JSON

/// Turns one parsed OSV document (JSON, or YAML converted to the same tree) into an `Advisory`.
/// Structure the schema requires is checked and a violation throws `OSVRecordError` naming the
/// field; things the matcher cannot use (unknown range or severity types) are dropped with a
/// counted warning instead, so one odd range never costs the whole record.
struct OSVRecordReader {
    let file: String
    let limits: OSVLimits

    func read(_ root: JSON, diagnostics: inout ImportDiagnostics) throws -> Advisory {
        guard let record = root.object else { throw fail("(record)", "is \(kindName(root)), not an OSV object") }
        guard let id = try string(record, "id", at: "id") else { throw fail("id", "is missing (OSV requires it)") }
        try checkIdentifier(id, at: "id")
        guard let modifiedText = try string(record, "modified", at: "modified") else {
            throw fail("modified", "is missing (OSV requires it; re-import compares it)")
        }
        let modified = try date(modifiedText, at: "modified")
        let published = try string(record, "published", at: "published").map { try date($0, at: "published") }
        let withdrawn = try string(record, "withdrawn", at: "withdrawn").map { try date($0, at: "withdrawn") }

        // `upstream` names what this record derives from (USN → UBUNTU-CVE → CVE); vouch links those
        // ids like aliases. `related` is only "see also" and is not linked, except the CVEs an
        // AlmaLinux/Rocky security advisory lists there, which are what it fixes (`OSVRelatedFixes`).
        var aliases: [String] = []
        var seen: Set<String> = [id]
        for key in ["aliases", "upstream"] {
            for (i, alias) in try strings(record, key, at: key, max: limits.maxIdentifiers).enumerated() {
                try checkIdentifier(alias, at: "\(key)[\(i)]")
                if seen.insert(alias).inserted { aliases.append(alias) }
            }
        }
        let related = try strings(record, "related", at: "related", max: limits.maxIdentifiers)
        for (i, fixed) in related.enumerated() where OSVRelatedFixes.isFixed(fixed, byRecord: id) {
            try checkIdentifier(fixed, at: "related[\(i)]")
            if seen.insert(fixed).inserted { aliases.append(fixed) }
        }

        let issuer = OSVIssuer.name(forID: id)
        var severities = try readSeverities(record, at: "", issuer: issuer, diagnostics: &diagnostics)
        let summary = try string(record, "summary", at: "summary")
        if let databaseSpecific = record["database_specific"]?.object, let word = databaseSpecific["severity"]?.string,
           let rating = OSVSeverityWord.rating(word) {
            severities.append(AdvisorySeverity(kind: .rating, value: rating, source: issuer))
        }
        if let summary, let rating = OSVSeverityWord.redHatPrefix(of: summary, id: id) {
            severities.append(AdvisorySeverity(kind: .rating, value: rating, source: issuer))
        }

        var affected: [AffectedPackage] = []
        let affectedObjects = try objects(record, "affected", at: "affected", max: limits.maxAffected)
        for (i, entry) in affectedObjects.enumerated() {
            if let package = try readAffected(entry, at: "affected[\(i)]", issuer: issuer, topLevel: severities, diagnostics: &diagnostics) {
                affected.append(package)
            }
        }

        var references: [String] = []
        for (i, reference) in try objects(record, "references", at: "references", max: limits.maxReferences).enumerated() {
            if let url = try string(reference, "url", at: "references[\(i)].url") { references.append(url) }
        }

        return Advisory(id: id, source: OSVFormat.name, aliases: aliases, summary: summary,
                        details: try string(record, "details", at: "details"),
                        published: published, modified: modified, withdrawn: withdrawn,
                        severities: unique(severities), affected: affected, references: references)
    }

    // MARK: Field access. `null` counts as absent, as OSV producers write both.

    func fail(_ field: String, _ problem: String) -> OSVRecordError {
        OSVRecordError(file: file, field: field, problem: problem)
    }

    func string(_ object: JSONObject, _ key: String, at field: String) throws -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let s = value.string else { throw fail(field, "is \(kindName(value)), expected a string") }
        guard s.utf8.count <= limits.maxStringBytes else { throw fail(field, "is \(s.utf8.count) bytes, more than the \(limits.maxStringBytes) accepted") }
        return s
    }

    func strings(_ object: JSONObject, _ key: String, at field: String, max: Int) throws -> [String] {
        try array(object, key, at: field, max: max).enumerated().map { i, value in
            guard let s = value.string else { throw fail("\(field)[\(i)]", "is \(kindName(value)), expected a string") }
            guard s.utf8.count <= limits.maxStringBytes else { throw fail("\(field)[\(i)]", "is longer than \(limits.maxStringBytes) bytes") }
            return s
        }
    }

    func objects(_ object: JSONObject, _ key: String, at field: String, max: Int) throws -> [JSONObject] {
        try array(object, key, at: field, max: max).enumerated().map { i, value in
            guard let o = value.object else { throw fail("\(field)[\(i)]", "is \(kindName(value)), expected an object") }
            return o
        }
    }

    func array(_ object: JSONObject, _ key: String, at field: String, max: Int) throws -> [JSON] {
        guard let value = object[key], !value.isNull else { return [] }
        guard let items = value.array else { throw fail(field, "is \(kindName(value)), expected an array") }
        guard items.count <= max else { throw fail(field, "has \(items.count) entries, more than the \(max) accepted") }
        return items
    }

    func date(_ text: String, at field: String) throws -> Date {
        guard let d = RFC3339.parse(text) else { throw fail(field, "'\(text.prefix(64))' is not an RFC 3339 timestamp") }
        return d
    }

    func checkIdentifier(_ id: String, at field: String) throws {
        guard !id.isEmpty else { throw fail(field, "is empty") }
        guard id.utf8.count <= limits.maxIDBytes else { throw fail(field, "is \(id.utf8.count) bytes, more than the \(limits.maxIDBytes) accepted") }
        guard !id.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) else {
            throw fail(field, "'\(id.prefix(64))' contains white space or control characters")
        }
    }

    func kindName(_ value: JSON) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    func unique(_ severities: [AdvisorySeverity]) -> [AdvisorySeverity] {
        var seen = Set<AdvisorySeverity>()
        return severities.filter { seen.insert($0).inserted }
    }
}
