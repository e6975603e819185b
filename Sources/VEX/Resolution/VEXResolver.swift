import Evaluation
import Foundation
import JSON
import SBOM

/// Applies VEX statements to a scan's findings.
///
/// Per finding (one package, one vulnerability with all its ids), every statement that names the
/// vulnerability (by id or alias) and covers the package (the image as a whole, a subcomponent purl,
/// or the package itself as product) is a candidate; the one with the latest time wins (statement
/// timestamp, else its document's), ties going to the higher document version, then to the later
/// document and statement in the order given. `not_affected` and `fixed` move the finding to
/// `suppressed`; `affected` and `under_investigation` keep it, annotated. Every statement gets an
/// explanation, so nothing is silently dropped or silently ignored.
public struct VEXResolver {
    public var identity: ImageIdentity
    public var authors: VEXAuthorFilter?
    /// The scanned packages, to explain subcomponent misses that are not findings.
    public var packages: [Package]

    public init(identity: ImageIdentity, authors: VEXAuthorFilter? = nil, packages: [Package] = []) {
        self.identity = identity
        self.authors = authors
        self.packages = packages
    }

    public struct Resolution: Sendable {
        public var findings: [Finding]
        public var suppressed: [Finding]
        public var explanations: [VEXExplanation]
    }

    /// What a statement covers in this image, worked out once per statement.
    enum Scope {
        case wholeImage
        case components([VEXComponent])
    }

    struct Candidate {
        var statement: VEXStatement
        var order: (document: Int, statement: Int)
        var scopes: [Scope]
        var ids: Set<String>
    }

    public func resolve(_ findings: [Finding], sources: [VEXSource]) -> Resolution {
        var explanations: [VEXExplanation] = []
        var candidates: [Candidate] = []
        var explanationIndex: [Int: Int] = [:]   // candidate index → explanation index

        for (d, source) in sources.enumerated() {
            for (i, statement) in source.document.statements.enumerated() {
                var explanation = VEXExplanation(statement: statement, appliedTo: [], overriddenOn: [], reason: nil)
                if let rejection = source.rejection {
                    explanation.reason = rejection
                } else if let authors, !authors.trusts(statement.origin.author) {
                    explanation.reason = "author not trusted: \(statement.origin.author.map { "'\($0)'" } ?? "the document names no author") does not match --vex-author \(authors.patterns.joined(separator: ", "))"
                } else {
                    switch scopes(of: statement, kind: source.kind) {
                    case .failure(let why): explanation.reason = why.text
                    case .success(let scopes):
                        explanationIndex[candidates.count] = explanations.count
                        candidates.append(Candidate(statement: statement, order: (d, i), scopes: scopes,
                                                    ids: Set(statement.vulnerabilityIDs.map { $0.uppercased() })))
                    }
                }
                explanations.append(explanation)
            }
        }

        // Candidates by vulnerability id, so a scan with many findings and a large VEX feed stays linear.
        var byID: [String: [Int]] = [:]
        for (c, candidate) in candidates.enumerated() {
            for id in candidate.ids { byID[id, default: []].append(c) }
        }
        var kept: [Finding] = [], suppressed: [Finding] = []
        var matchedByVulnerability = Set<Int>()   // candidates whose vulnerability some finding has
        for var finding in findings {
            let ids = Set(finding.ids.map { $0.uppercased() } + [finding.id.uppercased()])
            var winner: Int?
            var covering: [Int] = []
            for c in Set(ids.flatMap { byID[$0] ?? [] }).sorted() {
                let candidate = candidates[c]
                matchedByVulnerability.insert(c)
                guard covers(candidate.scopes, finding.package) else { continue }
                covering.append(c)
                if winner.map({ later(candidate, than: candidates[$0]) }) ?? true { winner = c }
            }
            guard let winner else { kept.append(finding); continue }
            let label = "\(finding.package.name) \(finding.package.version) \(finding.id)"
            let w = candidates[winner].statement
            for c in covering {
                guard let e = explanationIndex[c] else { continue }
                if c == winner { explanations[e].appliedTo.append(label) } else {
                    explanations[e].overriddenOn.append("\(label) (by \(w.label), \(VEXResolver.timeText(w.effectiveTimestamp)))")
                }
            }
            finding.vex = annotation(w)
            if w.status.suppresses { suppressed.append(finding) } else { kept.append(finding) }
        }

        var nameIndex: [String: [Package]]?
        var packagesByID: [String: [Package]] = [:]
        for f in findings {
            for id in Set(f.ids.map { $0.uppercased() } + [f.id.uppercased()]) { packagesByID[id, default: []].append(f.package) }
        }
        for (c, candidate) in candidates.enumerated() {
            guard let e = explanationIndex[c], explanations[e].appliedTo.isEmpty else { continue }
            if !explanations[e].overriddenOn.isEmpty {
                explanations[e].reason = "overridden by a later statement on every finding it matched: " + explanations[e].overriddenOn.joined(separator: "; ")
            } else if !matchedByVulnerability.contains(c) {
                explanations[e].reason = "vulnerability id unknown: no finding in this scan is \(candidate.statement.vulnerabilityIDs.joined(separator: " or "))"
            } else {
                explanations[e].reason = subcomponentMiss(candidate, packagesByID: packagesByID, index: &nameIndex)
            }
        }
        return Resolution(findings: kept, suppressed: suppressed, explanations: explanations)
    }

    // MARK: - Scope

    private func scopes(of statement: VEXStatement, kind: VEXSource.Kind) -> Result<[Scope], Reason> {
        var products = statement.products
        if products.isEmpty {
            guard case .attestation(let subjects) = kind, !subjects.isEmpty else {
                return .failure(Reason("the statement names no product, and outside an attestation there is no subject to stand in for it"))
            }
            // OpenVEX ATTESTING.md: statements without products take the attestation's subjects.
            products = subjects.map { VEXComponent(id: $0) }
        }
        var scopes: [Scope] = []
        var misses: [String] = []
        for product in products {
            switch identity.match(product) {
            case .matches:
                scopes.append(product.subcomponents.isEmpty ? .wholeImage : .components(product.subcomponents))
            case .otherImage(let why):
                misses.append("\(product.displayName): \(why)")
            case .notAnImage:
                // A package named as the product (grype, trivy and CycloneDX VEX do this): it applies to that
                // package wherever it is in the image. In an attestation the verified subject already scopes it.
                // Subcomponents of a package product are taken on their own: an SBOM's flat package list has
                // no dependency graph to confine them to the paths through that product.
                if product.purl != nil || product.bomLink != nil || product.cpe != nil || product.id?.hasPrefix("pkg:") == true {
                    scopes.append(.components(product.subcomponents.isEmpty ? [product] : product.subcomponents))
                } else {
                    misses.append("\(product.displayName): not a name of this image or of a package")
                }
            }
        }
        guard scopes.isEmpty else { return .success(scopes) }
        let names = identity.names.prefix(4).joined(separator: ", ")
        return .failure(Reason("product did not match (\(misses.joined(separator: "; "))); this image is \(names.isEmpty ? "known by no digest" : names)"))
    }

    struct Reason: Error { let text: String; init(_ t: String) { text = t } }

    private func covers(_ scopes: [Scope], _ package: Package) -> Bool {
        scopes.contains { scope in
            switch scope {
            case .wholeImage: return true
            case .components(let components): return components.contains { VEXResolver.matches($0, package) == .matches }
            }
        }
    }

    static func matches(_ component: VEXComponent, _ package: Package) -> PackageMatch {
        if let link = component.bomLink, let ref = link.ref, let external = package.externalRef, ref == external { return .matches }
        var best: PackageMatch = .differentPackage
        for text in [component.purl, component.id, component.bomLink?.ref].compactMap({ $0 }) where text.hasPrefix("pkg:") {
            let m = PackageMatch.match(statementPurl: text, packagePurl: package.purl)
            if m == .matches { return .matches }
            if case .differentPackage = best, m != .notAPurl { best = m }
        }
        if let cpe = component.cpe?.lowercased(), package.cpes.contains(where: { $0.lowercased() == cpe }) { return .matches }
        if let id = component.id, !id.hasPrefix("pkg:"), id == package.externalRef { return .matches }
        return best
    }

    /// The first reason a statement whose vulnerability was found covers none of its findings' packages.
    /// Only packages of the same name are compared (by index), so a large image with many unapplied
    /// statements is not a product of the two.
    private func subcomponentMiss(_ candidate: Candidate, packagesByID: [String: [Package]], index: inout [String: [Package]]?) -> String {
        let affected = candidate.ids.sorted().flatMap { packagesByID[$0] ?? [] }
        if index == nil {
            var byName: [String: [Package]] = [:]
            for p in packages { if let n = PackageMatch.normalized(p.purl)?.name { byName[n, default: []].append(p) } }
            index = byName
        }
        var components: [VEXComponent] = []
        for case .components(let c) in candidate.scopes { components += c }
        for component in components {
            let name = [component.purl, component.id, component.bomLink?.ref].compactMap { $0 }.compactMap { PackageMatch.normalized($0)?.name }.first
            let sameName = name.map { index?[$0] ?? [] } ?? []
            for package in affected + sameName {
                let m = VEXResolver.matches(component, package)
                if m != .differentPackage, m != .notAPurl, let why = m.reason {
                    return "subcomponent \(component.displayName) \(why) of \(package.purl)"
                }
            }
        }
        let found = affected.prefix(3).map(\.purl).joined(separator: ", ")
        return "subcomponent \(components.map(\.displayName).joined(separator: ", ")) is not a package with this vulnerability (found in \(found))"
    }

    private func later(_ a: Candidate, than b: Candidate) -> Bool {
        let ta = a.statement.effectiveTimestamp ?? .distantPast, tb = b.statement.effectiveTimestamp ?? .distantPast
        if ta != tb { return ta > tb }
        let va = a.statement.origin.documentVersion ?? 0, vb = b.statement.origin.documentVersion ?? 0
        if va != vb { return va > vb }
        if a.order.document != b.order.document { return a.order.document > b.order.document }
        return a.order.statement > b.order.statement
    }

    private func annotation(_ s: VEXStatement) -> VEXAnnotation {
        VEXAnnotation(status: s.status.rawValue, justification: s.justification?.rawValue ?? s.sourceJustification,
                      impactStatement: s.impactStatement, actionStatement: s.actionStatement, statusNotes: s.statusNotes,
                      author: s.origin.author, timestamp: s.effectiveTimestamp.map { RFC3339.format($0) },
                      source: s.origin.location, documentID: s.origin.documentID)
    }

    static func timeText(_ d: Date?) -> String { d.map { RFC3339.format($0) } ?? "no timestamp" }
}
