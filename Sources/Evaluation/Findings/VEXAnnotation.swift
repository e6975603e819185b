import Foundation

/// What a VEX statement said about a finding, in the words reports print. The VEX module decides which
/// statement applies; reports only show the decision, so they need no VEX types.
public struct VEXAnnotation: Sendable, Equatable {
    /// OpenVEX status spelling: `not_affected`, `affected`, `fixed`, `under_investigation`.
    public var status: String
    /// OpenVEX justification (`vulnerable_code_not_in_execute_path`), when the statement gave one.
    public var justification: String?
    public var impactStatement: String?
    public var actionStatement: String?
    public var statusNotes: String?
    public var author: String?
    /// RFC 3339 time the statement counts from (its own, else its document's).
    public var timestamp: String?
    /// Where the statement came from: a file path or `attestation <location>`.
    public var source: String
    /// The document's id (`@id`, serial number, CSAF tracking id), when it has one.
    public var documentID: String?
    /// `not_affected` and `fixed` take the finding out of the remaining findings.
    public var suppresses: Bool { status == "not_affected" || status == "fixed" }

    public init(status: String, justification: String? = nil, impactStatement: String? = nil, actionStatement: String? = nil,
                statusNotes: String? = nil, author: String? = nil, timestamp: String? = nil, source: String, documentID: String? = nil) {
        self.status = status
        self.justification = justification
        self.impactStatement = impactStatement
        self.actionStatement = actionStatement
        self.statusNotes = statusNotes
        self.author = author
        self.timestamp = timestamp
        self.source = source
        self.documentID = documentID
    }

    /// `not affected [vulnerable code not in execute path] : security@example.com` (Scout's shape).
    public var label: String {
        var s = status.replacingOccurrences(of: "_", with: " ")
        if let j = justification { s += " [" + j.replacingOccurrences(of: "_", with: " ") + "]" }
        if let a = author { s += " : " + a }
        return s
    }
}
