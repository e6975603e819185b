import Foundation
import JSON

/// Reads an NVD record's `configurations` into the vulnerable CPE matches vouch can match a package by.
///
/// A configuration is a list of nodes combined by its `operator` (`AND`, else OR); a node is a list
/// of `cpeMatch` entries combined by the node's `operator`, possibly `negate`d. Only entries with
/// `vulnerable: true` are kept, and only where they stand on their own:
///
/// - An OR configuration (or one without operator): every vulnerable entry of every OR node is a
///   match by itself.
/// - An AND configuration (NVD's "running on/with"): the vulnerable entries of its one node with
///   vulnerable entries are kept only when every other node is a *platform condition*: not negated,
///   and only non-vulnerable `o:` or `h:` names (`openssl` AND `o:microsoft:windows`, or firmware
///   AND its `h:` device). vouch cannot tell whether an image runs on that platform, so the match
///   stands and carries the platform names for reports. Anything else (two vulnerable nodes that must
///   hold together, a non-vulnerable *application* condition, a negated node) is left out: such a
///   CVE needs a combination vouch cannot see, and matching one half alone would be a false positive.
/// - An AND node is read the same way among its own entries; a negated node or configuration yields nothing.
///
/// Malformed criteria strings or version bounds skip that entry (with a warning); the rest of the
/// record is kept.
struct NVDConfigurations {
    private(set) var matches: [CPEMatchCriterion] = []
    /// One line per entry skipped as unusable (malformed CPE or bound).
    private(set) var warnings: [String] = []
    /// Vulnerable entries left out because their configuration needs a condition vouch does not evaluate.
    private(set) var conditional = 0

    /// Most `cpeMatch` entries one record may have (the largest real ones have a few thousand).
    static let maximumEntries = 50_000

    private struct Entry {
        let vulnerable: Bool
        let criteria: String
        let json: JSONObject
        let at: String
    }

    private struct Node {
        let and: Bool
        let negate: Bool
        let entries: [Entry]
        var hasVulnerable: Bool { entries.contains(where: \.vulnerable) }
    }

    /// Throws `FeedProblem` when `configurations` is not shaped as NVD documents it.
    init(_ json: JSON?, at: String) throws {
        guard let json, !json.isNull else { return }
        var total = 0
        for (c, item) in try FeedInput.array(json, at).enumerated() {
            let cAt = "\(at)[\(c)]"
            let config = try FeedInput.object(item, cAt)
            let and = try Self.isAND(config["operator"], "\(cAt).operator")
            let negate = try Self.flag(config["negate"], "\(cAt).negate")
            var nodes: [Node] = []
            for (n, nodeJSON) in try FeedInput.array(config["nodes"], "\(cAt).nodes").enumerated() {
                let nAt = "\(cAt).nodes[\(n)]"
                let node = try FeedInput.object(nodeJSON, nAt)
                var entries: [Entry] = []
                for (m, matchJSON) in try FeedInput.array(node["cpeMatch"], "\(nAt).cpeMatch").enumerated() {
                    let mAt = "\(nAt).cpeMatch[\(m)]"
                    let match = try FeedInput.object(matchJSON, mAt)
                    guard let vulnerable = match["vulnerable"]?.bool else {
                        throw FeedProblem("\(mAt).vulnerable", "expected a boolean, found \(FeedInput.kind(match["vulnerable"]))")
                    }
                    entries.append(Entry(vulnerable: vulnerable, criteria: try FeedInput.string(match["criteria"], "\(mAt).criteria"),
                                         json: match, at: mAt))
                }
                total += entries.count
                guard total <= Self.maximumEntries else { throw FeedProblem(at, "has more than \(Self.maximumEntries) CPE matches") }
                nodes.append(Node(and: try Self.isAND(node["operator"], "\(nAt).operator"),
                                  negate: try Self.flag(node["negate"], "\(nAt).negate"), entries: entries))
            }
            read(nodes, and: and, negate: negate)
        }
    }

    private mutating func read(_ nodes: [Node], and: Bool, negate: Bool) {
        let vulnerableNodes = nodes.filter(\.hasVulnerable)
        if negate {
            conditional += vulnerableNodes.reduce(0) { $0 + $1.entries.filter(\.vulnerable).count }
            return
        }
        guard and, nodes.count > 1 else {
            for node in nodes { read(node, platforms: []) }
            return
        }
        let conditions = nodes.filter { !$0.hasVulnerable }
        if vulnerableNodes.count == 1, conditions.allSatisfy({ !$0.negate && $0.entries.allSatisfy(Self.isPlatform) }) {
            read(vulnerableNodes[0], platforms: conditions.flatMap { $0.entries.map(\.criteria) })
        } else {
            conditional += vulnerableNodes.reduce(0) { $0 + $1.entries.filter(\.vulnerable).count }
        }
    }

    private mutating func read(_ node: Node, platforms: [String]) {
        let vulnerable = node.entries.filter(\.vulnerable)
        if node.negate { conditional += vulnerable.count; return }
        if node.and && node.entries.count > 1 {
            let rest = node.entries.filter { !$0.vulnerable }
            guard vulnerable.count == 1, rest.allSatisfy(Self.isPlatform) else { conditional += vulnerable.count; return }
            keep(vulnerable[0], platforms: platforms + rest.map(\.criteria))
            return
        }
        for entry in vulnerable { keep(entry, platforms: platforms) }
    }

    private mutating func keep(_ entry: Entry, platforms: [String]) {
        do {
            let m = entry.json
            func text(_ key: String) throws -> String? { try FeedInput.optionalString(m[key], "\(entry.at).\(key)") }
            let criterion = try CPEMatchCriterion(
                criteria: entry.criteria, matchCriteriaID: try text("matchCriteriaId"),
                versionStartIncluding: try text("versionStartIncluding"), versionStartExcluding: try text("versionStartExcluding"),
                versionEndIncluding: try text("versionEndIncluding"), versionEndExcluding: try text("versionEndExcluding"),
                platforms: platforms)
            if !matches.contains(criterion) { matches.append(criterion) }
        } catch let problem as FeedProblem {
            warnings.append("\(problem.location ?? entry.at): \(problem.reason); CPE match skipped")
        } catch {
            warnings.append("\(entry.at): \(error); skipped")
        }
    }

    /// A non-vulnerable operating system or hardware name: the "running on" half of an AND.
    private static func isPlatform(_ entry: Entry) -> Bool {
        guard !entry.vulnerable, let name = try? CPEName(parsing: entry.criteria) else { return false }
        return name.part == .value("o") || name.part == .value("h")
    }

    private static func isAND(_ json: JSON?, _ at: String) throws -> Bool {
        switch try FeedInput.optionalString(json, at) {
        case nil, "OR"?: return false
        case "AND"?: return true
        case let other?: throw FeedProblem(at, "'\(other.prefix(20))' is not AND or OR")
        }
    }

    private static func flag(_ json: JSON?, _ at: String) throws -> Bool {
        guard let json, !json.isNull else { return false }
        guard let b = json.bool else { throw FeedProblem(at, "expected a boolean, found \(FeedInput.kind(json))") }
        return b
    }
}
