import Evaluation
import Foundation
import JSON
import SBOM

/// `vouch cves --format openvex`: the scan's current state as an OpenVEX document. The product is the
/// scanned image (`pkg:oci/<name>@sha256:…` with its digest as a hash); each statement is one
/// vulnerability in one package, named as the product's subcomponent by the package's purl.
///
/// A finding a VEX statement decided keeps that decision (status, justification, impact and action
/// statements), with where it came from added to `status_notes`. A finding nobody decided is written
/// `under_investigation` by default: a version in an advisory's range is a match, not an assessment of the
/// product, and OpenVEX `affected` asserts that the author found the product affected and recommends an
/// action (CycloneDX's word for scanner output awaiting analysis is likewise `in_triage`). What the scanner
/// knows (the advisory, the range, the fix) goes to `status_notes`, so nothing is lost and a later human
/// statement supersedes this one by time. `untriaged: .affected` writes those as `affected` instead, with
/// the fix as the action statement, for users who treat every unsuppressed match as affecting.
public struct OpenVEXReportRenderer: ReportRenderer {
    /// What an undecided finding becomes.
    public enum Untriaged: Sendable, Equatable {
        case underInvestigation
        case affected
    }

    /// The document time (callers pass `OpenVEXWriter.issueTime()` for `SOURCE_DATE_EPOCH`, else now).
    public var timestamp: Date
    /// vexctl's default when nobody is named.
    public var author: String
    public var role: String?
    public var untriaged: Untriaged

    public init(timestamp: Date, author: String = "Unknown Author", role: String? = nil, untriaged: Untriaged = .underInvestigation) {
        self.timestamp = timestamp
        self.author = author
        self.role = role
        self.untriaged = untriaged
    }

    public func render(_ report: VulnerabilityReport) -> Data {
        do {
            return try OpenVEXWriter(role: role, allowsEmpty: true).write(document(report), timestamp: timestamp)
        } catch {
            // Every statement is built to OpenVEX's rules below and the author is never blank: a refusal
            // here is a bug in this file, not a property of the scan.
            preconditionFailure("OpenVEXReportRenderer built a document the writer refuses: \(error)")
        }
    }

    /// The statements, one per vulnerability and package, in the report's order (the writer sorts them).
    public func document(_ report: VulnerabilityReport) -> VEXDocument {
        let product = OpenVEXReportRenderer.product(report.inventory.subject)
        let location = "vouch scan of " + report.targetLabel
        var statements: [VEXStatement] = []
        for f in report.findings + report.suppressed {
            var s = statement(f)
            var p = product
            p.subcomponents = [OpenVEXReportRenderer.subcomponent(f.package)]
            s.products = [p]
            s.origin = VEXOrigin(format: .openVEX, location: location, author: author, documentTimestamp: timestamp,
                                 documentVersion: 1, statementIndex: statements.count)
            statements.append(s)
        }
        let name = author.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "Unknown Author" : author
        return VEXDocument(format: .openVEX, location: location, author: name, timestamp: timestamp, version: 1, statements: statements)
    }

    /// One finding's statement, products left for the caller. Text a status may not carry in OpenVEX (an
    /// impact statement on `fixed`, a justification on `affected`) moves to `status_notes` rather than away.
    func statement(_ f: Finding) -> VEXStatement {
        let origin = VEXOrigin(format: .openVEX, location: "", statementIndex: 0)
        guard let vex = f.vex, let status = VEXStatus(rawValue: vex.status) else {
            var notes = [OpenVEXReportRenderer.matchNote(f)]
            if let vex = f.vex { notes.append("status \"\(vex.status)\" from \(vex.source) is not an OpenVEX status") }
            if untriaged == .affected {
                return VEXStatement(vulnerability: f.id, aliases: f.ids, status: .affected, actionStatement: OpenVEXReportRenderer.action(f),
                                    statusNotes: notes.joined(separator: "; "), origin: origin)
            }
            return VEXStatement(vulnerability: f.id, aliases: f.ids, status: .underInvestigation, statusNotes: notes.joined(separator: "; "), origin: origin)
        }
        var justification = vex.justification.flatMap { VEXJustification(rawValue: $0) ?? VEXJustification(cycloneDX: $0) }
        var impact = OpenVEXWriter.text(vex.impactStatement)
        var action = OpenVEXWriter.text(vex.actionStatement)
        var notes: [String] = [OpenVEXWriter.text(vex.statusNotes)].compactMap { $0 }
        if let j = vex.justification, justification == nil || status != .notAffected { notes.append("justification: \(j)") }
        if status != .notAffected { justification = nil }
        switch status {
        case .notAffected:
            // CycloneDX `not_affected` and CSAF `known_not_affected` may come without a reason; OpenVEX
            // wants one, and the only honest one is where the decision was made.
            if justification == nil, impact == nil { impact = "No justification was given; see \(vex.source)" }
        case .affected:
            if action == nil { action = OpenVEXReportRenderer.action(f) }
        case .fixed:
            if let i = impact { notes.append("impact statement: \(i)") }
            impact = nil
        case .underInvestigation:
            break
        }
        notes.append(OpenVEXReportRenderer.provenance(vex))
        return VEXStatement(vulnerability: f.id, aliases: f.ids, status: status, justification: justification, impactStatement: impact,
                            actionStatement: action, statusNotes: notes.joined(separator: "; "),
                            timestamp: vex.timestamp.flatMap(RFC3339.parse), origin: origin)
    }

    /// `pkg:oci/<name>@sha256:…` (no qualifiers: the digest is the identity, so any repository and tag of
    /// the same bytes matches) with the digest as a hash; the manifest digest, else the config digest as
    /// `docker save` archives know it. An image without either is `pkg:oci/<name>`; a directory or file,
    /// whose name is a path, is a `file:` IRI (the schema wants an IRI, which a bare path is not).
    static func product(_ subject: Subject) -> VEXComponent {
        guard subject.kind == .image else {
            let path = subject.name.addingPercentEncoding(withAllowedCharacters: iriPath) ?? subject.name
            return VEXComponent(id: (subject.name.hasPrefix("/") ? "file://" : "file:") + path)
        }
        let base = subject.repository ?? ImageIdentity.repositoryPart(of: subject.name)
        let name = (base.split(separator: "/").last.map(String.init) ?? base).lowercased()
        let digest = subject.manifestDigest ?? subject.configDigest
        let purl = PackageURL(type: "oci", name: name.isEmpty ? "image" : name, version: digest).description
        return VEXComponent(id: purl, purl: purl, hashes: VEXComponent.hashes(ofDigest: digest))
    }

    /// The package by its purl; one read without a purl gets a name that matches nothing, so the statement
    /// can never be taken for one about the whole image.
    static func subcomponent(_ p: Package) -> VEXComponent {
        if !p.purl.isEmpty { return VEXComponent(id: p.purl, purl: p.purl) }
        let name = "\(p.name)@\(p.version)".addingPercentEncoding(withAllowedCharacters: iriPath) ?? "unnamed"
        return VEXComponent(id: "urn:vouch:package:" + name)
    }

    /// What to do, from the fix state: the action statement of an `affected` finding.
    static func action(_ f: Finding) -> String {
        switch f.fix {
        case .fixed(let versions): return "Update \(f.package.name) to \(versions.joined(separator: " or "))"
        case .notFixed: return "No fix available yet for \(f.package.name); mitigate or accept the risk until one is released"
        case .wontFix: return "No fix available: the distribution will not fix this in \(f.package.name) in this release"
        }
    }

    /// `matched libc6 2.35-0ubuntu3.1 by Ubuntu:22.04 glibc >=0, <2.35-0ubuntu3.4 (USN-6409-1); fixed in 2.35-0ubuntu3.4`.
    static func matchNote(_ f: Finding) -> String {
        var note = "vouch matched \(f.package.name) \(f.package.version)"
        if !f.matchedBy.isEmpty { note += " by \(f.matchedBy)" }
        if !f.advisories.isEmpty { note += " (\(f.advisories.joined(separator: ", ")))" }
        return note + "; " + f.fix.label
    }

    /// `from app.vex.json (https://…/vex-1) by security@example.com`.
    static func provenance(_ vex: VEXAnnotation) -> String {
        "from \(vex.source)" + (vex.documentID.map { " (\($0))" } ?? "") + (vex.author.map { " by \($0)" } ?? "")
    }

    /// Unreserved characters and the path punctuation an IRI path keeps as is.
    static let iriPath = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/")
}
