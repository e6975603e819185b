/// The highest-severity vectors of each EQ level and the depths of the MacroVectors, from the
/// reference implementation (`MAX_COMPOSED`, `MAX_SEVERITY` and `METRIC_LEVELS` in Red Hat's
/// cvss-v4-calculator `cvss40.js`). Levels are in steps of 0.1: lower is more severe.
enum CVSSv4MaxVectors {
    static let levels: [(metric: String, levels: [String: Int])] = [
        ("AV", ["N": 0, "A": 1, "L": 2, "P": 3]), ("PR", ["N": 0, "L": 1, "H": 2]), ("UI", ["N": 0, "P": 1, "A": 2]),
        ("AC", ["L": 0, "H": 1]), ("AT", ["N": 0, "P": 1]),
        ("VC", ["H": 0, "L": 1, "N": 2]), ("VI", ["H": 0, "L": 1, "N": 2]), ("VA", ["H": 0, "L": 1, "N": 2]),
        ("SC", ["H": 1, "L": 2, "N": 3]), ("SI", ["S": 0, "H": 1, "L": 2, "N": 3]), ("SA", ["S": 0, "H": 1, "L": 2, "N": 3]),
        ("CR", ["H": 0, "M": 1, "L": 2]), ("IR", ["H": 0, "M": 1, "L": 2]), ("AR", ["H": 0, "M": 1, "L": 2]),
    ]

    /// Depth of each MacroVector (the reference's maximal severity distance + 1), per EQ level.
    static let depthEQ1 = [1, 4, 5]
    static let depthEQ2 = [1, 2]
    static let depthEQ4 = [6, 5, 4]
    static func depthEQ3EQ6(eq3: Int, eq6: Int) -> Int {
        switch (eq3, eq6) {
        case (0, 0): 7
        case (0, _): 6
        case (1, _): 8
        default: 10
        }
    }

    private static let eq1 = [["AV:N/PR:N/UI:N"], ["AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"],
                              ["AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"]]
    private static let eq2 = [["AC:L/AT:N"], ["AC:H/AT:N", "AC:L/AT:P"]]
    /// Indexed by EQ3 then EQ6.
    private static let eq3eq6: [[[String]]] = [
        [["VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"], ["VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"]],
        [["VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"],
         ["VC:L/VI:H/VA:L/CR:H/IR:M/AR:H", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M", "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M",
          "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H", "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M"]],
        [[], ["VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"]],
    ]
    private static let eq4 = [["SC:H/SI:S/SA:S"], ["SC:H/SI:H/SA:H"], ["SC:L/SI:L/SA:L"]]

    /// Every combination of the EQs' highest vectors for one MacroVector, in the reference's order
    /// (EQ5's E value plays no part in the distances and is left out).
    static func candidates(eq1 e1: Int, eq2 e2: Int, eq3 e3: Int, eq4 e4: Int, eq6 e6: Int) -> [[String: String]] {
        guard eq1.indices.contains(e1), eq2.indices.contains(e2), eq3eq6.indices.contains(e3),
              eq3eq6[e3].indices.contains(e6), eq4.indices.contains(e4) else { return [] }
        var result: [[String: String]] = []
        for a in eq1[e1] {
            for b in eq2[e2] {
                for c in eq3eq6[e3][e6] {
                    for d in eq4[e4] {
                        result.append(metrics([a, b, c, d].joined(separator: "/")))
                    }
                }
            }
        }
        return result
    }

    private static func metrics(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "/") {
            let parts = pair.split(separator: ":")
            if parts.count == 2 { out[String(parts[0])] = String(parts[1]) }
        }
        return out
    }
}
