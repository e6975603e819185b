import Foundation
import JSON
import SBOM
import XCTest
@testable import Evaluation
@testable import VEX

/// Findings as a peer tool's scan result or test lists them, so VEX can be applied to them the way
/// vouch applies it. Only what the resolver reads is filled in (package purl and bom-ref, every id of
/// the vulnerability); severity and fix state play no part in VEX and are left empty.
enum PeerFinding {
    static func make(_ package: Package, _ id: String, aliases: [String] = []) -> Finding {
        Finding(package: package, id: id, ids: Array(Set([id] + aliases)).sorted(), advisories: [], summary: nil, fix: .notFixed,
                severity: SeverityAssessment(rating: .unspecified, ratedBy: nil, cvss: nil), matchedBy: "peer scan result")
    }

    /// A package known by its purl, as the peers' tests define them; `externalRef` is the SBOM bom-ref.
    static func package(_ purl: String, externalRef: String? = nil) -> Package {
        guard let p = try? PackageURL(parsing: purl, enforcingTypeRules: false) else { preconditionFailure("not a purl: \(purl)") }
        let name = p.type == "golang" || p.type == "maven" ? [p.namespace, p.name].compactMap { $0 }.joined(separator: "/") : p.name
        return Package(name: name, version: p.version ?? "", type: PackageType(purlType: p.type), purl: purl, externalRef: externalRef)
    }

    /// A Debian package's purl with the version percent-encoded (`1:4.13+dfsg1-1+b1`).
    static func deb(_ name: String, _ version: String) -> Package {
        let encoded = version.replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: "+", with: "%2B")
        return Package(name: name, version: version, type: .deb, purl: "pkg:deb/debian/\(name)@\(encoded)")
    }
}

/// A SARIF report from vexctl's `examples/sarif` (nginx scanned by grype, trivy and snyk), read into one
/// finding per result. Each scanner names things its own way:
/// - grype: `ruleId` is `<vulnerability>-<package>`; the message says `reports <package> at version <version>`.
/// - trivy: `ruleId` is the vulnerability; the message starts `Package: <name>\nInstalled Version: <version>`.
/// - snyk: `ruleId` is snyk's own id (`SNYK-DEBIAN12-LIBDE265-3361563`); the rule's full description is
///   `(CVE-…) <source>/<binary>@<version>` (`<binary>@<version>` when the two names agree). The finding keeps only the snyk id, so a VEX statement reaches
///   it through its `aliases`, as vexctl's does.
struct SARIFScan {
    var tool: String
    var findings: [Finding]
    /// trivy's run properties name the image (`nginx@sha256:…`); grype and snyk record it only in locations.
    var imageName: String?

    init(path: String) throws {
        let root = try JSON.parse(try SharedData.data(path))
        var findings: [Finding] = []
        var tool = ""
        for run in root.array("runs") {
            let driver = run["tool"]?["driver"]
            tool = driver?.string("name") ?? tool
            let rules = Dictionary(driver?.array("rules").compactMap { r in r.string("id").map { ($0, r) } } ?? [], uniquingKeysWith: { a, _ in a })
            imageName = imageName ?? run["properties"]?.string("imageName")
            for result in run.array("results") {
                guard let rule = result.string("ruleId"), let text = result["message"]?.string("text") else { continue }
                findings.append(try SARIFScan.finding(tool: tool, rule: rule, message: text, description: rules[rule]?["fullDescription"]?.string("text")))
            }
        }
        self.tool = tool
        self.findings = findings
    }

    private static func finding(tool: String, rule: String, message: String, description: String?) throws -> Finding {
        switch tool {
        case "Grype":
            let words = message.split(separator: " ").map(String.init)
            guard let at = words.firstIndex(of: "reports"), words.count > at + 4, words[at + 2] == "at" else { throw Unreadable(message) }
            let name = words[at + 1], version = words[at + 4]
            guard rule.hasSuffix("-" + name) else { throw Unreadable(rule) }
            return PeerFinding.make(PeerFinding.deb(name, version), String(rule.dropLast(name.count + 1)))
        case "Trivy":
            let lines = message.split(separator: "\n").map(String.init)
            guard lines.count > 1, lines[0].hasPrefix("Package: "), lines[1].hasPrefix("Installed Version: ") else { throw Unreadable(message) }
            return PeerFinding.make(PeerFinding.deb(String(lines[0].dropFirst(9)), String(lines[1].dropFirst(19))), rule)
        case "Snyk Container":
            // `(CVE-…) <source>/<binary>@<version>`, or `<binary>@<version>` when both are named alike.
            guard let description, let space = description.firstIndex(of: " ") else { throw Unreadable(rule) }
            var package = description[description.index(after: space)...]
            if let slash = package.firstIndex(of: "/") { package = package[package.index(after: slash)...] }
            guard let at = package.lastIndex(of: "@") else { throw Unreadable(rule) }
            return PeerFinding.make(PeerFinding.deb(String(package[..<at]), String(package[package.index(after: at)...])), rule)
        default:
            throw Unreadable("unknown SARIF tool \(tool)")
        }
    }

    struct Unreadable: Error { let what: String; init(_ w: String) { what = w } }
}

/// Resolution on real documents, read the way `--vex-location` reads them.
enum RealVEX {
    static func documents(_ paths: [String]) throws -> [VEXDocument] {
        try paths.map { try VEXDocumentReader().read(contentsOf: try SharedData.path("examples/" + $0)) }
    }

    static func resolve(_ findings: [Finding], _ paths: [String], identity: ImageIdentity, packages: [Package] = [],
                        kind: VEXSource.Kind = .file) throws -> VEXResolver.Resolution {
        VEXResolver(identity: identity, packages: packages)
            .resolve(findings, sources: try documents(paths).map { VEXSource(document: $0, kind: kind) })
    }

    /// `package id` per finding, sorted: what the assertions compare.
    static func labels(_ findings: [Finding]) -> [String] {
        findings.map { "\($0.package.name) \($0.id)" }.sorted()
    }
}
