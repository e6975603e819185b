import Foundation
import JSON

/// Sorts an SPDX document's packages by role, from relationships and the conventions of the tools that
/// write them: the subject the document DESCRIBES, the OS, image structure (images, layers, trivy's
/// per-file application groups) and source packages that are only GENERATED_FROM targets. What is left
/// are the software packages, and for those the roles add facts: the source package and the file that
/// holds them.
struct SPDXDocumentRoles {
    private(set) var subjectID: String?
    private(set) var osIDs: [String] = []
    private(set) var structureIDs: Set<String> = []
    /// Binary package id → id of the source package it was built from.
    private(set) var sourceOf: [String: String] = [:]
    private(set) var sourceIDs: Set<String> = []
    /// Package id → path of the application file (trivy's `SPDXRef-Application-…`) that contains it.
    private(set) var containingFile: [String: String] = [:]

    init(packages: [JSON], relationships: [JSON], documentDescribes: [String]) {
        let byID = Dictionary(packages.compactMap { p in p.string("SPDXID").map { ($0, p) } }, uniquingKeysWith: { a, _ in a })
        var described = documentDescribes
        var contains: [String: [String]] = [:]
        for r in relationships {
            guard let a = r.string("spdxElementId"), let b = r.string("relatedSpdxElement"), let type = r.string("relationshipType") else {
                continue
            }
            switch type {
            // trivy wrote DESCRIBE (sic) before 0.37.
            case "DESCRIBES", "DESCRIBE": if a == "SPDXRef-DOCUMENT" { described.append(b) }
            case "DESCRIBED_BY": if b == "SPDXRef-DOCUMENT" { described.append(a) }
            case "GENERATED_FROM": if byID[a] != nil && byID[b] != nil { sourceOf[a] = b }
            case "GENERATES": if byID[a] != nil && byID[b] != nil { sourceOf[b] = a }
            case "CONTAINS": contains[a, default: []].append(b)
            case "CONTAINED_BY": contains[b, default: []].append(a)
            default: break
            }
        }
        subjectID = described.first { $0 != "SPDXRef-DOCUMENT" && byID[$0] != nil }
        sourceIDs = Set(sourceOf.values)

        for p in packages {
            guard let id = p.string("SPDXID"), id != subjectID else { continue }
            if p.string("primaryPackagePurpose") == "OPERATING-SYSTEM" || id.hasPrefix("SPDXRef-OperatingSystem") {
                osIDs.append(id)
            } else if SPDXDocumentRoles.isStructure(p, id: id, containsPackages: contains[id]?.contains { byID[$0] != nil } ?? false) {
                structureIDs.insert(id)
                if id.hasPrefix("SPDXRef-Application-"), let path = p.string("sourceInfo"), !path.isEmpty {
                    for member in contains[id] ?? [] { containingFile[member] = containingFile[member] ?? path }
                }
            }
        }
    }

    /// The subject, the OS, image structure and source-only packages are not packages of the inventory.
    func isSoftwarePackage(_ id: String) -> Bool {
        id != subjectID && !osIDs.contains(id) && !structureIDs.contains(id) && !sourceIDs.contains(id)
    }

    /// Images and layers (bom, tern, trivy) and trivy's application groups describe how the image is built,
    /// not software in it. They carry no purl and no version; layers are named by digest, groups contain packages.
    static func isStructure(_ p: JSON, id: String, containsPackages: Bool) -> Bool {
        let purl = SPDXReader.purl(of: p)
        if p.string("primaryPackagePurpose") == "CONTAINER" || id.hasPrefix("SPDXRef-ContainerImage") { return true }
        if let purl, let parsed = try? PackageURL(parsing: purl, enforcingTypeRules: false), parsed.type == "oci" || parsed.type == "docker" {
            return true
        }
        guard purl == nil, (p.string("versionInfo") ?? "").isEmpty else { return false }
        return containsPackages || id.hasPrefix("SPDXRef-Application-") || isDigestName(p.string("name") ?? "")
    }

    /// `sha256:<hex>` (bom) or a bare 64-digit hex digest (tern).
    static func isDigestName(_ name: String) -> Bool {
        let hex = name.hasPrefix("sha256:") ? name.dropFirst(7) : Substring(name)
        return hex.count == 64 && hex.allSatisfy(\.isHexDigit)
    }
}
