import Foundation
import JSON

/// Reads a YAML OSV record into the same tree a JSON record gives, so one reader serves both.
/// Scalars stay strings: YAML would read `fixed: 4.10` as the number 4.1, and every OSV field the
/// reader uses is a string anyway.
enum OSVYAML {
    static let maxNodes = 1_000_000

    static func tree(_ data: Data, file: String) throws -> JSON {
        do { return try YAMLTree.tree(data, maximumNodes: maxNodes) } catch let refused as YAMLTree.Refused {
            throw OSVRecordError(file: file, field: "(record)", problem: refused.reason)
        }
    }
}
