import Foundation

/// One VEX statement, in the one model every format is read into: a status for a vulnerability in some
/// products (optionally only in some of their subcomponents), with where it came from.
public struct VEXStatement: Sendable, Equatable {
    /// The vulnerability's name (`CVE-2023-4911`) and its other names (`GHSA-…`, `DSA-…`).
    public var vulnerability: String
    public var aliases: [String]
    /// Empty in a document means "the subject": an attestation's subjects cascade into it; a bare file
    /// statement with no product applies to nothing and says so.
    public var products: [VEXComponent]
    public var status: VEXStatus
    public var justification: VEXJustification?
    /// The justification as the source format wrote it (`code_not_reachable`), when it differs.
    public var sourceJustification: String?
    public var impactStatement: String?
    public var actionStatement: String?
    public var statusNotes: String?
    /// The statement's own time; `effectiveTimestamp` falls back to the document's.
    public var timestamp: Date?
    public var origin: VEXOrigin

    public init(vulnerability: String, aliases: [String] = [], products: [VEXComponent] = [], status: VEXStatus,
                justification: VEXJustification? = nil, sourceJustification: String? = nil, impactStatement: String? = nil,
                actionStatement: String? = nil, statusNotes: String? = nil, timestamp: Date? = nil, origin: VEXOrigin) {
        self.vulnerability = vulnerability
        self.aliases = aliases
        self.products = products
        self.status = status
        self.justification = justification
        self.sourceJustification = sourceJustification
        self.impactStatement = impactStatement
        self.actionStatement = actionStatement
        self.statusNotes = statusNotes
        self.timestamp = timestamp
        self.origin = origin
    }

    /// Statement time, else the document's: what "latest wins" compares.
    public var effectiveTimestamp: Date? { timestamp ?? origin.documentTimestamp }

    /// Every id the statement answers to.
    public var vulnerabilityIDs: [String] { [vulnerability] + aliases }

    /// `app.vex.json statement 3 (CVE-2023-4911)`: how errors and explanations name it.
    public var label: String { "\(origin.location) statement \(origin.statementIndex + 1) (\(vulnerability))" }
}

/// Where a statement came from: enough to name it in an explanation and to order ties.
public struct VEXOrigin: Sendable, Equatable {
    public var format: VEXFormat
    /// A file path, or `attestation <location>` for one read from the image.
    public var location: String
    public var documentID: String?
    public var author: String?
    public var documentTimestamp: Date?
    /// OpenVEX `version`, CycloneDX `version`, CSAF `tracking.version` (integer part); ties are broken by it.
    public var documentVersion: Int?
    /// Position of the statement in its document, 0-based.
    public var statementIndex: Int
    /// OpenVEX statement `@id`, CycloneDX vulnerability `bom-ref`, when given.
    public var statementID: String?

    public init(format: VEXFormat, location: String, documentID: String? = nil, author: String? = nil, documentTimestamp: Date? = nil,
                documentVersion: Int? = nil, statementIndex: Int, statementID: String? = nil) {
        self.format = format
        self.location = location
        self.documentID = documentID
        self.author = author
        self.documentTimestamp = documentTimestamp
        self.documentVersion = documentVersion
        self.statementIndex = statementIndex
        self.statementID = statementID
    }
}

public enum VEXFormat: String, Sendable, Equatable, CaseIterable {
    case openVEX = "OpenVEX"
    case cycloneDX = "CycloneDX VEX"
    case csaf = "CSAF VEX"
}
