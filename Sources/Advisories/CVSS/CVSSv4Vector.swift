/// A CVSS v4.0 vector (`CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N`, optionally
/// with threat, environmental and supplemental metrics) and its MacroVector-based score.
public struct CVSSv4Vector: Sendable, Equatable {
    /// The metrics as given (absent ones are Not Defined, `X`).
    public let metrics: [String: String]
    /// The score of the vector with every metric it carries (CVSS-B, -BT, -BE or -BTE; see `nomenclature`).
    public let score: Double
    /// The score of the base metrics alone (CVSS-B): threat and environmental metrics ignored.
    public let baseScore: Double
    /// EQ1…EQ6 levels of the full vector, e.g. `"001100"`.
    public let macroVector: String

    public init(_ vector: String) throws {
        let prefix = "CVSS:4.0"
        guard vector.hasPrefix(prefix + "/") || vector == prefix else {
            let found = vector.split(separator: "/", maxSplits: 1).first.map(CVSSError.shown) ?? ""
            throw CVSSError(version: "CVSS v4", problem: .unsupportedVersion(found))
        }
        let set = Self.metricSet
        guard vector.utf8.count <= CVSSMetricSet.byteLimit else {
            throw set.error(.tooLong(bytes: vector.utf8.count, limit: CVSSMetricSet.byteLimit))
        }
        let body = vector.dropFirst(prefix.count + 1)
        guard !body.isEmpty else { throw set.error(.missingBaseMetrics(Self.baseNames)) }
        metrics = try set.parse(body)

        let full = CVSSv4Scoring(given: metrics)
        let baseOnly = CVSSv4Scoring(given: metrics.filter { Self.baseNames.contains($0.key) })
        macroVector = CVSSv4Scoring.key(full.macroVector)
        guard let fullTenths = full.scoreInTenths, let baseTenths = baseOnly.scoreInTenths else {
            throw set.error(.unscorable(macroVector: macroVector))
        }
        score = Double(fullTenths) / 10
        baseScore = Double(baseTenths) / 10
    }

    /// `CVSS-B`, `CVSS-BT`, `CVSS-BE` or `CVSS-BTE`: which metric groups `score` reflects (specification §1.3).
    public var nomenclature: String {
        let threat = Self.metricSet.definesAny(of: ["E"], in: metrics)
        let environmental = Self.metricSet.definesAny(of: Self.environmentalNames, in: metrics)
        return "CVSS-B" + (threat ? "T" : "") + (environmental ? "E" : "")
    }

    /// Metrics in specification order, leaving out Not Defined ones.
    public var normalized: String { Self.metricSet.normalized(metrics, prefix: "CVSS:4.0") }

    static let baseNames = ["AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"]
    static let environmentalNames = ["CR", "IR", "AR", "MAV", "MAC", "MAT", "MPR", "MUI",
                                     "MVC", "MVI", "MVA", "MSC", "MSI", "MSA"]

    static let metricSet: CVSSMetricSet = {
        let impact = ["H", "L", "N"], requirement = ["H", "M", "L"]
        return CVSSMetricSet(label: "CVSS:4.0", metrics: [
            .base("AV", ["N", "A", "L", "P"]), .base("AC", ["L", "H"]), .base("AT", ["N", "P"]),
            .base("PR", ["N", "L", "H"]), .base("UI", ["N", "P", "A"]),
            .base("VC", impact), .base("VI", impact), .base("VA", impact),
            .base("SC", impact), .base("SI", impact), .base("SA", impact),
            .optional("E", ["A", "P", "U"]),
            .optional("CR", requirement), .optional("IR", requirement), .optional("AR", requirement),
            .optional("MAV", ["N", "A", "L", "P"]), .optional("MAC", ["L", "H"]), .optional("MAT", ["N", "P"]),
            .optional("MPR", ["N", "L", "H"]), .optional("MUI", ["N", "P", "A"]),
            .optional("MVC", impact), .optional("MVI", impact), .optional("MVA", impact),
            .optional("MSC", impact), .optional("MSI", ["S", "H", "L", "N"]), .optional("MSA", ["S", "H", "L", "N"]),
            .optional("S", ["N", "P"]), .optional("AU", ["N", "Y"]), .optional("R", ["A", "U", "I"]),
            .optional("V", ["D", "C"]), .optional("RE", ["L", "M", "H"]),
            .optional("U", ["Clear", "Green", "Amber", "Red"]),
        ])
    }()
}
