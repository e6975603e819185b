import Foundation
import JSON
import SBOM

/// Reads CycloneDX 1.4–1.6 VEX: each analysed `vulnerabilities[]` entry is one statement.
///
/// - A vulnerability without `analysis` is a scanner finding, not a VEX statement, and is passed over
///   silently (an SBOM carrying vulnerabilities is not VEX); its position still counts, so
///   "statement N" in a problem is the file's Nth vulnerability.
/// - `affects[].ref` is a bom-ref in this document (the subject `metadata.component` included), resolved
///   to that component's purl, CPE and hashes; or a BOM-link into another BOM, kept split in
///   `VEXComponent.bomLink` (plus the purl when the linked bom-ref is one).
/// - `affects[].versions` narrows a statement to some versions of a component. The model names
///   components, not version ranges, so only an exact version that can be named is kept: the
///   component's own version, or its purl with that version. Ranges and unnameable versions are
///   reported. A statement whose every target was dropped is skipped rather than kept without
///   products, which would make it apply to an attestation's whole subject.
/// - `analysis.detail` is the impact statement: CycloneDX defines it as the impact and, when not
///   exploitable, why not, which is what OpenVEX's `impact_statement` holds and what lets a
///   `not_affected` without a justification stand. `analysis.response` (`update`, `will_not_fix`, …),
///   the vulnerability's `recommendation` and `workaround` say what to do: OpenVEX's
///   `action_statement`, written as `response: update, will_not_fix; recommendation: …`, tokens as written.
public enum CycloneDXVEXReader {
    /// `vulnerabilities[].analysis` arrived in 1.4; 1.7 changed nothing this reader uses.
    static let specVersions: Set<String> = ["1.4", "1.5", "1.6", "1.7"]

    public static func read(_ root: JSON, location: String) throws -> VEXDocument {
        func fail(_ message: String) -> VEXReadError { VEXReadError(location: location, message: message) }
        guard root["bomFormat"]?.string == "CycloneDX" else { throw fail("is not a CycloneDX document (bomFormat is not \"CycloneDX\")") }
        guard let spec = root["specVersion"]?.string, specVersions.contains(spec) else {
            throw fail("CycloneDX specVersion \(VEXText.describe(root["specVersion"])) is not one with VEX analysis (1.4 to 1.7)")
        }
        guard let vulnerabilities = root["vulnerabilities"]?.array else {
            throw fail("vulnerabilities is \(VEXText.describe(root["vulnerabilities"])), not an array")
        }
        let metadata = root["metadata"]
        var document = VEXDocument(format: .cycloneDX, location: location, id: VEXText.text(root["serialNumber"]),
                                   author: author(metadata), version: VEXText.integer(root["version"]))
        do { document.timestamp = try VEXText.time(metadata?["timestamp"], "metadata.timestamp") } catch let p as VEXStatementProblem {
            document.problems.append(VEXProblem(location: location, statementIndex: nil, message: p.message + "; the document has no time"))
        }
        var origin = VEXOrigin(format: .cycloneDX, location: location, documentID: document.id, author: document.author,
                               documentTimestamp: document.timestamp, documentVersion: document.version, statementIndex: 0)
        var reader = Targets(root: root)
        for (index, vulnerability) in vulnerabilities.enumerated() {
            guard let analysis = vulnerability["analysis"], !analysis.isNull, analysis.object?.isEmpty != true else { continue }
            origin.statementIndex = index
            reader.notes = []
            do {
                let s = try statement(vulnerability, analysis: analysis, origin: origin, targets: &reader)
                document.statements.append(s)
            } catch let p as VEXStatementProblem {
                reader.notes.append(p.message)
            }
            let name = VEXText.text(vulnerability["id"]).map { VEXText.clip($0) + ": " } ?? ""
            document.problems += reader.notes.map { VEXProblem(location: location, statementIndex: index, message: name + $0) }
        }
        return document
    }

    /// `metadata.authors[0]` as `name <email>` (what `--vex-author` patterns match), else the
    /// manufacturer or supplier organisation.
    static func author(_ metadata: JSON?) -> String? {
        if let first = metadata?.array("authors").first {
            let name = VEXText.text(first["name"]), email = VEXText.text(first["email"])
            switch (name, email) {
            case let (name?, email?): return "\(name) <\(email)>"
            case let (name?, nil): return name
            case let (nil, email?): return "<\(email)>"
            default: break
            }
        }
        for key in ["manufacturer", "manufacture", "supplier"] {
            if let name = VEXText.text(metadata?[key]?["name"]) { return name }
        }
        return nil
    }

    private static func statement(_ v: JSON, analysis: JSON, origin: VEXOrigin, targets: inout Targets) throws -> VEXStatement {
        guard analysis.object != nil else { throw VEXStatementProblem("analysis is \(VEXText.describe(analysis)), not an object") }
        guard let id = VEXText.text(v["id"]) else { throw VEXStatementProblem("missing vulnerability id (id is \(VEXText.describe(v["id"])))") }
        guard let state = analysis["state"]?.string else { throw VEXStatementProblem("analysis.state is \(VEXText.describe(analysis["state"]))") }
        guard let status = VEXStatus(cycloneDXState: state) else {
            throw VEXStatementProblem("unknown status \"\(VEXText.clip(state))\" (analysis.state; expected resolved, resolved_with_pedigree, exploitable, in_triage, false_positive, not_affected)")
        }
        var justification: VEXJustification?
        var written: String?
        if let value = analysis["justification"], !value.isNull {
            guard let text = value.string, let mapped = VEXJustification(cycloneDX: text) else {
                throw VEXStatementProblem("unknown justification \(VEXText.describe(value)) (analysis.justification)")
            }
            justification = mapped
            written = text == mapped.rawValue ? nil : text
        }
        let impact = VEXText.text(analysis["detail"])
        try VEXText.requireReason(status, justification, impact, "analysis.detail")
        let timestamp = try VEXText.time(analysis["lastUpdated"] ?? analysis["firstIssued"], "analysis.lastUpdated")
        let products = try targets.products(v["affects"], status: status)

        var seen: Set<String> = [id]
        let aliases = v.array("references").compactMap { VEXText.text($0["id"]) }.filter { seen.insert($0).inserted }
        var origin = origin
        origin.statementID = VEXText.text(v["bom-ref"])
        return VEXStatement(vulnerability: id, aliases: aliases, products: products, status: status, justification: justification,
                            sourceJustification: written, impactStatement: impact, actionStatement: action(v, analysis),
                            timestamp: timestamp, origin: origin)
    }

    private static func action(_ v: JSON, _ analysis: JSON) -> String? {
        var parts: [String] = []
        let responses = analysis.array("response").compactMap(VEXText.text)
        if !responses.isEmpty { parts.append("response: " + responses.joined(separator: ", ")) }
        if let text = VEXText.text(v["recommendation"]) { parts.append("recommendation: " + text) }
        if let text = VEXText.text(v["workaround"]) { parts.append("workaround: " + text) }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// The document's components by bom-ref, and the resolution of `affects` against them. `notes`
    /// collects what one statement had to leave out.
    struct Targets {
        struct Entry {
            var purl: String?
            var cpe: String?
            var hashes: [String: String]
            var version: String?
        }

        private var components: [String: Entry] = [:]
        /// `urn:uuid:<serial>` of this document: a BOM-link back into it resolves like a bom-ref.
        private let serial: String?
        private let version: Int?
        private var purls = VEXPurlCheck()
        var notes: [String] = []

        init(root: JSON) {
            serial = root["serialNumber"]?.string.flatMap { $0.hasPrefix("urn:uuid:") ? String($0.dropFirst(9)) : nil }
            version = VEXText.integer(root["version"])
            // Iterative walk: nested `components` can be as deep as the parser allows.
            var stack: [JSON] = [root["metadata"]?["component"]].compactMap { $0 } + root.array("components").reversed()
                + root.array("services").reversed()
            while let c = stack.popLast() {
                stack += c.array("components").reversed() + c.array("services").reversed()
                guard let ref = VEXText.text(c["bom-ref"]), components[ref] == nil else { continue }
                var hashes: [String: String] = [:]
                for h in c.array("hashes") {
                    if let alg = VEXText.text(h["alg"]), let content = VEXText.text(h["content"]) {
                        hashes[Targets.hashName(alg)] = content.lowercased()
                    }
                }
                components[ref] = Entry(purl: VEXText.text(c["purl"]), cpe: VEXText.text(c["cpe"]), hashes: hashes,
                                        version: VEXText.text(c["version"]))
            }
        }

        /// CycloneDX `SHA-256` → OpenVEX `sha-256`; `SHA-1` → `sha1` (OpenVEX's hash names table).
        static func hashName(_ alg: String) -> String {
            let lower = alg.lowercased()
            return lower == "sha-1" ? "sha1" : lower
        }

        mutating func products(_ affects: JSON?, status: VEXStatus) throws -> [VEXComponent] {
            guard let affects, !affects.isNull else { return [] }
            guard let list = affects.array else { throw VEXStatementProblem("affects is \(VEXText.describe(affects)), not an array") }
            var products: [VEXComponent] = []
            for (i, entry) in list.enumerated() {
                guard let ref = VEXText.text(entry["ref"]) else {
                    notes.append("affects[\(i)].ref is \(VEXText.describe(entry["ref"])); left out")
                    continue
                }
                guard let found = try target(ref, field: "affects[\(i)].ref") else { continue }
                let (component, ownVersion) = found
                let versions = entry.array("versions")
                if versions.isEmpty { products.append(component); continue }
                // What is left out is grouped per reason, so a long version list gives a few lines, not one each.
                var leftOut: [String: [String]] = [:], reasons: [String] = []
                for v in versions {
                    switch version(v, of: component, ownVersion: ownVersion, status: status) {
                    case .named(let named): products.append(named)
                    case .leftOut(let reason, let what):
                        if leftOut[reason] == nil { reasons.append(reason) }
                        leftOut[reason, default: []].append(what)
                    }
                }
                for reason in reasons {
                    let items = leftOut[reason] ?? []
                    let shown = items.prefix(8).joined(separator: ", ") + (items.count > 8 ? " and \(items.count - 8) more" : "")
                    notes.append("affects[\(i)] \"\(VEXText.clip(ref))\": \(shown): \(reason); left out")
                }
            }
            if !list.isEmpty, products.isEmpty {
                throw VEXStatementProblem("no affected component could be named, so the statement is not used (without products it would apply to everything)")
            }
            return products
        }

        /// The component a ref names and its own version, or nil (noted) when it names none.
        private mutating func target(_ ref: String, field: String) throws -> (VEXComponent, String?)? {
            if ref.hasPrefix("urn:cdx:") {
                guard let link = BOMLink(ref) else {
                    notes.append("\(field) \"\(VEXText.clip(ref))\" is not a valid BOM-link (urn:cdx:<serial>/<version>#<bom-ref>); left out")
                    return nil
                }
                var component = VEXComponent(bomLink: link)
                var own: String?
                if link.serialNumber == serial, link.version == version, let inner = link.ref, let entry = components[inner] {
                    component = try resolved(inner, entry, field: field)
                    component.bomLink = link
                    own = entry.version
                } else if let hash = ref.firstIndex(of: "#"), ref[ref.index(after: hash)...].hasPrefix("pkg:") {
                    // The purl as written in the link: `BOMLink` percent-decodes its ref, which would turn
                    // trivy's `libstdc%2B%2B6` into `libstdc++6`.
                    component.purl = try purls.check(String(ref[ref.index(after: hash)...]), field)
                }
                return (component, own ?? component.purl.flatMap(Targets.purlVersion))
            }
            if let entry = components[ref] {
                let component = try resolved(ref, entry, field: field)
                return (component, entry.version ?? component.purl.flatMap(Targets.purlVersion))
            }
            if ref.hasPrefix("pkg:") {
                let purl = try purls.check(ref, field)
                return (VEXComponent(id: ref, purl: purl), Targets.purlVersion(purl))
            }
            notes.append("\(field) \"\(VEXText.clip(ref))\" names no component in this document; left out")
            return nil
        }

        private mutating func resolved(_ ref: String, _ entry: Entry, field: String) throws -> VEXComponent {
            let purl = try entry.purl.map { try purls.check($0, "\(field) → purl") } ?? (ref.hasPrefix("pkg:") ? try purls.check(ref, field) : nil)
            return VEXComponent(id: ref, purl: purl, cpe: entry.cpe, hashes: entry.hashes)
        }

        private static func purlVersion(_ purl: String) -> String? {
            (try? PackageURL(parsing: purl, enforcingTypeRules: false))?.version
        }

        enum VersionOutcome {
            case named(VEXComponent)
            /// Why, and the entry as a message shows it.
            case leftOut(String, String)
        }

        /// One `versions[]` entry: the component at that version when it can be named.
        private func version(_ v: JSON, of component: VEXComponent, ownVersion: String?, status: VEXStatus) -> VersionOutcome {
            // CycloneDX's default per-version status is "affected".
            let versionStatus = v["status"]?.string ?? "affected"
            let fits: Bool
            switch versionStatus {
            case "affected": fits = status == .affected || status == .underInvestigation
            case "unaffected": fits = status == .notAffected || status == .fixed
            case "unknown": fits = status == .underInvestigation
            default: return .leftOut("unknown version status", "\"\(VEXText.clip(versionStatus))\"")
            }
            if let range = VEXText.text(v["range"]) {
                return .leftOut("version ranges cannot be represented", "\(VEXText.clip(range)) (\(versionStatus))")
            }
            guard let exact = VEXText.text(v["version"]) else { return .leftOut("entries with neither version nor range", "\(VEXText.describe(v))") }
            guard fits else {
                return .leftOut("the version status contradicts the analysis state \(status.rawValue)", "\(VEXText.clip(exact)) (\(versionStatus))")
            }
            if exact == ownVersion { return .named(component) }
            guard let purl = component.purl, var parsed = try? PackageURL(parsing: purl, enforcingTypeRules: false) else {
                return .leftOut("versions other than the component's own cannot be named without a purl", VEXText.clip(exact))
            }
            // Another version of the component is another package: only a purl names it, not the bom-ref.
            parsed.version = exact
            return .named(VEXComponent(purl: parsed.description))
        }
    }
}
