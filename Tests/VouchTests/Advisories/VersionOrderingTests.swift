import Foundation
import XCTest
@testable import Advisories

/// osv-scalibr's real version-ordering tables (`semantic/testdata/*.txt`: one `a <|=|> b` per line, `# `
/// and `// ` comments), run both ways (`a ? b` and `b ?' a`) through the scheme each OSV ecosystem maps
/// to, exactly as osv-scalibr's `compare_test.go` pairs ecosystems with files.
final class VersionOrderingTests: XCTestCase {
    /// Lines osv-scalibr's own implementation passes but no apk-tools release agrees with. Each is still
    /// checked: the test fails if one of them starts to hold (then remove it here).
    static let knownDisagreements: [String: [String: String]] = [
        "alpine-versions.txt": [
            "0.r1 < 0r2": "apk-tools 2.10 (which generated the table) and 2.14 read `.r` as an empty number then a letter, so `0.r1 > 0r2`; apk-tools 3 rejects both; osv-scalibr string-compares them as invalid",
            "0.8.21.r2 < 0.8.21r2": "same as `0.r1 < 0r2`: apk-tools 2.x puts `.r2` (empty number, letter) after `r2` (letter)",
        ],
    ]

    struct Outcome { var total = 0; var failures: [String] = []; var disagreements: [String] = [] }

    func run(_ file: String, ecosystem: String, expectedLines: Int,
             file callerFile: StaticString = #filePath, line callerLine: UInt = #line) throws {
        let path = try SharedData.path("fixtures/version-compare/semantic/testdata/\(file)")
        guard let scheme = VersionSchemes.scheme(forOSVEcosystem: ecosystem) else {
            return XCTFail("no version scheme for OSV ecosystem \(ecosystem)", file: callerFile, line: callerLine)
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let known = Self.knownDisagreements[file] ?? [:]
        var outcome = Outcome()
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.isEmpty || line.hasPrefix("# ") || line.hasPrefix("// ") { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, let want = ["<": -1, "=": 0, ">": 1][parts[1]] else {
                outcome.failures.append("malformed fixture line: \(line)")
                continue
            }
            outcome.total += 1
            let verdict: String?
            do {
                let forward = try scheme.compare(parts[0], parts[2]).signum()
                let backward = try scheme.compare(parts[2], parts[0]).signum()
                verdict = forward == want && backward == -want ? nil : "got \(forward) and reversed \(backward)"
            } catch {
                verdict = "\(error)"
            }
            switch (verdict, known[line]) {
            case (nil, nil): break
            case (nil, _?): outcome.failures.append("\(line): listed as a known disagreement but now holds")
            case (_?, _?): outcome.disagreements.append(line)
            case let (why?, nil): outcome.failures.append("\(line): \(why)")
            }
        }
        print("\(file) as \(ecosystem) [\(scheme.name)]: \(outcome.total - outcome.failures.count - outcome.disagreements.count) of \(outcome.total) hold"
              + (outcome.disagreements.isEmpty ? "" : ", \(outcome.disagreements.count) known disagreements"))
        XCTAssertEqual(outcome.total, expectedLines, "\(file): unexpected number of comparisons", file: callerFile, line: callerLine)
        XCTAssertEqual(Set(outcome.disagreements), Set(known.keys), "\(file): known disagreements", file: callerFile, line: callerLine)
        XCTAssert(outcome.failures.isEmpty, "\(file) as \(ecosystem): \(outcome.failures.count) failed:\n"
                  + outcome.failures.prefix(20).joined(separator: "\n"), file: callerFile, line: callerLine)
    }

    func testSemverAsNPM() throws { try run("semver-versions.txt", ecosystem: "npm", expectedLines: 86) }
    func testSemverAsCrates() throws { try run("semver-versions.txt", ecosystem: "crates.io", expectedLines: 86) }
    func testSemverAsGo() throws { try run("semver-versions.txt", ecosystem: "Go", expectedLines: 86) }
    func testSemverAsHex() throws { try run("semver-versions.txt", ecosystem: "Hex", expectedLines: 86) }
    func testRubyGems() throws { try run("rubygems-versions.txt", ecosystem: "RubyGems", expectedLines: 25) }
    func testRubyGemsGenerated() throws { try run("rubygems-versions-generated.txt", ecosystem: "RubyGems", expectedLines: 4098) }
    func testNuGet() throws { try run("nuget-versions.txt", ecosystem: "NuGet", expectedLines: 35) }
    func testPackagist() throws { try run("packagist-versions.txt", ecosystem: "Packagist", expectedLines: 95) }
    func testPackagistGenerated() throws { try run("packagist-versions-generated.txt", ecosystem: "Packagist", expectedLines: 10630) }
    func testMaven() throws { try run("maven-versions.txt", ecosystem: "Maven", expectedLines: 102) }
    func testMavenGenerated() throws { try run("maven-versions-generated.txt", ecosystem: "Maven", expectedLines: 14752) }
    func testPyPI() throws { try run("pypi-versions.txt", ecosystem: "PyPI", expectedLines: 37) }
    func testPyPIGenerated() throws { try run("pypi-versions-generated.txt", ecosystem: "PyPI", expectedLines: 12375) }
    func testDebian() throws { try run("debian-versions.txt", ecosystem: "Debian", expectedLines: 30) }
    func testDebianGenerated() throws { try run("debian-versions-generated.txt", ecosystem: "Debian", expectedLines: 14442) }
    func testCRAN() throws { try run("cran-versions.txt", ecosystem: "CRAN", expectedLines: 21) }
    func testCRANGenerated() throws { try run("cran-versions-generated.txt", ecosystem: "CRAN", expectedLines: 57) }
    func testAlpine() throws { try run("alpine-versions.txt", ecosystem: "Alpine", expectedLines: 778) }
    func testAlpineGenerated() throws { try run("alpine-versions-generated.txt", ecosystem: "Alpine", expectedLines: 13979) }
    func testRedHat() throws { try run("redhat-versions.txt", ecosystem: "Red Hat", expectedLines: 165) }
    func testHackage() throws { try run("hackage-versions.txt", ecosystem: "Hackage", expectedLines: 11) }
    func testPub() throws { try run("pub-versions.txt", ecosystem: "Pub", expectedLines: 100) }

    /// The Ubuntu and Debian tables are one ordering; run the Debian one through the Ubuntu mapping too.
    func testDebianAsUbuntu() throws { try run("debian-versions.txt", ecosystem: "Ubuntu:22.04:LTS", expectedLines: 30) }
    /// SUSE and the RHEL rebuilds order like Red Hat.
    func testRedHatAsSUSEAndRocky() throws {
        try run("redhat-versions.txt", ecosystem: "SUSE:Linux Enterprise Server 15 SP5", expectedLines: 165)
        try run("redhat-versions.txt", ecosystem: "Rocky Linux:9", expectedLines: 165)
    }

    /// Not an assertion: how long the matcher's hot path takes for 100,000 comparisons per scheme,
    /// both parsing once (`OrderedVersion`) and going through strings (`VersionScheme.compare`).
    func testTimingPrint() throws {
        let samples: [(String, any VersionScheme, String)] = [
            ("debian-versions-generated.txt", VersionSchemes.dpkg, "dpkg"),
            ("alpine-versions-generated.txt", VersionSchemes.apk, "apk"),
            ("redhat-versions.txt", VersionSchemes.rpm, "rpm"),
            ("pypi-versions-generated.txt", VersionSchemes.pypi, "pypi"),
            ("maven-versions-generated.txt", VersionSchemes.maven, "maven"),
            ("packagist-versions-generated.txt", VersionSchemes.composer, "composer"),
            ("rubygems-versions-generated.txt", VersionSchemes.rubygems, "rubygems"),
            ("semver-versions.txt", VersionSchemes.semver, "semver"),
        ]
        for (file, scheme, name) in samples {
            let text = try String(contentsOfFile: try SharedData.path("fixtures/version-compare/semantic/testdata/\(file)"), encoding: .utf8)
            let pairs = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.hasPrefix("//") }
                .map { $0.split(separator: " ").map(String.init) }.filter { $0.count == 3 }.map { ($0[0], $0[2]) }
            let parsed = try pairs.map { (try scheme.parse($0.0), try scheme.parse($0.1)) }
            var sink = 0
            let clock = ContinuousClock()
            let onceParsed = clock.measure {
                for k in 0..<100_000 { let p = parsed[k % parsed.count]; sink &+= p.0.compare(to: p.1) }
            }
            // Parsing dominates the string path; measure it on a few schemes only to keep the test short.
            var throughStrings = "not measured"
            if ["dpkg", "rpm", "pypi"].contains(name) {
                throughStrings = "\(try clock.measure { for k in 0..<100_000 { let p = pairs[k % pairs.count]; sink &+= try scheme.compare(p.0, p.1) } })"
            }
            print("timing \(name): 100k comparisons parsed once \(onceParsed), from strings \(throughStrings) (\(sink))")
        }
    }
}
