import Foundation

/// The non-OSV feeds as `AdvisoryFormat`s for `AdvisoryImporter`: each adapter hands an entry to
/// its parser. They are registered ahead of OSV, which claims any remaining JSON/YAML.
protocol FeedParser {
    static var source: String { get }
    init()
    func detect(data: Data, path: String) -> Bool
    func parse(data: Data, path: String) throws -> [Advisory]
}

extension DebianTrackerJSONParser: FeedParser { public init() { self.init(releases: .known) } }
extension RubySecParser: FeedParser {}
extension NodeSecurityWGParser: FeedParser {}
extension NVDParser: FeedParser {}

/// One format per parser; `P` does the work, the adapter only forwards.
struct FeedFormat<P: FeedParser>: AdvisoryFormat {
    static var name: String { P.source }
    static func detect(path: String, firstBytes: Data) -> Bool { P().detect(data: firstBytes, path: path) }
    init() {}
    mutating func parse(_ entry: ImportEntry, diagnostics: inout ImportDiagnostics) throws -> [Advisory] {
        try P().parse(data: entry.data, path: entry.displayName)
    }
}

/// DSA/DLA lists: malformed lines are reported and skipped, the rest of the list kept.
struct DebianListFormat: AdvisoryFormat {
    static let name = DebianSecurityListParser.source
    static func detect(path: String, firstBytes: Data) -> Bool { DebianSecurityListParser().detect(data: firstBytes, path: path) }
    init() {}
    mutating func parse(_ entry: ImportEntry, diagnostics: inout ImportDiagnostics) throws -> [Advisory] {
        var warnings: [String] = []
        let advisories = try DebianSecurityListParser().parse(data: entry.data, path: entry.displayName, warnings: &warnings)
        for w in warnings { diagnostics.invalid(w) }
        return advisories
    }
}

/// Alpine secdb: one file per release and repository, while an advisory (`ALPINE-CVE-…`) spans
/// them all, so files are collected and merged once the container is read.
struct AlpineSecDBFormat: AdvisoryFormat {
    static let name = AlpineSecDBParser.source
    static func detect(path: String, firstBytes: Data) -> Bool { AlpineSecDBParser().detect(data: firstBytes, path: path) }
    var files: [(data: Data, path: String)] = []
    init() {}
    mutating func parse(_ entry: ImportEntry, diagnostics: inout ImportDiagnostics) throws -> [Advisory] {
        files.append((entry.data, entry.displayName))
        return []
    }
    mutating func finish(diagnostics: inout ImportDiagnostics) throws -> [Advisory] {
        var parsed: [Advisory] = []
        for f in files {
            do { parsed += try AlpineSecDBParser().parse(data: f.data, path: f.path) } catch { diagnostics.invalid("\(error)") }
        }
        return AlpineSecDBParser.merge(parsed)
    }
}

/// Files inside feed archives that hold no package advisories vouch can match: ruby-advisory-db's
/// `rubies/` (interpreters, no OSV ecosystem) and the Node.js working group's `vuln/deps/`
/// (node's bundled dependencies). Claimed here so OSV does not report them as invalid records.
struct UnmatchableFeedEntries: AdvisoryFormat {
    static let name = "ignored"
    static func detect(path: String, firstBytes: Data) -> Bool {
        let p = "/" + path
        return p.contains("/ruby-advisory-db/rubies/") || p.hasPrefix("/rubies/")
            || p.contains("/nodejs-security-wg/vuln/deps/")
    }
    init() {}
    mutating func parse(_ entry: ImportEntry, diagnostics: inout ImportDiagnostics) throws -> [Advisory] { [] }
}
