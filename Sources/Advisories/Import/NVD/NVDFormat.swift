import Foundation

/// NVD CVE JSON 2.0 for `AdvisoryImporter`. Unlike the generic `FeedFormat` adapter it passes the
/// importer's diagnostics through, so one invalid record of a yearly feed is counted and skipped
/// instead of failing the file, and skipped CPE matches show as warnings.
struct NVDFormat: AdvisoryFormat {
    static let name = NVDParser.source
    static func detect(path: String, firstBytes: Data) -> Bool { NVDParser().detect(data: firstBytes, path: path) }
    init() {}
    mutating func parse(_ entry: ImportEntry, diagnostics: inout ImportDiagnostics) throws -> [Advisory] {
        try NVDParser().parse(data: entry.data, path: entry.displayName, diagnostics: &diagnostics)
    }
}
