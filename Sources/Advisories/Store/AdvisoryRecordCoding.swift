import Foundation
import JSON

/// The store keeps each advisory whole as compact JSON in vouch's own shape (not the source's), so
/// a lookup returns exactly what was imported.
///
/// Reading records back is the cost of every scan, so the layout favours that: affected packages,
/// ranges and severities are positional arrays rather than objects, range events a flat
/// `["i", "0", "f", "1.2.3"]` list, and consecutive affected packages that differ only in name
/// (a distribution advisory lists every binary RPM with the same fix) are written once with a list
/// of names. Dates are seconds since 2001 as a double, which round-trips a `Date` exactly.
enum AdvisoryRecordCoding {
    static func encode(_ a: Advisory) -> Data {
        var o = JSONObject()
        o["id"] = .string(a.id)
        o["source"] = .string(a.source)
        if !a.aliases.isEmpty { o["aliases"] = strings(a.aliases) }
        if let s = a.summary { o["summary"] = .string(s) }
        if let s = a.details { o["details"] = .string(s) }
        if let d = a.published { o["published"] = .double(d.timeIntervalSinceReferenceDate) }
        if let d = a.modified { o["modified"] = .double(d.timeIntervalSinceReferenceDate) }
        if let d = a.withdrawn { o["withdrawn"] = .double(d.timeIntervalSinceReferenceDate) }
        if !a.severities.isEmpty { o["severity"] = .array(a.severities.map(encode)) }
        if !a.affected.isEmpty { o["affected"] = encode(a.affected) }
        if !a.references.isEmpty { o["references"] = strings(a.references) }
        if !a.cpeMatches.isEmpty { o["cpe"] = .array(a.cpeMatches.map(encode)) }
        return JSON.object(o).serialized([])
    }

    private static func strings(_ list: [String]) -> JSON { .array(list.map(JSON.string)) }
    private static func optional(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }

    /// `[type, value, source, score]`
    private static func encode(_ s: AdvisorySeverity) -> JSON {
        .array([.string(s.kind.rawValue), .string(s.value), optional(s.source), s.score.map(JSON.double) ?? .null])
    }

    private static func encode(_ affected: [AffectedPackage]) -> JSON {
        var out: [JSON] = []
        var run: [AffectedPackage] = []
        func flush() {
            guard let head = run.first else { return }
            out.append(encode(head, names: run.count > 1 ? strings(run.map(\.name)) : .string(head.name)))
            run.removeAll(keepingCapacity: true)
        }
        for p in affected {
            if let head = run.first, !sameExceptName(head, p) { flush() }
            run.append(p)
        }
        flush()
        return .array(out)
    }

    private static func sameExceptName(_ a: AffectedPackage, _ b: AffectedPackage) -> Bool {
        var renamed = b
        renamed.name = a.name
        return a.purl == nil && a.binaries.isEmpty && renamed == a
    }

    /// `[ecosystem, name or [names], purl, ranges, versions, binaries, severities, resolution, constraints]`,
    /// each range `[type, events]`, constraints `[scheme, affected, patched, unaffected]`.
    private static func encode(_ p: AffectedPackage, names: JSON) -> JSON {
        let ranges = JSON.array(p.ranges.map { r in .array([.string(r.kind.rawValue), .array(r.events.flatMap(encode))]) })
        let constraints = p.versionConstraints.map { c -> JSON in
            .array([.string(c.scheme), strings(c.affected), strings(c.patched), strings(c.unaffected)])
        } ?? .null
        return .array([.string(p.ecosystem), names, optional(p.purl), ranges, strings(p.versions), strings(p.binaries),
                       .array(p.severities.map(encode)), optional(p.resolution?.rawValue), constraints])
    }

    /// `[criteria, matchCriteriaId, startIncluding, startExcluding, endIncluding, endExcluding, platforms]`
    private static func encode(_ m: CPEMatchCriterion) -> JSON {
        .array([.string(m.criteria), optional(m.matchCriteriaID), optional(m.versionStartIncluding), optional(m.versionStartExcluding),
                optional(m.versionEndIncluding), optional(m.versionEndExcluding), strings(m.platforms)])
    }

    private static func encode(_ e: AffectedRange.Event) -> [JSON] {
        switch e {
        case .introduced(let v): return ["i", .string(v)]
        case .fixed(let v): return ["f", .string(v)]
        case .lastAffected(let v): return ["l", .string(v)]
        case .limit(let v): return ["m", .string(v)]
        }
    }

    struct DecodeError: Error, CustomStringConvertible {
        let description: String
    }

    static func decode(_ data: Data) throws -> Advisory {
        let root = try JSON.parse(data)
        guard let id = root.string("id"), let source = root.string("source") else { throw DecodeError(description: "no id or source") }
        return Advisory(
            id: id, source: source, aliases: try strings(root["aliases"]),
            summary: root.string("summary"), details: root.string("details"),
            published: date(root["published"]), modified: date(root["modified"]), withdrawn: date(root["withdrawn"]),
            severities: try root.array("severity").map(severity), affected: try root.array("affected").flatMap(affected),
            references: try strings(root["references"]), cpeMatches: try root.array("cpe").map(cpeMatch))
    }

    private static func cpeMatch(_ j: JSON) throws -> CPEMatchCriterion {
        let items = j.array ?? []
        guard let criteria = field(items, 0)?.string else { throw DecodeError(description: "CPE match without criteria") }
        do {
            return try CPEMatchCriterion(criteria: criteria, matchCriteriaID: field(items, 1)?.string,
                                         versionStartIncluding: field(items, 2)?.string, versionStartExcluding: field(items, 3)?.string,
                                         versionEndIncluding: field(items, 4)?.string, versionEndExcluding: field(items, 5)?.string,
                                         platforms: try strings(field(items, 6)))
        } catch let e as DecodeError {
            throw e
        } catch {
            throw DecodeError(description: "\(error)")
        }
    }

    private static func date(_ value: JSON?) -> Date? {
        value?.double.map { Date(timeIntervalSinceReferenceDate: $0) }
    }

    private static func strings(_ value: JSON?) throws -> [String] {
        guard let value, !value.isNull else { return [] }
        guard let items = value.array else { throw DecodeError(description: "a list that is not an array") }
        return try items.map { item in
            guard let s = item.string else { throw DecodeError(description: "a list entry that is not text") }
            return s
        }
    }

    /// The item at `index`, nil when absent or null. (Not a ternary: `JSON` is
    /// `ExpressibleByNilLiteral`, so `cond ? item : nil` would yield `.null`, not nil.)
    private static func field(_ items: [JSON], _ index: Int) -> JSON? {
        guard index < items.count, !items[index].isNull else { return nil }
        return items[index]
    }

    private static func severity(_ j: JSON) throws -> AdvisorySeverity {
        let items = j.array ?? []
        guard let kind = field(items, 0)?.string.flatMap(AdvisorySeverity.Kind.init(rawValue:)), let value = field(items, 1)?.string else {
            throw DecodeError(description: "severity without a known type or value")
        }
        return AdvisorySeverity(kind: kind, value: value, source: field(items, 2)?.string, score: field(items, 3)?.double)
    }

    private static func affected(_ j: JSON) throws -> [AffectedPackage] {
        guard let items = j.array, let ecosystem = field(items, 0)?.string, let names = field(items, 1) else {
            throw DecodeError(description: "affected package without ecosystem or name")
        }
        let ranges = try (field(items, 3)?.array ?? []).map { r -> AffectedRange in
            guard let parts = r.array, let kind = field(parts, 0)?.string.flatMap(AffectedRange.Kind.init(rawValue:)) else {
                throw DecodeError(description: "range of unknown type")
            }
            return AffectedRange(kind: kind, events: try events(field(parts, 1)?.array ?? []))
        }
        let constraints = try field(items, 8).map { c -> VersionConstraints in
            let parts = c.array ?? []
            guard let scheme = field(parts, 0)?.string else { throw DecodeError(description: "version constraints without a scheme") }
            return VersionConstraints(scheme: scheme, affected: try strings(field(parts, 1)), patched: try strings(field(parts, 2)),
                                      unaffected: try strings(field(parts, 3)))
        }
        let package = AffectedPackage(ecosystem: ecosystem, name: names.string ?? "", purl: field(items, 2)?.string, ranges: ranges,
                                      versions: try strings(field(items, 4)), binaries: try strings(field(items, 5)),
                                      severities: try (field(items, 6)?.array ?? []).map(severity),
                                      resolution: field(items, 7)?.string.flatMap(AffectedPackage.Resolution.init(rawValue:)),
                                      versionConstraints: constraints)
        if names.string != nil { return [package] }
        return try strings(names).map { name in
            var p = package
            p.name = name
            return p
        }
    }

    private static func events(_ flat: [JSON]) throws -> [AffectedRange.Event] {
        guard flat.count % 2 == 0 else { throw DecodeError(description: "range events of odd length") }
        var out: [AffectedRange.Event] = []
        out.reserveCapacity(flat.count / 2)
        var i = 0
        while i < flat.count {
            guard let kind = flat[i].string, let v = flat[i + 1].string else { throw DecodeError(description: "range event that is not text") }
            switch kind {
            case "i": out.append(.introduced(v))
            case "f": out.append(.fixed(v))
            case "l": out.append(.lastAffected(v))
            case "m": out.append(.limit(v))
            default: throw DecodeError(description: "range event of unknown kind '\(kind)'")
            }
            i += 2
        }
        return out
    }
}
