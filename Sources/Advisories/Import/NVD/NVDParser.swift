import Foundation
import JSON

/// Reads NVD CVE records in the CVE API 2.0 format (`https://services.nvd.nist.gov/rest/json/cves/2.0`
/// responses and the `nvdcve-2.0-*.json` feeds: `{"format": "NVD_CVE", "version": "2.0",
/// "vulnerabilities": [{"cve": {…}}]}`), and single records wrapped as `{"cve": {…}}` or as grype's
/// vunnel stores them, `{"identifier": …, "item": {"cve": {…}}}`.
///
/// Records are named `NVD-CVE-…` with the CVE as alias: advisory ids are unique in the store, and
/// osv.dev publishes records under bare CVE ids too, which an NVD import must not replace.
/// NVD is imported for its CVSS and its CPE applicability. Each entry of `metrics.cvssMetricV40`,
/// `V31`, `V30` and `V2` becomes a severity with its vector and `baseScore`, rated by `nvd` when NVD
/// marks it `Primary` and by the entry's own `source` (a CNA's address or id) when `Secondary`. The
/// vulnerable `configurations` entries become `cpeMatches` (see `NVDConfigurations` for how AND/OR
/// nodes are read), used only when a scan asks for CPE matching. The record keeps the English
/// description, dates and references; it affects no ecosystem package, and a `Rejected` record is
/// withdrawn as of its last modification.
public struct NVDParser: Sendable {
    public static let source = "nvd"
    /// A yearly 2.0 feed is up to a few hundred MB.
    public static let maximumBytes = 1 << 30

    static let metrics: [(key: String, kind: AdvisorySeverity.Kind)] = [
        ("cvssMetricV40", .cvssV4), ("cvssMetricV31", .cvssV3), ("cvssMetricV30", .cvssV3), ("cvssMetricV2", .cvssV2),
    ]

    public init() {}

    /// True for a 2.0 API/feed document (`"format": "NVD_CVE"`), a vunnel-wrapped record
    /// (`{"identifier": …, "item": {"cve": {`) or a bare `{"cve": {"id": "CVE-…`.
    public func detect(data: Data, path: String) -> Bool {
        // Bytes, not Characters: detect runs on every file of every feed (a Character filter here
        // cost more than half of importing all of ../shared/data/osv).
        let bytes = data.prefix(4096).filter { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        guard bytes.first == UInt8(ascii: "{") else { return false }
        let head = String(decoding: bytes, as: UTF8.self)
        return head.contains("\"NVD_CVE\"") || head.contains("\"item\":{\"cve\":{") || head.hasPrefix("{\"cve\":{\"id\":\"CVE-")
    }

    /// Strict: the first invalid record fails the whole document. Skipped CPE matches are dropped silently;
    /// `parse(data:path:diagnostics:)` reports them.
    public func parse(data: Data, path: String) throws -> [Advisory] {
        var warnings: [String] = []
        return try AdvisoryFeedError.attributing(format: Self.source, file: path) {
            try records(data) { json, at in try record(json, at: at, warnings: &warnings) }
        }
    }

    /// What the importer calls: a yearly feed holds tens of thousands of records, so an invalid one is
    /// counted in `diagnostics` and the rest kept; each skipped CPE match is a warning.
    public func parse(data: Data, path: String, diagnostics: inout ImportDiagnostics) throws -> [Advisory] {
        var found: [Advisory] = []
        var warnings: [String] = []
        var invalid: [String] = []
        try AdvisoryFeedError.attributing(format: Self.source, file: path) {
            _ = try records(data) { json, at -> Advisory? in
                do {
                    found.append(try record(json, at: at, warnings: &warnings))
                } catch let problem as FeedProblem {
                    invalid.append(problem.error(format: Self.source, file: path).description)
                } catch {
                    invalid.append("\(Self.source) \(path): \(at): \(error)")
                }
                return nil
            }
        }
        for w in warnings { diagnostics.warn(.other, "\(Self.source) \(path): \(w)") }
        for i in invalid { diagnostics.invalid(i) }
        return found
    }

    /// Hands each `cve` object of the document to `body` with its path.
    private func records<T>(_ data: Data, _ body: (JSON?, String) throws -> T?) throws -> [T] {
        let root = try FeedInput.json(data, limit: Self.maximumBytes)
        let top = try FeedInput.object(root, "(top level)")
        if let list = top["vulnerabilities"] {
            return try FeedInput.array(list, "vulnerabilities").enumerated().compactMap { i, item in
                try body(FeedInput.object(item, "vulnerabilities[\(i)]")["cve"], "vulnerabilities[\(i)].cve")
            }
        }
        if let item = top["item"] { return try [body(FeedInput.object(item, "item")["cve"], "item.cve")].compactMap { $0 } }
        if let cve = top["cve"] { return try [body(cve, "cve")].compactMap { $0 } }
        throw FeedProblem(nil, "has no 'vulnerabilities', 'item' or 'cve' member")
    }

    func record(_ json: JSON?, at: String, warnings: inout [String]) throws -> Advisory {
        let cve = try FeedInput.object(json, at)
        let id = try FeedInput.string(cve["id"], "\(at).id")
        guard FeedInput.isCVE(id) else { throw FeedProblem("\(at).id", "'\(id.prefix(40))' is not a CVE id") }
        let published = try timestamp(cve["published"], "\(at).published")
        let modified = try timestamp(cve["lastModified"], "\(at).lastModified")
        let status = try FeedInput.optionalString(cve["vulnStatus"], "\(at).vulnStatus")

        var details: String?
        if let descriptions = cve["descriptions"], !descriptions.isNull {
            for (i, d) in try FeedInput.array(descriptions, "\(at).descriptions").enumerated() {
                let entry = try FeedInput.object(d, "\(at).descriptions[\(i)]")
                if try FeedInput.optionalString(entry["lang"], "\(at).descriptions[\(i)].lang") == "en" {
                    details = try FeedInput.string(entry["value"], "\(at).descriptions[\(i)].value")
                    break
                }
            }
        }

        var severities: [AdvisorySeverity] = []
        if let metrics = cve["metrics"], !metrics.isNull {
            let all = try FeedInput.object(metrics, "\(at).metrics")
            for (key, kind) in Self.metrics {
                guard let list = all[key], !list.isNull else { continue }
                for (i, entry) in try FeedInput.array(list, "\(at).metrics.\(key)").enumerated() {
                    severities.append(try severity(entry, kind: kind, at: "\(at).metrics.\(key)[\(i)]"))
                }
            }
        }

        var references: [String] = []
        if let refs = cve["references"], !refs.isNull {
            for (i, r) in try FeedInput.array(refs, "\(at).references").enumerated() {
                let url = try FeedInput.string(FeedInput.object(r, "\(at).references[\(i)]")["url"], "\(at).references[\(i)].url")
                if !references.contains(url) { references.append(url) }
            }
        }
        // A configurations block NVD did not shape as documented costs the record its CPE matches, not its CVSS.
        var cpeMatches: [CPEMatchCriterion] = []
        do {
            let configurations = try NVDConfigurations(cve["configurations"], at: "\(at).configurations")
            cpeMatches = configurations.matches
            warnings += configurations.warnings.map { "\(id): \($0)" }
        } catch let problem as FeedProblem {
            warnings.append("\(id): \(problem.location ?? at): \(problem.reason); its CPE matches are skipped")
        }
        return Advisory(id: "NVD-\(id)", source: Self.source, aliases: [id], details: details, published: published, modified: modified,
                        withdrawn: status == "Rejected" ? (modified ?? published) : nil,
                        severities: severities, references: references, cpeMatches: cpeMatches)
    }

    func severity(_ json: JSON, kind: AdvisorySeverity.Kind, at: String) throws -> AdvisorySeverity {
        let entry = try FeedInput.object(json, at)
        let data = try FeedInput.object(entry["cvssData"], "\(at).cvssData")
        let vector = try FeedInput.string(data["vectorString"], "\(at).cvssData.vectorString")
        guard !vector.isEmpty, vector.count <= 400 else { throw FeedProblem("\(at).cvssData.vectorString", "is not a CVSS vector") }
        let score = try FeedInput.optionalNumber(data["baseScore"], "\(at).cvssData.baseScore")
        if let score, !(0...10).contains(score) { throw FeedProblem("\(at).cvssData.baseScore", "\(score) is not a score from 0 to 10") }
        let type = try FeedInput.optionalString(entry["type"], "\(at).type")
        let source = type == "Primary" ? Self.source : try FeedInput.optionalString(entry["source"], "\(at).source")
        return AdvisorySeverity(kind: kind, value: vector, source: source, score: score)
    }

    func timestamp(_ json: JSON?, _ at: String) throws -> Date? {
        guard let text = try FeedInput.optionalString(json, at) else { return nil }
        guard let date = FeedInput.timestamp(text) else { throw FeedProblem(at, "'\(text.prefix(40))' is not a time like 2024-04-12T08:15:06.230") }
        return date
    }
}
