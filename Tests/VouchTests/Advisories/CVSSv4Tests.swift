import Foundation
import XCTest
@testable import Advisories

/// CVSS v4.0: Red Hat's reference vectors, the rounding ties the reference fixed, every MacroVector's
/// highest-severity vectors, and the nomenclature.
final class CVSSv4Tests: XCTestCase {
    /// Rows of RedHatProductSecurity/cvss `tests/vectors_simple4`, all of `tests/vectors_threat4`, and rows
    /// of `tests/vectors_security4`.
    static let referenceVectors: [(String, Double)] = [
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L", 9.2),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:H/SI:N/SA:L", 7.8),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:L/SA:N", 6.9),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:L/SA:H", 7.9),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:N/VA:L/SC:N/SI:H/SA:N", 8.3),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:L/VI:N/VA:N/SC:L/SI:N/SA:L", 5.3),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.6),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:N/SC:N/SI:L/SA:L", 8.5),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N", 5.1),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:N/VA:L/SC:N/SI:L/SA:N", 7.1),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:L/VI:L/VA:N/SC:H/SI:L/SA:L", 6.4),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:N/VI:H/VA:H/SC:N/SI:N/SA:L", 7.2),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:P/VC:H/VI:L/VA:L/SC:L/SI:L/SA:L", 7.0),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:A/VC:H/VI:H/VA:H/SC:H/SI:N/SA:H", 9.3),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:A/VC:N/VI:L/VA:L/SC:L/SI:L/SA:H", 6.2),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:L/SC:L/SI:L/SA:N", 5.1),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:P/VC:L/VI:L/VA:N/SC:L/SI:N/SA:N", 4.8),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:A/VC:L/VI:N/VA:N/SC:H/SI:N/SA:H", 6.0),
        ("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:N/SA:H", 9.5),
        ("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:N/VI:L/VA:L/SC:H/SI:L/SA:L", 7.0),
        ("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:L/VI:L/VA:N/SC:H/SI:N/SA:N", 4.9),
        ("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:N/SA:N", 2.1),
        ("CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:N/VI:N/VA:N/SC:N/SI:L/SA:N", 2.3),
        ("CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:A/VC:L/VI:L/VA:N/SC:N/SI:H/SA:L", 4.5),
        ("CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:N/VC:N/VI:L/VA:L/SC:H/SI:H/SA:H", 5.5),
        ("CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:L/VA:L/SC:L/SI:N/SA:N", 1.8),
        ("CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:L/SI:H/SA:L", 9.4),
        ("CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N", 2.1),
        ("CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:P/VC:H/VI:H/VA:H/SC:H/SI:L/SA:H", 8.8),
        ("CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:A/VC:L/VI:L/VA:L/SC:H/SI:H/SA:H", 5.2),
        ("CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:H/SA:N", 4.0),
        ("CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:L/SA:N", 9.5),
        ("CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:N/VI:L/VA:N/SC:L/SI:H/SA:L", 7.0),
        // vectors_threat4
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:A", 0.0),
        ("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A", 7.3),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:P", 0.0),
        ("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:P", 5.9),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:U", 0.0),
        ("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U", 4.1),
        // vectors_security4
        ("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:H/AR:H", 7.3),
        ("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:H/AR:M", 7.2),
        ("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:M/AR:L", 7.1),
        ("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:M/IR:M/AR:M", 5.5),
        ("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:L/IR:L/AR:M", 5.5),
        ("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:L/IR:L/AR:L", 5.4),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/CR:L/IR:L/AR:L", 0.0),
        // test_cvss4.py JSON tests
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 8.7),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N/AR:L", 7.9),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/MSI:H", 7.7),
        ("CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0),
    ]

    func testRedHatReferenceVectors() throws {
        for (vector, score) in Self.referenceVectors {
            XCTAssertEqual(try CVSSv4Vector(vector).score, score, vector)
        }
    }

    /// Severities of full vectors from RedHatProductSecurity/cvss `tests/test_cvss4.py` `test_severity`.
    func testRedHatSeverityCases() throws {
        let cases: [(String, CVSSSeverity)] = [
            ("CVSS:4.0/AV:L/AC:H/AT:P/PR:N/UI:P/VC:H/VI:N/VA:N/SC:N/SI:N/AU:N/SA:N/S:P/R:A/V:D/RE:L/U:Red/MAV:L/MAC:L/MAT:N/MPR:L/MUI:A/MVC:L/MVI:N/MVA:H/MSC:H/MSI:L/MSA:N/CR:H/IR:L/AR:L/E:P", .low),
            ("CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:P/VC:N/VI:L/VA:L/SC:H/SI:N/AU:Y/SA:N/S:N/R:I/V:C/RE:M/U:Amber/MAV:L/MAC:H/MAT:P/MPR:N/MUI:P/MVC:L/MVI:N/MVA:H/MSC:H/MSI:H/MSA:S/CR:M/IR:M/AR:M/E:A", .high),
            ("CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:L/SI:N/AU:Y/SA:L/S:P/R:U/V:D/RE:M/U:Red/MAV:N/MAC:H/MAT:P/MPR:H/MUI:P/MVC:L/MVI:H/MVA:L/MSC:N/MSI:H/MSA:H/CR:L/IR:H/AR:M/E:U", .low),
            ("CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:A/VC:H/VI:H/VA:N/SC:H/SI:N/AU:Y/SA:N/S:N/R:I/V:C/RE:L/U:Green/MAV:L/MAC:L/MAT:N/MPR:H/MUI:P/MVC:L/MVI:L/MVA:N/MSC:H/MSI:H/MSA:S/CR:H/IR:H/AR:H/E:P", .medium),
            ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L", .medium),
            ("CVSS:4.0/AV:A/AC:H/AT:N/PR:H/UI:A/VC:H/VI:N/VA:H/SC:L/SI:N/AU:N/SA:H/S:P/R:I/V:D/RE:M/U:Red/MAV:N/MAC:L/MAT:N/MPR:N/MUI:N/MVC:H/MVI:H/MVA:H/MSC:H/MSI:S/MSA:S/CR:H/IR:H/AR:H/E:U", .critical),
            ("CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:N/VC:L/VI:N/VA:H/SC:L/SI:H/AU:N/SA:H/S:P/R:U/V:C/RE:H/U:Red/MAV:L/MAC:L/MAT:P/MPR:L/MUI:P/MVC:N/MVI:N/MVA:N/MSC:N/MSI:N/MSA:N/CR:H/IR:H/AR:H/E:P", .none),
        ]
        for (vector, severity) in cases {
            XCTAssertEqual(CVSSSeverity(score: try CVSSv4Vector(vector).score), severity, vector)
        }
    }

    /// Raw scores that land on x.x5 exactly: the reference's doubles made them x.x4999…, fixed upstream
    /// to round half up (cvss-v4-calculator issues #48, #66, pull request #67; cvss issues #58–#63).
    /// 522 of the 104,976 base vectors are such ties.
    func testTiesRoundHalfUp() throws {
        let ties: [(String, Double)] = [
            ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:H/SI:H/SA:H", 8.6),  // #66: 8.55
            ("CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:L/VI:N/VA:H/SC:H/SI:H/SA:H", 8.6),
            ("CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/E:U", 0.4),  // #48: 0.35
            ("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:N/SC:H/SI:H/SA:H/E:P", 9.0),  // #48: 8.95
            ("CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:N/SA:H/S:N/AU:N/R:I/V:C/RE:M/U:Green/MAV:A/MAC:L/MAT:N/MPR:N/MUI:N/MVC:H/MVI:N/MVA:H/MSC:H/MSI:H/MSA:H/CR:H/IR:M/AR:H/E:A", 8.6),  // cvss #63
            ("CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:A/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N/E:P/CR:L/IR:L/AR:L/MAV:N/MAC:L/MAT:N/MPR:L/MUI:A/MVC:H/MVI:H/MVA:H/MSC:H/MSI:S/MSA:S/S:P/AU:Y/R:I/V:C/RE:H/U:Red", 8.5),  // cvss #60
            ("CVSS:4.0/AV:P/AC:H/AT:P/PR:L/UI:P/VC:N/VI:L/VA:H/SC:N/SI:L/SA:N/E:U/CR:H/IR:H/AR:H/MAV:L/MAC:H/MAT:P/MPR:L/MUI:P/MVC:L/MVI:L/MVA:L/MSC:L/MSI:L/MSA:S/S:N/AU:N/R:U/V:D/RE:L/U:Clear", 1.0),  // cvss #58
        ]
        for (vector, score) in ties {
            XCTAssertEqual(try CVSSv4Vector(vector).score, score, vector)
        }
    }

    /// The highest-severity vectors of each EQ level, as the reference lists them (`MAX_COMPOSED`), with
    /// SI:S/SA:S written as the modified MSI:S/MSA:S they stand for.
    private static let eq1 = [["AV:N/PR:N/UI:N"], ["AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"],
                              ["AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"]]
    private static let eq2 = [["AC:L/AT:N"], ["AC:H/AT:N", "AC:L/AT:P"]]
    private static let eq3eq6: [String: [String]] = [
        "00": ["VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"],
        "01": ["VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"],
        "10": ["VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"],
        "11": ["VC:L/VI:H/VA:L/CR:H/IR:M/AR:H", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M", "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M",
               "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H", "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M"],
        "21": ["VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"],
    ]
    private static let eq4 = [["SC:H/SI:H/SA:H/MSI:S/MSA:S"], ["SC:H/SI:H/SA:H"], ["SC:L/SI:L/SA:L"]]
    private static let eq5 = ["E:A", "E:P", "E:U"]

    /// Every highest-severity vector of all 270 MacroVectors falls in its MacroVector and scores exactly
    /// the lookup table's value (its severity distance is zero, so nothing is interpolated).
    func testEveryMacroVectorsHighestVectorsScoreTheTable() throws {
        var reached = Set<String>()
        var checked = 0
        for (e1, eq1Maxes) in Self.eq1.enumerated() { for (e2, eq2Maxes) in Self.eq2.enumerated() {
            for (e36, eq36Maxes) in Self.eq3eq6 { for (e4, eq4Maxes) in Self.eq4.enumerated() {
                for (e5, eq5Max) in Self.eq5.enumerated() {
                    let key = "\(e1)\(e2)\(e36.prefix(1))\(e4)\(e5)\(e36.suffix(1))"
                    guard let expected = CVSSv4MacroVectorScores.tenths[key] else {
                        XCTFail("MacroVector \(key) missing from the table"); continue
                    }
                    for a in eq1Maxes { for b in eq2Maxes { for c in eq36Maxes { for d in eq4Maxes {
                        let vector = "CVSS:4.0/" + [a, b, c, d, eq5Max].joined(separator: "/")
                        let v = try CVSSv4Vector(vector)
                        XCTAssertEqual(v.macroVector, key, vector)
                        XCTAssertEqual(v.score, Double(expected) / 10, vector)
                        checked += 1
                    } } } }
                    reached.insert(key)
                }
            } }
        } }
        XCTAssertEqual(reached.count, 270)
        XCTAssertEqual(Set(CVSSv4MacroVectorScores.tenths.keys), reached)
        XCTAssertGreaterThan(checked, 270)
    }

    /// Entries read off the reference's table by hand, so a damaged copy fails even without the oracle.
    func testLookupTableSpotChecks() {
        let spots: [String: Int] = ["000000": 100, "000001": 99, "000100": 100, "001221": 48, "002221": 27,
                                    "012221": 17, "111111": 57, "112221": 6, "200000": 93, "202201": 24,
                                    "211221": 2, "212221": 1, "102221": 13, "210020": 60]
        for (key, tenths) in spots { XCTAssertEqual(CVSSv4MacroVectorScores.tenths[key], tenths, key) }
        XCTAssertEqual(CVSSv4MacroVectorScores.tenths.count, 270)
    }

    func testNomenclatureAndBaseScore() throws {
        let base = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
        let cases: [(String, String, Double)] = [
            (base, "CVSS-B", 9.3), (base + "/E:U", "CVSS-BT", 8.1), (base + "/CR:L/IR:L/AR:L", "CVSS-BE", 8.9),
            (base + "/E:P/MAV:L", "CVSS-BTE", 7.3), (base + "/E:X/MAV:X/S:P/U:Red", "CVSS-B", 9.3),
        ]
        for (vector, nomenclature, score) in cases {
            let v = try CVSSv4Vector(vector)
            XCTAssertEqual(v.nomenclature, nomenclature, vector)
            XCTAssertEqual(v.score, score, vector)
            XCTAssertEqual(v.baseScore, 9.3, vector)  // CVSS-B ignores threat and environmental metrics
        }
        let shuffled = try CVSSv4Vector("CVSS:4.0/SA:N/SI:N/SC:N/VA:H/VI:H/VC:H/UI:N/PR:N/AT:N/AC:L/AV:N/E:U")
        XCTAssertEqual(shuffled.score, 8.1)
        XCTAssertEqual(shuffled.normalized, base + "/E:U")
    }
}
