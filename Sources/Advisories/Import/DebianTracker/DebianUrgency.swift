import Foundation

/// Debian's urgency words as severities rated by `debian`.
///
/// The tracker writes `unimportant`, `low`, `medium`, `high`, sometimes followed by `*` or `**`
/// (an urgency not yet reviewed, taken over from elsewhere), and `not yet assigned` or `end-of-life`
/// when it has none. Starred words are kept without their stars; `not yet assigned` and `end-of-life`
/// are not ratings (end-of-life becomes a won't-fix resolution instead).
///
/// `unimportant` is kept as the word: vouch's Scout-style assessment reads it as Low, as trivy-db
/// does (`severityFromUrgency`: unimportant → LOW); grype's vunnel maps it to Negligible.
enum DebianUrgency {
    static let words: Set<String> = ["unimportant", "low", "medium", "high"]

    /// The rating in a tracker urgency, or nil when the urgency is not a rating.
    static func rating(_ urgency: String) -> AdvisorySeverity? {
        var word = urgency.trimmingCharacters(in: .whitespaces).lowercased()
        while word.hasSuffix("*") { word.removeLast() }
        guard words.contains(word) else { return nil }
        return AdvisorySeverity(kind: .rating, value: word, source: "debian")
    }

    /// Ratings in a DSA list note such as `(medium)` or `(bug #332424; medium)`.
    static func ratings(inNotes notes: String) -> [AdvisorySeverity] {
        guard notes.hasPrefix("("), let close = notes.firstIndex(of: ")") else { return [] }
        let inside = notes[notes.index(after: notes.startIndex)..<close]
        let found = inside.split(separator: ";").compactMap { rating(String($0)) }
        return found.isEmpty ? [] : [found[0]]
    }
}
