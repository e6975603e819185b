import Foundation

/// A CVSS v2 vector (`AV:N/AC:L/Au:N/C:P/I:P/A:P`, optionally with temporal and environmental metrics)
/// and its scores, per the CVSS v2 guide §3.2 equations. Older NVD and Debian data carry only these.
/// The arithmetic is exact decimal: v2 rounds half up, and temporal products hit exact ties (4.25)
/// that binary doubles would round either way.
public struct CVSSv2Vector: Sendable, Equatable {
    /// The metrics as given (absent ones are Not Defined, `ND`).
    public let metrics: [String: String]
    public let baseScore: Double
    /// Base score adjusted by E, RL and RC; equal to the base score when none is defined.
    public let temporalScore: Double
    /// The score with the environmental metrics applied; equal to the temporal score when none is
    /// defined (the formula would otherwise differ by its AdjustedImpact cap of 10, e.g. 7.1 against 7.2
    /// for AV:L/AC:L/Au:N/C:C/I:C/A:C, where the guide's scores have no environmental group at all).
    public let environmentalScore: Double

    /// Accepts the bare vector, and the `CVSS:2.0/` prefix some tools put in front of it.
    public init(_ vector: String) throws {
        guard vector.utf8.count <= CVSSMetricSet.byteLimit else {
            throw Self.metricSet.error(.tooLong(bytes: vector.utf8.count, limit: CVSSMetricSet.byteLimit))
        }
        let body = vector.hasPrefix("CVSS:2.0/") ? vector.dropFirst("CVSS:2.0/".count) : Substring(vector)
        guard !body.isEmpty else { throw Self.metricSet.error(.empty) }
        metrics = try Self.metricSet.parse(body)
        let formula = CVSSv2Formula(metrics: metrics)
        baseScore = CVSSRounding.double(formula.baseScore)
        temporalScore = CVSSRounding.double(formula.temporalScore)
        environmentalScore = Self.metricSet.definesAny(of: Self.environmentalNames, in: metrics)
            ? CVSSRounding.double(formula.environmentalScore) : temporalScore
    }

    /// Base metrics first, then the defined temporal and environmental ones, without a prefix.
    public var normalized: String { Self.metricSet.normalized(metrics, prefix: nil) }

    public var definesTemporalMetrics: Bool { Self.metricSet.definesAny(of: ["E", "RL", "RC"], in: metrics) }
    public var definesEnvironmentalMetrics: Bool {
        Self.metricSet.definesAny(of: Self.environmentalNames, in: metrics)
    }

    static let environmentalNames = ["CDP", "TD", "CR", "IR", "AR"]

    static let metricSet: CVSSMetricSet = {
        let cia = ["N", "P", "C"], requirement = ["L", "M", "H"]
        return CVSSMetricSet(label: "CVSS v2", metrics: [
            .base("AV", ["L", "A", "N"]), .base("AC", ["H", "M", "L"]), .base("Au", ["M", "S", "N"]),
            .base("C", cia), .base("I", cia), .base("A", cia),
            .optional("E", ["U", "POC", "F", "H"], notDefined: "ND"),
            .optional("RL", ["OF", "TF", "W", "U"], notDefined: "ND"),
            .optional("RC", ["UC", "UR", "C"], notDefined: "ND"),
            .optional("CDP", ["N", "L", "LM", "MH", "H"], notDefined: "ND"),
            .optional("TD", ["N", "L", "M", "H"], notDefined: "ND"),
            .optional("CR", requirement, notDefined: "ND"), .optional("IR", requirement, notDefined: "ND"),
            .optional("AR", requirement, notDefined: "ND"),
        ])
    }()
}

/// The v2 equations in exact decimals.
struct CVSSv2Formula {
    let metrics: [String: String]

    /// `thousandths / 1000` as an exact decimal.
    private static func d(_ thousandths: Int) -> Decimal {
        Decimal(sign: .plus, exponent: -3, significand: Decimal(thousandths))
    }

    private func value(_ name: String) -> String { metrics[name] ?? "ND" }

    private func weight(_ name: String) -> Decimal {
        let v = value(name)
        let thousandths: Int
        switch name {
        case "AV": thousandths = v == "L" ? 395 : v == "A" ? 646 : 1000
        case "AC": thousandths = v == "H" ? 350 : v == "M" ? 610 : 710
        case "Au": thousandths = v == "M" ? 450 : v == "S" ? 560 : 704
        case "C", "I", "A": thousandths = v == "N" ? 0 : v == "P" ? 275 : 660
        case "E": thousandths = ["U": 850, "POC": 900, "F": 950][v] ?? 1000
        case "RL": thousandths = ["OF": 870, "TF": 900, "W": 950][v] ?? 1000
        case "RC": thousandths = ["UC": 900, "UR": 950][v] ?? 1000
        case "CDP": thousandths = ["L": 100, "LM": 300, "MH": 400, "H": 500][v] ?? 0
        case "TD": thousandths = ["N": 0, "L": 250, "M": 750][v] ?? 1000
        default: thousandths = ["L": 500, "H": 1510][v] ?? 1000  // CR, IR, AR
        }
        return Self.d(thousandths)
    }

    private var impact: Decimal {
        Self.d(10_410) * (1 - (1 - weight("C")) * (1 - weight("I")) * (1 - weight("A")))
    }

    private var adjustedImpact: Decimal {
        min(10, Self.d(10_410) * (1 - (1 - weight("C") * weight("CR")) * (1 - weight("I") * weight("IR"))
                                  * (1 - weight("A") * weight("AR"))))
    }

    private func base(impact: Decimal) -> Decimal {
        let exploitability = 20 * weight("AV") * weight("AC") * weight("Au")
        let f: Decimal = impact == 0 ? 0 : Self.d(1176)
        return CVSSRounding.roundHalfUp1((Self.d(600) * impact + Self.d(400) * exploitability - Self.d(1500)) * f)
    }

    private func temporal(base: Decimal) -> Decimal {
        CVSSRounding.roundHalfUp1(base * weight("E") * weight("RL") * weight("RC"))
    }

    var baseScore: Decimal { max(0, base(impact: impact)) }
    var temporalScore: Decimal { temporal(base: baseScore) }

    var environmentalScore: Decimal {
        // Not clamped at 0 before the last step: with low requirements the adjusted base can go
        // negative; RedHat's reference implementation carries it into the formula, and so does this.
        let adjustedTemporal = temporal(base: base(impact: adjustedImpact))
        let score = (adjustedTemporal + (10 - adjustedTemporal) * weight("CDP")) * weight("TD")
        return max(0, CVSSRounding.roundHalfUp1(score))
    }
}
