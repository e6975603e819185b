import Advisories
import Foundation

/// Docker Scout's severity scale: the CVSS v3 bands plus 'Unspecified' when nothing rates it.
public enum Severity: String, Sendable, CaseIterable, Comparable, Codable {
    case critical, high, medium, low, unspecified

    /// One letter for summaries: C, H, M, L, ? (Scout writes U or ?).
    public var letter: String {
        switch self {
        case .critical: return "C"
        case .high: return "H"
        case .medium: return "M"
        case .low: return "L"
        case .unspecified: return "?"
        }
    }

    var rank: Int {
        switch self {
        case .critical: return 4
        case .high: return 3
        case .medium: return 2
        case .low: return 1
        case .unspecified: return 0
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }

    public init(cvss: CVSSSeverity) {
        switch cvss {
        case .critical: self = .critical
        case .high: self = .high
        case .medium: self = .medium
        case .low: self = .low
        case .none: self = .unspecified
        }
    }

    /// A distribution's or database's own word. Debian's `unimportant` and Ubuntu's `negligible`
    /// are the lowest rating those sources give, so they read as low; `not yet assigned` is no rating.
    public init?(word: String) {
        switch word.lowercased().trimmingCharacters(in: .whitespaces) {
        case "critical": self = .critical
        case "high", "important": self = .high
        case "medium", "moderate": self = .medium
        case "low", "negligible", "unimportant", "minor": self = .low
        default: return nil
        }
    }
}
