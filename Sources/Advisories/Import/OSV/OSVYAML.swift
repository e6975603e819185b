import Foundation
import JSON
import Yams

/// Reads a YAML OSV record into the same tree a JSON record gives, so one reader serves both.
/// Scalars stay strings: YAML would read `fixed: 4.10` as the number 4.1, and every OSV field the
/// reader uses is a string anyway.
enum OSVYAML {
    static let maxDepth = 128
    static let maxNodes = 1_000_000

    static func tree(_ data: Data, file: String) throws -> JSON {
        func fail(_ problem: String) -> OSVRecordError { OSVRecordError(file: file, field: "(record)", problem: problem) }
        guard let text = String(data: data, encoding: .utf8) else { throw fail("is not UTF-8 text") }
        // Yams resolves aliases to shared nodes and hashes mapping keys, so an alias bomb would cost
        // exponential time before any budget here could stop it. OSV records never use anchors.
        if usesAliases(data) { throw fail("uses YAML anchors and aliases, which advisory records never need") }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            let message = "\(error)".split(separator: "\n").first.map(String.init) ?? "unreadable"
            throw fail("invalid YAML: \(message.prefix(200))")
        }
        guard let root else { throw fail("is an empty YAML document") }
        var budget = maxNodes
        return try convert(root, depth: 0, budget: &budget, fail: fail)
    }

    private static func convert(_ node: Node, depth: Int, budget: inout Int, fail: (String) -> OSVRecordError) throws -> JSON {
        budget -= 1
        guard budget >= 0 else { throw fail("has more than \(maxNodes) YAML nodes") }
        guard depth < maxDepth else { throw fail("nests deeper than \(maxDepth) levels") }
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
            throw fail("uses a YAML alias")
        }
    }

    /// True when an anchor (`&name`) is defined and the same name is used as an alias (`*name`).
    /// Both must start a token, so "AT&T" or Markdown emphasis in a text does not count unless an
    /// anchor of the same name exists too.
    static func usesAliases(_ data: Data) -> Bool {
        let bytes = [UInt8](data)
        guard bytes.contains(UInt8(ascii: "&")), bytes.contains(UInt8(ascii: "*")) else { return false }
        func names(after marker: UInt8) -> Set<ArraySlice<UInt8>> {
            var found = Set<ArraySlice<UInt8>>()
            var i = 0
            while i < bytes.count {
                if bytes[i] == marker, i == 0 || isTokenStart(bytes[i - 1]) {
                    var j = i + 1
                    while j < bytes.count, !isNameEnd(bytes[j]) { j += 1 }
                    if j > i + 1 { found.insert(bytes[(i + 1)..<j]) }
                    i = j
                } else {
                    i += 1
                }
            }
            return found
        }
        let anchors = names(after: UInt8(ascii: "&"))
        return !anchors.isEmpty && !anchors.isDisjoint(with: names(after: UInt8(ascii: "*")))
    }

    private static func isTokenStart(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == UInt8(ascii: "[") || b == UInt8(ascii: "{") || b == UInt8(ascii: ",")
    }

    private static func isNameEnd(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == UInt8(ascii: "[") || b == UInt8(ascii: "]")
            || b == UInt8(ascii: "{") || b == UInt8(ascii: "}") || b == UInt8(ascii: ",")
    }
}
