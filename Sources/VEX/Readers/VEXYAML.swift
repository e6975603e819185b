import Foundation
import JSON
import Yams

/// OpenVEX in YAML (go-vex reads it), turned into the tree JSON gives so one reader serves both.
/// Scalars stay strings (`version: 1` reads as "1", which the readers accept), except plain null and
/// booleans. Yams composes recursively and shares aliased nodes, so nesting and anchors are refused
/// before composing: a deep or alias-bomb document is stopped before it can exhaust stack or time.
enum VEXYAML {
    static let maximumNesting = 64
    static let maximumNodes = 4_000_000

    static func tree(_ data: Data, location: String) throws -> JSON {
        func fail(_ message: String) -> VEXReadError { VEXReadError(location: location, message: message) }
        guard let text = String(data: data, encoding: .utf8) else { throw fail("is neither JSON nor UTF-8 YAML text") }
        if let why = refusal(Array(data)) { throw fail(why) }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw fail("is neither valid JSON nor valid YAML: \(VEXText.clip(String(describing: error).split(separator: "\n").first.map(String.init) ?? "", 200))")
        }
        guard let root else { throw fail("is an empty YAML document") }
        var budget = maximumNodes
        return try convert(root, depth: 0, budget: &budget, fail: fail)
    }

    private static func convert(_ node: Node, depth: Int, budget: inout Int, fail: (String) -> VEXReadError) throws -> JSON {
        budget -= 1
        guard budget >= 0 else { throw fail("has more than \(maximumNodes) YAML nodes") }
        guard depth < JSON.maximumDepth else { throw fail("nests deeper than \(JSON.maximumDepth) levels") }
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
            for child in sequence { items.append(try convert(child, depth: depth + 1, budget: &budget, fail: fail)) }
            return .array(items)
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                guard case .scalar(let k) = key else { throw fail("has a mapping key that is not a plain value") }
                object[k.string] = try convert(value, depth: depth + 1, budget: &budget, fail: fail)
            }
            return .object(object)
        case .alias:
            throw fail("uses a YAML alias, which VEX documents never need")
        }
    }

    /// Why the text is refused before composing, or nil. Counting is deliberately coarse (brackets
    /// inside quoted text count too): over-counting only ever refuses more.
    static func refusal(_ b: [UInt8]) -> String? {
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
        if !anchors.isDisjoint(with: aliases) { return "uses YAML anchors and aliases, which VEX documents never need" }
        return nil
    }
}
