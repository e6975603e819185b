import Foundation
import XCTest
@testable import Advisories

/// The entry point (`CVSS.parse`, `CVSS.preferred`) and the refusals every version shares.
final class CVSSTests: XCTestCase {
    func testParseDispatchesOnThePrefix() throws {
        let v4 = try CVSS.parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
        XCTAssertEqual(v4.version, .v4_0)
        XCTAssertEqual(v4.baseScore, 9.3)
        XCTAssertEqual(v4.severity, .critical)

        let v31 = try CVSS.parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
        XCTAssertEqual(v31.version, .v3_1)
        XCTAssertEqual(v31.baseScore, 9.8)
        XCTAssertEqual(v31.severity, .critical)

        let v30 = try CVSS.parse("CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N")
        XCTAssertEqual(v30.version, .v3_0)
        XCTAssertEqual(v30.baseScore, 3.1)
        XCTAssertEqual(v30.severity, .low)

        let v2 = try CVSS.parse("AV:N/AC:L/Au:N/C:P/I:P/A:P")
        XCTAssertEqual(v2.version, .v2)
        XCTAssertEqual(v2.baseScore, 7.5)
        XCTAssertEqual(v2.severity, .high)
        XCTAssertEqual(try CVSS.parse("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P").vector, "AV:N/AC:L/Au:N/C:P/I:P/A:P")
        XCTAssertEqual(try CVSS.parse("  CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n").baseScore, 9.8)
    }

    func testNormalizedVectorIsInSpecificationOrderWithoutNotDefinedMetrics() throws {
        let shuffled = try CVSS.parse("CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H/E:X/RL:O/MAV:X")
        XCTAssertEqual(shuffled.vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/RL:O")
        XCTAssertEqual(shuffled.baseScore, 9.8)
        XCTAssertEqual(shuffled.overallScore, 9.4)  // 9.8 × 0.95 rounded up

        // A real Bitnami vector (BIT-minio-2025-27414) carries every optional metric, mostly X.
        let bitnami = try CVSS.parse("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:N/VI:H/VA:N/SC:N/SI:N/SA:N/E:U/CR:X/IR:X/AR:X/MAV:X/MAC:X/MAT:X/MPR:X/MUI:X/MVC:X/MVI:X/MVA:X/MSC:X/MSI:X/MSA:X/S:X/AU:X/R:X/V:X/RE:X/U:X")
        XCTAssertEqual(bitnami.vector, "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:N/VI:H/VA:N/SC:N/SI:N/SA:N/E:U")
        XCTAssertEqual(bitnami.baseScore, 8.2)
        XCTAssertEqual(bitnami.overallScore, 4.6)

        let v2 = try CVSS.parse("AV:N/AC:M/Au:N/C:P/I:P/A:P/E:ND/RL:OF/CDP:ND")
        XCTAssertEqual(v2.vector, "AV:N/AC:M/Au:N/C:P/I:P/A:P/RL:OF")
    }

    func testPreferredPicksTheHighestVersionThenTheFirstGiven() throws {
        let v2 = "AV:N/AC:L/Au:N/C:P/I:P/A:P"
        let v30 = "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
        let v31a = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"
        let v31b = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
        let v4 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N"
        XCTAssertEqual(CVSS.preferred([v2, v31a, v4, v30])?.version, .v4_0)
        XCTAssertEqual(CVSS.preferred([v2, v30, v31a, v31b])?.vector, v31a)
        XCTAssertEqual(CVSS.preferred([v31b, v31a])?.vector, v31b)
        XCTAssertEqual(CVSS.preferred([v2, v30])?.version, .v3_0)
        XCTAssertEqual(CVSS.preferred([v2])?.version, .v2)
        // A malformed vector is passed over, not fatal for the others.
        XCTAssertEqual(CVSS.preferred(["CVSS:4.0/AV:N", v30])?.vector, v30)
        XCTAssertNil(CVSS.preferred(["", "CVSS:3.1/AV:X"]))
        XCTAssertNil(CVSS.preferred([String]()))
        XCTAssertTrue(CVSSVersion.v4_0 > .v3_1 && CVSSVersion.v3_1 > .v3_0 && CVSSVersion.v3_0 > .v2)
    }

    func testSeverityBands() {
        XCTAssertEqual(CVSSSeverity(score: 0.0), .none)
        XCTAssertEqual(CVSSSeverity(score: 0.1), .low)
        XCTAssertEqual(CVSSSeverity(score: 3.9), .low)
        XCTAssertEqual(CVSSSeverity(score: 4.0), .medium)
        XCTAssertEqual(CVSSSeverity(score: 6.9), .medium)
        XCTAssertEqual(CVSSSeverity(score: 7.0), .high)
        XCTAssertEqual(CVSSSeverity(score: 8.9), .high)
        XCTAssertEqual(CVSSSeverity(score: 9.0), .critical)
        // NVD's v2 bands: no None, no Critical.
        XCTAssertEqual(CVSSSeverity(v2Score: 0.0), .low)
        XCTAssertEqual(CVSSSeverity(v2Score: 3.9), .low)
        XCTAssertEqual(CVSSSeverity(v2Score: 4.0), .medium)
        XCTAssertEqual(CVSSSeverity(v2Score: 6.9), .medium)
        XCTAssertEqual(CVSSSeverity(v2Score: 7.0), .high)
        XCTAssertEqual(CVSSSeverity(v2Score: 10.0), .high)
    }

    // MARK: refusals

    private func assertRefused(_ vector: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try CVSS.parse(vector), file: file, line: line) { error in
            guard let cvssError = error as? CVSSError else {
                return XCTFail("\(type(of: error)) is not a CVSSError", file: file, line: line)
            }
            XCTAssertEqual(cvssError.description, expected, file: file, line: line)
            XCTAssertFalse(cvssError.description.contains("\n"), file: file, line: line)
        }
    }

    func testRefusalsNameTheMetricAtFault() {
        assertRefused("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1 vector: metric AV given twice")
        assertRefused("CVSS:3.1/AV:N/AC:X/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1 vector: unknown value X for AC")
        assertRefused("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H", "CVSS:3.1 vector: missing base metric S")
        assertRefused("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U", "CVSS:3.0 vector: missing base metrics C, I, A")
        assertRefused("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/JJ:H", "CVSS:3.1 vector: unknown metric JJ")
        // Real data: nodejs security-wg vuln/npm/504.json has this vector.
        assertRefused("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:U/A:U", "CVSS:3.0 vector: unknown value U for I")
        assertRefused("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SI:H", "CVSS:4.0 vector: metric SI given twice")
        assertRefused("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:J", "CVSS:4.0 vector: unknown value J for SA")
        assertRefused("CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", "CVSS:4.0 vector: missing base metric AT")
        // SI:S exists only as the modified MSI:S; U's values are words.
        assertRefused("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:S/SA:N", "CVSS:4.0 vector: unknown value S for SI")
        assertRefused("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/U:red", "CVSS:4.0 vector: unknown value red for U")
        assertRefused("AV:N/AC:L/Au:N/C:P/I:P", "CVSS v2 vector: missing base metric A")
        assertRefused("AV:N/AC:L/Au:N/C:P/I:P/A:P/E:X", "CVSS v2 vector: unknown value X for E")
        assertRefused("CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1 vector: unknown value n for AV")
    }

    func testRefusalsOfTheShapeAndThePrefix() {
        assertRefused("", "CVSS vector: empty")
        assertRefused(" \n\t", "CVSS vector: empty")
        assertRefused("CVSS:3.3/AV:N/AC:H/PR:H/UI:N/S:U/C:L/I:L/A:N",
                      "CVSS vector: unsupported version prefix 'CVSS:3.3' (vouch scores CVSS:4.0, CVSS:3.1, CVSS:3.0 and v2 vectors)")
        assertRefused("CVSS:5.0/AV:N", "CVSS vector: unsupported version prefix 'CVSS:5.0' (vouch scores CVSS:4.0, CVSS:3.1, CVSS:3.0 and v2 vectors)")
        assertRefused("CVSS:", "CVSS vector: unsupported version prefix 'CVSS:' (vouch scores CVSS:4.0, CVSS:3.1, CVSS:3.0 and v2 vectors)")
        assertRefused("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                      "CVSS vector: metric PR belongs to CVSS v3/v4, but the vector has no CVSS:3.x or CVSS:4.0 prefix")
        assertRefused("CVSS:3.1", "CVSS:3.1 vector: missing base metrics AV, AC, PR, UI, S, C, I, A")
        assertRefused("CVSS:3.1/", "CVSS:3.1 vector: missing base metrics AV, AC, PR, UI, S, C, I, A")
        assertRefused("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", "CVSS:3.1 vector: empty component (stray or trailing '/')")
        assertRefused("CVSS:3.1/AV:N//AC:L", "CVSS:3.1 vector: empty component (stray or trailing '/')")
        assertRefused("CVSS:3.1/AV:N/AC:L:H", "CVSS:3.1 vector: component 'AC:L:H' is not METRIC:VALUE")
        assertRefused("CVSS:3.1/AV", "CVSS:3.1 vector: component 'AV' is not METRIC:VALUE")
        assertRefused("CVSS:3.1/:N", "CVSS:3.1 vector: component ':N' is not METRIC:VALUE")
        assertRefused("not a vector", "CVSS v2 vector: component 'not a vector' is not METRIC:VALUE")
        // Untrusted text in messages is cut short and kept to printable ASCII on one line.
        assertRefused("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/Ä\u{1}X:1", "CVSS:3.1 vector: unknown metric ??X")
        assertRefused("CVSS:3.1/AV:\(String(repeating: "N", count: 40))",
                      "CVSS:3.1 vector: unknown value NNNNNNNNNNNNNNNNNNNNNNNN… for AV")
    }

    func testHugeInputIsRefusedWithoutReadingIt() {
        let tenKB = "CVSS:3.1/" + String(repeating: "AV:N/", count: 2_048)
        assertRefused(tenKB, "CVSS vector: \(tenKB.utf8.count) bytes, longer than the 512 bytes any valid vector needs")
        XCTAssertThrowsError(try CVSSv3Vector(tenKB)) { XCTAssertEqual(($0 as? CVSSError)?.problem, .tooLong(bytes: tenKB.utf8.count, limit: 512)) }
        XCTAssertThrowsError(try CVSSv4Vector("CVSS:4.0/" + String(repeating: "x", count: 10_000)))
        XCTAssertThrowsError(try CVSSv2Vector(String(repeating: "/", count: 10_000)))
    }

    /// Mutated real vectors (cut, duplicated, bytes swapped for others) either score in 0…10 or throw
    /// CVSSError; nothing crashes. The generator is seeded, so a failure reproduces.
    func testMutatedVectorsNeverCrash() {
        let seeds = [
            "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:N/VI:H/VA:N/SC:N/SI:N/SA:N/E:U/CR:X/IR:X/AR:X/MAV:X/MSI:S/S:X/U:Red",
            "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N/E:P/RL:W/RC:C/CR:H/MS:U/MC:H",
            "CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:L",
            "AV:A/AC:H/Au:S/C:N/I:P/A:P/E:POC/RL:OF/RC:C/CDP:LM/TD:M/CR:M/IR:L/AR:L",
        ]
        let alphabet = Array("CVS:/0123456789.ANLPHXUMSRCIEOTWDFGYabc\u{0}é ")
        var rng = CVSSTestRandom(seed: 0xC0FFEE)
        var scored = 0, refused = 0
        for _ in 0..<20_000 {
            var chars = Array(seeds[Int(rng.next() % UInt64(seeds.count))])
            for _ in 0..<(Int(rng.next() % 4)) {
                let i = Int(rng.next() % UInt64(chars.count + 1))
                switch rng.next() % 5 {
                case 0 where i < chars.count: chars.remove(at: i)
                case 1: chars.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: i)
                case 2 where i < chars.count: chars[i] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                case 3: chars.append(contentsOf: chars.prefix(i))
                default:  // swap two components: often still valid, since metrics may come in any order
                    var parts = String(chars).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
                    let a = Int(rng.next() % UInt64(parts.count)), b = Int(rng.next() % UInt64(parts.count))
                    parts.swapAt(a, b)
                    chars = Array(parts.joined(separator: "/"))
                }
            }
            do {
                let score = try CVSS.parse(String(chars))
                XCTAssertTrue((0...10).contains(score.baseScore) && (0...10).contains(score.overallScore), String(chars))
                scored += 1
            } catch is CVSSError {
                refused += 1
            } catch {
                XCTFail("\(String(chars)): \(error) is not a CVSSError")
            }
        }
        XCTAssertGreaterThan(scored, 1_000)
        XCTAssertGreaterThan(refused, 1_000)
    }
}

/// A small seeded generator, so that sampled tests are the same on every run.
struct CVSSTestRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
