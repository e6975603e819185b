import Foundation

/// A VEX document after reading: its statements, and the statements it could not use, each with a reason.
/// A bad statement never takes the document down: the others still apply, and the bad one is reported.
public struct VEXDocument: Sendable, Equatable {
    public var format: VEXFormat
    public var location: String
    public var id: String?
    public var author: String?
    public var timestamp: Date?
    public var version: Int?
    public var statements: [VEXStatement]
    public var problems: [VEXProblem]

    public init(format: VEXFormat, location: String, id: String? = nil, author: String? = nil, timestamp: Date? = nil,
                version: Int? = nil, statements: [VEXStatement] = [], problems: [VEXProblem] = []) {
        self.format = format
        self.location = location
        self.id = id
        self.author = author
        self.timestamp = timestamp
        self.version = version
        self.statements = statements
        self.problems = problems
    }
}

/// A statement that was skipped while reading, and why: `app.vex.json statement 4: unknown status "maybe"`.
public struct VEXProblem: Sendable, Equatable, CustomStringConvertible {
    public var location: String
    /// 0-based statement position; nil for a problem with the document as a whole.
    public var statementIndex: Int?
    public var message: String

    public init(location: String, statementIndex: Int?, message: String) {
        self.location = location
        self.statementIndex = statementIndex
        self.message = message
    }

    public var description: String {
        location + (statementIndex.map { " statement \($0 + 1)" } ?? "") + ": " + message
    }
}

/// A document that cannot be read at all (not JSON, not a VEX format, no statements array).
public struct VEXReadError: Error, Equatable, CustomStringConvertible {
    public var location: String
    public var message: String

    public init(location: String, message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}
