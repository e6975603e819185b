import Foundation
import JSON

/// `vouch compare`: the comparison as an aligned table or as JSON.
///
/// ```
///   Target   │  app@sha256:aaaaaaaaaaaa…      │    0C     1H     0M     1L     0?
///   Baseline │  app-old@sha256:bbbbbbbbbbbb…  │    0C     0H     1M     1L     0?
///            │                                │   +0     +1     -1     +0     +0
///
/// Packages: 1 added, 0 removed, 1 changed, 16 unchanged
///
///   ~ libc6    deb   2.35-0ubuntu3.1 → 2.35-0ubuntu3.4
///   + urllib3  pypi  1.26.4
///
/// Vulnerabilities: 1 added, 1 removed
///
///   + CVE-2023-43804  HIGH, CVSS 8.1    urllib3 1.26.4         fixed in 1.26.17, 2.0.6
///   - CVE-2023-4911   MEDIUM, CVSS 7.8  glibc 2.35-0ubuntu3.1  fixed in 2.35-0ubuntu3.4
/// ```
public struct CompareRenderer {
    public init() {}

    public func renderText(target: VulnerabilityReport, baseline: VulnerabilityReport) -> String {
        let c = ImageComparison(target: target, baseline: baseline)
        let names = [target.targetLabel, baseline.targetLabel]
        let nameWidth = names.map(\.count).max() ?? 0
        var out = "  Target   │  " + TextLayout.padRight(names[0], nameWidth) + "  │ " + c.targetSummary.cells(alwaysShowUnspecified: true) + "\n"
        out += "  Baseline │  " + TextLayout.padRight(names[1], nameWidth) + "  │ " + c.baselineSummary.cells(alwaysShowUnspecified: true) + "\n"
        let deltas = Severity.allCases.map { s -> String in
            let d = c.targetSummary[s] - c.baselineSummary[s]
            return TextLayout.padLeft(d >= 0 ? "+\(d)" : "\(d)", 5)
        }
        out += "           │  " + String(repeating: " ", count: nameWidth) + "  │" + deltas.joined(separator: "  ") + "\n"

        typealias PackageKind = ImageComparison.PackageChange.Kind
        typealias VulnerabilityKind = ImageComparison.VulnerabilityChange.Kind
        out += "\nPackages: \(c.count(PackageKind.added)) added, \(c.count(PackageKind.removed)) removed, "
            + "\(c.count(PackageKind.changed)) changed, \(c.unchangedPackages) unchanged\n"
        if !c.packages.isEmpty {
            out += "\n"
            let nw = c.packages.map(\.name.count).max() ?? 0, tw = c.packages.map(\.type.count).max() ?? 0
            for p in c.packages {
                let mark = p.kind == .added ? "+" : p.kind == .removed ? "-" : "~"
                let versions = p.kind == .changed ? p.from.joined(separator: ", ") + " → " + p.to.joined(separator: ", ")
                    : (p.kind == .added ? p.to : p.from).joined(separator: ", ")
                out += "  \(mark) " + TextLayout.padRight(p.name, nw) + "  " + TextLayout.padRight(p.type, tw) + "  " + versions + "\n"
            }
        }

        out += "\nVulnerabilities: \(c.count(VulnerabilityKind.added)) added, \(c.count(VulnerabilityKind.removed)) removed\n"
        if !c.vulnerabilities.isEmpty {
            out += "\n"
            let iw = c.vulnerabilities.map(\.finding.id.count).max() ?? 0
            let sw = c.vulnerabilities.map(\.finding.severity.display.count).max() ?? 0
            let pw = c.vulnerabilities.map { $0.reportedName.count + 1 + $0.reportedVersion.count }.max() ?? 0
            for v in c.vulnerabilities {
                let f = v.finding
                let line = "  \(v.kind == .added ? "+" : "-") " + TextLayout.padRight(f.id, iw) + "  " + TextLayout.padRight(f.severity.display, sw)
                    + "  " + TextLayout.padRight("\(v.reportedName) \(v.reportedVersion)", pw) + "  " + f.fix.label
                out += line.trimmingTrailingSpaces() + "\n"
            }
        }
        return out
    }

    /// `vouch.compare-report/v1`: target and baseline (name, digest, summary), package changes by kind,
    /// the unchanged count, and vulnerabilities added and removed (each with the package it is reported
    /// under, the binary package it was found in, its severity and fix).
    public func document(target: VulnerabilityReport, baseline: VulnerabilityReport) -> JSON {
        let c = ImageComparison(target: target, baseline: baseline)
        func side(_ r: VulnerabilityReport, _ s: SeveritySummary) -> JSON {
            let subject = r.inventory.subject
            return ["name": .string(subject.name), "digest": ReportJSON.optional(subject.manifestDigest ?? subject.configDigest),
                    "source": .string(r.source), "packages": .int(Int64(r.inventory.packages.count)), "summary": ReportJSON.summary(s)]
        }
        func packages(_ kind: ImageComparison.PackageChange.Kind) -> JSON {
            .array(c.packages.filter { $0.kind == kind }.map { p in
                ["name": .string(p.name), "type": .string(p.type), "purl": .string(p.purl),
                 "from": .array(p.from.map { .string($0) }), "to": .array(p.to.map { .string($0) })]
            })
        }
        func vulnerabilities(_ kind: ImageComparison.VulnerabilityChange.Kind) -> JSON {
            .array(c.vulnerabilities.filter { $0.kind == kind }.map { v in
                ["id": .string(v.finding.id), "ids": .array(v.finding.ids.map { .string($0) }),
                 "reportedAs": ["name": .string(v.reportedName), "version": .string(v.reportedVersion), "purl": .string(v.reportedPURL)],
                 "package": ReportJSON.package(v.finding.package),
                 "severity": ReportJSON.severity(v.finding.severity), "fix": ReportJSON.fix(v.finding.fix)]
            })
        }
        return [
            "schema": "vouch.compare-report/v1",
            "target": side(target, c.targetSummary),
            "baseline": side(baseline, c.baselineSummary),
            "packages": ["added": packages(.added), "removed": packages(.removed), "changed": packages(.changed),
                         "unchanged": .int(Int64(c.unchangedPackages))],
            "vulnerabilities": ["added": vulnerabilities(.added), "removed": vulnerabilities(.removed)],
        ]
    }

    public func renderJSON(target: VulnerabilityReport, baseline: VulnerabilityReport) -> Data {
        document(target: target, baseline: baseline).serialized([.pretty])
    }
}
