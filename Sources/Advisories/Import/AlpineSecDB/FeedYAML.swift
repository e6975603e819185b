import Foundation
import Yams

/// YAML (and JSON, which YAML includes) for the non-OSV importers, read defensively: Yams composes
/// nested collections recursively and expands aliases, so a hostile document could exhaust the stack
/// or make a walk over it explode. Nesting is bounded before composing, and every walk over the
/// result spends from a `FeedYAML.Budget`.
enum FeedYAML {
    /// Deeper than any advisory format needs; far from what would exhaust a thread's stack.
    static let maximumNesting = 64

    static func compose(_ text: String) throws -> Node {
        try checkNesting(text)
        do {
            guard let node = try Yams.compose(yaml: text) else { throw FeedProblem(nil, "is an empty YAML document") }
            return node
        } catch let problem as FeedProblem {
            throw problem
        } catch {
            throw FeedProblem(nil, "is not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
    }

    /// Refuses deep nesting without parsing: flow brackets, compact `- - -` sequences and indentation
    /// are the three ways YAML nests, and each is bounded here (over-counting only ever refuses more).
    static func checkNesting(_ text: String) throws {
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        var flowDepth = 0
        for (number, line) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let at = "line \(number + 1)"
            let bytes = Array(line)
            var i = 0
            while i < bytes.count, bytes[i] == space { i += 1 }
            guard i <= 4 * maximumNesting else { throw FeedProblem(at, "is indented more than \(4 * maximumNesting) columns") }
            // Compact nesting: `- - - x` or `? - x` opens one collection per marker on a single line.
            var markers = 0
            while i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "?"),
                  i + 1 == bytes.count || bytes[i + 1] == space || bytes[i + 1] == tab {
                markers += 1
                guard markers <= maximumNesting else { throw FeedProblem(at, "nests more than \(maximumNesting) levels") }
                i += 1
                while i < bytes.count, bytes[i] == space || bytes[i] == tab { i += 1 }
            }
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
                    flowDepth += 1
                    guard flowDepth <= maximumNesting else { throw FeedProblem(at, "nests more than \(maximumNesting) levels") }
                } else if c == UInt8(ascii: "]") || c == UInt8(ascii: "}") {
                    flowDepth = max(0, flowDepth - 1)
                }
                i += 1
            }
        }
    }

    /// A cap on the nodes a walk may visit, so aliases repeated inside aliases cannot make it explode.
    final class Budget {
        private(set) var remaining: Int
        init(_ nodes: Int) { remaining = nodes }
        func spend(_ n: Int = 1, at location: String?) throws {
            remaining -= n
            guard remaining >= 0 else { throw FeedProblem(location, "holds more entries than this format allows (aliases repeated?)") }
        }
    }

    // MARK: Typed access

    static func mapping(_ node: Node?, _ at: String) throws -> Node.Mapping {
        guard let m = node?.mapping else { throw FeedProblem(at, "expected a mapping, found \(kind(node))") }
        return m
    }

    static func sequence(_ node: Node?, _ at: String) throws -> Node.Sequence {
        guard let s = node?.sequence else { throw FeedProblem(at, "expected a list, found \(kind(node))") }
        return s
    }

    /// A scalar's text as written (`1.0` stays `1.0`, a date stays `2020-05-18`).
    static func scalar(_ node: Node?, _ at: String) throws -> String {
        guard let s = node?.scalar else { throw FeedProblem(at, "expected a single value, found \(kind(node))") }
        return s.string
    }

    /// nil for an absent key or YAML null (`~`, `null`, empty).
    static func optional(_ node: Node?) -> Node? {
        guard let node else { return nil }
        if let s = node.scalar, s.style == .plain, ["", "~", "null", "Null", "NULL"].contains(s.string) { return nil }
        return node
    }

    static func kind(_ node: Node?) -> String {
        switch node {
        case nil: return "nothing"
        case .scalar?: return "a single value"
        case .mapping?: return "a mapping"
        case .sequence?: return "a list"
        case .alias?: return "an alias"
        }
    }
}
