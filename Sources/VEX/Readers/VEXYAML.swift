import Foundation
import JSON

/// OpenVEX in YAML (go-vex reads it), turned into the tree JSON gives so one reader serves both.
/// Scalars stay strings (`version: 1` reads as "1", which the readers accept), except plain null and
/// booleans. Yams composes recursively and shares aliased nodes, so nesting and anchors are refused
/// before composing: a deep or alias-bomb document is stopped before it can exhaust stack or time.
enum VEXYAML {
    static func tree(_ data: Data, location: String) throws -> JSON {
        do { return try YAMLTree.tree(data) } catch let refused as YAMLTree.Refused {
            // Bytes that are neither JSON nor YAML get here: say both were tried.
            switch refused.kind {
            case .notUTF8: throw VEXReadError(location: location, message: "is neither JSON nor UTF-8 YAML text")
            case .invalid: throw VEXReadError(location: location, message: "is neither valid JSON nor valid YAML: \(VEXText.clip(String(refused.reason.dropFirst("invalid YAML: ".count)), 200))")
            case .empty, .limits: throw VEXReadError(location: location, message: refused.reason)
            }
        }
    }
}
