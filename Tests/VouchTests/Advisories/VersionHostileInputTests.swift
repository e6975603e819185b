import XCTest
@testable import Advisories

/// Hostile and broken versions: every scheme must answer with a value or a `VersionError`, never crash,
/// and its order must stay reflexive and antisymmetric on whatever it accepts.
final class VersionHostileInputTests: XCTestCase {
    static let schemes: [any VersionScheme] = [
        VersionSchemes.dpkg, VersionSchemes.apk, VersionSchemes.rpm, VersionSchemes.alpm, VersionSchemes.pypi,
        VersionSchemes.pep440, VersionSchemes.semver, VersionSchemes.go, VersionSchemes.maven, VersionSchemes.rubygems,
        VersionSchemes.composer, VersionSchemes.nuget, VersionSchemes.pub, VersionSchemes.cran, VersionSchemes.hackage,
    ]

    func testEmptyAndOverlongAreTypedErrors() {
        let overlong = "1." + String(repeating: "1", count: 300)
        for scheme in Self.schemes {
            for text in ["", overlong, String(repeating: "9", count: VersionText.maxLength + 1)] {
                XCTAssertThrowsError(try scheme.parse(text), "\(scheme.name) accepted \(text.prefix(20))…") { error in
                    XCTAssertEqual((error as? VersionError)?.scheme, scheme.name)
                    XCTAssertFalse("\(error)".contains("\n"), "errors print as one line")
                }
            }
        }
    }

    /// A digit run of the maximum length compares by value wherever the scheme accepts it.
    func testHugeDigitRunsCompareByValue() throws {
        let big = String(repeating: "9", count: VersionText.maxLength)
        let smaller = String(repeating: "9", count: VersionText.maxLength - 1) + "8"
        let padded = "0" + String(repeating: "9", count: VersionText.maxLength - 1)
        for scheme in Self.schemes {
            guard let a = try? scheme.parse(big), let b = try? scheme.parse(smaller) else { continue }
            XCTAssertGreaterThan(a.compare(to: b), 0, "\(scheme.name): \(big.count)-digit numbers")
            XCTAssertLessThan(b.compare(to: a), 0, scheme.name)
            if let c = try? scheme.parse(padded) {
                XCTAssertGreaterThan(a.compare(to: c), 0, "\(scheme.name): a leading zero does not make a number bigger")
            }
        }
        XCTAssertGreaterThan(try VersionSchemes.dpkg.compare(big, smaller), 0)
        XCTAssertGreaterThan(try VersionSchemes.semver.compare(String(big.dropFirst(4)) + ".0.0", String(smaller.dropFirst(4)) + ".0.0"), 0)
        XCTAssertGreaterThan(try VersionSchemes.maven.compare(big, smaller), 0)
    }

    func testOddInputsNeverCrash() {
        let odd = ["-", "~", ":", "+", ".", "..", "v", "V", "_", "^", "#", "!", "*", "0", "00", "0:", ":0", "1:", "1-", "-1",
                   "1.0\u{0}1", "\u{0}", "1.0\n", "1.0\r\n2", "1.0é", "é", "🙂", "1.0-🙂", "1\t0", " ", "1 ", "1.0+", "1.0-+", "1!", "1!!1",
                   "1.0.dev.dev", "1-r-r-r", "1_p_p_p", "1.a.b.c.1.2.3", "1..............0", "0x10", "1e9", "NaN",
                   String(repeating: "a.", count: 120), String(repeating: "1-", count: 120), String(repeating: "~", count: 256),
                   String(repeating: "0", count: 256), String(repeating: "_p1", count: 80), String(repeating: "-a", count: 128)]
        for scheme in Self.schemes {
            var accepted: [AnyVersion] = []
            for text in odd {
                do {
                    accepted.append(try scheme.parse(text))
                } catch let error as VersionError {
                    XCTAssertEqual(error.scheme, scheme.name)
                    XCTAssertFalse("\(error)".contains(where: \.isNewline), "errors print as one line: \(error)")
                } catch {
                    XCTFail("\(scheme.name) threw \(type(of: error)) for \(text.debugDescription)")
                }
            }
            assertConsistent(accepted, scheme.name)
        }
    }

    /// Random strings over the characters versions are made of: parse, then check reflexivity and antisymmetry.
    func testRandomVersionsOrderConsistently() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        let alphabet = Array("0123456789012345.-_~^+:!abprcgitvdelosuARCV".utf8)
        let texts: [String] = (0..<400).map { _ in
            let length = 1 + Int(next() % 14)
            return String(decoding: (0..<length).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }, as: UTF8.self)
        }
        for scheme in Self.schemes {
            let accepted = texts.compactMap { try? scheme.parse($0) }
            assertConsistent(accepted, scheme.name)
        }
    }

    private func assertConsistent(_ versions: [AnyVersion], _ scheme: String, file: StaticString = #filePath, line: UInt = #line) {
        for a in versions {
            XCTAssertEqual(a.compare(to: a), 0, "\(scheme): \(a) differs from itself", file: file, line: line)
            for b in versions where a.compare(to: b).signum() != -b.compare(to: a).signum() {
                XCTFail("\(scheme): \(a) vs \(b) is not antisymmetric", file: file, line: line)
            }
        }
    }
}
