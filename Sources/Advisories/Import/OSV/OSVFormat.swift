import Foundation
import JSON

/// OSV records, one per file, in JSON (osv.dev, GHSA, Go, RustSec, AlmaLinux, Ubuntu…) or YAML
/// (PyPI's pypa database, CRAN). See https://ossf.github.io/osv-schema/.
public struct OSVFormat: AdvisoryFormat {
    public static let name = "osv"
    public var limits = OSVLimits()

    public init() {}

    /// Any `.json`, `.yaml` or `.yml` file whose content starts like an object. OSV is registered
    /// last, so more specific JSON and YAML formats get the first look.
    public static func detect(path: String, firstBytes: Data) -> Bool {
        switch OSVDocumentKind(path: path) {
        case .json?: return firstBytes.first(where: { !OSVDocumentKind.isSpace($0) }) == UInt8(ascii: "{")
        case .yaml?: return true
        case nil: return false
        }
    }

    public mutating func parse(_ entry: ImportEntry, diagnostics: inout ImportDiagnostics) throws -> [Advisory] {
        [try Self.parseRecord(entry.data, file: entry.displayName, kind: OSVDocumentKind(path: entry.path) ?? .json,
                              limits: limits, diagnostics: &diagnostics)]
    }

    /// Parses one OSV document. Throws `OSVRecordError` for anything that is not a valid record.
    public static func parseRecord(_ data: Data, file: String, kind: OSVDocumentKind, limits: OSVLimits = OSVLimits(),
                                   diagnostics: inout ImportDiagnostics) throws -> Advisory {
        let tree: JSON
        switch kind {
        case .json:
            let body = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data
            do { tree = try JSON.parse(Data(body)) } catch {
                throw OSVRecordError(file: file, field: "(record)", problem: "\(error)")
            }
        case .yaml:
            tree = try OSVYAML.tree(data, file: file)
        }
        return try OSVRecordReader(file: file, limits: limits).read(tree, diagnostics: &diagnostics)
    }
}

public enum OSVDocumentKind: Sendable {
    case json, yaml

    public init?(path: String) {
        let lower = path.lowercased()
        if lower.hasSuffix(".json") { self = .json }
        else if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") { self = .yaml }
        else { return nil }
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0xEF || b == 0xBB || b == 0xBF }
}
