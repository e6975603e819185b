import Foundation
import JSON

/// Writes an inventory as SPDX 2.3 JSON, with the same identifiers as the CycloneDX writer and
/// `DESCRIBES` / `CONTAINS` relationships. Every package names a supplier so the document meets
/// NTIA's minimum elements.
public struct SPDXWriter {
    public var options: SBOMWriteOptions
    public init(options: SBOMWriteOptions = SBOMWriteOptions()) { self.options = options }

    public func write(_ inventory: Inventory) -> Data { document(inventory).serialized([.pretty]) }

    public func document(_ inventory: Inventory) -> JSON {
        let created = RFC3339.format(options.resolvedTimestamp(for: inventory))
        let refs = BOMReferences(inventory)
        let subjectID = "SPDXRef-" + (inventory.subject.kind == .image ? "Image-" : "Directory-") + SPDXWriter.idSafe(inventory.subject.repository ?? inventory.subject.name)
        let osID = inventory.operatingSystem.map { "SPDXRef-OperatingSystem-\(SPDXWriter.idSafe($0.id))-\(SPDXWriter.idSafe($0.versionID ?? $0.versionCodename ?? "unknown"))" }
        let packageIDs = SPDXWriter.packageIDs(inventory, refs: refs)

        var doc: JSONObject = [
            "spdxVersion": "SPDX-2.3",
            "dataLicense": "CC0-1.0",
            "SPDXID": "SPDXRef-DOCUMENT",
            "name": .string(inventory.subject.repository ?? inventory.subject.name),
            "documentNamespace": .string("https://vouch.invalid/spdx/\(SPDXWriter.idSafe(inventory.subject.name))-\(StableID.uuid("spdx|" + inventory.fingerprint))"),
        ]
        doc["creationInfo"] = [
            "created": .string(created),
            "creators": [.string("Tool: \(options.toolName)-\(options.toolVersion)"), "Organization: vouch"],
            "licenseListVersion": "3.24",
        ]
        var packages: [JSON] = [subjectPackage(inventory, id: subjectID)]
        if let os = inventory.operatingSystem, let osID { packages.append(osPackage(os, id: osID)) }
        for (i, p) in inventory.packages.enumerated() {
            packages.append(package(p, id: packageIDs[i], created: created))
        }
        doc["packages"] = .array(packages)
        let licenseRefs = SPDXWriter.licenseRefs(in: inventory.packages.compactMap { SPDXWriter.expression($0.licenses) })
        if !licenseRefs.isEmpty {
            // SPDX 2.3 requires every LicenseRef used in an expression to be declared in the document.
            doc["hasExtractedLicensingInfos"] = .array(licenseRefs.map { ref in
                let name = String(ref.dropFirst("LicenseRef-".count))
                return ["licenseId": .string(ref), "name": .string(name),
                        "extractedText": .string("The package metadata names the licence '\(name)', which has no SPDX identifier; its text was not recorded.")]
            })
        }
        doc["documentDescribes"] = [.string(subjectID)]
        var relationships: [JSON] = [relationship("SPDXRef-DOCUMENT", "DESCRIBES", subjectID)]
        if let osID { relationships.append(relationship(subjectID, "CONTAINS", osID)) }
        for (i, p) in inventory.packages.enumerated() {
            relationships.append(relationship(subjectID, "CONTAINS", packageIDs[i]))
            if p.type.isOSPackage, let osID { relationships.append(relationship(osID, "CONTAINS", packageIDs[i])) }
        }
        doc["relationships"] = .array(relationships)
        return .object(doc)
    }

    func relationship(_ a: String, _ type: String, _ b: String) -> JSON {
        ["spdxElementId": .string(a), "relationshipType": .string(type), "relatedSpdxElement": .string(b)]
    }

    func subjectPackage(_ inventory: Inventory, id: String) -> JSON {
        let s = inventory.subject
        var p: JSONObject = ["name": .string(s.repository ?? s.name), "SPDXID": .string(id)]
        p["versionInfo"] = .string(inventory.subjectVersion)
        p["supplier"] = .string(SubjectSupplier.resolve(inventory, explicit: options.imageSupplier)?.value ?? "NOASSERTION")
        p["downloadLocation"] = "NOASSERTION"
        p["filesAnalyzed"] = false
        if let hex = s.manifestDigest.flatMap({ $0.hasPrefix("sha256:") ? String($0.dropFirst(7)) : nil }) {
            p["checksums"] = [["algorithm": "SHA256", "checksumValue": .string(hex)]]
        }
        p["licenseConcluded"] = "NOASSERTION"
        p["licenseDeclared"] = "NOASSERTION"
        p["copyrightText"] = "NOASSERTION"
        if let purl = inventory.subjectPURL {
            p["externalRefs"] = [["referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": .string(purl)]]
        }
        p["primaryPackagePurpose"] = .string(s.kind == .image ? "CONTAINER" : "FILE")
        var comment: [String] = []
        if let t = s.tag { comment.append("tag=\(t)") }
        if let d = s.configDigest { comment.append("config=\(d)") }
        if let pl = s.platform { comment.append("platform=\(pl)") }
        for (i, d) in s.diffIDs.enumerated() { comment.append("layer\(i)=\(d)") }
        if !comment.isEmpty { p["comment"] = .string("vouch: " + comment.joined(separator: " ")) }
        return .object(p)
    }

    func osPackage(_ os: OperatingSystem, id: String) -> JSON {
        var p: JSONObject = ["name": .string(os.id), "SPDXID": .string(id)]
        p["versionInfo"] = .string(os.versionID ?? os.versionCodename ?? "unknown")
        p["supplier"] = .string("Organization: " + (os.name ?? os.id))
        p["downloadLocation"] = "NOASSERTION"
        p["filesAnalyzed"] = false
        if let url = os.homeURL { p["homepage"] = .string(url) }
        p["licenseConcluded"] = "NOASSERTION"
        p["licenseDeclared"] = "NOASSERTION"
        p["copyrightText"] = "NOASSERTION"
        if let d = os.prettyName { p["description"] = .string(d) }
        var refs: [JSON] = []
        if let cpe = os.cpeName, cpe.hasPrefix("cpe:2.3:") {
            refs.append(["referenceCategory": "SECURITY", "referenceType": "cpe23Type", "referenceLocator": .string(cpe)])
        }
        if !refs.isEmpty { p["externalRefs"] = .array(refs) }
        p["primaryPackagePurpose"] = "OPERATING-SYSTEM"
        p["comment"] = .string("vouch: distro=\(os.distroQualifier)" + (os.fullVersion.map { " release=\($0)" } ?? ""))
        return .object(p)
    }

    func package(_ pkg: Package, id: String, created: String) -> JSON {
        var p: JSONObject = ["name": .string(pkg.name), "SPDXID": .string(id), "versionInfo": .string(pkg.version)]
        p["supplier"] = .string(pkg.supplier ?? SPDXWriter.fallbackSupplier(pkg))
        p["downloadLocation"] = "NOASSERTION"
        p["filesAnalyzed"] = false
        if let h = pkg.homepage, h.contains("://") { p["homepage"] = .string(h) }
        if let s = pkg.sourceName {
            p["sourceInfo"] = .string("built from source package \(s)" + (pkg.sourceVersion.map { " \($0)" } ?? ""))
        }
        p["licenseConcluded"] = "NOASSERTION"
        p["licenseDeclared"] = .string(SPDXWriter.expression(pkg.licenses) ?? "NOASSERTION")
        p["copyrightText"] = "NOASSERTION"
        if let d = pkg.description { p["summary"] = .string(d) }
        var refs: [JSON] = [["referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": .string(pkg.purl)]]
        for cpe in pkg.cpes where cpe.hasPrefix("cpe:2.3:") {
            refs.append(["referenceCategory": "SECURITY", "referenceType": "cpe23Type", "referenceLocator": .string(cpe)])
        }
        p["externalRefs"] = .array(refs)
        p["primaryPackagePurpose"] = pkg.type.isOSPackage ? "INSTALL" : "LIBRARY"
        var notes = ["foundBy=\(pkg.foundBy)"]
        if let l = pkg.layer { notes.append("layer=\(l)") }
        notes += pkg.locations.map { "location=\($0.path)" }
        p["annotations"] = [[
            "annotationType": "OTHER", "annotator": .string("Tool: \(options.toolName)-\(options.toolVersion)"),
            "annotationDate": .string(created), "comment": .string("vouch: " + notes.joined(separator: " ")),
        ]]
        return .object(p)
    }

    /// When package metadata names nobody, the ecosystem's origin is the supplier NTIA asks for:
    /// the module host and owner for Go, the distribution for OS packages, the registry otherwise.
    static func fallbackSupplier(_ p: Package) -> String {
        switch p.type {
        case .golang:
            let parts = p.name.split(separator: "/")
            if parts.count >= 2 { return "Organization: \(parts[0])/\(parts[1])" }
            return "Organization: \(p.name)"
        case .python: return "Organization: PyPI"
        case .npm: return "Organization: npm"
        case .gem: return "Organization: RubyGems"
        case .cargo: return "Organization: crates.io"
        case .nuget: return "Organization: NuGet"
        case .composer: return "Organization: Packagist"
        case .java: return "Organization: Maven Central"
        default: return "NOASSERTION"
        }
    }

    /// Every `LicenseRef-…` in the expressions, sorted and unique.
    static func licenseRefs(in expressions: [String]) -> [String] {
        var refs = Set<String>()
        for e in expressions {
            for token in e.split(whereSeparator: { $0 == " " || $0 == "(" || $0 == ")" }) where token.hasPrefix("LicenseRef-") {
                refs.insert(String(token))
            }
        }
        return refs.sorted()
    }

    static func expression(_ list: [String]) -> String? {
        guard !list.isEmpty else { return nil }
        if list.count == 1 { return list[0] }
        return list.map { $0.contains(" ") ? "(\($0))" : $0 }.joined(separator: " AND ")
    }

    /// SPDX ids allow letters, digits, `.` and `-`.
    static func idSafe(_ s: String) -> String {
        var out = String(s.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") ? $0 : "-" })
        while out.contains("--") { out = out.replacingOccurrences(of: "--", with: "-") }
        return String(out.prefix(80))
    }

    static func packageIDs(_ inventory: Inventory, refs: BOMReferences) -> [String] {
        inventory.packages.enumerated().map { i, p in
            "SPDXRef-Package-\(p.type.rawValue)-\(idSafe(p.name))-\(StableID.short(refs.packages[i]))"
        }
    }
}
