import Foundation
import JSON
import XCTest
@testable import Advisories

/// The Debian security tracker's DSA/DLA lists (real, as of April 2023) and its JSON export.
final class DebianTrackerImportTests: XCTestCase {
    static let folder = "osv/distro/debian-security-tracker"

    func list(_ name: String) throws -> (advisories: [Advisory], warnings: [String]) {
        let data = try SharedData.data("\(Self.folder)/\(name)")
        var warnings: [String] = []
        let advisories = try DebianSecurityListParser().parse(data: data, path: name, warnings: &warnings)
        return (advisories, warnings)
    }

    func testEveryAdvisoryOfBothListsIsRead() throws {
        // `grep -c '^\[' DSA-list.txt` = 5406 and 3534 for DLA-list.txt: one header line per advisory.
        let dsa = try list("DSA-list.txt")
        let dla = try list("DLA-list.txt")
        XCTAssertEqual(dsa.advisories.count, 5406)
        XCTAssertEqual(dla.advisories.count, 3534)
        XCTAssertTrue(dsa.advisories.allSatisfy { $0.id.hasPrefix("DSA-") && $0.source == "debian-tracker" })
        XCTAssertTrue(dla.advisories.allSatisfy { $0.id.hasPrefix("DLA-") })
        XCTAssertEqual(Set(dsa.advisories.map(\.id)).count, 5406, "ids are unique")
        // 6,988 release lines in the DSA list (`grep -cE '^\s+\[[a-z]+\]\s*-\s'`), one of which has no version.
        XCTAssertEqual(dsa.advisories.reduce(0) { $0 + $1.affected.count }, 6987)
        XCTAssertEqual(dla.advisories.reduce(0) { $0 + $1.affected.count }, 3535)
        XCTAssertEqual(dsa.warnings.count, 1)
        XCTAssertTrue(dsa.warnings[0].hasPrefix("DSA-list.txt: line 17244:"), dsa.warnings[0])
        XCTAssertEqual(dla.warnings, [])
        // Early advisories carry no revision; DLA ids all do.
        XCTAssertNotNil(dsa.advisories.first { $0.id == "DSA-1304" })
    }

    func testAKnownOpenSSLAdvisoryHasItsCVEsAndFixesPerRelease() throws {
        let dsa = try list("DSA-list.txt").advisories
        let a = try XCTUnwrap(dsa.first { $0.id == "DSA-5169-1" })
        XCTAssertEqual(a.aliases, ["CVE-2022-2068"])
        XCTAssertEqual(a.summary, "openssl - security update")
        XCTAssertEqual(a.published, FeedInput.date(year: 2022, month: 6, day: 26))
        XCTAssertNil(a.modified)
        XCTAssertEqual(a.references, ["https://security-tracker.debian.org/tracker/DSA-5169-1"])
        XCTAssertEqual(a.affected, [
            AffectedPackage(ecosystem: "Debian:10", name: "openssl",
                            ranges: [AffectedRange(kind: .ecosystem, events: [.introduced("0"), .fixed("1.1.1n-0+deb10u3")])]),
            AffectedPackage(ecosystem: "Debian:11", name: "openssl",
                            ranges: [AffectedRange(kind: .ecosystem, events: [.introduced("0"), .fixed("1.1.1n-0+deb11u3")])]),
        ])
        let feb = try XCTUnwrap(dsa.first { $0.id == "DSA-5343-1" })
        XCTAssertEqual(feb.aliases, ["CVE-2022-2097", "CVE-2022-4304", "CVE-2022-4450", "CVE-2023-0215", "CVE-2023-0286"])
        XCTAssertEqual(feb.affected.map(\.ecosystem), ["Debian:11"])
        // An epoch stays in the fixed version.
        let xorg = try XCTUnwrap(dsa.first { $0.id == "DSA-5380-1" })
        XCTAssertEqual(xorg.affected.first?.ranges.first?.events, [.introduced("0"), .fixed("2:1.20.11-1+deb11u6")])
    }

    func testMarkersBecomeResolutions() throws {
        let dsa = try list("DSA-list.txt").advisories
        // [etch] - squid <not-affected> (Vulnerable code introduced in 3.x), then a real fix for lenny.
        let squid = try XCTUnwrap(dsa.first { $0.id == "DSA-1843-1" })
        XCTAssertEqual(squid.affected[0], AffectedPackage(ecosystem: "Debian:4", name: "squid", resolution: .notAffected))
        XCTAssertEqual(squid.affected[1].ecosystem, "Debian:5")
        XCTAssertEqual(squid.affected[1].ranges.first?.events, [.introduced("0"), .fixed("3.0.STABLE8-3+lenny1")])
        // [jessie] - virtualbox <end-of-life>: affected with no fix to come.
        let vbox = try XCTUnwrap(dsa.first { $0.id == "DSA-3699-1" })
        XCTAssertEqual(vbox.affected, [AffectedPackage(ecosystem: "Debian:8", name: "virtualbox",
                                                       ranges: [AffectedRange(kind: .ecosystem, events: [.introduced("0")])],
                                                       resolution: .willNotFix)])
        let dla = try list("DLA-list.txt").advisories
        XCTAssertEqual(dla.first { $0.id == "DLA-372-1" }?.affected.first?.resolution, .willNotFix)
        // [woody] - phpmyadmin <unfixed>: affected, no fix, no decision.
        let unfixed = dsa.flatMap(\.affected).filter { $0.name == "phpmyadmin" && $0.ecosystem == "Debian:3.0" && $0.ranges.first?.events == [.introduced("0")] }
        XCTAssertEqual(unfixed.count, 1)
        XCTAssertNil(unfixed.first?.resolution)
        // Counted over the whole list: 55 <not-affected>, 4 <end-of-life> outside NOTE lines.
        let all = dsa.flatMap(\.affected)
        XCTAssertEqual(all.filter { $0.resolution == .notAffected }.count, 55)
        XCTAssertEqual(all.filter { $0.resolution == .willNotFix }.count, 4)
        // [sarge] - backupninja 0.5-3sarge1 (medium): the note's urgency is Debian's rating.
        let ninja = try XCTUnwrap(dsa.first { $0.id == "DSA-827-1" })
        XCTAssertEqual(ninja.affected.first?.severities, [AdvisorySeverity(kind: .rating, value: "medium", source: "debian")])
    }

    func testCodenamesOfTheTrackerConfigAllHaveReleases() throws {
        let config = try JSON.parse(SharedData.data("\(Self.folder)/config.json"))
        let names = try XCTUnwrap(config["distributions"]?.object?.keys)
        XCTAssertEqual(names.count, 15)
        for name in names { XCTAssertNotNil(DebianReleases.known.release(of: name), name) }
        XCTAssertEqual(DebianReleases.known.ecosystem(of: "bookworm"), "Debian:12")
        XCTAssertEqual(DebianReleases.known.ecosystem(of: "trixie"), "Debian:13")
        XCTAssertEqual(DebianReleases.known.ecosystem(of: "sid"), "Debian:unstable")
        XCTAssertEqual(DebianReleases.known.ecosystem(of: "woody"), "Debian:3.0")
        XCTAssertNil(DebianReleases.known.release(of: "bookworm-security"))
        let parser = DebianSecurityListParser()
        XCTAssertFalse(parser.detect(data: try SharedData.data("\(Self.folder)/config.json"), path: "config.json"))
        XCTAssertTrue(parser.detect(data: try SharedData.data("\(Self.folder)/DLA-list.txt"), path: "DLA/list"))
        XCTAssertFalse(DebianTrackerJSONParser().detect(data: try SharedData.data("\(Self.folder)/DSA-list.txt"), path: "DSA/list"))
    }

    func testHostileListsGiveErrorsNamingTheLine() throws {
        let parser = DebianSecurityListParser()
        func error(_ text: String) -> AdvisoryFeedError? {
            do { _ = try parser.parse(data: Data(text.utf8), path: "list"); return nil } catch { return error as? AdvisoryFeedError }
        }
        let header = "[29 Mar 2023] DSA-5380-1 xorg-server - security update\n"
        XCTAssertEqual(error(header + "\t[hurd] - xorg-server 1.0-1\n")?.description,
                       "debian-tracker list: line 2: unknown Debian release 'hurd'")
        XCTAssertEqual(error("\t{CVE-2023-1393}\n" + header)?.location, "line 1")
        XCTAssertEqual(error("[31 Feb 2023] DSA-1-1 x - y\n")?.location, "line 1")
        XCTAssertEqual(error(header + "\t{CVE-2023-1393\n")?.reason, "CVE list does not end with '}'")
        XCTAssertEqual(error(header + "\t{rm -rf}\n")?.reason, "'rm' is not a CVE id")
        XCTAssertEqual(error(header + "\t[bullseye] - xorg-server <maybe>\n")?.reason, "unknown marker <maybe>")
        XCTAssertEqual(error(header + header)?.reason, "DSA-5380-1 appears twice")
        XCTAssertEqual(error(header + "\tsomething else\n")?.location, "line 2")
        XCTAssertEqual(error(header + "\t[bullseye]\n")?.reason, "release line has no '-' after [bullseye]")
        XCTAssertNotNil(error("[29 Mar 2023] DSA-\u{0}-1 x\n"))
        XCTAssertEqual(error(String(repeating: "[", count: 100_000))?.location, "line 1")
        XCTAssertThrowsError(try parser.parse(data: Data([0x5B, 0xFF, 0xFE]), path: "list")) { e in
            XCTAssertEqual((e as? AdvisoryFeedError)?.reason, "is not UTF-8 text")
        }
        // CRLF line ends and blank lines are fine.
        let crlf = try parser.parse(data: Data((header + "\r\n\t{CVE-2023-1393}\r\n\t[bullseye] - xorg-server 2:1.20.11-1+deb11u6\r\n").utf8), path: "list")
        XCTAssertEqual(crlf.first?.affected.first?.ranges.first?.events.last, .fixed("2:1.20.11-1+deb11u6"))
    }

    // MARK: JSON export

    /// An excerpt of the tracker's JSON export, kept by grype's vunnel as test input
    /// (anchore/vunnel, `tests/unit/providers/debian/test-fixtures/input/debian.json`, Apache-2.0):
    /// the first `prototypejs` issue, `txt2man`, `chromium` and `chromium-browser` as written there.
    static let trackerJSON = """
    {
      "prototypejs": {
        "CVE-2008-7220": {
          "scope": "remote",
          "debianbug": 555217,
          "description": "Unspecified vulnerability in Prototype JavaScript framework (prototypejs) before 1.6.0.2 allows attackers to make \\"cross-site ajax requests\\" via unknown vectors.",
          "releases": {
            "stretch": {"status": "resolved", "repositories": {"stretch": "1.7.1-3"}, "fixed_version": "1.6.0.2-1", "urgency": "high**"},
            "jessie": {"status": "resolved", "repositories": {"jessie": "1.7.1-3"}, "fixed_version": "1.6.0.2-1", "urgency": "high**"},
            "buster": {"status": "resolved", "repositories": {"buster": "1.7.1-3"}, "fixed_version": "1.6.0.2-1", "urgency": "high**"},
            "sid": {"status": "resolved", "repositories": {"sid": "1.7.1-3"}, "fixed_version": "1.6.0.2-1", "urgency": "high**"}
          }
        },
        "CVE-2007-2383": {
          "scope": "remote",
          "debianbug": 555217,
          "description": "The Prototype (prototypejs) framework before 1.5.1 RC3 exchanges data using JavaScript Object Notation (JSON) without an associated protection scheme.",
          "releases": {
            "stretch": {"status": "resolved", "repositories": {"stretch": "1.7.1-3"}, "fixed_version": "0", "urgency": "unimportant"},
            "jessie": {"status": "resolved", "repositories": {"jessie": "1.7.1-3"}, "fixed_version": "0", "urgency": "unimportant"},
            "buster": {"status": "resolved", "repositories": {"buster": "1.7.1-3"}, "fixed_version": "0", "urgency": "unimportant"},
            "sid": {"status": "resolved", "repositories": {"sid": "1.7.1-3"}, "fixed_version": "0", "urgency": "unimportant"}
          }
        }
      },
      "txt2man": {
        "CVE-2013-1444": {
          "scope": "local",
          "debianbug": 724614,
          "description": "A certain Debian patch for txt2man 1.5.5, as used in txt2man 1.5.5-2, 1.5.5-4, and others, allows local users to overwrite arbitrary files via a symlink attack on /tmp/2222.",
          "releases": {
            "stretch": {"status": "resolved", "repositories": {"stretch": "1.6.0-1"}, "fixed_version": "1.5.5-4.1", "urgency": "low**"},
            "jessie": {"status": "resolved", "repositories": {"jessie": "1.5.5-4.1"}, "fixed_version": "1.5.5-4.1", "urgency": "low**"},
            "buster": {"status": "resolved", "repositories": {"buster": "1.6.0-3"}, "fixed_version": "1.5.5-4.1", "urgency": "low**"},
            "sid": {"status": "resolved", "repositories": {"sid": "1.6.0-3"}, "fixed_version": "1.5.5-4.1", "urgency": "low**"}
          }
        }
      },
      "chromium": {
        "CVE-2022-0456": {
          "releases": {
            "bookworm": {"status": "resolved", "repositories": {"bookworm": "98.0.4758.102-1"}, "fixed_version": "98.0.4758.80-1", "urgency": "not yet assigned"},
            "bullseye": {"status": "resolved", "repositories": {"bullseye": "90.0.4430.212-1", "bullseye-security": "98.0.4758.102-1~deb11u1"}, "fixed_version": "98.0.4758.80-1~deb11u1", "urgency": "not yet assigned"},
            "buster": {"status": "open", "repositories": {"buster": "89.0.4389.114-1~deb10u1", "buster-security": "90.0.4430.212-1~deb10u1"}, "urgency": "end-of-life"},
            "sid": {"status": "resolved", "repositories": {"sid": "99.0.4844.51-1"}, "fixed_version": "98.0.4758.80-1", "urgency": "not yet assigned"},
            "stretch": {"status": "open", "repositories": {"stretch": "73.0.3683.75-1~deb9u1", "stretch-security": "73.0.3683.75-1~deb9u1"}, "urgency": "end-of-life"}
          }
        }
      },
      "chromium-browser": {
        "CVE-2022-0358": {
          "releases": []
        }
      }
    }
    """

    func testTheJSONExportGivesOneAdvisoryPerIssue() throws {
        let parser = DebianTrackerJSONParser()
        let data = Data(Self.trackerJSON.utf8)
        XCTAssertTrue(parser.detect(data: data, path: "json"))
        let advisories = try parser.parse(data: data, path: "json")
        // chromium-browser's issue has `"releases": []` and so affects nothing.
        XCTAssertEqual(advisories.map(\.id), ["DEBIAN-CVE-2007-2383", "DEBIAN-CVE-2008-7220", "DEBIAN-CVE-2013-1444", "DEBIAN-CVE-2022-0456"])

        let chromium = try XCTUnwrap(advisories.last)
        XCTAssertEqual(chromium.aliases, ["CVE-2022-0456"])
        XCTAssertEqual(chromium.references, ["https://security-tracker.debian.org/tracker/CVE-2022-0456"])
        func fixed(_ v: String) -> [AffectedRange] { [AffectedRange(kind: .ecosystem, events: [.introduced("0"), .fixed(v)])] }
        let open = [AffectedRange(kind: .ecosystem, events: [.introduced("0")])]
        XCTAssertEqual(chromium.affected, [
            AffectedPackage(ecosystem: "Debian:9", name: "chromium", ranges: open, resolution: .willNotFix),
            AffectedPackage(ecosystem: "Debian:10", name: "chromium", ranges: open, resolution: .willNotFix),
            AffectedPackage(ecosystem: "Debian:11", name: "chromium", ranges: fixed("98.0.4758.80-1~deb11u1")),
            AffectedPackage(ecosystem: "Debian:12", name: "chromium", ranges: fixed("98.0.4758.80-1")),
            AffectedPackage(ecosystem: "Debian:unstable", name: "chromium", ranges: fixed("98.0.4758.80-1")),
        ])

        // fixed_version "0": never affected; `unimportant` is still Debian's rating.
        let notAffected = advisories[0]
        XCTAssertEqual(notAffected.id, "DEBIAN-CVE-2007-2383")
        XCTAssertEqual(notAffected.affected.map(\.resolution), Array(repeating: .notAffected, count: 4))
        XCTAssertTrue(notAffected.affected.allSatisfy { $0.ranges.isEmpty })
        XCTAssertEqual(notAffected.affected.first?.severities, [AdvisorySeverity(kind: .rating, value: "unimportant", source: "debian")])
        XCTAssertEqual(notAffected.references.last, "https://bugs.debian.org/555217")

        // `high**` (an urgency not yet reviewed) is read as high.
        let prototype = advisories[1]
        XCTAssertEqual(prototype.affected.map(\.ecosystem), ["Debian:8", "Debian:9", "Debian:10", "Debian:unstable"])
        XCTAssertEqual(Set(prototype.affected.flatMap(\.severities)), [AdvisorySeverity(kind: .rating, value: "high", source: "debian")])
        XCTAssertTrue(prototype.details?.hasPrefix("Unspecified vulnerability in Prototype") == true)
        XCTAssertEqual(advisories[2].affected.first?.severities.first?.value, "low")
    }

    /// A `releases` object as the tracker exports it for an openssl issue, quoted in
    /// l3montree-dev/devguard (`vulndb/debian_security_tracker.go`): fixed in bookworm, and in
    /// bullseye a minor issue that gets no DSA (`nodsa` with an empty reason).
    func testNoDSAIsWontFixUnlessPostponed() throws {
        let releases = try JSON.parse("""
        {
            "bookworm": {
                "status": "resolved",
                "repositories": {"bookworm": "3.0.13-1~deb12u1", "bookworm-security": "3.0.11-1~deb12u2"},
                "fixed_version": "3.0.13-1~deb12u1",
                "urgency": "not yet assigned"
            },
            "bullseye": {
                "status": "open",
                "repositories": {"bullseye": "1.1.1w-0+deb11u1", "bullseye-security": "1.1.1n-0+deb11u5"},
                "urgency": "not yet assigned",
                "nodsa": "Minor issue",
                "nodsa_reason": ""
            }
        }
        """)
        let entries = try DebianTrackerJSONParser().affected(package: "openssl", releases: releases, at: "releases")
        XCTAssertEqual(entries.map(\.ecosystem), ["Debian:12", "Debian:11"])
        XCTAssertEqual(entries[0].ranges.first?.events, [.introduced("0"), .fixed("3.0.13-1~deb12u1")])
        XCTAssertNil(entries[0].resolution)
        XCTAssertEqual(entries[1].ranges.first?.events, [.introduced("0")])
        XCTAssertEqual(entries[1].resolution, .willNotFix)
        XCTAssertEqual(entries[1].severities, [], "'not yet assigned' is no rating")
    }

    func testHostileJSONGivesErrorsNamingTheField() throws {
        let parser = DebianTrackerJSONParser()
        func reason(_ text: String) -> String? {
            do { _ = try parser.parse(data: Data(text.utf8), path: "json"); return nil } catch { return (error as? AdvisoryFeedError)?.description }
        }
        XCTAssertEqual(reason(#"[]"#), "debian-tracker json: (top level): expected an object, found an array")
        XCTAssertEqual(reason(#"{"zlib": {"CVE-2023-45853": {"releases": "bookworm"}}}"#),
                       #"debian-tracker json: "zlib"."CVE-2023-45853".releases: expected an object, found a string"#)
        XCTAssertEqual(reason(#"{"zlib": {"CVE-2023-45853": {"releases": {"bookworm": {"status": 1}}}}}"#),
                       #"debian-tracker json: "zlib"."CVE-2023-45853".releases."bookworm".status: expected a string, found a number"#)
        XCTAssertEqual(reason(#"{"zlib": {"CVE-2023-45853": {"releases": {"bookworm": {"status": "fixed"}}}}}"#),
                       #"debian-tracker json: "zlib"."CVE-2023-45853".releases."bookworm".status: unknown status 'fixed'"#)
        XCTAssertEqual(reason(#"{"zlib": {"not-an-id": {}}}"#), #"debian-tracker json: "zlib"."not-an-id": is not a CVE or TEMP id"#)
        XCTAssertEqual(reason(#"{"zlib": {"CVE-2023-45853": {"releases": {"hamm-lts": {"status": "open"}}}}}"#),
                       #"debian-tracker json: "zlib"."CVE-2023-45853".releases."hamm-lts": unknown Debian release"#)
        XCTAssertEqual(reason(#"{"zlib": {"CVE-2023-45853": {"debianbug": "x", "releases": {"sid": {"status": "open"}}}}}"#),
                       #"debian-tracker json: "zlib"."CVE-2023-45853".debianbug: expected a bug number, found a string"#)
        XCTAssertNotNil(reason(String(repeating: "[", count: 100_000)))
        XCTAssertNotNil(reason(#"{"zlib": "#))
        // An issue only undetermined anywhere affects nothing yet.
        XCTAssertEqual(try parser.parse(data: Data(#"{"zlib": {"CVE-2023-45853": {"releases": {"sid": {"status": "undetermined"}}}}}"#.utf8), path: "j"), [])
    }
}
