import Foundation

/// One advisory file format the importer understands (OSV JSON/YAML, the Debian security tracker,
/// Alpine secdb, ruby-advisory-db, Node.js security-wg, NVD CVE JSON 2.0).
///
/// The importer opens each path given to it (a directory, a `.zip`, a tarball, or a single file) and
/// walks its entries. For every regular file it asks the registered formats in order
/// (`AdvisoryFormats.registered`) and hands the entry to the first whose `detect` says yes. One value
/// of the format is made per container, so a format whose records span several files (the Debian
/// tracker's `DSA/list` plus `config.json`) can collect them and return everything from `finish`.
public protocol AdvisoryFormat {
    /// Written into `Advisory.source` and shown in reports: `osv`, `debian-tracker`, `alpine-secdb`…
    static var name: String { get }
    /// Whether an entry is in this format. `path` is relative to the container
    /// (`vulns/jinja2/PYSEC-2019-217.yaml`, or the file name for a single file); `firstBytes` are
    /// its first `AdvisoryFormats.sniffBytes` bytes.
    static func detect(path: String, firstBytes: Data) -> Bool
    init()
    /// Parses one entry into advisories. A thrown error counts the entry as one invalid record
    /// (reported with its description, which should name `entry.displayName`) and the import goes
    /// on; a format that finds several records in one file reports the bad ones through
    /// `diagnostics.invalid(_:)` and returns the rest.
    mutating func parse(_ entry: ImportEntry, diagnostics: inout ImportDiagnostics) throws -> [Advisory]
    /// Called once after the container's last entry.
    mutating func finish(diagnostics: inout ImportDiagnostics) throws -> [Advisory]
}

extension AdvisoryFormat {
    public mutating func finish(diagnostics: inout ImportDiagnostics) throws -> [Advisory] { [] }
}

/// The formats `AdvisoryImporter` tries, in order. More specific formats come first: OSV is the
/// fallback that claims any remaining `.json`/`.yaml`/`.yml` file, so a JSON format such as NVD's
/// or the Node.js security-wg's must be registered before it.
public enum AdvisoryFormats {
    /// Register new formats here, ahead of `OSVFormat`.
    public static let registered: [any AdvisoryFormat.Type] = [
        DebianListFormat.self,
        FeedFormat<DebianTrackerJSONParser>.self,
        AlpineSecDBFormat.self,
        FeedFormat<RubySecParser>.self,
        FeedFormat<NodeSecurityWGParser>.self,
        NVDFormat.self,
        UnmatchableFeedEntries.self,
        OSVFormat.self,
    ]

    /// How many leading bytes `detect` sees.
    public static let sniffBytes = 4096
}

/// What went wrong or was left out during an import, counted, with the first few messages kept.
public struct ImportDiagnostics: Sendable, Equatable {
    public enum WarningKind: String, Sendable, CaseIterable {
        /// An OSV range type other than ECOSYSTEM, SEMVER or GIT: the range is not used for matching.
        case unknownRangeType = "unknown range type"
        /// An affected package whose every range was unusable: it is left out of the record.
        case unmatchablePackage = "unmatchable package"
        case unknownSeverityType = "unknown severity type"
        /// Anything a non-OSV format wants to count.
        case other = "other"
    }

    /// How many messages of each kind are kept verbatim.
    public static let sampleLimit = 5

    public private(set) var invalidRecords = 0
    public private(set) var invalidSamples: [String] = []
    public private(set) var warnings: [WarningKind: Int] = [:]
    public private(set) var warningSamples: [String] = []
    /// Entries not read at all: hostile names, over the size cap, links and devices.
    public private(set) var skippedEntries = 0
    public private(set) var skippedSamples: [String] = []

    public init() {}

    public var warningCount: Int { warnings.values.reduce(0, +) }

    public mutating func invalid(_ message: String) {
        invalidRecords += 1
        if invalidSamples.count < Self.sampleLimit { invalidSamples.append(message) }
    }

    public mutating func warn(_ kind: WarningKind, _ message: String) {
        warnings[kind, default: 0] += 1
        if warningSamples.count < Self.sampleLimit { warningSamples.append(message) }
    }

    public mutating func skipped(_ message: String) {
        skippedEntries += 1
        if skippedSamples.count < Self.sampleLimit { skippedSamples.append(message) }
    }

    public mutating func merge(_ other: ImportDiagnostics) {
        invalidRecords += other.invalidRecords
        invalidSamples = Array((invalidSamples + other.invalidSamples).prefix(Self.sampleLimit))
        for (k, v) in other.warnings { warnings[k, default: 0] += v }
        warningSamples = Array((warningSamples + other.warningSamples).prefix(Self.sampleLimit))
        skippedEntries += other.skippedEntries
        skippedSamples = Array((skippedSamples + other.skippedSamples).prefix(Self.sampleLimit))
    }
}
