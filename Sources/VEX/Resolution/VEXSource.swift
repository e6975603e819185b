import Foundation

/// A VEX document as the resolver receives it: where it came from and whether it may be trusted.
public struct VEXSource: Sendable {
    public enum Kind: Sendable, Equatable {
        /// A file the user named (`--vex-location`).
        case file
        /// An attestation attached to the image; its subjects' digests stand in for missing products.
        case attestation(subjects: [String])
    }

    public var document: VEXDocument
    public var kind: Kind
    /// Why none of the document's statements may apply (`signature invalid: …`), or nil when trusted.
    public var rejection: String?

    public init(document: VEXDocument, kind: Kind = .file, rejection: String? = nil) {
        self.document = document
        self.kind = kind
        self.rejection = rejection
    }
}

/// `--vex-author` patterns: a statement applies only when its document's author matches one of them.
/// Patterns are searched, not anchored, as Docker Scout's (Go `regexp.MatchString`) are, so
/// `<.*@docker.com>` matches `Docker Inc <security@docker.com>`.
public struct VEXAuthorFilter: Sendable {
    public let patterns: [String]
    private let expressions: [NSRegularExpression]

    public init(patterns: [String]) throws {
        self.patterns = patterns
        self.expressions = try patterns.map { p in
            do { return try NSRegularExpression(pattern: p) } catch {
                throw VEXReadError(location: "--vex-author", message: "'\(p)' is not a valid regular expression")
            }
        }
    }

    public func trusts(_ author: String?) -> Bool {
        guard let author, !author.isEmpty else { return false }
        let range = NSRange(author.startIndex..., in: author)
        return expressions.contains { $0.firstMatch(in: author, range: range) != nil }
    }
}
