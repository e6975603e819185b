import Foundation
import Yams

/// Reads Alpine's security database (`secdb.alpinelinux.org/<release>/<repo>.json`, and the older
/// alpine-secdb repository's `v3.x/main.yaml`, which is the same document in YAML):
///
/// ```
/// distroversion: v3.11
/// reponame: main
/// packages:
///   - pkg:
///       name: ansible
///       secfixes:
///         2.9.3-r0:
///           - CVE-2019-14904
///         0:
///           - CVE-2016-0682        # "0": this release's package was never affected
/// ```
/// Records are named and shaped as osv.dev's Alpine converter writes them: one advisory per CVE
/// (`ALPINE-CVE-2019-14904`, the CVE as alias), an affected entry per package and release
/// (`Alpine:v3.11`, purl `pkg:apk/alpine/<name>?arch=source`) with a range `introduced 0, fixed
/// <version>` for each version that lists it. Entries without a CVE (`XSA-207`) are named after
/// their first id. Other ids written next to CVEs (`CVE-2017-5753 CVE-2017-5715 XSA-254`) are not
/// kept as aliases: one such id often covers several CVEs, and sharing it would merge them.
///
/// One file describes one release and repository, so the same advisory comes out of several
/// files: `parse(files:)` or `merge(_:)` joins them.
public struct AlpineSecDBParser: Sendable {
    public static let source = "alpine-secdb"
    /// A real secdb file is well under 1 MB.
    public static let maximumBytes = 16 << 20
    /// Packages, versions and ids one file may hold (the largest real file has about 2,000).
    public static let maximumEntries = 200_000

    public init() {}

    /// True for a YAML or JSON document that names a `distroversion` and lists `packages` near its start.
    public func detect(data: Data, path: String) -> Bool {
        let head = FeedInput.head(data, bytes: 2048)
        return head.contains("distroversion") && head.contains("packages") && (head.contains("reponame") || head.contains("secfixes"))
    }

    public func parse(data: Data, path: String) throws -> [Advisory] {
        try AdvisoryFeedError.attributing(format: Self.source, file: path) {
            try parse(node: FeedYAML.compose(FeedInput.text(data, limit: Self.maximumBytes)))
        }
    }

    /// Several secdb files (releases, repositories) at once, each advisory merged across them.
    public func parse(files: [(data: Data, path: String)]) throws -> [Advisory] {
        try Self.merge(files.flatMap { try parse(data: $0.data, path: $0.path) })
    }

    /// Joins advisories with the same id (from different secdb files) into one, by id.
    public static func merge(_ advisories: [Advisory]) -> [Advisory] {
        var byID: [String: Advisory] = [:]
        for a in advisories {
            guard var existing = byID[a.id] else { byID[a.id] = a; continue }
            for alias in a.aliases where !existing.aliases.contains(alias) { existing.aliases.append(alias) }
            for r in a.references where !existing.references.contains(r) { existing.references.append(r) }
            existing.affected += a.affected
            byID[a.id] = existing
        }
        return byID.keys.sorted().compactMap { id in
            guard var a = byID[id] else { return nil }
            a.affected.sort(by: AlpineSecDBParser.affectedOrder)
            return a
        }
    }

    func parse(node: Node) throws -> [Advisory] {
        let root = try FeedYAML.mapping(node, "(top level)")
        let release = try FeedYAML.scalar(root["distroversion"], "distroversion")
        guard Self.isRelease(release) else { throw FeedProblem("distroversion", "'\(release.prefix(40))' is not an Alpine release like v3.11") }
        let budget = FeedYAML.Budget(Self.maximumEntries)
        var entries: [String: AlpineFixes] = [:]
        guard let packages = FeedYAML.optional(root["packages"]) else { return [] }
        for (index, item) in try FeedYAML.sequence(packages, "packages").enumerated() {
            let at = "packages[\(index)]"
            try budget.spend(at: at)
            let pkg = try FeedYAML.mapping(FeedYAML.mapping(item, at)["pkg"], "\(at).pkg")
            let name = try FeedYAML.scalar(pkg["name"], "\(at).pkg.name")
            guard Self.isPackageName(name) else { throw FeedProblem("\(at).pkg.name", "'\(name.prefix(60))' is not an Alpine package name") }
            guard let secfixes = FeedYAML.optional(pkg["secfixes"]) else { continue }
            for (key, ids) in try FeedYAML.mapping(secfixes, "\(at).pkg.secfixes") {
                let version = try FeedYAML.scalar(key, "\(at).pkg.secfixes")
                let here = "\(at).pkg.secfixes.\(version.prefix(40))"
                guard !version.isEmpty, version.count <= 100, !version.contains(where: \.isWhitespace) else {
                    throw FeedProblem(here, "is not a version")
                }
                guard let ids = FeedYAML.optional(ids) else { continue }
                for (n, entry) in try FeedYAML.sequence(ids, here).enumerated() {
                    try budget.spend(at: here)
                    let text = try FeedYAML.scalar(entry, "\(here)[\(n)]")
                    guard let issue = AlpineIssue(text) else { throw FeedProblem("\(here)[\(n)]", "no advisory id in '\(text.prefix(60))'") }
                    for primary in issue.primaries {
                        entries["ALPINE-\(primary)", default: AlpineFixes(primary: primary)].add(package: name, version: version)
                    }
                }
            }
        }
        let ecosystem = "Alpine:\(release)"
        return entries.keys.sorted().compactMap { id in entries[id].map { $0.advisory(id: id, ecosystem: ecosystem) } }
    }

    /// `v3.11`, `v3.20`, or `edge`.
    static func isRelease(_ s: String) -> Bool {
        if s == "edge" { return true }
        let parts = s.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        return s.hasPrefix("v") && parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isNumber) }
    }

    static func isPackageName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 200 && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.+-".contains($0)) }
    }

    static func affectedOrder(_ a: AffectedPackage, _ b: AffectedPackage) -> Bool {
        if a.name != b.name { return a.name < b.name }
        return releaseKey(a.ecosystem).lexicographicallyPrecedes(releaseKey(b.ecosystem))
    }

    /// `Alpine:v3.9` → [3, 9]; edge sorts last.
    static func releaseKey(_ ecosystem: String) -> [Int] {
        guard let v = ecosystem.split(separator: ":").last, v.hasPrefix("v") else { return [Int.max] }
        return v.dropFirst().split(separator: ".").map { Int($0) ?? Int.max }
    }
}

/// The fixes one file lists for one advisory: versions per package, in file order.
struct AlpineFixes {
    let primary: String
    var versions: [(package: String, versions: [String])] = []
    private var index: [String: Int] = [:]
    private var seen = Set<[String]>()

    init(primary: String) { self.primary = primary }

    mutating func add(package: String, version: String) {
        guard seen.insert([package, version]).inserted else { return }
        if let i = index[package] {
            versions[i].versions.append(version)
        } else {
            index[package] = versions.count
            versions.append((package, [version]))
        }
    }

    func advisory(id: String, ecosystem: String) -> Advisory {
        let affected = versions.sorted { $0.package < $1.package }.map { entry -> AffectedPackage in
            // "0" says the package in this release was never affected; a real fix elsewhere wins.
            let fixes = entry.versions.filter { $0 != "0" }
            var a = AffectedPackage(ecosystem: ecosystem, name: entry.package, purl: "pkg:apk/alpine/\(entry.package)?arch=source")
            if fixes.isEmpty {
                a.resolution = .notAffected
            } else {
                a.ranges = fixes.map { AffectedRange(kind: .ecosystem, events: [.introduced("0"), .fixed($0)]) }
            }
            return a
        }
        let references = FeedInput.isCVE(primary) ? ["https://security.alpinelinux.org/vuln/\(primary)"] : []
        return Advisory(id: id, source: AlpineSecDBParser.source, aliases: [primary], affected: affected, references: references)
    }
}

/// The ids in one secfixes entry: `CVE-2019-14904`, `CVE-2016-6258 XSA-182`, `XSA-207`,
/// `CVE-2018-10103 (SMB - partially fixed…)`, `CVE_2019-2426`, `CVE-????-?????  XSA-295`.
struct AlpineIssue {
    /// Each CVE, or else the first other id: one advisory each.
    let primaries: [String]

    init?(_ text: String) {
        var plain = ""
        var depth = 0
        for c in text {
            if c == "(" { depth += 1 } else if c == ")" { depth = max(0, depth - 1) } else if depth == 0 { plain.append(c) }
        }
        let cves = FeedInput.cveIDs(in: plain)
        let others = plain.split(whereSeparator: \.isWhitespace).map(String.init).filter(AlpineIssue.isOtherID)
        if !cves.isEmpty {
            primaries = cves
        } else if let first = others.first {
            primaries = [first]
        } else {
            return nil
        }
    }

    /// `XSA-182`, `TALOS-2019-0844`, `wnpa-sec-2017-18`, `ZBX-11023`: letters, then dash-separated parts with a number.
    static func isOtherID(_ token: String) -> Bool {
        let parts = token.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 2, token.count <= 60, !token.uppercased().hasPrefix("CVE"),
              let first = parts.first, first.first?.isLetter == true else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
            && parts.dropFirst().contains { $0.allSatisfy(\.isNumber) }
    }
}
