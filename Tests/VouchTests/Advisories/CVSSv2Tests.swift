import Foundation
import XCTest
@testable import Advisories

/// CVSS v2: Red Hat's reference vectors, published NVD scores from real data, exact-decimal rounding,
/// and every base vector.
final class CVSSv2Tests: XCTestCase {
    /// Ported from RedHatProductSecurity/cvss `tests/vectors_cvsslib2` and `tests/vectors_calculator2`:
    /// (vector, base, temporal, environmental); where the suite has no temporal or environmental score
    /// (`None`), vouch's equals the one before it.
    static let referenceVectors: [(String, Double, Double, Double)] = [
        ("AV:L/AC:M/Au:S/C:N/I:P/A:C/E:U/RL:OF/RC:UR/CDP:N/TD:L/CR:H/IR:H/AR:H", 5.0, 3.5, 1.2),
        ("AV:N/AC:M/Au:M/C:C/I:N/A:P/RL:W/RC:UC/CDP:LM/TD:M/CR:L/IR:L/AR:L", 6.4, 5.5, 4.0),
        ("AV:L/AC:L/Au:S/C:P/I:P/A:P/E:U/RC:C/CDP:LM/TD:L/IR:H/AR:M", 4.3, 3.7, 1.5),
        ("AV:A/AC:M/Au:S/C:C/I:P/A:C", 7.0, 7.0, 7.0),
        ("AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3, 4.3, 4.3),
        ("AV:N/AC:L/Au:S/C:P/I:P/A:N", 5.5, 5.5, 5.5),
        ("AV:N/AC:L/Au:S/C:C/I:C/A:C", 9.0, 9.0, 9.0),
        ("AV:L/AC:L/Au:N/C:P/I:P/A:P", 4.6, 4.6, 4.6),
        ("AV:N/AC:M/Au:S/C:C/I:C/A:C", 8.5, 8.5, 8.5),
        ("AV:N/AC:M/Au:N/C:P/I:P/A:P", 6.8, 6.8, 6.8),
        ("AV:N/AC:L/Au:N/C:P/I:N/A:N", 5.0, 5.0, 5.0),
        ("AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0, 10.0, 10.0),
        ("AV:L/AC:M/Au:N/C:C/I:C/A:C", 6.9, 6.9, 6.9),
        ("AV:A/AC:L/Au:N/C:N/I:C/A:N", 6.1, 6.1, 6.1),
        ("AV:N/AC:M/Au:N/C:C/I:C/A:C", 9.3, 9.3, 9.3),
        ("AV:A/AC:L/Au:N/C:C/I:C/A:C", 8.3, 8.3, 8.3),
        ("AV:L/AC:L/Au:N/C:N/I:C/A:N", 4.9, 4.9, 4.9),
        ("AV:A/AC:M/Au:S/C:N/I:N/A:P", 2.3, 2.3, 2.3),
        ("AV:A/AC:M/Au:N/C:C/I:N/A:P/E:POC/RL:W/RC:UC", 6.4, 4.9, 4.9),
        ("AV:A/AC:H/Au:S/C:N/I:P/A:P/E:POC/RL:OF/RC:C/CDP:LM/TD:M/CR:M/IR:L/AR:L", 2.9, 2.3, 2.8),
    ]

    func testRedHatReferenceVectors() throws {
        for (vector, base, temporal, environmental) in Self.referenceVectors {
            let v = try CVSSv2Vector(vector)
            XCTAssertEqual([v.baseScore, v.temporalScore, v.environmentalScore], [base, temporal, environmental], vector)
        }
    }

    /// V2Vector and V2Score published together in trivy's and grype's test fixtures (shared data).
    func testPublishedScoresFromRealData() throws {
        let published: [(String, Double, String)] = [
            ("AV:L/AC:L/Au:N/C:C/I:C/A:C", 7.2, "trivy centos-7.json.golden"),
            ("AV:L/AC:L/Au:N/C:P/I:P/A:P", 4.6, "trivy amazon-2.json.golden"),
            ("AV:N/AC:L/Au:N/C:N/I:N/A:P", 5.0, "trivy busybox-with-lockfile.json.golden"),
            ("AV:N/AC:L/Au:N/C:P/I:N/A:N", 5.0, "trivy alpine-310.json.golden"),
            ("AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, "trivy alpine-39-high-critical.json.golden"),
            ("AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3, "trivy busybox-with-lockfile.json.golden"),
            ("AV:N/AC:M/Au:N/C:P/I:N/A:N", 4.3, "trivy centos-6.json.golden"),
            ("AV:N/AC:M/Au:N/C:P/I:N/A:P", 5.8, "trivy almalinux-8.json.golden"),
            ("AV:N/AC:M/Au:N/C:P/I:P/A:N", 5.8, "grype ghsa-test.json"),
        ]
        for (vector, score, source) in published {
            let parsed = try CVSS.parse(vector)
            XCTAssertEqual(parsed.version, .v2)
            XCTAssertEqual(parsed.baseScore, score, "\(vector) (\(source))")
            XCTAssertEqual(parsed.severity, CVSSSeverity(v2Score: score))
        }
    }

    func testHalfwayTemporalScoresRoundUpExactly() throws {
        // 3.0 × E:F 0.95 is exactly 2.85, which doubles hold as 2.8499999…: half up gives 2.9.
        let v = try CVSSv2Vector("AV:L/AC:M/Au:S/C:N/I:P/A:P/E:F/RL:U/RC:C")
        XCTAssertEqual(v.baseScore, 3.0)
        XCTAssertEqual(v.temporalScore, 2.9)
        XCTAssertEqual(try CVSS.parse("AV:L/AC:M/Au:S/C:N/I:P/A:P/E:F").overallScore, 2.9)
    }

    func testEnvironmentalEdges() throws {
        // Low requirements push the adjusted base below zero; collateral damage still counts, as in
        // the reference implementation (0.8 base, 4.9 environmental).
        let low = try CVSSv2Vector("AV:L/AC:H/Au:M/C:P/I:N/A:N/CDP:H/TD:H/CR:L")
        XCTAssertEqual([low.baseScore, low.environmentalScore], [0.8, 4.9])
        XCTAssertEqual(try CVSSv2Vector("AV:N/AC:L/Au:N/C:C/I:C/A:C/TD:N").environmentalScore, 0.0)
        XCTAssertEqual(try CVSSv2Vector("AV:N/AC:L/Au:N/C:C/I:C/A:C/CDP:H/TD:H/CR:H/IR:H/AR:H").environmentalScore, 10.0)
    }

    /// All 729 base vectors: 0…10 with one decimal, zero exactly when nothing is impacted, never lower
    /// for a more exposed access vector, a lower complexity or less authentication.
    func testEveryBaseVector() throws {
        let av = ["L", "A", "N"], ac = ["H", "M", "L"], au = ["M", "S", "N"], impact = ["N", "P", "C"]
        var scores: [String: Double] = [:]
        for a in av { for b in ac { for c in au { for ci in impact { for ii in impact { for ai in impact {
            let vector = "AV:\(a)/AC:\(b)/Au:\(c)/C:\(ci)/I:\(ii)/A:\(ai)"
            let score = try CVSSv2Vector(vector).baseScore
            XCTAssertTrue((0...10).contains(score), vector)
            XCTAssertEqual((score * 10).rounded() / 10, score, vector)
            XCTAssertEqual(score == 0, ci == "N" && ii == "N" && ai == "N", vector)
            scores[vector] = score
        } } } } } }
        XCTAssertEqual(scores.count, 729)
        for (vector, score) in scores {
            for (metric, order) in [("AV", av), ("AC", ac), ("Au", au)] {
                for (index, value) in order.enumerated().dropLast() {
                    let from = "\(metric):\(value)/", to = "\(metric):\(order[index + 1])/"
                    guard vector.contains(from) else { continue }
                    let more = vector.replacingOccurrences(of: from, with: to)
                    XCTAssertGreaterThanOrEqual(scores[more] ?? -1, score, "\(more) against \(vector)")
                }
            }
        }
        XCTAssertEqual(scores["AV:N/AC:L/Au:N/C:C/I:C/A:C"], 10.0)
    }
}
