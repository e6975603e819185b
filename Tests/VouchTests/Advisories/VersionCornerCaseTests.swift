import XCTest
@testable import Advisories

/// Each scheme's specification corner cases, written as ascending chains (every element sorts before the
/// next, and each `=` group sorts equal), plus the parses each ecosystem refuses.
final class VersionCornerCaseTests: XCTestCase {
    /// `chain` is ascending; versions inside one inner array sort equal.
    func assertOrder<V: OrderedVersion>(_ type: V.Type, _ chain: [[String]], file: StaticString = #filePath, line: UInt = #line) {
        do {
            let groups = try chain.map { try $0.map(V.init) }
            for (g, group) in groups.enumerated() {
                for a in group {
                    for b in group where a.compare(to: b) != 0 || b.compare(to: a) != 0 {
                        XCTFail("\(a) should equal \(b) in \(V.schemeName)", file: file, line: line)
                    }
                    for later in groups[(g + 1)...].joined() {
                        XCTAssertLessThan(a.compare(to: later), 0, "\(a) < \(later) in \(V.schemeName)", file: file, line: line)
                        XCTAssertGreaterThan(later.compare(to: a), 0, "\(later) > \(a) in \(V.schemeName)", file: file, line: line)
                    }
                }
            }
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
    }

    func assertRejects<V: OrderedVersion>(_ type: V.Type, _ texts: [String], file: StaticString = #filePath, line: UInt = #line) {
        for text in texts {
            XCTAssertThrowsError(try V(text), "\(V.schemeName) should refuse '\(text)'", file: file, line: line) { error in
                XCTAssertEqual((error as? VersionError)?.scheme, V.schemeName, file: file, line: line)
            }
        }
    }

    func testDebianPolicy() {
        assertOrder(DebianVersion.self, [
            ["1.0~~"], ["1.0~~a"], ["1.0~"], ["1.0", "0:1.0", "1.0-0", "1.00"], ["1.0a"], ["1.0+"], ["1.0+b1"], ["1.0.1"],
            ["1.9"], ["1.10"], ["1.10-1~bpo1"], ["1.10-1"], ["1.10-1ubuntu1"], ["1.10-1+deb12u1"], ["1.10-2"],
            ["1:0.1"], ["2:0.0.1-0"],
        ])
        // Digit runs longer than any integer still compare numerically.
        let nines = String(repeating: "9", count: 40)
        assertOrder(DebianVersion.self, [["1." + nines.dropLast() + "8"], ["1." + nines, "1.0" + nines], ["1.1" + String(repeating: "0", count: 40)]])
        assertRejects(DebianVersion.self, ["", " ", "1.0-", ":1.0", "a:1.0", "1:", "abc", "1.0 beta", "99999999999:1.0",
                                           "1.0_1", "1.0-1_2", "1.2.3-not-a-debian:version!@#$", "1.0é"])
        XCTAssertEqual(try DebianVersion(" 1:2.0-1 ").epoch, 1)
    }

    func testAPKSuffixesAndRevisions() {
        assertOrder(APKVersion.self, [
            ["1.2_alpha"], ["1.2_alpha1"], ["1.2_beta"], ["1.2_pre"], ["1.2_rc"], ["1.2"], ["1.2-r0", "1.2-r"], ["1.2-r1"],
            ["1.2_cvs"], ["1.2_svn"], ["1.2_git"], ["1.2_hg"], ["1.2_p"], ["1.2_p1"], ["1.2a"], ["1.2b"], ["1.2.1"], ["1.10"],
        ])
        // Leading zeros after a dot count against the part: 1.00 < 1.0 < 1.02 < 1.1.
        assertOrder(APKVersion.self, [["1.00"], ["1.0"], ["1.02"], ["1.1"]])
        assertOrder(APKVersion.self, [["5.7.1p1-r0"], ["5.7.1p1-r1"], ["5.7.1p2-r0"]])
        XCTAssertTrue(try APKVersion("1.2.3_rc1-r4").isValid)
        XCTAssertFalse(try APKVersion("1.2.3~rc1").isValid)
        XCTAssertFalse(try APKVersion("1-ruff").isValid)
        // An invalid tail sorts before a valid continuation.
        assertOrder(APKVersion.self, [["1.2.0A"], ["1.2.0a"]])
    }

    func testRPMVerCmp() {
        assertOrder(RPMVersion.self, [
            ["1.0~rc1~git1"], ["1.0~rc1"], ["1.0~rc2"], ["1.0", "0:1.0", "1.0.", "1_0"], ["1.0^"], ["1.0^git1"], ["1.0^git2"],
            ["1.0a"], ["1.0.0"], ["1.01", "1.1"], ["1.1-1.el8"], ["1.1-1.el8_1"], ["1.1-2.el8"], ["1.1-10.el8"],
            ["1:0.1"], ["2:0"],
        ])
        // A release-less version sorts before the same version with any release.
        assertOrder(RPMVersion.self, [["2.4"], ["2.4-0"], ["2.4-1"]])
        assertOrder(RPMVersion.self, [["3.10.0-229.el7"], ["3.10.0-229.1.2.ael7b"], ["3.10.0-229.1.2.el7"]])
        assertRejects(RPMVersion.self, ["", "1.0 1", "1.0\t", "1.0\n"])
    }

    func testALPMVerCmp() {
        assertOrder(ALPMVersion.self, [["1.0a"], ["1.0", "1.0-5", "0:1.0"], ["1.0.1"], ["1.0..1"], ["1.1"], ["1:0.1"]])
        // Releases compare only when both sides have one.
        XCTAssertEqual(try ALPMVersion("2.0-3").compare(to: ALPMVersion("2.0")), 0)
        assertOrder(ALPMVersion.self, [["2.0-3"], ["2.0-10"]])
    }

    func testPEP440() {
        assertOrder(PEP440Version.self, [
            ["1.0.dev0", "1.0.dev", "1.0-dev0"], ["1.0a1.dev1"], ["1.0a1", "1.0alpha1", "1.0.A.1", "1.0a-1"], ["1.0a2.post1"],
            ["1.0b1", "1.0beta1"], ["1.0rc1", "1.0c1", "1.0pre1", "1.0preview1"],
            ["1.0", "1.0.0", "v1.0", " 1.0 ", "0!1.0"], ["1.0+abc"], ["1.0+abc.5"], ["1.0+1", "1.0+01", "1.0+1"], ["1.0+1.a"],
            ["1.0.post0.dev1"], ["1.0.post0", "1.0-0", "1.0.post", "1.0-r", "1.0rev0"], ["1.0.post1", "1.0-1", "1.0r1"],
            ["1.0.1"], ["1.10"], ["1!0.1"],
        ])
        assertOrder(PEP440Version.self, [["1." + String(repeating: "9", count: 30)], ["1.1" + String(repeating: "0", count: 30)]])
        assertRejects(PEP440Version.self, ["", "1.0-bulbasaur", "abc", "1.0+", "1.0+a..b", "1.0.", "1..0", "1.0a1b1",
                                           "1!", "!1.0", "1.0+é", "1.0 1", "-class.-jw.util.version.version-pre"])
    }

    func testPyPILegacy() {
        // Legacy versions (packaging < 22) sort before every PEP 440 version, among themselves as setuptools did.
        assertOrder(PyPIVersion.self, [["0.1-bulbasaur"], ["0.9-eevee"], ["0.9-fearow"], ["0.0.1.dev0"], ["0.0.1"], ["1.0"]])
        assertOrder(PyPIVersion.self, [["foo-1.0dev"], ["foo-1.0pre"], ["foo-1.0"]])
        XCTAssertTrue(try PyPIVersion("1.0-foo").isLegacy)
        XCTAssertFalse(try PyPIVersion("1.0.post1").isLegacy)
    }

    func testSemVer() {
        assertOrder(SemanticVersion.self, [
            ["1.0.0-alpha"], ["1.0.0-alpha.1"], ["1.0.0-alpha.beta"], ["1.0.0-beta"], ["1.0.0-beta.2"], ["1.0.0-beta.11"],
            ["1.0.0-rc.1"], ["1.0.0", "1.0.0+build.5", "v1.0.0", "1.0", "1", "1.0.0.7"], ["1.0.1"], ["1.10.0"],
            ["99999999999999999999.0.0"],
        ])
        XCTAssertNoThrow(try SemanticVersion(strict: "1.0.0-0A.is.legal+build.01"))
        for bad in ["v1.2.3", "1.2", "01.2.3", "1.2.3-01", "1.2.3-a..b", "1.2.3-", "1.2.3+", "1.2.3beta", "1.2.3-é"] {
            XCTAssertThrowsError(try SemanticVersion(strict: bad), "strict SemVer should refuse \(bad)")
        }
        assertRejects(SemanticVersion.self, ["", "v", "abc", "1.2.3-", "1.2.3+", "1.2.3 ", "1..2"])
    }

    func testGoModules() throws {
        assertOrder(GoVersion.self, [
            ["v0.0.0-20191109021931-daa7c04131f5"], ["v0.0.0-20200101000000-000000000000"], ["v0.1.0"],
            ["v1.2.3"], ["v1.2.4-0.20191109021931-daa7c04131f5"], ["v1.2.4-rc.1"], ["v1.2.4", "1.2.4"],
            ["v2.0.0+incompatible", "2.0.0"],
        ])
        assertOrder(GoVersion.self, [["go1.20", "1.20.0"], ["go1.21rc2"], ["go1.21.0"], ["go1.21.3"], ["go1.22beta1"], ["go1.22.0"]])
        XCTAssertEqual(try GoVersion("v1.2.4-0.20191109021931-daa7c04131f5").pseudoRevision, "daa7c04131f5")
        XCTAssertTrue(try GoVersion("v0.0.0-20191109021931-daa7c04131f5").isPseudoVersion)
        XCTAssertFalse(try GoVersion("v1.2.4-rc.1").isPseudoVersion)
        assertRejects(GoVersion.self, ["", "go", "golang", "latest"])
    }

    func testNuGet() {
        assertOrder(NuGetVersion.self, [
            ["1.0.0-alpha.2"], ["1.0.0-alpha.10"], ["1.0.0-BETA", "1.0.0-beta"], ["1.0.0-beta2"],
            ["1.0", "1.0.0.0", "1.0.0+meta", "01.0"], ["1.0.0.1-alpha"], ["1.0.0.1"], ["1.0.1"],
        ])
        assertRejects(NuGetVersion.self, ["", "1.2.3.4.5", "a.b", "1.0-", "1.0-a..b", "1..0", "1.0+"])
    }

    func testPub() {
        assertOrder(PubVersion.self, [["1.0.0-pre"], ["1.0.0-pre+build"], ["1.0.0"], ["1.0.0+1"], ["1.0.0+2"], ["1.0.0+a"], ["1.0.1"]])
    }

    func testMaven() {
        assertOrder(MavenVersion.self, [
            ["1.0-alpha-1", "1.0-a1", "1.0alpha1"], ["1.0-beta"], ["1.0-milestone-1", "1.0-m1"], ["1.0-rc1", "1.0-CR1"],
            ["1.0-SNAPSHOT"], ["1.0", "1", "1.0.0", "1-ga", "1.final", "1.0-RELEASE", "1-0"], ["1.0-sp1"], ["1.0-abc"], ["1.0-xyz"],
            ["1.0-1"], ["1.0.1"], ["1.1"], ["1.10"],
        ])
        // MNG-6964 and the specification's per-hyphen trimming.
        assertOrder(MavenVersion.self, [["1-0.alpha"], ["1-0.beta"], ["1"]])
        assertOrder(MavenVersion.self, [["1-sp-1"], ["1-ga-1", "1-1"]])
    }

    func testRubyGems() {
        assertOrder(RubyGemsVersion.self, [
            ["1.0.a"], ["1.0.a.2", "1.0.a2"], ["1.0.a10"], ["1.0.b1"], ["1.0-rc1", "1.0.pre.rc1"], ["1.0.rc1"],
            ["1.0", "1", "1.0.0", " 1.0 "], ["1.0.1"], ["1.9"], ["1.10"],
        ])
        assertRejects(RubyGemsVersion.self, ["", "abc", "1.0_1", "1.0+build", "-1", "1.0é"])
    }

    func testComposer() {
        assertOrder(ComposerVersion.self, [
            ["1.0.0-dev", "1.0.0dev"], ["1.0.0-alpha1", "1.0.0a1"], ["1.0.0-beta1", "1.0.0-b1"], ["1.0.0-RC1", "1.0.0rc1"],
            ["1.0.0", "v1.0.0", "V1.0.0"], ["1.0.0-pl1", "1.0.0-p1", "1.0.0.pl1"], ["1.0.1"], ["1.10"],
        ])
        // Unknown words sort below dev, a number below its patch level.
        assertOrder(ComposerVersion.self, [["1.0-foo"], ["1.0-dev"], ["1.0"], ["1.0.0"]])
    }

    func testCRANAndHackage() {
        assertOrder(CRANVersion.self, [["0.9"], ["0.75"], ["1.0-0", "1.0.0", "01.00-00"], ["1.0-0.0"], ["1.0-1"], ["1.1"]])
        assertRejects(CRANVersion.self, ["", "1.a", "1..0", "1.0-", "v1.0"])
        assertOrder(HackageVersion.self, [["0"], ["0.11.3.0"], ["1"], ["1.0"], ["1.0.0"], ["1.0.1"]])
        assertRejects(HackageVersion.self, ["", "1.0-a", "1.", "1.0-tag"])
    }
}
