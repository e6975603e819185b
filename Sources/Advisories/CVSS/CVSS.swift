/// The CVSS versions vouch scores, ordered by preference: a v4.0 vector is preferred to v3.1, v3.1 to
/// v3.0, v3.0 to v2.
public enum CVSSVersion: String, Sendable, CaseIterable, Comparable {
    case v2 = "2.0", v3_0 = "3.0", v3_1 = "3.1", v4_0 = "4.0"

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (a: CVSSVersion, b: CVSSVersion) -> Bool { a.rank < b.rank }
}

/// What one CVSS vector says, whatever its version.
public struct CVSSScore: Sendable, Equatable {
    public let version: CVSSVersion
    /// The base score (v4.0: CVSS-B, threat and environmental metrics ignored).
    public let baseScore: Double
    /// The score with every metric the vector carries: v4.0's score of the whole vector; for v3 and v2
    /// the environmental score when environmental metrics are given, else the temporal score when
    /// temporal metrics are given, else the base score.
    public let overallScore: Double
    /// The qualitative band of `baseScore`. v2 defines none: vouch uses NVD's v2 bands (see
    /// `CVSSSeverity.init(v2Score:)`).
    public let severity: CVSSSeverity
    /// The vector in specification order without Not Defined metrics (v2 without a prefix).
    public let vector: String

    public init(version: CVSSVersion, baseScore: Double, overallScore: Double, severity: CVSSSeverity, vector: String) {
        self.version = version
        self.baseScore = baseScore
        self.overallScore = overallScore
        self.severity = severity
        self.vector = vector
    }
}

/// Entry points over the version-specific vectors.
public enum CVSS {
    /// Scores a vector of any supported version: `CVSS:4.0/…`, `CVSS:3.1/…`, `CVSS:3.0/…`, or a bare v2
    /// vector (`AV:N/AC:L/Au:N/C:P/I:P/A:P`, also accepted with a `CVSS:2.0/` prefix). Surrounding
    /// whitespace is ignored. Throws `CVSSError`.
    public static func parse(_ text: String) throws -> CVSSScore {
        let vector = text.trimmingASCIIWhitespace()
        guard !vector.isEmpty else { throw CVSSError(version: "CVSS", problem: .empty) }
        guard vector.utf8.count <= CVSSMetricSet.byteLimit else {
            throw CVSSError(version: "CVSS", problem: .tooLong(bytes: vector.utf8.count, limit: CVSSMetricSet.byteLimit))
        }
        guard vector.hasPrefix("CVSS:") else { return try parseV2(vector) }
        let prefix = vector.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        switch prefix {
        case "CVSS:4.0":
            let v = try CVSSv4Vector(vector)
            return CVSSScore(version: .v4_0, baseScore: v.baseScore, overallScore: v.score,
                             severity: CVSSSeverity(score: v.baseScore), vector: v.normalized)
        case "CVSS:3.1", "CVSS:3.0":
            let v = try CVSSv3Vector(vector)
            let overall = v.definesEnvironmentalMetrics ? v.environmentalScore
                : v.definesTemporalMetrics ? v.temporalScore : v.baseScore
            return CVSSScore(version: v.version, baseScore: v.baseScore, overallScore: overall,
                             severity: CVSSSeverity(score: v.baseScore), vector: v.normalized)
        case "CVSS:2.0":
            return try parseV2(vector)
        default:
            throw CVSSError(version: "CVSS", problem: .unsupportedVersion(CVSSError.shown(prefix)))
        }
    }

    /// The vector to show for an advisory that carries several: the highest version (v4.0 > v3.1 > v3.0 >
    /// v2); among vectors of that version the first given, so callers list their sources by trust.
    /// Vectors that do not parse are passed over; nil when none parses.
    public static func preferred(_ vectors: [String]) -> CVSSScore? {
        preferred(vectors.compactMap { try? parse($0) })
    }

    /// The highest-version score, the first of equals.
    public static func preferred(_ scores: [CVSSScore]) -> CVSSScore? {
        var best: CVSSScore?
        for score in scores where best.map({ score.version > $0.version }) ?? true {
            best = score
        }
        return best
    }

    /// Metrics of v3 and v4 that v2 does not have: a bare vector with one of them lacks its prefix.
    private static let laterMetrics: Set<String> = [
        "PR", "UI", "S", "AT", "VC", "VI", "VA", "SC", "SI", "SA", "MAV", "MAC", "MPR", "MUI", "MS",
        "MC", "MI", "MA", "MAT", "MVC", "MVI", "MVA", "MSC", "MSI", "MSA",
    ]

    private static func parseV2(_ vector: String) throws -> CVSSScore {
        do {
            let v = try CVSSv2Vector(vector)
            let overall = v.definesEnvironmentalMetrics ? v.environmentalScore
                : v.definesTemporalMetrics ? v.temporalScore : v.baseScore
            return CVSSScore(version: .v2, baseScore: v.baseScore, overallScore: overall,
                             severity: CVSSSeverity(v2Score: v.baseScore), vector: v.normalized)
        } catch let error as CVSSError {
            if case .unknownMetric(let metric) = error.problem, laterMetrics.contains(metric) {
                throw CVSSError(version: "CVSS", problem: .missingPrefix(metric: metric))
            }
            throw error
        }
    }
}

private extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
