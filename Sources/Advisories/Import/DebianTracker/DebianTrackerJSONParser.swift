import Foundation
import JSON

/// Reads the Debian security tracker's JSON export (`https://security-tracker.debian.org/tracker/data/json`),
/// whose shape `bin/tracker_service.py` (`_get_json`) defines:
///
/// ```
/// {"<source package>": {"CVE-2022-0456": {"description": "…", "debianbug": 1004563, "scope": "remote",
///    "releases": {"bullseye": {"status": "resolved", "repositories": {"bullseye": "…"},
///                              "fixed_version": "98.0.4758.80-1~deb11u1", "urgency": "not yet assigned",
///                              "nodsa": "…", "nodsa_reason": "postponed"}}}}}
/// ```
/// One advisory per issue, named as osv.dev names Debian tracker records (`DEBIAN-CVE-2022-0456`,
/// the CVE as alias), with one affected source package per package and release:
/// - `resolved` with a version: `introduced 0, fixed <version>`; with `0`: never affected.
/// - `open`: `introduced 0` (no fix); won't-fix when the urgency is `end-of-life` or the issue is
///   `nodsa` (minor, no advisory) unless its reason is `postponed` (a fix is still planned).
/// - `undetermined`: left out, as grype's vunnel does: Debian has not decided whether it applies.
/// The urgency becomes that entry's `debian` rating (see `DebianUrgency`).
public struct DebianTrackerJSONParser: Sendable {
    public static let source = "debian-tracker"
    /// The full export is about 70 MB; a tree of it costs several times that in memory.
    public static let maximumBytes = 512 << 20

    public let releases: DebianReleases

    public init(releases: DebianReleases = .known) { self.releases = releases }

    /// True for JSON whose first member is a package holding an issue (`{"pkg": {"CVE-…": {` or `TEMP-`).
    public func detect(data: Data, path: String) -> Bool {
        let head = FeedInput.head(data, bytes: 1024).drop(while: \.isWhitespace)
        guard head.first == "{" else { return false }
        var rest = head.dropFirst().drop(while: \.isWhitespace)
        guard rest.first == "\"", let end = rest.dropFirst().firstIndex(of: "\"") else { return false }
        rest = rest[rest.index(after: end)...].drop(while: \.isWhitespace)
        guard rest.first == ":" else { return false }
        rest = rest.dropFirst().drop(while: \.isWhitespace)
        guard rest.first == "{" else { return false }
        rest = rest.dropFirst().drop(while: \.isWhitespace)
        return rest.hasPrefix("\"CVE-") || rest.hasPrefix("\"TEMP-")
    }

    public func parse(data: Data, path: String) throws -> [Advisory] {
        try AdvisoryFeedError.attributing(format: Self.source, file: path) {
            try parse(json: FeedInput.json(data, limit: Self.maximumBytes))
        }
    }

    func parse(json: JSON) throws -> [Advisory] {
        var byIssue: [String: Advisory] = [:]
        for (package, issues) in try FeedInput.object(json, "(top level)") {
            guard DebianSecurityListParser.isSourcePackageName(package) else {
                throw FeedProblem(quoted(package), "is not a Debian source package name")
            }
            for (issue, record) in try FeedInput.object(issues, quoted(package)) {
                let at = "\(quoted(package)).\(quoted(issue))"
                guard FeedInput.isCVE(issue) || Self.isTemporaryID(issue) else { throw FeedProblem(at, "is not a CVE or TEMP id") }
                let fields = try FeedInput.object(record, at)
                let entries = try affected(package: package, releases: fields["releases"], at: "\(at).releases")
                guard !entries.isEmpty else { continue }
                var advisory = try byIssue[issue] ?? advisory(issue: issue, fields: fields, at: at)
                advisory.affected += entries
                byIssue[issue] = advisory
            }
        }
        return byIssue.keys.sorted().compactMap { key in
            guard var a = byIssue[key] else { return nil }
            a.affected.sort { ($0.name, releases.rank(ofEcosystem: $0.ecosystem)) < ($1.name, releases.rank(ofEcosystem: $1.ecosystem)) }
            return a
        }
    }

    func advisory(issue: String, fields: JSONObject, at: String) throws -> Advisory {
        var references = ["https://security-tracker.debian.org/tracker/\(issue)"]
        if let bug = fields["debianbug"], !bug.isNull {
            guard let number = bug.int, number > 0 else { throw FeedProblem("\(at).debianbug", "expected a bug number, found \(FeedInput.kind(bug))") }
            references.append("https://bugs.debian.org/\(number)")
        }
        let description = try FeedInput.optionalString(fields["description"], "\(at).description")
        return Advisory(id: "DEBIAN-\(issue)", source: Self.source, aliases: FeedInput.isCVE(issue) ? [issue] : [],
                        details: description.flatMap { $0.isEmpty ? nil : $0 }, references: references)
    }

    func affected(package: String, releases field: JSON?, at: String) throws -> [AffectedPackage] {
        // The export writes `"releases": []` for an issue with no release data.
        if let list = field?.array, list.isEmpty { return [] }
        var out: [AffectedPackage] = []
        for (codename, value) in try FeedInput.object(field, at) {
            let here = "\(at).\(quoted(codename))"
            guard let ecosystem = releases.ecosystem(of: codename) else { throw FeedProblem(here, "unknown Debian release") }
            let release = try FeedInput.object(value, here)
            let status = try FeedInput.string(release["status"], "\(here).status")
            let fixed = try FeedInput.optionalString(release["fixed_version"], "\(here).fixed_version")
            let urgency = try FeedInput.optionalString(release["urgency"], "\(here).urgency") ?? ""
            let nodsa = try FeedInput.optionalString(release["nodsa"], "\(here).nodsa")
            let nodsaReason = try FeedInput.optionalString(release["nodsa_reason"], "\(here).nodsa_reason") ?? ""
            var entry = AffectedPackage(ecosystem: ecosystem, name: package, severities: DebianUrgency.rating(urgency).map { [$0] } ?? [])
            switch status {
            case "resolved":
                // Resolved without a version (or with "0") means the release's package was never vulnerable.
                if let fixed, !fixed.isEmpty, fixed != "0" {
                    guard DebianSecurityListParser.isVersion(fixed) else { throw FeedProblem("\(here).fixed_version", "'\(fixed.prefix(60))' is not a Debian version") }
                    entry.ranges = [AffectedRange(kind: .ecosystem, events: [.introduced("0"), .fixed(fixed)])]
                } else {
                    entry.resolution = .notAffected
                }
            case "open":
                entry.ranges = [AffectedRange(kind: .ecosystem, events: [.introduced("0")])]
                let endOfLife = urgency.trimmingCharacters(in: .whitespaces) == "end-of-life"
                if endOfLife || (nodsa != nil && nodsaReason != "postponed") { entry.resolution = .willNotFix }
            case "undetermined":
                continue
            default:
                throw FeedProblem("\(here).status", "unknown status '\(status.prefix(40))'")
            }
            out.append(entry)
        }
        return out
    }

    /// The tracker's ids for issues without a CVE: `TEMP-0000000-2FC21E`.
    static func isTemporaryID(_ s: String) -> Bool {
        s.hasPrefix("TEMP-") && s.count <= 40 && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }

    private func quoted(_ key: String) -> String { "\"\(key.prefix(80))\"" }
}
