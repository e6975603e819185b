import JSON

extension OSVRecordReader {
    /// One `affected[]` entry. Returns nil when nothing in it can be matched any more (its only
    /// ranges had unknown types), so that an unmatchable entry can never read as "all versions".
    func readAffected(_ entry: JSONObject, at path: String, issuer: String, topLevel: [AdvisorySeverity],
                      diagnostics: inout ImportDiagnostics) throws -> AffectedPackage? {
        var ecosystem = "", name = "", purl: String?
        if let value = entry["package"], !value.isNull {
            guard let package = value.object else { throw fail("\(path).package", "is \(kindName(value)), expected an object") }
            guard let e = try string(package, "ecosystem", at: "\(path).package.ecosystem") else { throw fail("\(path).package.ecosystem", "is missing") }
            guard let n = try string(package, "name", at: "\(path).package.name") else { throw fail("\(path).package.name", "is missing") }
            ecosystem = e; name = n
            purl = try string(package, "purl", at: "\(path).package.purl")
        }

        let rangeObjects = try objects(entry, "ranges", at: "\(path).ranges", max: limits.maxRangesPerPackage)
        var ranges: [AffectedRange] = []
        for (i, range) in rangeObjects.enumerated() {
            if let r = try readRange(range, at: "\(path).ranges[\(i)]", diagnostics: &diagnostics) { ranges.append(r) }
        }
        let versions = try strings(entry, "versions", at: "\(path).versions", max: limits.maxVersionsPerPackage)
        if !rangeObjects.isEmpty && ranges.isEmpty && versions.isEmpty {
            diagnostics.warn(.unmatchablePackage, "\(file): \(path): no range it has can be matched; the package is left out")
            return nil
        }

        var severities = try readSeverities(entry, at: path, issuer: issuer, diagnostics: &diagnostics)
        let ecosystemSpecific = entry["ecosystem_specific"]?.object
        let databaseSpecific = entry["database_specific"]?.object
        if let word = ecosystemSpecific?["ubuntu_priority"]?.string.flatMap(OSVSeverityWord.rating) {
            severities.append(AdvisorySeverity(kind: .rating, value: word, source: "ubuntu"))
        }
        // Debian's OSV export writes its urgency here (`low`, `unimportant`, `not yet assigned`).
        if let word = ecosystemSpecific?["urgency"]?.string.flatMap(OSVSeverityWord.rating) {
            severities.append(AdvisorySeverity(kind: .rating, value: word, source: "debian"))
        }
        for specific in [ecosystemSpecific, databaseSpecific] {
            if let word = specific?["severity"]?.string.flatMap(OSVSeverityWord.rating) {
                severities.append(AdvisorySeverity(kind: .rating, value: word, source: issuer))
            }
        }
        // RustSec repeats its vector per package; keep it only when the record does not already carry it.
        if let vector = databaseSpecific?["cvss"]?.string, let kind = cvssKind(of: vector),
           !topLevel.contains(where: { $0.value == vector }) {
            severities.append(AdvisorySeverity(kind: kind, value: vector, source: issuer))
        }

        let binaries = try readBinaries(ecosystemSpecific?["binaries"], at: "\(path).ecosystem_specific.binaries")
        return AffectedPackage(ecosystem: ecosystem, name: name, purl: purl, ranges: ranges, versions: versions,
                               binaries: binaries, severities: unique(severities))
    }

    private func readRange(_ range: JSONObject, at path: String, diagnostics: inout ImportDiagnostics) throws -> AffectedRange? {
        guard let type = try string(range, "type", at: "\(path).type") else { throw fail("\(path).type", "is missing") }
        guard let kind = AffectedRange.Kind(rawValue: type) else {
            diagnostics.warn(.unknownRangeType, "\(file): \(path): range type '\(type.prefix(40))' is not understood; kept out of matching")
            return nil
        }
        let eventObjects = try objects(range, "events", at: "\(path).events", max: limits.maxEventsPerRange)
        guard !eventObjects.isEmpty else { throw fail("\(path).events", "is missing or empty") }
        var events: [AffectedRange.Event] = []
        for (i, event) in eventObjects.enumerated() {
            let field = "\(path).events[\(i)]"
            let known = ["introduced", "fixed", "last_affected", "limit"].filter { event[$0] != nil }
            guard known.count == 1, let key = known.first else {
                throw fail(field, known.isEmpty ? "has none of introduced, fixed, last_affected, limit" : "has several of \(known.joined(separator: ", "))")
            }
            guard let value = try string(event, key, at: "\(field).\(key)"), !value.isEmpty else { throw fail("\(field).\(key)", "is empty") }
            switch key {
            case "introduced": events.append(.introduced(value))
            case "fixed": events.append(.fixed(value))
            case "last_affected": events.append(.lastAffected(value))
            default: events.append(.limit(value))
            }
        }
        guard events.contains(where: { if case .introduced = $0 { return true }; return false }) else {
            throw fail("\(path).events", "has no 'introduced' event (OSV requires one)")
        }
        return AffectedRange(kind: kind, events: events)
    }

    /// Ubuntu lists `[{"binary_name": …, "binary_version": …}]`; older exports used plain names or a
    /// name → version map. All three give the binary package names.
    private func readBinaries(_ value: JSON?, at path: String) throws -> [String] {
        guard let value, !value.isNull else { return [] }
        var names: [String] = []
        switch value {
        case .array(let items):
            guard items.count <= limits.maxBinariesPerPackage else { throw fail(path, "has \(items.count) entries, more than the \(limits.maxBinariesPerPackage) accepted") }
            for (i, item) in items.enumerated() {
                if let s = item.string { names.append(s) }
                else if let o = item.object, let s = o["binary_name"]?.string ?? o["name"]?.string { names.append(s) }
                else { throw fail("\(path)[\(i)]", "is \(kindName(item)) without a binary_name") }
            }
        case .object(let map):
            guard map.count <= limits.maxBinariesPerPackage else { throw fail(path, "has \(map.count) entries, more than the \(limits.maxBinariesPerPackage) accepted") }
            names = map.keys
        default:
            throw fail(path, "is \(kindName(value)), expected an array of binary packages")
        }
        var seen = Set<String>()
        return names.filter { !$0.isEmpty && $0.utf8.count <= limits.maxIDBytes && seen.insert($0).inserted }
    }

    private func cvssKind(of vector: String) -> AdvisorySeverity.Kind? {
        if vector.hasPrefix("CVSS:4.") { return .cvssV4 }
        if vector.hasPrefix("CVSS:3.") { return .cvssV3 }
        if vector.hasPrefix("AV:") { return .cvssV2 }
        return nil
    }
}
