/// CVSS v4.0 scoring (specification §8): the vector's MacroVector (EQ1–EQ6) gives the score of the
/// highest-severity vector of its class from the lookup table; the score then moves down towards the next
/// lower MacroVector of each EQ in proportion to the vector's severity distance from that highest vector,
/// averaged over the EQs that have a lower MacroVector. A faithful port of `calculateScore` in Red Hat's
/// cvss-v4-calculator `cvss40.js`, with one difference in means, not in results: the interpolation runs
/// in exact integers (tenths over a common denominator) instead of doubles, so ties such as 8.55 round
/// half up as the reference's epsilon fix (RedHatProductSecurity/cvss-v4-calculator#67) intends.
struct CVSSv4Scoring {
    /// Metric values as given; absent metrics are Not Defined.
    let given: [String: String]

    /// The value the equations use: E, CR, IR, AR default to their worst case, and a defined modified
    /// metric (MAV…MSA) replaces its base metric.
    func effective(_ metric: String) -> String {
        let selected = given[metric] ?? "X"
        if selected == "X" {
            switch metric {
            case "E": return "A"
            case "CR", "IR", "AR": return "H"
            default: break
            }
        }
        if let modified = given["M" + metric], modified != "X" { return modified }
        return selected
    }

    /// EQ1…EQ6 levels.
    var macroVector: [Int] {
        let av = effective("AV"), pr = effective("PR"), ui = effective("UI")
        let eq1: Int
        if av == "N" && pr == "N" && ui == "N" {
            eq1 = 0
        } else if (av == "N" || pr == "N" || ui == "N") && av != "P" {
            eq1 = 1
        } else {
            eq1 = 2
        }
        let eq2 = effective("AC") == "L" && effective("AT") == "N" ? 0 : 1
        let vc = effective("VC"), vi = effective("VI"), va = effective("VA")
        let eq3 = vc == "H" && vi == "H" ? 0 : (vc == "H" || vi == "H" || va == "H") ? 1 : 2
        let eq4: Int
        if effective("MSI") == "S" || effective("MSA") == "S" {
            eq4 = 0
        } else if effective("SC") == "H" || effective("SI") == "H" || effective("SA") == "H" {
            eq4 = 1
        } else {
            eq4 = 2
        }
        let eq5 = ["A": 0, "P": 1, "U": 2][effective("E")] ?? 0
        let eq6 = (effective("CR") == "H" && vc == "H") || (effective("IR") == "H" && vi == "H")
            || (effective("AR") == "H" && va == "H") ? 0 : 1
        return [eq1, eq2, eq3, eq4, eq5, eq6]
    }

    static func key(_ levels: [Int]) -> String { levels.map(String.init).joined() }

    /// The score in tenths, or nil when the MacroVector has no table entry (every reachable one has).
    var scoreInTenths: Int? {
        if ["VC", "VI", "VA", "SC", "SI", "SA"].allSatisfy({ effective($0) == "N" }) { return 0 }
        let macro = macroVector
        let table = CVSSv4MacroVectorScores.tenths
        guard let value = table[Self.key(macro)] else { return nil }
        let (eq1, eq2, eq3, eq4, eq6) = (macro[0], macro[1], macro[2], macro[3], macro[5])

        func lower(_ change: (inout [Int]) -> Void) -> Int? {
            var next = macro
            change(&next)
            return table[Self.key(next)]
        }
        let lowerEQ3EQ6: Int?
        switch (eq3, eq6) {
        case (0, 0):  // two lower MacroVectors: the reference takes the higher-scoring one
            let left = lower { $0[5] += 1 }, right = lower { $0[2] += 1 }
            if let l = left, let r = right { lowerEQ3EQ6 = l > r ? l : r } else { lowerEQ3EQ6 = right }
        case (1, 0): lowerEQ3EQ6 = lower { $0[5] += 1 }
        case (0, 1), (1, 1): lowerEQ3EQ6 = lower { $0[2] += 1 }
        default: lowerEQ3EQ6 = lower { $0[2] += 1; $0[5] += 1 }  // 21 → 32 does not exist
        }

        let distances = severityDistances(eq1: eq1, eq2: eq2, eq3: eq3, eq4: eq4, eq6: eq6)
        // (lower MacroVector score, current severity distance, depth of this MacroVector) per EQ.
        let steps: [(lower: Int?, distance: Int, depth: Int)] = [
            (lower { $0[0] += 1 }, distances["AV", default: 0] + distances["PR", default: 0] + distances["UI", default: 0],
             CVSSv4MaxVectors.depthEQ1[eq1]),
            (lower { $0[1] += 1 }, distances["AC", default: 0] + distances["AT", default: 0], CVSSv4MaxVectors.depthEQ2[eq2]),
            (lowerEQ3EQ6, ["VC", "VI", "VA", "CR", "IR", "AR"].reduce(0) { $0 + distances[$1, default: 0] },
             CVSSv4MaxVectors.depthEQ3EQ6(eq3: eq3, eq6: eq6)),
            (lower { $0[3] += 1 }, ["SC", "SI", "SA"].reduce(0) { $0 + distances[$1, default: 0] },
             CVSSv4MaxVectors.depthEQ4[eq4]),
            (lower { $0[4] += 1 }, 0, 1),  // EQ5 counts towards the mean but never moves the score
        ]

        // mean = Σ (value − lower) · distance / depth over the n EQs with a lower MacroVector, kept as a
        // fraction over 840 · n (840 is divisible by every depth: 1, 2, 4, 5, 6, 7, 8, 10).
        let existing = steps.filter { $0.lower != nil }
        guard !existing.isEmpty else { return value }
        let denominator = 840 * existing.count
        var numerator = 0
        for step in existing {
            guard let lowerScore = step.lower else { continue }
            numerator += (value - lowerScore) * step.distance * (840 / step.depth)
        }
        let scaled = value * denominator - numerator  // the score in tenths, times `denominator`
        if scaled <= 0 { return 0 }
        if scaled >= 100 * denominator { return 100 }
        return (2 * scaled + denominator) / (2 * denominator)  // round half up
    }

    /// Severity distances (in steps) of the vector from the first highest-severity vector of its
    /// MacroVector that it does not exceed on any metric; the last candidate if none qualifies, as in the
    /// reference.
    private func severityDistances(eq1: Int, eq2: Int, eq3: Int, eq4: Int, eq6: Int) -> [String: Int] {
        var distances: [String: Int] = [:]
        for candidate in CVSSv4MaxVectors.candidates(eq1: eq1, eq2: eq2, eq3: eq3, eq4: eq4, eq6: eq6) {
            distances = [:]
            for (metric, levels) in CVSSv4MaxVectors.levels {
                guard let mine = levels[effective(metric)], let top = candidate[metric].flatMap({ levels[$0] }) else {
                    continue
                }
                distances[metric] = mine - top
            }
            if distances.values.allSatisfy({ $0 >= 0 }) { break }
        }
        return distances
    }
}
