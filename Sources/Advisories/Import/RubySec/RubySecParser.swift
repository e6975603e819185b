import Foundation
import Yams

/// Reads one ruby-advisory-db file, `gems/<gem>/<id>.yml` (the repository's README gives the schema):
///
/// ```
/// gem: actionpack
/// cve: 2020-8164
/// ghsa: 8727-m6gj-mc37
/// title: Possible Strong Parameters Bypass in ActionPack
/// date: 2020-05-18
/// cvss_v3: 7.5
/// unaffected_versions: ["< 4.0.0"]
/// patched_versions: ["~> 5.2.4, >= 5.2.4.3", ">= 6.0.3.1"]
/// ```
/// The advisory is named `RUBYSEC-<gem>-<file name>` (`RUBYSEC-actionpack-CVE-2020-8164`): the
/// database files the same CVE under several gems, and other sources use the bare CVE and GHSA
/// ids, which become aliases here. The affected `RubyGems` package's ranges are the versions
/// neither patched nor unaffected, as OSV `ECOSYSTEM` events: here `introduced 4.0.0, fixed
/// 5.2.4.3` and `introduced 5.3, fixed 6.0.3.1`. When that set has a start OSV cannot write
/// (just after a version, as `unaffected: "<= 1.0"` or `patched: "= 2.2.10"` gives), the
/// requirements are kept verbatim in `versionConstraints` instead, and matching evaluates them
/// (`VersionConstraintSet`). `cvss_v*` are scores without vectors: kept as such.
///
/// `rubies/<engine>/…` files describe Ruby interpreters, which no OSV ecosystem covers; `detect`
/// leaves them out and `parse` refuses them.
public struct RubySecParser: Sendable {
    public static let source = "rubysec"
    /// Real files are a few kilobytes.
    public static let maximumBytes = 4 << 20
    public static let maximumEntries = 100_000

    public init() {}

    /// True for `…/gems/<gem>/<name>.yml` whose text names its `gem:`.
    public func detect(data: Data, path: String) -> Bool {
        let dirs = FeedInput.directories(path)
        guard dirs.count >= 2, dirs[dirs.count - 2] == "gems", path.hasSuffix(".yml") || path.hasSuffix(".yaml") else { return false }
        return FeedInput.head(data, bytes: 1024).contains("gem:")
    }

    public func parse(data: Data, path: String) throws -> [Advisory] {
        try AdvisoryFeedError.attributing(format: Self.source, file: path) {
            let root = try FeedYAML.mapping(FeedYAML.compose(FeedInput.text(data, limit: Self.maximumBytes)), "(top level)")
            return [try advisory(root, stem: FeedInput.stem(path))]
        }
    }

    func advisory(_ root: Node.Mapping, stem: String) throws -> Advisory {
        guard let gemNode = root["gem"] else {
            if root["engine"] != nil { throw FeedProblem("engine", "describes a Ruby interpreter, not a gem: no OSV ecosystem covers it") }
            throw FeedProblem("gem", "is missing")
        }
        let gem = try FeedYAML.scalar(gemNode, "gem")
        guard Self.isGemName(gem) else { throw FeedProblem("gem", "'\(gem.prefix(60))' is not a gem name") }
        guard !stem.isEmpty, stem.count <= 100, !stem.contains(where: \.isWhitespace) else { throw FeedProblem(nil, "file name '\(stem.prefix(60))' cannot name an advisory") }
        let budget = FeedYAML.Budget(Self.maximumEntries)

        var aliases: [String] = []
        func alias(_ key: String, _ prefix: String) throws {
            guard let node = FeedYAML.optional(root[key]) else { return }
            let raw = try FeedYAML.scalar(node, key).trimmingCharacters(in: .whitespaces)
            let id = raw.uppercased().hasPrefix(prefix) ? raw : prefix + raw
            guard id.count <= 60, id.dropFirst(prefix.count).allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }),
                  !id.dropFirst(prefix.count).isEmpty else { throw FeedProblem(key, "'\(raw.prefix(60))' is not an id") }
            if !aliases.contains(id) { aliases.append(id) }
        }
        try alias("cve", "CVE-")
        try alias("ghsa", "GHSA-")
        try alias("osvdb", "OSVDB-")

        var severities: [AdvisorySeverity] = []
        for (key, kind) in [("cvss_v4", AdvisorySeverity.Kind.cvssV4), ("cvss_v3", .cvssV3), ("cvss_v2", .cvssV2)] {
            guard let node = FeedYAML.optional(root[key]) else { continue }
            let text = try FeedYAML.scalar(node, key)
            guard let score = Double(text), score >= 0, score <= 10 else { throw FeedProblem(key, "'\(text.prefix(40))' is not a score from 0 to 10") }
            severities.append(AdvisorySeverity(kind: kind, value: text, source: Self.source, score: score))
        }

        let patched = try requirements(root, "patched_versions", budget)
        let unaffected = try requirements(root, "unaffected_versions", budget)
        var affected = AffectedPackage(ecosystem: "RubyGems", name: gem, purl: "pkg:gem/\(gem)")
        var safe = VersionIntervals.nothing
        for (field, list) in [("patched_versions", patched), ("unaffected_versions", unaffected)] {
            for (i, requirement) in list.enumerated() {
                do {
                    safe = try safe.union(RubySecRequirement.versions(requirement), compare: RubySecRequirement.compare)
                } catch let e as RubySecRequirement.Invalid {
                    throw FeedProblem("\(field)[\(i)]", e.reason)
                } catch let e as VersionError {
                    throw FeedProblem("\(field)[\(i)]", "\(e)")
                }
            }
        }
        if let ranges = safe.complement().osvRanges(kind: .ecosystem) {
            affected.ranges = ranges
        } else {
            affected.versionConstraints = VersionConstraints(scheme: "RubyGems", patched: patched, unaffected: unaffected)
        }

        var references: [String] = []
        if let url = FeedYAML.optional(root["url"]) { references.append(try FeedYAML.scalar(url, "url")) }
        if let related = FeedYAML.optional(root["related"]), let urls = FeedYAML.optional(try FeedYAML.mapping(related, "related")["url"]) {
            for (i, node) in try FeedYAML.sequence(urls, "related.url").enumerated() {
                try budget.spend(at: "related.url")
                let url = try FeedYAML.scalar(node, "related.url[\(i)]")
                if !references.contains(url) { references.append(url) }
            }
        }
        let date = try FeedYAML.optional(root["date"]).map { try FeedYAML.scalar($0, "date") }
        let published = try date.map { text -> Date in
            guard let d = FeedInput.day(text) else { throw FeedProblem("date", "'\(text.prefix(40))' is not a date like 2020-05-18") }
            return d
        }
        return Advisory(id: "RUBYSEC-\(gem)-\(stem)", source: Self.source, aliases: aliases,
                        summary: try text(root, "title"), details: try text(root, "description"), published: published,
                        severities: severities, affected: [affected], references: references)
    }

    func requirements(_ root: Node.Mapping, _ key: String, _ budget: FeedYAML.Budget) throws -> [String] {
        guard let node = FeedYAML.optional(root[key]) else { return [] }
        return try FeedYAML.sequence(node, key).enumerated().map { i, item in
            try budget.spend(at: key)
            return try FeedYAML.scalar(item, "\(key)[\(i)]").trimmingCharacters(in: .whitespaces)
        }
    }

    func text(_ root: Node.Mapping, _ key: String) throws -> String? {
        guard let node = FeedYAML.optional(root[key]) else { return nil }
        let s = try FeedYAML.scalar(node, key).trimmingCharacters(in: .whitespacesAndNewlines)
        return s.isEmpty ? nil : s
    }

    /// rubygems.org names: letters, digits, `_ - .`.
    static func isGemName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 200 && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }
    }
}
