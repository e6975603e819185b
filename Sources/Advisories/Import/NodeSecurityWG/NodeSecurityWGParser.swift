import Foundation
import JSON

/// Reads one Node.js security-wg advisory (`vuln/npm/<n>.json` for npm modules, `vuln/core/<n>.json`
/// for Node.js itself), named as the working group's README says: `NSWG-ECO-<n>` and `NSWG-COR-<n>`.
///
/// npm: `module_name`, `vulnerable_versions` and `patched_versions` (node-semver ranges), `cves`,
/// `cvss_vector`/`cvss_score`, `title`, `overview`, `publish_date`, `updated_at`, `references`.
/// Core: `cve`, `vulnerable` and `patched` (`18.x || 20.x` and `^18.20.1 || ^20.12.1`), `description`,
/// `overview`, `severity`, `affectedEnvironments`, `ref`, sometimes `cvss`/`cvss_score`.
///
/// The affected versions are those the vulnerable range names and the patched range does not
/// (core lists whole release lines as vulnerable, so only the difference is right), written as
/// OSV `SEMVER` ranges. npm advisories affect the `npm` package; core ones affect the Node.js
/// runtime, which no OSV ecosystem names: they use ecosystem `Node.js`, package `node`, purl
/// `pkg:generic/node` (syft's name for the binary), so they can never match the npm package `node`.
/// Core advisories limited to platforms other than Linux (`affectedEnvironments: ["win32"]`) keep
/// no affected entry: vouch scans Linux images.
public struct NodeSecurityWGParser: Sendable {
    public static let source = "nodejs-security-wg"
    public static let coreEcosystem = "Node.js"
    public static let maximumBytes = 1 << 20

    public init() {}

    /// True for `…/vuln/npm/<n>.json` and `…/vuln/core/<n>.json` (not their `index.json`).
    public func detect(data: Data, path: String) -> Bool {
        kind(path: path) != nil && FeedInput.head(data, bytes: 16).contains("{")
    }

    enum Kind { case npm, core }

    func kind(path: String) -> Kind? {
        let dirs = FeedInput.directories(path)
        guard path.hasSuffix(".json"), dirs.count >= 2, dirs[dirs.count - 2] == "vuln",
              let n = UInt(FeedInput.stem(path)), n > 0 else { return nil }
        switch dirs[dirs.count - 1] {
        case "npm": return .npm
        case "core": return .core
        default: return nil
        }
    }

    public func parse(data: Data, path: String) throws -> [Advisory] {
        try AdvisoryFeedError.attributing(format: Self.source, file: path) {
            let root = try FeedInput.object(FeedInput.json(data, limit: Self.maximumBytes), "(top level)")
            let number = FeedInput.stem(path)
            switch kind(path: path) ?? (root["module_name"] != nil ? .npm : .core) {
            case .npm: return [try npm(root, number: number)]
            case .core: return [try core(root, number: number)]
            }
        }
    }

    func npm(_ root: JSONObject, number: String) throws -> Advisory {
        let recordID = try FeedInput.optionalNumber(root["id"], "id").flatMap { UInt(exactly: $0) }
        guard let id = (UInt(number) ?? recordID).map(String.init) else {
            throw FeedProblem("id", "no advisory number in the file name or the record")
        }
        let module = try FeedInput.string(root["module_name"], "module_name")
        guard Self.isNpmName(module) else { throw FeedProblem("module_name", "'\(module.prefix(60))' is not an npm package name") }
        let purlName = module.hasPrefix("@") ? "%40" + module.dropFirst() : module
        var affected = AffectedPackage(ecosystem: "npm", name: module, purl: "pkg:npm/\(purlName)")
        affected.ranges = try ranges(vulnerable: try FeedInput.string(root["vulnerable_versions"], "vulnerable_versions"),
                                     patched: try FeedInput.optionalString(root["patched_versions"], "patched_versions"),
                                     fields: ("vulnerable_versions", "patched_versions"))
        var severities: [AdvisorySeverity] = []
        if let vector = try FeedInput.optionalString(root["cvss_vector"], "cvss_vector"), !vector.isEmpty {
            severities.append(try cvss(vector, score: FeedInput.optionalNumber(root["cvss_score"], "cvss_score"), field: "cvss_vector"))
        }
        return Advisory(id: "NSWG-ECO-\(id)", source: Self.source,
                        aliases: try FeedInput.optionalStrings(root["cves"], "cves").flatMap(FeedInput.cveIDs(in:)),
                        summary: try text(root, "title"), details: try text(root, "overview"),
                        published: try date(root, "publish_date"), modified: try date(root, "updated_at"),
                        severities: severities, affected: [affected],
                        references: try FeedInput.optionalStrings(root["references"], "references"))
    }

    func core(_ root: JSONObject, number: String) throws -> Advisory {
        guard UInt(number) != nil else { throw FeedProblem(nil, "file name '\(number.prefix(40))' is not an advisory number") }
        var severities: [AdvisorySeverity] = []
        if let word = try FeedInput.optionalString(root["severity"], "severity")?.lowercased(),
           ["low", "medium", "high", "critical"].contains(word) {
            severities.append(AdvisorySeverity(kind: .rating, value: word, source: Self.source))
        }
        if let vector = try FeedInput.optionalString(root["cvss"], "cvss"), !vector.isEmpty {
            // Two records write `3.0/AV:N/…` without the `CVSS:` prefix.
            let full = vector.hasPrefix("CVSS:") || vector.hasPrefix("AV:") ? vector : "CVSS:" + vector
            severities.append(try cvss(full, score: FeedInput.optionalNumber(root["cvss_score"], "cvss_score"), field: "cvss"))
        }
        let environments = try FeedInput.optionalStrings(root["affectedEnvironments"], "affectedEnvironments")
        var affected: [AffectedPackage] = []
        if environments.isEmpty || environments.contains(where: { ["all", "linux"].contains($0.lowercased()) }) {
            var entry = AffectedPackage(ecosystem: Self.coreEcosystem, name: "node", purl: "pkg:generic/node")
            entry.ranges = try ranges(vulnerable: try FeedInput.string(root["vulnerable"], "vulnerable"),
                                      patched: try FeedInput.optionalString(root["patched"], "patched"), fields: ("vulnerable", "patched"))
            affected.append(entry)
        }
        let references = try FeedInput.optionalString(root["ref"], "ref").map { [$0] } ?? []
        return Advisory(id: "NSWG-COR-\(number)", source: Self.source,
                        aliases: try FeedInput.optionalStrings(root["cve"], "cve").flatMap(FeedInput.cveIDs(in:)),
                        summary: try text(root, "description"), details: try text(root, "overview"),
                        published: try date(root, "publish_date"), severities: severities, affected: affected, references: references)
    }

    /// Vulnerable minus patched, as SEMVER ranges.
    func ranges(vulnerable: String, patched: String?, fields: (String, String)) throws -> [AffectedRange] {
        func read(_ text: String, _ field: String) throws -> VersionIntervals {
            do { return try NpmRange.versions(text) } catch let e as NpmRange.Invalid {
                throw FeedProblem(field, "'\(text.prefix(60))': \(e.reason)")
            } catch let e as VersionError {
                throw FeedProblem(field, "\(e)")
            }
        }
        var set = try read(vulnerable, fields.0)
        var fixes = VersionIntervals.nothing
        if let patched, !patched.trimmingCharacters(in: .whitespaces).isEmpty {
            fixes = try read(patched, fields.1)
            set = try set.subtracting(fixes, compare: NpmRange.compare)
        }
        // `2.1.x` ends below `2.2.0-0`, before the pre-releases of 2.2.0. When 2.2.0 is patched, that
        // end is the fix 2.2.0; when 2.2.0 is vulnerable too, the two lines are one range.
        let whole = set
        set = try set.mapIntervals(compare: NpmRange.compare) { interval in
            guard let upper = interval.upper, !upper.inclusive, upper.version.hasSuffix("-0") else { return interval }
            let release = String(upper.version.dropLast(2))
            guard try fixes.contains(release, compare: NpmRange.compare) || whole.contains(release, compare: NpmRange.compare) else { return interval }
            var changed = interval
            changed.upper = VersionIntervals.Bound(version: release, inclusive: false)
            return changed
        }
        // SemVer always has a next version, so every interval can be written as events.
        return set.osvRanges(kind: .semver, successor: NpmRange.successor) ?? []
    }

    func cvss(_ vector: String, score: Double?, field: String) throws -> AdvisorySeverity {
        let kind: AdvisorySeverity.Kind
        if vector.hasPrefix("CVSS:3.") { kind = .cvssV3 } else if vector.hasPrefix("CVSS:4.") { kind = .cvssV4 } else if vector.hasPrefix("AV:") { kind = .cvssV2 } else {
            throw FeedProblem(field, "'\(vector.prefix(60))' is not a CVSS vector")
        }
        if let score, !(0...10).contains(score) { throw FeedProblem("cvss_score", "\(score) is not a score from 0 to 10") }
        return AdvisorySeverity(kind: kind, value: vector, source: Self.source, score: score)
    }

    func text(_ root: JSONObject, _ key: String) throws -> String? {
        let s = try FeedInput.optionalString(root[key], key)?.trimmingCharacters(in: .whitespacesAndNewlines)
        return s?.isEmpty == false ? s : nil
    }

    func date(_ root: JSONObject, _ key: String) throws -> Date? {
        // Four npm records write `1970-01-01` for a date nobody recorded.
        guard let s = try FeedInput.optionalString(root[key], key), !s.isEmpty, s != "1970-01-01" else { return nil }
        guard let d = FeedInput.day(s) else { throw FeedProblem(key, "'\(s.prefix(40))' is not a date like 2015-10-17") }
        return d
    }

    /// npm names, old ones included: letters, digits, `- . _ ~`, an optional `@scope/`.
    static func isNpmName(_ s: String) -> Bool {
        let parts = s.hasPrefix("@") ? s.dropFirst().split(separator: "/", omittingEmptySubsequences: false) : [Substring(s)]
        guard !s.isEmpty, s.count <= 214, (1...2).contains(parts.count), s.hasPrefix("@") == (parts.count == 2) else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._~".contains($0)) } }
    }
}
