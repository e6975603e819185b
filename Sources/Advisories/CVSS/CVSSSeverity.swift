/// Qualitative severity from a CVSS base score, as CVSS v3 and v4 define it (0.1–3.9 Low,
/// 4.0–6.9 Medium, 7.0–8.9 High, 9.0–10.0 Critical; 0.0 None).
public enum CVSSSeverity: String, Sendable, CaseIterable, Comparable {
    case none = "NONE", low = "LOW", medium = "MEDIUM", high = "HIGH", critical = "CRITICAL"

    public init(score: Double) {
        switch score {
        case ..<0.1: self = .none
        case ..<4.0: self = .low
        case ..<7.0: self = .medium
        case ..<9.0: self = .high
        default: self = .critical
        }
    }

    var rank: Int { CVSSSeverity.allCases.firstIndex(of: self) ?? 0 }
    public static func < (a: CVSSSeverity, b: CVSSSeverity) -> Bool { a.rank < b.rank }
}

extension CVSSSeverity {
    /// The band of a CVSS v2 score. v2 defines no qualitative ratings; these are NVD's v2 bands
    /// (Low 0.0–3.9, Medium 4.0–6.9, High 7.0–10.0), so a v2 score is never None or Critical.
    public init(v2Score score: Double) {
        switch score {
        case ..<4.0: self = .low
        case ..<7.0: self = .medium
        default: self = .high
        }
    }
}
