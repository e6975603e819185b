import Foundation
import XCTest
@testable import Advisories

/// vouch's scores against an independent implementation: Red Hat's Python `cvss` package (in the tools
/// venv, as a dependency of osv-utils). Skips when the venv or the package is absent.
final class CVSSOracleTests: XCTestCase {
    func testEveryV3BaseVectorOfBothVersions() throws {
        var vectors: [String] = []
        for version in ["3.0", "3.1"] {
            for av in "NALP" { for ac in "LH" { for pr in "NLH" { for ui in "NR" { for s in "UC" {
                for c in "HLN" { for i in "HLN" { for a in "HLN" {
                    vectors.append("CVSS:\(version)/AV:\(av)/AC:\(ac)/PR:\(pr)/UI:\(ui)/S:\(s)/C:\(c)/I:\(i)/A:\(a)")
                } } }
            } } } } }
        }
        XCTAssertEqual(vectors.count, 2 * 2_592)
        try compare(vectors)
    }

    func testSampledV3VectorsWithEveryMetric() throws {
        var rng = CVSSTestRandom(seed: 31)
        let vectors = (0..<3_000).flatMap { _ -> [String] in
            let body = Self.sample(Self.v3Metrics, &rng)
            return ["CVSS:3.0/" + body, "CVSS:3.1/" + body]
        }
        try compare(vectors)
    }

    func testV2BaseVectorsAndSampledFullVectors() throws {
        var rng = CVSSTestRandom(seed: 2)
        var vectors: [String] = []
        for av in ["L", "A", "N"] { for ac in ["H", "M", "L"] { for au in ["M", "S", "N"] {
            for c in ["N", "P", "C"] { for i in ["N", "P", "C"] { for a in ["N", "P", "C"] {
                vectors.append("AV:\(av)/AC:\(ac)/Au:\(au)/C:\(c)/I:\(i)/A:\(a)")
            } } }
        } } }
        vectors += (0..<3_000).map { _ in Self.sample(Self.v2Metrics, &rng) }
        try compare(vectors)
    }

    func testSampledV4Vectors() throws {
        var rng = CVSSTestRandom(seed: 4)
        let base = Array(Self.v4Metrics.prefix(11))
        let vectors = (0..<2_500).flatMap { _ in
            ["CVSS:4.0/" + Self.sample(base, &rng), "CVSS:4.0/" + Self.sample(Self.v4Metrics, &rng)]
        }
        try compare(vectors)
    }

    func testV4LookupTableIsTheReferencesTable() throws {
        let output = try Self.runOracle(script: """
            from cvss.constants4 import CVSS_LOOKUP_GLOBAL
            for key, score in CVSS_LOOKUP_GLOBAL.items():
                print(key, score)
            """, input: [])
        var reference: [String: Int] = [:]
        for line in output {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let score = Double(parts[1]) else { return XCTFail("oracle printed '\(line)'") }
            reference[String(parts[0])] = Int((score * 10).rounded())
        }
        XCTAssertEqual(reference.count, 270)
        XCTAssertEqual(reference, CVSSv4MacroVectorScores.tenths)
    }

    // MARK: helpers

    /// Scores each vector both ways: base, temporal and environmental for v2/v3 (a missing temporal or
    /// environmental score standing for the one before it), the whole-vector score for v4.0.
    private func compare(_ vectors: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let reference = try Self.runOracle(script: Self.scoringScript, input: vectors)
        XCTAssertEqual(reference.count, vectors.count, file: file, line: line)
        var mismatches = 0
        for (vector, expected) in zip(vectors, reference) {
            let mine: String
            do {
                if vector.hasPrefix("CVSS:4.0/") {
                    let v = try CVSSv4Vector(vector)
                    mine = "\(v.score) \(v.score) \(v.score)"
                } else if vector.hasPrefix("CVSS:3") {
                    let v = try CVSSv3Vector(vector)
                    mine = "\(v.baseScore) \(v.temporalScore) \(v.environmentalScore)"
                } else {
                    let v = try CVSSv2Vector(vector)
                    mine = "\(v.baseScore) \(v.temporalScore) \(v.environmentalScore)"
                }
            } catch {
                mine = "ERROR \(error)"
            }
            if mine != expected {
                mismatches += 1
                if mismatches <= 10 { XCTFail("\(vector): vouch \(mine), reference \(expected)", file: file, line: line) }
            }
        }
        XCTAssertEqual(mismatches, 0, "of \(vectors.count) vectors", file: file, line: line)
    }

    /// cvss releases before 3.3 round v4.0 scores without the epsilon of the upstream rounding fix
    /// (RedHatProductSecurity/cvss#65, cvss-v4-calculator#67); the script applies that fix to them.
    private static let scoringScript = """
        import sys
        from decimal import Decimal as D, ROUND_HALF_UP
        import cvss.cvss4 as c4
        from cvss import CVSS2, CVSS3, CVSS4
        if not hasattr(c4, "final_rounding"):
            c4.round_away_from_zero = lambda x: float(D(x + 10**-6).quantize(D("0.1"), rounding=ROUND_HALF_UP))
        for line in open(sys.argv[1]):
            v = line.strip()
            try:
                if v.startswith("CVSS:4.0/"):
                    s = float(CVSS4(v).base_score)
                    print(s, s, s)
                elif v.startswith("CVSS:3"):
                    b, t, e = (float(x) for x in CVSS3(v).scores())
                    print(b, t, e)
                else:
                    b, t, e = CVSS2(v).scores()
                    t = b if t is None else t
                    e = t if e is None else e
                    print(float(b), float(t), float(e))
            except Exception as error:
                print("ERROR", error)
        """

    private static func runOracle(script: String, input: [String]) throws -> [String] {
        let python = try OutsideTool.venvTool("python")
        let dir = try OutsideTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let scriptURL = dir.appendingPathComponent("oracle.py"), inputURL = dir.appendingPathComponent("vectors.txt")
        let guarded = "try:\n    import cvss\nexcept ImportError:\n    print('NO-CVSS')\n    raise SystemExit(3)\n" + script
        try guarded.write(to: scriptURL, atomically: true, encoding: .utf8)
        try (input.joined(separator: "\n") + "\n").write(to: inputURL, atomically: true, encoding: .utf8)
        let (status, output) = try OutsideTool.run(python, [scriptURL.path, inputURL.path])
        if status == 3 && output.hasPrefix("NO-CVSS") { throw XCTSkip("python package cvss is not installed in the tools venv") }
        guard status == 0 else {
            XCTFail("oracle exited \(status): \(output.prefix(500))")
            return []
        }
        return output.split(separator: "\n").map(String.init)
    }

    static let v3Metrics: [(String, [String])] = [
        ("AV", ["N", "A", "L", "P"]), ("AC", ["L", "H"]), ("PR", ["N", "L", "H"]), ("UI", ["N", "R"]),
        ("S", ["U", "C"]), ("C", ["H", "L", "N"]), ("I", ["H", "L", "N"]), ("A", ["H", "L", "N"]),
        ("E", ["X", "H", "F", "P", "U"]), ("RL", ["X", "U", "W", "T", "O"]), ("RC", ["X", "C", "R", "U"]),
        ("CR", ["X", "H", "M", "L"]), ("IR", ["X", "H", "M", "L"]), ("AR", ["X", "H", "M", "L"]),
        ("MAV", ["X", "N", "A", "L", "P"]), ("MAC", ["X", "L", "H"]), ("MPR", ["X", "N", "L", "H"]),
        ("MUI", ["X", "N", "R"]), ("MS", ["X", "U", "C"]),
        ("MC", ["X", "H", "L", "N"]), ("MI", ["X", "H", "L", "N"]), ("MA", ["X", "H", "L", "N"]),
    ]

    static let v2Metrics: [(String, [String])] = [
        ("AV", ["L", "A", "N"]), ("AC", ["H", "M", "L"]), ("Au", ["M", "S", "N"]),
        ("C", ["N", "P", "C"]), ("I", ["N", "P", "C"]), ("A", ["N", "P", "C"]),
        ("E", ["ND", "U", "POC", "F", "H"]), ("RL", ["ND", "OF", "TF", "W", "U"]), ("RC", ["ND", "UC", "UR", "C"]),
        ("CDP", ["ND", "N", "L", "LM", "MH", "H"]), ("TD", ["ND", "N", "L", "M", "H"]),
        ("CR", ["ND", "L", "M", "H"]), ("IR", ["ND", "L", "M", "H"]), ("AR", ["ND", "L", "M", "H"]),
    ]

    static let v4Metrics: [(String, [String])] = {
        let impact = ["H", "L", "N"], modifiedImpact = ["X", "H", "L", "N"], requirement = ["X", "H", "M", "L"]
        return [
            ("AV", ["N", "A", "L", "P"]), ("AC", ["L", "H"]), ("AT", ["N", "P"]), ("PR", ["N", "L", "H"]),
            ("UI", ["N", "P", "A"]), ("VC", impact), ("VI", impact), ("VA", impact),
            ("SC", impact), ("SI", impact), ("SA", impact),
            ("E", ["X", "A", "P", "U"]), ("CR", requirement), ("IR", requirement), ("AR", requirement),
            ("MAV", ["X", "N", "A", "L", "P"]), ("MAC", ["X", "L", "H"]), ("MAT", ["X", "N", "P"]),
            ("MPR", ["X", "N", "L", "H"]), ("MUI", ["X", "N", "P", "A"]),
            ("MVC", modifiedImpact), ("MVI", modifiedImpact), ("MVA", modifiedImpact), ("MSC", modifiedImpact),
            ("MSI", ["X", "S", "H", "L", "N"]), ("MSA", ["X", "S", "H", "L", "N"]),
            ("S", ["X", "N", "P"]), ("AU", ["X", "N", "Y"]), ("U", ["X", "Clear", "Green", "Amber", "Red"]),
        ]
    }()

    static func sample(_ metrics: [(String, [String])], _ rng: inout CVSSTestRandom) -> String {
        metrics.map { name, values in "\(name):\(values[Int(rng.next() % UInt64(values.count))])" }
            .joined(separator: "/")
    }
}
