import Advisories
import Foundation

/// A finding's severity as Docker Scout assigns it: the preferred source's rating (the distribution
/// for OS packages, GitHub's for language packages), else the CVSS score's band, else Unspecified;
/// the best CVSS score is shown next to the rating either way ("LOW, CVSS 9.8").
public struct SeverityAssessment: Sendable, Equatable {
    public struct Score: Sendable, Equatable {
        public var version: String
        public var baseScore: Double
        public var vector: String
        public var source: String?
    }

    public var rating: Severity
    /// Who gave `rating`: a source name (`debian`, `ubuntu`, `ghsa`), `cvss`, or nil for Unspecified.
    public var ratedBy: String?
    public var cvss: Score?

    /// `HIGH`, `LOW, CVSS 9.8`, `UNSPECIFIED`.
    public var display: String {
        var s = rating.rawValue.uppercased()
        if let cvss, let score = Self.oneDecimal(cvss.baseScore) {
            s += ratedBy == "cvss" ? " (CVSS \(score))" : ", CVSS \(score)"
        }
        return s
    }

    /// `7.8`; nil for a score that is not a number in 0…10 (never shown as one).
    static func oneDecimal(_ score: Double) -> String? {
        guard score.isFinite, score >= 0, score <= 10 else { return nil }
        let tenths = Int((score * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// Picks a finding's severity from every rating and vector its advisories carry.
public struct SeverityAssessor {
    /// Computes a base score from a vector: `(version, score)`, nil when the vector is unusable.
    public typealias Scorer = (String) -> (version: String, score: Double)?
    let scorer: Scorer

    public init(scorer: @escaping Scorer) { self.scorer = scorer }

    /// `preferredSources` in order (e.g. `["ubuntu"]` for an Ubuntu package, `["ghsa", "github"]` for npm).
    public func assess(_ severities: [AdvisorySeverity], preferredSources: [String]) -> SeverityAssessment {
        let cvss = bestCVSS(severities)
        for preferred in preferredSources {
            for s in severities where s.kind == .rating && s.source?.lowercased() == preferred {
                if let r = Severity(word: s.value) { return SeverityAssessment(rating: r, ratedBy: preferred, cvss: cvss) }
            }
        }
        if let cvss {
            return SeverityAssessment(rating: Severity(cvss: CVSSSeverity(score: cvss.baseScore)), ratedBy: "cvss", cvss: cvss)
        }
        // A rating from a source that is not preferred still beats nothing (e.g. OSV `database_specific` words).
        for s in severities where s.kind == .rating {
            if let r = Severity(word: s.value) { return SeverityAssessment(rating: r, ratedBy: s.source ?? "advisory", cvss: nil) }
        }
        return SeverityAssessment(rating: .unspecified, ratedBy: nil, cvss: nil)
    }

    /// CVSS v4.0 over v3.1 over v3.0 over v2; among equals, NVD's, then the highest score.
    func bestCVSS(_ severities: [AdvisorySeverity]) -> SeverityAssessment.Score? {
        let scored: [(rank: Int, nvd: Bool, score: SeverityAssessment.Score)] = severities.compactMap { s in
            guard s.kind != .rating, let r = scorer(s.value) else { return nil }
            let rank = r.version.hasPrefix("4") ? 4 : r.version == "3.1" ? 3 : r.version.hasPrefix("3") ? 2 : 1
            return (rank, s.source?.lowercased() == "nvd", SeverityAssessment.Score(version: r.version, baseScore: r.score, vector: s.value, source: s.source))
        }
        return scored.max { a, b in
            if a.rank != b.rank { return a.rank < b.rank }
            if a.nvd != b.nvd { return !a.nvd }
            return a.score.baseScore < b.score.baseScore
        }?.score
    }

    /// The sources whose rating Scout prefers for a package's ecosystem.
    public static func preferredSources(ecosystem: String) -> [String] {
        switch ecosystem {
        case "Debian": return ["debian"]
        case "Ubuntu": return ["ubuntu"]
        case "Alpine": return ["alpine"]
        case "AlmaLinux": return ["almalinux"]
        case "Rocky Linux": return ["rocky"]
        case "Red Hat": return ["redhat", "red hat"]
        default: return ["ghsa", "github"]
        }
    }
}
