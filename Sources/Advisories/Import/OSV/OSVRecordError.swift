/// An OSV record that cannot be imported, naming the file (or archive entry) and the field at fault.
/// The importer counts these and goes on with the next record.
public struct OSVRecordError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file or archive entry (`AlmaLinux.tar.gz:advisories/almalinux9/ALSA-2023:1234.json`).
    public let file: String
    /// The field in OSV's terms (`id`, `modified`, `affected[2].ranges[0].events`), or `(record)` for the whole document.
    public let field: String
    public let problem: String

    public init(file: String, field: String, problem: String) {
        self.file = file; self.field = field; self.problem = problem
    }

    public var description: String { "\(file): \(field): \(problem)" }
}

/// Sizes beyond which a record is refused rather than stored: real OSV records stay far below them
/// (the largest AlmaLinux record is about 200 KB with 800 affected packages).
public struct OSVLimits: Sendable {
    public var maxAffected = 50_000
    public var maxRangesPerPackage = 1_000
    public var maxEventsPerRange = 10_000
    public var maxVersionsPerPackage = 200_000
    public var maxBinariesPerPackage = 20_000
    public var maxIdentifiers = 10_000
    public var maxReferences = 20_000
    public var maxSeverities = 100
    public var maxIDBytes = 256
    public var maxStringBytes = 1 << 20
    public init() {}
}
