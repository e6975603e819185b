import Foundation
import JSON
import SBOM
import XCTest
@testable import Evaluation

/// Hand-built findings modelled on real advisories (Ubuntu's glibc and coreutils records, GitHub's
/// requests advisory, Go's x/net one, Debian's zlib entry) so every renderer sees realistic data.
enum ReportFixture {
    static let baseLayer = "sha256:1b9b7346fee7abbc7f5538eaa23548bd05a45abe8daf6794024be0c8ad7d60bb"
    static let appLayer = "sha256:9e1a2b0a6c1f7d1e8b0b1f2e8a5d0c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d"
    static let digest = "sha256:c6801a3dc527e295df5a810cfa15518eac348837dd0349e4f81616f966bdcfbb"

    static func deb(_ name: String, _ version: String, source: String, distro: String = "ubuntu-22.04", layer: String = baseLayer) -> Package {
        let ns = distro.hasPrefix("debian") ? "debian" : "ubuntu"
        let upstream = source == name ? "" : "&upstream=\(source)"
        let encoded = version.replacingOccurrences(of: "+", with: "%2B").replacingOccurrences(of: ":", with: "%3A")
        return Package(name: name, version: version, type: .deb, purl: "pkg:deb/\(ns)/\(name)@\(encoded)?arch=amd64&distro=\(distro)\(upstream)",
                       sourceName: source, sourceVersion: version, layer: layer,
                       locations: [Location(path: "/var/lib/dpkg/status", layer: layer)], foundBy: "dpkg")
    }

    static let libc6 = deb("libc6", "2.35-0ubuntu3.1", source: "glibc")
    static let libcBin = deb("libc-bin", "2.35-0ubuntu3.1", source: "glibc")
    static let coreutils = deb("coreutils", "8.32-4.1ubuntu1", source: "coreutils")
    static let requests = Package(name: "requests", version: "2.25.1", type: .python, purl: "pkg:pypi/requests@2.25.1", layer: appLayer,
                                  locations: [Location(path: "/usr/lib/python3/dist-packages/requests-2.25.1.dist-info/METADATA", layer: appLayer)],
                                  foundBy: "python-installed")
    static let xnet = Package(name: "golang.org/x/net", version: "v0.17.0", type: .golang, purl: "pkg:golang/golang.org/x/net@v0.17.0",
                              layer: appLayer, foundBy: "go-module-binary")
    static let zlib = deb("zlib1g", "1:1.2.13.dfsg-1", source: "zlib", distro: "debian-12")

    static func score(_ version: String, _ score: Double, _ vector: String, _ source: String?) -> SeverityAssessment.Score {
        SeverityAssessment.Score(version: version, baseScore: score, vector: vector, source: source)
    }

    static func glibc(_ p: Package) -> Finding {
        Finding(package: p, id: "CVE-2023-4911", ids: ["CVE-2023-4911", "UBUNTU-CVE-2023-4911", "USN-6409-1"],
                advisories: ["UBUNTU-CVE-2023-4911", "USN-6409-1"],
                summary: "Looney Tunables: buffer overflow in the GNU C Library's dynamic loader ld.so while processing the GLIBC_TUNABLES environment variable",
                fix: .fixed(in: ["2.35-0ubuntu3.4"]),
                severity: SeverityAssessment(rating: .medium, ratedBy: "ubuntu", cvss: score("3.1", 7.8, "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "nvd")),
                matchedBy: "Ubuntu:22.04 glibc >=0, <2.35-0ubuntu3.4")
    }

    static let coreutilsFinding = Finding(
        package: coreutils, id: "CVE-2016-2781", ids: ["CVE-2016-2781", "UBUNTU-CVE-2016-2781"], advisories: ["UBUNTU-CVE-2016-2781"],
        summary: "chroot in GNU coreutils, when used with --userspec, allows local users to escape to the parent session via a crafted TIOCSTI ioctl call",
        fix: .notFixed,
        severity: SeverityAssessment(rating: .low, ratedBy: "ubuntu", cvss: score("3.0", 6.5, "CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:C/C:N/I:H/A:N", "nvd")),
        matchedBy: "Ubuntu:22.04 coreutils >=0")

    static let requestsFinding = Finding(
        package: requests, id: "CVE-2023-32681", ids: ["CVE-2023-32681", "GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"],
        advisories: ["GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"], summary: "Unintended leak of Proxy-Authorization header in requests",
        fix: .fixed(in: ["2.31.0"]),
        severity: SeverityAssessment(rating: .medium, ratedBy: "ghsa", cvss: score("3.1", 6.1, "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N", "ghsa")),
        matchedBy: "PyPI requests >=2.3.0, <2.31.0")

    static let xnetFinding = Finding(
        package: xnet, id: "CVE-2023-45288", ids: ["CVE-2023-45288", "GHSA-4v7x-pqxf-cx7m", "GO-2024-2687"], advisories: ["GO-2024-2687"],
        summary: "HTTP/2 CONTINUATION flood in net/http", fix: .fixed(in: ["0.23.0"]),
        severity: SeverityAssessment(rating: .unspecified, ratedBy: nil, cvss: nil), matchedBy: "Go golang.org/x/net <0.23.0")

    static let zlibFinding = Finding(
        package: zlib, id: "CVE-2023-45853", ids: ["CVE-2023-45853", "DEBIAN-CVE-2023-45853"], advisories: ["DEBIAN-CVE-2023-45853"],
        summary: "MiniZip in zlib through 1.3 has an integer overflow and resultant heap-based buffer overflow in zipOpenNewFileInZip4_64",
        fix: .wontFix,
        severity: SeverityAssessment(rating: .low, ratedBy: "debian", cvss: score("3.1", 9.8, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "nvd")),
        matchedBy: "Debian:12 zlib >=0")

    static func inventory(_ packages: [Package], name: String = "app", digest: String = digest, os: OperatingSystem? = nil) -> Inventory {
        Inventory(subject: Subject(kind: .image, name: name, manifestDigest: digest, diffIDs: [baseLayer, appLayer],
                                   architecture: "amd64", os: "linux"),
                  operatingSystem: os ?? OperatingSystem(id: "ubuntu", versionID: "22.04"), packages: packages)
    }

    static let ubuntuPackages = [coreutils, libcBin, libc6, requests, xnet]
    static let ubuntuFindings = [glibc(libc6), glibc(libcBin), coreutilsFinding, requestsFinding, xnetFinding]
    static let source = "SBOM from attestation (verified, buildkit index)"

    static var ubuntu: VulnerabilityReport {
        VulnerabilityReport(inventory: inventory(ubuntuPackages), findings: ubuntuFindings, source: source,
                            baseImage: BaseImage(name: "ubuntu:22.04", layers: [baseLayer]))
    }

    static var debian: VulnerabilityReport {
        VulnerabilityReport(inventory: inventory([zlib], name: "bookworm-app", os: OperatingSystem(id: "debian", versionID: "12")),
                            findings: [zlibFinding], source: "SBOM from attestation (unverified)")
    }

    /// Values a hostile or broken SBOM or advisory could carry: no purl, line breaks, a NaN score.
    static var hostile: VulnerabilityReport {
        let p = Package(name: "evil\nname", version: "1\t0", type: .unknown, purl: "", layer: baseLayer,
                        locations: [Location(path: "/opt/a b/ünï\ncode?.txt")])
        let f = Finding(package: p, id: "OSV-2024-1\nINJECT", ids: ["OSV-2024-1\nINJECT", "X|Y"], advisories: ["OSV-2024-1\nINJECT"],
                        summary: "line one\n| --- |\n<b>bold</b>", fix: .fixed(in: ["", "2\n0"]),
                        severity: SeverityAssessment(rating: .high, ratedBy: "cvss", cvss: score("3.1", .nan, "garbage", nil)), matchedBy: "")
        return VulnerabilityReport(inventory: inventory([p]), findings: [f, f], source: "a\nb")
    }

    static var empty: VulnerabilityReport {
        VulnerabilityReport(inventory: inventory(ubuntuPackages), findings: [], source: source)
    }

    /// `count` findings over `count / 5` packages, every rating and fix state, for the scaling runs.
    static func synthetic(_ count: Int) -> VulnerabilityReport {
        let ratings: [Severity] = [.critical, .high, .medium, .low, .unspecified]
        var packages: [Package] = []
        var findings: [Finding] = []
        for i in 0..<count {
            if i % 5 == 0 {
                packages.append(Package(name: "pkg\(i / 5)", version: "1.\(i % 7).0", type: .npm, purl: "pkg:npm/pkg\(i / 5)@1.\(i % 7).0",
                                        layer: i % 2 == 0 ? baseLayer : appLayer,
                                        locations: [Location(path: "/app/node_modules/pkg\(i / 5)/package.json")]))
            }
            let rating = ratings[i % 5]
            let fix: Finding.FixState = i % 3 == 0 ? .fixed(in: ["2.0.0"]) : i % 3 == 1 ? .notFixed : .wontFix
            let cvss = i % 2 == 0 ? score("3.1", Double(i % 100) / 10, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "nvd") : nil
            findings.append(Finding(package: packages[packages.count - 1], id: "CVE-2024-\(10000 + i)", ids: ["CVE-2024-\(10000 + i)", "GHSA-synt-\(i)"],
                                    advisories: ["GHSA-synt-\(i)"], summary: "Synthetic vulnerability number \(i)", fix: fix,
                                    severity: SeverityAssessment(rating: rating, ratedBy: rating == .unspecified ? nil : "ghsa", cvss: cvss),
                                    matchedBy: "npm pkg <2.0.0"))
        }
        return VulnerabilityReport(inventory: inventory(packages), findings: findings, source: source,
                                   baseImage: BaseImage(name: "node:20", layers: [baseLayer]))
    }
}

final class ReportTests: XCTestCase {
    func testSummaryCountsOncePerReportedPackage() {
        let s = SeveritySummary(findings: ReportFixture.ubuntuFindings)
        // CVE-2023-4911 in libc6 and libc-bin is one glibc vulnerability.
        XCTAssertEqual([s.critical, s.high, s.medium, s.low, s.unspecified], [0, 0, 2, 1, 1])
        XCTAssertEqual(s.total, 4)
        XCTAssertEqual(s.vulnerablePackages, 4)
        XCTAssertEqual(s.cells(), "   0C     0H     2M     1L     1?")
        XCTAssertEqual(SeveritySummary(findings: [ReportFixture.coreutilsFinding]).cells(), "   0C     0H     0M     1L")
        // The same CVE in two different packages counts twice.
        var other = ReportFixture.coreutilsFinding
        other.package = ReportFixture.requests
        XCTAssertEqual(SeveritySummary(findings: [ReportFixture.coreutilsFinding, other]).low, 2)
    }

    func testQuickviewRows() {
        let text = QuickviewRenderer().renderText(ReportFixture.ubuntu)
        XCTAssertEqual(text, """
              SBOM from attestation (verified, buildkit index): 5 packages

              Target     │  app@sha256:c6801a3dc527…  │    0C     0H     2M     1L     1?
              Base image │  ubuntu:22.04              │    0C     0H     1M     1L

            """)
        let empty = QuickviewRenderer().renderText(ReportFixture.empty)
        XCTAssertTrue(empty.contains("  Target │  app@sha256:c6801a3dc527…  │    0C     0H     0M     0L\n"), empty)
    }

    func testTableGroupsBySourcePackage() {
        let text = FindingsTableRenderer().renderText(ReportFixture.ubuntu)
        XCTAssertEqual(text, """
            Target: app@sha256:c6801a3dc527…
            Source: SBOM from attestation (verified, buildkit index)
            4 vulnerable packages with 4 vulnerabilities  (0C 0H 2M 1L 1?)

               0C     0H     1M     0L  glibc 2.35-0ubuntu3.1  (1 vulnerability)
              pkg:deb/ubuntu/glibc@2.35-0ubuntu3.1?distro=ubuntu-22.04
              binaries: libc-bin, libc6

                CVE-2023-4911   MEDIUM, CVSS 7.8  fixed in 2.35-0ubuntu3.4  UBUNTU-CVE-2023-4911, USN-6409-1    Looney Tunables: buffer overflow in the GNU C Library's dynamic loader…

               0C     0H     1M     0L  requests 2.25.1  (1 vulnerability)
              pkg:pypi/requests@2.25.1

                CVE-2023-32681  MEDIUM, CVSS 6.1  fixed in 2.31.0           GHSA-j8r2-6x86-q33q, PYSEC-2023-74  Unintended leak of Proxy-Authorization header in requests

               0C     0H     0M     1L  coreutils 8.32-4.1ubuntu1  (1 vulnerability)
              pkg:deb/ubuntu/coreutils@8.32-4.1ubuntu1?distro=ubuntu-22.04

                CVE-2016-2781   LOW, CVSS 6.5     not fixed                 UBUNTU-CVE-2016-2781                chroot in GNU coreutils, when used with --userspec, allows local users…

               0C     0H     0M     0L     1?  golang.org/x/net v0.17.0  (1 vulnerability)
              pkg:golang/golang.org/x/net@v0.17.0

                CVE-2023-45288  UNSPECIFIED       fixed in 0.23.0           GHSA-4v7x-pqxf-cx7m, GO-2024-2687   HTTP/2 CONTINUATION flood in net/http

            """)
    }

    func testTableWontFixAndCleanPackages() {
        var report = ReportFixture.debian
        report.inventory.packages.append(ReportFixture.deb("base-files", "12.4+deb12u5", source: "base-files", distro: "debian-12"))
        let lines = FindingsTableRenderer(options: .init(includeCleanPackages: true)).renderText(report).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(Array(lines[3...]), [
            "",
            "   0C     0H     0M     1L  zlib 1:1.2.13.dfsg-1  (1 vulnerability)",
            "  pkg:deb/debian/zlib@1:1.2.13.dfsg-1?distro=debian-12",
            "  binaries: zlib1g",
            "",
            "    CVE-2023-45853  LOW, CVSS 9.8  won't fix  DEBIAN-CVE-2023-45853  MiniZip in zlib through 1.3 has an integer overflow and resultant…",
            "",
            "   0C     0H     0M     0L  base-files 12.4+deb12u5",
            "  pkg:deb/debian/base-files@12.4%2Bdeb12u5?distro=debian-12",
            "",
        ])
        XCTAssertFalse(FindingsTableRenderer().renderText(report).contains("base-files"), "clean packages are listed only on request")
    }

    func testTableWithoutFindings() {
        XCTAssertEqual(FindingsTableRenderer().renderText(ReportFixture.empty), """
            Target: app@sha256:c6801a3dc527…
            Source: SBOM from attestation (verified, buildkit index)
            No vulnerable package among 5 packages

            """)
    }

    func testJSONFields() throws {
        let data = FindingsJSONRenderer().render(ReportFixture.ubuntu)
        let json = try JSON.parse(data)
        XCTAssertEqual(json.string("schema"), "vouch.vulnerability-report/v1")
        XCTAssertEqual(json["target"]?.string("digest"), ReportFixture.digest)
        XCTAssertEqual(json["target"]?.string("platform"), "linux/amd64")
        XCTAssertEqual(json.string("source"), ReportFixture.source)
        XCTAssertEqual(json["packages"]?.int, 5)
        XCTAssertEqual(json["summary"]?["medium"]?.int, 2)
        XCTAssertEqual(json["summary"]?["unspecified"]?.int, 1)
        XCTAssertEqual(json["summary"]?["total"]?.int, 4)
        let findings = json.array("findings")
        XCTAssertEqual(findings.count, 5, "one entry per binary package")
        // Ordered by package purl: deb (coreutils, libc-bin, libc6), golang, pypi.
        XCTAssertEqual(findings.compactMap { $0["package"]?.string("name") }, ["coreutils", "libc-bin", "libc6", "golang.org/x/net", "requests"])
        let glibc = findings[2]
        XCTAssertEqual(glibc.string("id"), "CVE-2023-4911")
        XCTAssertEqual(glibc.array("ids").compactMap(\.string), ["CVE-2023-4911", "UBUNTU-CVE-2023-4911", "USN-6409-1"])
        XCTAssertEqual(glibc["package"]?.string("type"), "deb")
        XCTAssertEqual(glibc["package"]?.string("layer"), ReportFixture.baseLayer)
        XCTAssertEqual(glibc["package"]?.string("sourceName"), "glibc")
        XCTAssertEqual(glibc["severity"]?.string("rating"), "medium")
        XCTAssertEqual(glibc["severity"]?.string("ratedBy"), "ubuntu")
        XCTAssertEqual(glibc["severity"]?.string("display"), "MEDIUM, CVSS 7.8")
        XCTAssertEqual(glibc["severity"]?["cvss"]?["score"]?.double, 7.8)
        XCTAssertEqual(glibc["severity"]?["cvss"]?.string("vector"), "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H")
        XCTAssertEqual(glibc["severity"]?["cvss"]?.string("source"), "nvd")
        XCTAssertEqual(glibc["fix"]?.string("state"), "fixed")
        XCTAssertEqual(glibc["fix"]?.array("versions").compactMap(\.string), ["2.35-0ubuntu3.4"])
        XCTAssertEqual(glibc.string("matchedBy"), "Ubuntu:22.04 glibc >=0, <2.35-0ubuntu3.4")
        XCTAssertEqual(findings[0]["fix"]?.string("state"), "not-fixed")
        let xnet = findings[3]
        XCTAssertEqual(xnet["severity"]?["cvss"]?.isNull, true, "absent values are null, not missing")
        XCTAssertEqual(xnet["package"]?["layer"]?.string, ReportFixture.appLayer)
        XCTAssertEqual(xnet["package"]?["sourceName"]?.isNull, true)

        let debian = try JSON.parse(FindingsJSONRenderer().render(ReportFixture.debian))
        XCTAssertEqual(debian.array("findings").first?["fix"]?.string("state"), "wont-fix")
        let empty = try JSON.parse(FindingsJSONRenderer().render(ReportFixture.empty))
        XCTAssertEqual(empty.array("findings").count, 0)
        XCTAssertEqual(empty["summary"]?["total"]?.int, 0)
        // Deterministic: the same report, in any finding order, gives the same bytes.
        var shuffled = ReportFixture.ubuntu
        shuffled.findings.reverse()
        XCTAssertEqual(FindingsJSONRenderer().render(shuffled), data)
    }

    func testMarkdown() {
        let text = MarkdownRenderer().renderText(ReportFixture.ubuntu)
        XCTAssertTrue(text.hasPrefix("## Vulnerabilities in `app@sha256:c6801a3dc527…`\n\n"), text)
        XCTAssertTrue(text.contains("| Critical | High | Medium | Low | Unspecified |\n| ---: | ---: | ---: | ---: | ---: |\n| 0 | 0 | 2 | 1 | 1 |\n"), text)
        XCTAssertTrue(text.contains("\n### glibc 2.35-0ubuntu3.1 · 0C 0H 1M 0L\n\n`pkg:deb/ubuntu/glibc@2.35-0ubuntu3.1?distro=ubuntu-22.04` (binaries: libc-bin, libc6)\n"), text)
        XCTAssertTrue(text.contains("| [CVE-2023-4911](https://nvd.nist.gov/vuln/detail/CVE-2023-4911) | MEDIUM, CVSS 7.8 | fixed in 2.35-0ubuntu3.4 | UBUNTU-CVE-2023-4911, USN-6409-1 | Looney Tunables: buffer overflow in the GNU C Library's dynamic loader ld.so while processing the GLIBC\\_TUNABLES… |\n"), text)
        let sections = text.components(separatedBy: "\n### ").dropFirst().map { $0.prefix { $0 != " " } }
        XCTAssertEqual(sections, ["glibc", "requests", "coreutils", "golang.org/x/net"])

        // Advisory text cannot break the table or inject HTML.
        var hostile = ReportFixture.requestsFinding
        hostile.summary = "a | b <script>alert(1)</script>\nnext"
        let report = VulnerabilityReport(inventory: ReportFixture.inventory([ReportFixture.requests]), findings: [hostile], source: "x")
        let row = MarkdownRenderer().renderText(report).split(separator: "\n").first { $0.hasPrefix("| [CVE-2023-32681]") }
        XCTAssertEqual(row.map(String.init), "| [CVE-2023-32681](https://nvd.nist.gov/vuln/detail/CVE-2023-32681) | MEDIUM, CVSS 6.1 | fixed in 2.31.0 | GHSA-j8r2-6x86-q33q, PYSEC-2023-74 | a \\| b &lt;script&gt;alert(1)&lt;/script&gt; next |")

        let limited = MarkdownRenderer(options: .init(packageLimit: 1)).renderText(ReportFixture.ubuntu)
        XCTAssertTrue(limited.hasSuffix("\n… and 3 more packages with 3 vulnerabilities (see the full report).\n"), limited)
        XCTAssertTrue(MarkdownRenderer().renderText(ReportFixture.empty).hasSuffix("\nNo vulnerable packages.\n"))
    }

    func testVulnerabilitySources() {
        XCTAssertEqual(VulnerabilitySource.of("CVE-2023-4911"), VulnerabilitySource(name: "NVD", url: "https://nvd.nist.gov/vuln/detail/CVE-2023-4911"))
        XCTAssertEqual(VulnerabilitySource.of("GHSA-j8r2-6x86-q33q").url, "https://github.com/advisories/GHSA-j8r2-6x86-q33q")
        XCTAssertEqual(VulnerabilitySource.of("USN-6409-1"), VulnerabilitySource(name: "Ubuntu", url: "https://ubuntu.com/security/notices/USN-6409-1"))
        XCTAssertEqual(VulnerabilitySource.of("UBUNTU-CVE-2016-2781").url, "https://ubuntu.com/security/CVE-2016-2781")
        XCTAssertEqual(VulnerabilitySource.of("DSA-5514-1"), VulnerabilitySource(name: "Debian", url: "https://security-tracker.debian.org/tracker/DSA-5514-1"))
        XCTAssertEqual(VulnerabilitySource.of("DEBIAN-CVE-2023-45853").url, "https://security-tracker.debian.org/tracker/CVE-2023-45853")
        XCTAssertEqual(VulnerabilitySource.of("ALSA-2023:5453"), VulnerabilitySource(name: "AlmaLinux", url: "https://osv.dev/vulnerability/ALSA-2023:5453"))
        XCTAssertEqual(VulnerabilitySource.of("GO-2024-2687").url, "https://pkg.go.dev/vuln/GO-2024-2687")
        XCTAssertEqual(VulnerabilitySource.of("PYSEC-2023-74").name, "PyPA")
        XCTAssertEqual(VulnerabilitySource.of("weird/id (x)").url, "https://osv.dev/vulnerability/weird%2Fid%20%28x%29")
    }
}
