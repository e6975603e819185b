import Foundation
import Yams

/// YAML read into the same `JSON` tree a JSON document gives, so one reader serves both (OSV records,
/// OpenVEX). Read defensively: Yams composes nested collections recursively and shares aliased nodes,
/// so nesting and anchors are refused before composing, and conversion spends from a node budget; a
/// deep or alias-bomb document is stopped before it can exhaust the stack or the clock.
/// Scalars stay strings (YAML would read `fixed: 4.10` as the number 4.1), except plain null and booleans.
public enum YAMLTree {
    public static let maximumNesting = 64

    public struct Refused: Error, Equatable, CustomStringConvertible {
        public enum Kind: Sendable, Equatable { case notUTF8, invalid, empty, limits }
        public let kind: Kind
        /// `uses a YAML alias`, `nests more than 64 brackets deep`: completes "<file> …".
        public let reason: String
        public var description: String { reason }
    }

    public static func tree(_ data: Data, maximumNodes: Int = 4_000_000) throws -> JSON {
        guard let text = String(data: data, encoding: .utf8) else { throw Refused(kind: .notUTF8, reason: "is not UTF-8 text") }
        if let why = refusal(Array(data)) { throw Refused(kind: .limits, reason: why) }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            let first = String(describing: error).split(separator: "\n").first.map(String.init) ?? "unreadable"
            throw Refused(kind: .invalid, reason: "invalid YAML: \(first.prefix(200))")
        }
        guard let root else { throw Refused(kind: .empty, reason: "is an empty YAML document") }
        var budget = maximumNodes
        return try convert(root, depth: 0, budget: &budget, maximumNodes: maximumNodes)
    }

    private static func convert(_ node: Node, depth: Int, budget: inout Int, maximumNodes: Int) throws -> JSON {
        budget -= 1
        guard budget >= 0 else { throw Refused(kind: .limits, reason: "has more than \(maximumNodes) YAML nodes") }
        guard depth < JSON.maximumDepth else { throw Refused(kind: .limits, reason: "nests deeper than \(JSON.maximumDepth) levels") }
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                switch scalar.string {
                case "", "~", "null", "Null", "NULL": return .null
                case "true", "True", "TRUE": return .bool(true)
                case "false", "False", "FALSE": return .bool(false)
                default: break
                }
            }
            return .string(scalar.string)
        case .sequence(let sequence):
            var items: [JSON] = []
            items.reserveCapacity(sequence.count)
            for child in sequence { items.append(try convert(child, depth: depth + 1, budget: &budget, maximumNodes: maximumNodes)) }
            return .array(items)
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                guard case .scalar(let k) = key else { throw Refused(kind: .limits, reason: "has a mapping key that is not a plain value") }
                object[k.string] = try convert(value, depth: depth + 1, budget: &budget, maximumNodes: maximumNodes)
            }
            return .object(object)
        case .alias:
            throw Refused(kind: .limits, reason: "uses a YAML alias")
        }
    }

    /// Why the text is refused before composing, or nil. Counting is deliberately coarse (brackets
    /// inside quoted text count too): over-counting only ever refuses more.
    public static func refusal(_ b: [UInt8]) -> String? {
        var flow = 0, deepest = 0
        var anchors = Set<ArraySlice<UInt8>>(), aliases = Set<ArraySlice<UInt8>>()
        var lineStart = 0, i = 0
        while i <= b.count {
            if i == b.count || b[i] == 0x0A {
                // Block nesting: indentation, plus `- - -` / `? -` markers opening collections on one line.
                var k = lineStart
                while k < i, b[k] == 0x20 { k += 1 }
                if k - lineStart > 4 * maximumNesting { return "is indented more than \(4 * maximumNesting) columns" }
                var markers = 0
                while k + 1 < i, b[k] == UInt8(ascii: "-") || b[k] == UInt8(ascii: "?"), b[k + 1] == 0x20 {
                    markers += 1
                    k += 2
                    while k < i, b[k] == 0x20 { k += 1 }
                }
                if markers > maximumNesting { return "nests more than \(maximumNesting) levels on one line" }
                lineStart = i + 1
                i += 1
                continue
            }
            switch b[i] {
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                flow += 1
                deepest = max(deepest, flow)
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                flow = max(0, flow - 1)
            case UInt8(ascii: "&"), UInt8(ascii: "*"):
                if i == 0 || [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ",")].contains(b[i - 1]) {
                    var j = i + 1
                    while j < b.count, ![0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
                                          UInt8(ascii: "}"), UInt8(ascii: ",")].contains(b[j]) { j += 1 }
                    if j > i + 1 {
                        if b[i] == UInt8(ascii: "&") { anchors.insert(b[(i + 1)..<j]) } else { aliases.insert(b[(i + 1)..<j]) }
                    }
                }
            default: break
            }
            i += 1
        }
        if deepest > maximumNesting { return "nests more than \(maximumNesting) brackets deep" }
        if !anchors.isDisjoint(with: aliases) { return "uses YAML anchors and aliases (refused: an alias bomb costs exponential time before any limit could stop it)" }
        return nil
    }
}
