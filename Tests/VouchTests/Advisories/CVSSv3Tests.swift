import Foundation
import XCTest
@testable import Advisories

/// CVSS v3.0 and v3.1: the rounding functions, published scores from real data, Red Hat's reference
/// test vectors, and every base vector.
final class CVSSv3Tests: XCTestCase {
    func testRoundup31IsAppendixA() {
        XCTAssertEqual(CVSSRounding.roundUp31(4.02), 4.1)
        XCTAssertEqual(CVSSRounding.roundUp31(4.00), 4.0)
        XCTAssertEqual(CVSSRounding.roundUp31(4.000001), 4.0)  // within 5 decimals of 4.0: stays
        XCTAssertEqual(CVSSRounding.roundUp31(4.00001), 4.1)
        XCTAssertEqual(CVSSRounding.roundUp31(4.0000049), 4.0)
        XCTAssertEqual(CVSSRounding.roundUp31(4.0000051), 4.1)
        XCTAssertEqual(CVSSRounding.roundUp31(5.0 * 0.92), 4.6)  // 4.6000000000000005 in doubles
        XCTAssertEqual(CVSSRounding.roundUp31((1 - 0.58) * 10), 4.2)  // 4.200000000000001
        XCTAssertEqual(CVSSRounding.roundUp31(10), 10)
        XCTAssertEqual(CVSSRounding.roundUp31(0), 0)
        XCTAssertEqual(CVSSRounding.roundUp31(.nan), 0)
        XCTAssertEqual(CVSSRounding.roundUp31(.infinity), 0)
    }

    func testRoundup30IsThePlainCeiling() {
        XCTAssertEqual(CVSSRounding.roundUp30(4.02), 4.1)
        XCTAssertEqual(CVSSRounding.roundUp30(4.00), 4.0)
        XCTAssertEqual(CVSSRounding.roundUp30(4.000001), 4.1)  // v3.0 has no 5-decimal tolerance
        XCTAssertEqual(CVSSRounding.roundUp30(5.0 * 0.92), 4.6)  // but binary noise is not a value
        XCTAssertEqual(CVSSRounding.roundUp30(9.31), 9.4)
        XCTAssertEqual(CVSSRounding.roundUp30(-1), 0)
    }

    func testTemporalBoundaryWhereFloatingPointCeilingGoesWrong() throws {
        // Base 5.0 × RC:U 0.92 is 4.6000000000000005 in doubles: a bare Math.ceil gives 4.7.
        for prefix in ["CVSS:3.1", "CVSS:3.0"] {
            let v = try CVSSv3Vector(prefix + "/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:N/A:N/RC:U")
            XCTAssertEqual(v.baseScore, 5.0)
            XCTAssertEqual(v.temporalScore, 4.6, prefix)
            XCTAssertEqual(v.environmentalScore, 4.6, prefix)
        }
    }

    func testVersionsDifferInTheChangedScopeModifiedImpact() throws {
        // v3.1 changed Modified Impact to 7.52 × (M − 0.029) − 3.25 × (M × 0.9731 − 0.02)^13.
        let cases: [(String, Double, Double, Double)] = [
            ("AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 9.6, 9.6, 9.7),
            ("AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9, 9.9, 10.0),
            ("AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H", 9.0, 9.0, 9.1),
        ]
        for (metrics, base, env30, env31) in cases {
            let v30 = try CVSSv3Vector("CVSS:3.0/" + metrics), v31 = try CVSSv3Vector("CVSS:3.1/" + metrics)
            XCTAssertEqual([v30.baseScore, v31.baseScore], [base, base], metrics)
            XCTAssertEqual(v30.environmentalScore, env30, metrics)
            XCTAssertEqual(v31.environmentalScore, env31, metrics)
        }
    }

    /// Vector and score published together in the same record, in the shared real data: trivy's and
    /// grype's test fixtures (NVD/vendor scores) and nodejs security-wg advisories (`cvss_vector` and
    /// `cvss_score`, file names given). Scores the publishers got wrong are checked in
    /// CVSSRealDataTests, not here.
    static let published: [(vector: String, score: Double, source: String)] = [
        ("CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.0, "trivy amazon-2.json.golden"),
        ("CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 6.7, "trivy debian-stretch.json.golden"),
        ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, "trivy amazon-2.json.golden"),
        ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:H", 6.6, "trivy ubuntu-gp2-x86-vm.json.golden"),
        ("CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.3, "trivy mariner-1.0.json.golden"),
        ("CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:H", 8.5, "grype TestJsonDirsPresenter.golden"),
        ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.1, "trivy spring4shell-jre11.json.golden"),
        ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:H", 7.4, "trivy almalinux-8.json.golden"),
        ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9, "grype keycloak-test.json"),
        ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:N", 4.8, "trivy alpine-310.json.golden"),
        ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H", 5.9, "trivy ubi-7-comprehensive.json.golden"),
        ("CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:H", 8.2, "grype TestJsonDirsPresenter.golden"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 5.3, "trivy alpine-310.json.golden"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, "trivy busybox-with-lockfile.json.golden"),
        ("CVSS:3.0/AV:L/AC:H/PR:H/UI:N/S:U/C:H/I:H/A:H", 6.4, "trivy debian-stretch.json.golden"),
        ("CVSS:3.0/AV:L/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.1, "trivy centos-7-ignore-unfixed.json.golden"),
        ("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:L", 5.6, "trivy debian-buster-ignore-unfixed.json.golden"),
        ("CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:U/C:N/I:N/A:H", 5.7, "trivy amazon-1.json.golden"),
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:L", 4.3, "trivy oraclelinux-8.json.golden"),
        ("CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.8, "nodejs vuln/npm/445.json"),
        ("CVSS:3.0/AV:N/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:L", 2.0, "nodejs vuln/npm/410.json"),
        ("CVSS:3.0/AV:P/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:N", 3.1, "nodejs vuln/npm/104.json"),
        ("CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N", 3.3, "nodejs vuln/npm/501.json"),
        ("CVSS:3.0/AV:N/AC:H/PR:H/UI:R/S:U/C:L/I:L/A:L", 3.9, "nodejs vuln/npm/405.json"),
        ("CVSS:3.0/AV:N/AC:H/PR:L/UI:N/S:U/C:L/I:L/A:N", 4.2, "nodejs vuln/npm/87.json"),
        ("CVSS:3.0/AV:N/AC:L/PR:H/UI:R/S:U/C:N/I:N/A:H", 4.5, "nodejs vuln/npm/400.json"),
        ("CVSS:3.0/AV:A/AC:L/PR:N/UI:N/S:C/C:N/I:L/A:N", 4.7, "nodejs vuln/npm/318.json"),
        ("CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:N/I:L/A:N", 5.0, "nodejs vuln/npm/457.json"),
        ("CVSS:3.0/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:N/A:L", 5.3, "nodejs vuln/npm/454.json"),
        ("CVSS:3.0/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H", 6.1, "nodejs vuln/npm/438.json"),
        ("CVSS:3.0/AV:L/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 6.2, "nodejs vuln/npm/338.json"),
        ("CVSS:3.0/AV:L/AC:L/PR:L/UI:R/S:C/C:H/I:L/A:N", 6.7, "nodejs vuln/npm/479.json"),
        ("CVSS:3.0/AV:A/AC:H/PR:L/UI:R/S:U/C:H/I:H/A:H", 6.8, "nodejs vuln/npm/473.json"),
        ("CVSS:3.0/AV:N/AC:H/PR:L/UI:R/S:U/C:H/I:H/A:H", 7.1, "nodejs vuln/npm/223.json"),
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:L/A:N", 7.2, "nodejs vuln/npm/328.json"),
        ("CVSS:3.0/AV:A/AC:L/PR:N/UI:N/S:U/C:L/I:H/A:L", 7.6, "nodejs vuln/npm/491.json"),
        ("CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:U/C:H/I:H/A:H", 8.0, "nodejs vuln/npm/489.json"),
        ("CVSS:3.0/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.4, "nodejs vuln/npm/117.json"),
        ("CVSS:3.0/AV:L/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 8.6, "nodejs vuln/npm/463.json"),
        ("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:N/A:H", 8.7, "nodejs vuln/npm/461.json"),
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N", 9.3, "nodejs vuln/npm/435.json"),
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "nodejs vuln/npm/430.json"),
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H", 10.0, "nodejs vuln/npm/433.json"),
    ]

    func testPublishedScoresFromRealData() throws {
        for (vector, score, source) in Self.published {
            XCTAssertEqual(try CVSS.parse(vector).baseScore, score, "\(vector) (\(source))")
        }
    }

    /// Ported from RedHatProductSecurity/cvss `tests/vectors_cvsslib3` (the v3.0 examples with
    /// temporal and environmental metrics) and `tests/vectors_calculator3`, and rows of
    /// `tests/vectors_simple31`: (vector, base, temporal, environmental).
    static let referenceVectors: [(String, Double, Double, Double)] = [
        ("CVSS:3.0/AV:L/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N/MAV:A/MAC:L/MPR:N/MUI:N/MS:U/MC:N/MI:N/MA:N", 4.6, 4.6, 0.0),
        ("CVSS:3.0/AV:L/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N/MAV:A/MAC:L/MPR:N/MUI:N/MS:U/MC:L/MI:N/MA:N", 4.6, 4.6, 4.3),
        ("CVSS:3.0/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:N/A:H/E:H/RL:W/RC:U/CR:H/IR:H/AR:M/MAV:L/MAC:L/MPR:H/MUI:N/MS:C/MC:N/MI:H/MA:L", 5.8, 5.2, 7.4),
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, 0.0, 0.0),
        ("CVSS:3.0/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:N/A:H/MPR:N", 5.8, 5.8, 7.1),
        ("CVSS:3.0/AV:A/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:H", 8.2, 8.2, 8.2),
        ("CVSS:3.0/AV:L/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:L/E:U/RL:U/RC:R/CR:M/MPR:L/MUI:R/MI:N/MA:H", 7.7, 6.8, 6.3),
        ("CVSS:3.0/AV:L/AC:H/PR:H/UI:N/S:C/C:N/I:H/A:N/E:P/RL:U/RC:U/CR:H/IR:L/AR:H/MAV:L/MUI:R/MS:C/MC:N/MI:L/MA:N", 5.3, 4.6, 1.3),
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, 6.1, 6.1),
        ("CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4, 6.4, 6.4),
        ("CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1, 3.1, 3.1),
        ("CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9, 9.9, 9.9),
        ("CVSS:3.0/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", 4.2, 4.2, 4.2),
        ("CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8, 8.8, 8.8),
        ("CVSS:3.0/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8, 7.8, 7.8),
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5, 7.5, 7.5),
        ("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 6.8, 6.8, 6.8),
        ("CVSS:3.0/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 6.8, 6.8, 6.8),
        ("CVSS:3.0/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H", 9.3, 9.3, 9.3),
        ("CVSS:3.0/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", 4.6, 4.6, 4.6),
        ("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", 7.4, 7.4, 7.4),
        ("CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X", 3.8, 3.7, 3.7),
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N/E:H/RL:O/RC:C/CR:H/IR:H/AR:H/MAV:N/MAC:L/MPR:L/MUI:N/MS:C/MC:H/MI:H/MA:H", 9.3, 8.9, 9.5),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:L/A:L", 9.9, 9.9, 9.9),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 5.8, 5.8, 5.8),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L", 7.3, 7.3, 7.3),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 9.6, 9.6, 9.7),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:N/A:N", 4.7, 4.7, 4.7),
        ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9, 9.9, 10.0),
        ("CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H", 9.0, 9.0, 9.1),
        ("CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:N/A:N", 3.5, 3.5, 3.5),
        ("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:L/I:L/A:L", 6.6, 6.6, 6.6),
        ("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:N/A:N", 4.9, 4.9, 4.9),
    ]

    func testRedHatReferenceVectors() throws {
        for (vector, base, temporal, environmental) in Self.referenceVectors {
            let v = try CVSSv3Vector(vector)
            XCTAssertEqual([v.baseScore, v.temporalScore, v.environmentalScore], [base, temporal, environmental], vector)
        }
    }

    /// All 2,592 base vectors of both versions: scores in 0…10 with one decimal, zero exactly when
    /// nothing is impacted, a changed scope never scoring below the same vector unchanged, and v3.0 equal
    /// to v3.1 (the versions' roundings differ only next to a tenth, which no base vector's raw score is).
    func testEveryBaseVector() throws {
        var counted = 0
        for av in ["N", "A", "L", "P"] { for ac in ["L", "H"] { for pr in ["N", "L", "H"] { for ui in ["N", "R"] {
            for c in ["H", "L", "N"] { for i in ["H", "L", "N"] { for a in ["H", "L", "N"] {
                let body = "AV:\(av)/AC:\(ac)/PR:\(pr)/UI:\(ui)/S:%@/C:\(c)/I:\(i)/A:\(a)"
                var byScope: [String: Double] = [:]
                for scope in ["U", "C"] {
                    let metrics = body.replacingOccurrences(of: "%@", with: scope)
                    let v31 = try CVSSv3Vector("CVSS:3.1/" + metrics), v30 = try CVSSv3Vector("CVSS:3.0/" + metrics)
                    let score = v31.baseScore
                    XCTAssertTrue((0...10).contains(score), metrics)
                    XCTAssertEqual((score * 10).rounded() / 10, score, metrics)
                    XCTAssertEqual(score == 0, c == "N" && i == "N" && a == "N", metrics)
                    XCTAssertEqual(v30.baseScore, score, metrics)
                    XCTAssertEqual(v31.temporalScore, score, metrics)
                    // With nothing environmental given, v3.0's environmental formula is the base one;
                    // v3.1's differs for a changed scope (its new Modified Impact), by a tenth at most.
                    XCTAssertEqual(v30.environmentalScore, score, metrics)
                    if scope == "U" { XCTAssertEqual(v31.environmentalScore, score, metrics) }
                    XCTAssertLessThanOrEqual(abs(v31.environmentalScore - score), 0.1 + 1e-9, metrics)
                    byScope[scope] = score
                    counted += 2
                }
                XCTAssertGreaterThanOrEqual(byScope["C"] ?? -1, byScope["U"] ?? 11, body)
            } } }
        } } } }
        XCTAssertEqual(counted, 2 * 2_592)
    }

    func testSubScoresFollowTheFormula() throws {
        let v = try CVSSv3Vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
        XCTAssertEqual(v.exploitabilitySubScore, 8.22 * 0.85 * 0.77 * 0.85 * 0.85, accuracy: 1e-12)
        XCTAssertEqual(v.impactSubScore, 6.42 * (1 - 0.44 * 0.44 * 0.44), accuracy: 1e-12)
        // PR weighs more when the scope changes (0.68 against 0.62 for PR:L).
        let changed = try CVSSv3Vector("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H")
        XCTAssertEqual(changed.exploitabilitySubScore, 8.22 * 0.85 * 0.77 * 0.68 * 0.85, accuracy: 1e-12)
    }
}
