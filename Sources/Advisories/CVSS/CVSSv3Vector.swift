import Foundation

/// A CVSS v3.0 or v3.1 vector (`CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`, optionally with temporal
/// and environmental metrics) and its scores, per the formulas of the v3.1 specification §7 (v3.0 §8).
/// The two versions differ in rounding (v3.1 Appendix A `Roundup` against v3.0's plain round up) and in
/// the environmental Modified Impact for a changed scope.
public struct CVSSv3Vector: Sendable, Equatable {
    /// `.v3_0` or `.v3_1`, from the prefix.
    public let version: CVSSVersion
    /// The metrics as given (absent ones are Not Defined).
    public let metrics: [String: String]
    public let baseScore: Double
    /// Base score adjusted by E, RL and RC; equal to the base score when none is defined.
    public let temporalScore: Double
    /// The score with the environmental metrics (and the temporal ones) applied.
    public let environmentalScore: Double
    /// Impact and exploitability sub-scores of the base formula, unrounded.
    public let impactSubScore: Double
    public let exploitabilitySubScore: Double

    public init(_ vector: String) throws {
        let prefix: String
        if vector.hasPrefix("CVSS:3.1/") || vector == "CVSS:3.1" {
            version = .v3_1; prefix = "CVSS:3.1"
        } else if vector.hasPrefix("CVSS:3.0/") || vector == "CVSS:3.0" {
            version = .v3_0; prefix = "CVSS:3.0"
        } else {
            let found = vector.split(separator: "/", maxSplits: 1).first.map(CVSSError.shown) ?? ""
            throw CVSSError(version: "CVSS v3", problem: .unsupportedVersion(found))
        }
        guard vector.utf8.count <= CVSSMetricSet.byteLimit else {
            throw CVSSError(version: prefix, problem: .tooLong(bytes: vector.utf8.count, limit: CVSSMetricSet.byteLimit))
        }
        let set = Self.metricSet(prefix)
        let body = vector.dropFirst(prefix.count + 1)
        guard !body.isEmpty else { throw set.error(.missingBaseMetrics(Self.baseNames)) }
        metrics = try set.parse(body)

        let formula = CVSSv3Formula(metrics: metrics, version: version)
        (impactSubScore, exploitabilitySubScore) = (formula.impact, formula.exploitability)
        baseScore = formula.baseScore
        temporalScore = formula.temporalScore(base: baseScore)
        environmentalScore = formula.environmentalScore
    }

    private var prefix: String { "CVSS:" + version.rawValue }

    /// Base metrics first, then temporal and environmental ones that are defined, in specification order.
    public var normalized: String {
        Self.metricSet(prefix).normalized(metrics, prefix: prefix)
    }

    public var definesTemporalMetrics: Bool {
        Self.metricSet(prefix).definesAny(of: ["E", "RL", "RC"], in: metrics)
    }

    public var definesEnvironmentalMetrics: Bool {
        Self.metricSet(prefix).definesAny(of: Self.environmentalNames, in: metrics)
    }

    static let baseNames = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"]
    static let environmentalNames = ["CR", "IR", "AR", "MAV", "MAC", "MPR", "MUI", "MS", "MC", "MI", "MA"]

    static func metricSet(_ label: String) -> CVSSMetricSet {
        let cia = ["H", "L", "N"], requirement = ["H", "M", "L"]
        return CVSSMetricSet(label: label, metrics: [
            .base("AV", ["N", "A", "L", "P"]), .base("AC", ["L", "H"]), .base("PR", ["N", "L", "H"]),
            .base("UI", ["N", "R"]), .base("S", ["U", "C"]), .base("C", cia), .base("I", cia), .base("A", cia),
            .optional("E", ["H", "F", "P", "U"]), .optional("RL", ["U", "W", "T", "O"]), .optional("RC", ["C", "R", "U"]),
            .optional("CR", requirement), .optional("IR", requirement), .optional("AR", requirement),
            .optional("MAV", ["N", "A", "L", "P"]), .optional("MAC", ["L", "H"]), .optional("MPR", ["N", "L", "H"]),
            .optional("MUI", ["N", "R"]), .optional("MS", ["U", "C"]),
            .optional("MC", cia), .optional("MI", cia), .optional("MA", cia),
        ])
    }
}

/// The v3 equations over one vector's metric values, in the operation order of FIRST's reference
/// calculator so that floating-point results match it before rounding.
struct CVSSv3Formula {
    let metrics: [String: String]
    let version: CVSSVersion

    private func value(_ name: String) -> String { metrics[name] ?? "X" }
    /// A modified metric's value, falling back to its base metric when Not Defined.
    private func modified(_ name: String) -> String {
        let m = value("M" + name)
        return m == "X" ? value(name) : m
    }

    private func roundUp(_ x: Double) -> Double {
        version == .v3_0 ? CVSSRounding.roundUp30(x) : CVSSRounding.roundUp31(x)
    }

    private static func attackVector(_ v: String) -> Double {
        switch v { case "N": 0.85; case "A": 0.62; case "L": 0.55; default: 0.2 }
    }
    private static func attackComplexity(_ v: String) -> Double { v == "L" ? 0.77 : 0.44 }
    private static func privileges(_ v: String, scopeChanged: Bool) -> Double {
        switch v { case "N": 0.85; case "L": scopeChanged ? 0.68 : 0.62; default: scopeChanged ? 0.5 : 0.27 }
    }
    private static func userInteraction(_ v: String) -> Double { v == "N" ? 0.85 : 0.62 }
    private static func cia(_ v: String) -> Double {
        switch v { case "H": 0.56; case "L": 0.22; default: 0 }
    }
    private static func requirement(_ v: String) -> Double {
        switch v { case "H": 1.5; case "L": 0.5; default: 1 }
    }

    private var scopeChanged: Bool { value("S") == "C" }
    private var modifiedScopeChanged: Bool { modified("S") == "C" }

    var impact: Double {
        let iss = 1 - ((1 - Self.cia(value("C"))) * (1 - Self.cia(value("I"))) * (1 - Self.cia(value("A"))))
        return scopeChanged ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss
    }

    var exploitability: Double {
        8.22 * Self.attackVector(value("AV")) * Self.attackComplexity(value("AC"))
            * Self.privileges(value("PR"), scopeChanged: scopeChanged) * Self.userInteraction(value("UI"))
    }

    var baseScore: Double {
        guard impact > 0 else { return 0 }
        return roundUp(min(scopeChanged ? 1.08 * (impact + exploitability) : impact + exploitability, 10))
    }

    /// Multiplies by E, RL and RC left to right, as the reference calculator does.
    private func withTemporal(_ score: Double) -> Double {
        let e: Double = switch value("E") { case "F": 0.97; case "P": 0.94; case "U": 0.91; default: 1 }
        let rl: Double = switch value("RL") { case "W": 0.97; case "T": 0.96; case "O": 0.95; default: 1 }
        let rc: Double = switch value("RC") { case "R": 0.96; case "U": 0.92; default: 1 }
        return score * e * rl * rc
    }

    func temporalScore(base: Double) -> Double { roundUp(withTemporal(base)) }

    var environmentalScore: Double {
        let miss = min(1 - ((1 - Self.cia(modified("C")) * Self.requirement(value("CR")))
                            * (1 - Self.cia(modified("I")) * Self.requirement(value("IR")))
                            * (1 - Self.cia(modified("A")) * Self.requirement(value("AR")))), 0.915)
        let changed = modifiedScopeChanged
        let modifiedImpact: Double
        if !changed {
            modifiedImpact = 6.42 * miss
        } else if version == .v3_0 {
            modifiedImpact = 7.52 * (miss - 0.029) - 3.25 * pow(miss - 0.02, 15)
        } else {
            modifiedImpact = 7.52 * (miss - 0.029) - 3.25 * pow(miss * 0.9731 - 0.02, 13)
        }
        let modifiedExploitability = 8.22 * Self.attackVector(modified("AV")) * Self.attackComplexity(modified("AC"))
            * Self.privileges(modified("PR"), scopeChanged: changed) * Self.userInteraction(modified("UI"))
        guard modifiedImpact > 0 else { return 0 }
        let sum = changed ? 1.08 * (modifiedImpact + modifiedExploitability) : modifiedImpact + modifiedExploitability
        return roundUp(withTemporal(roundUp(min(sum, 10))))
    }
}
