import Foundation
import JSON

/// Reads SPDX 2.2/2.3 JSON (syft, trivy, bom, tern, vouch and hand-written documents) into an `Inventory`.
///
/// `SPDXDocumentRoles` decides which packages are the subject, the OS, image structure or source-only
/// packages; the others become inventory packages in document order. The OS is the document's OS package
/// when it has one (trivy, vouch), else the distro most OS packages name in their purl (syft).
struct SPDXReader {
    static let supportedVersions = ["SPDX-2.2", "SPDX-2.3"]
    let source: String
    private var fields: FieldReader { FieldReader(source: source) }

    init(source: String) { self.source = source }

    func read(_ doc: JSON) throws -> Inventory {
        let version = try fields.string(doc, "spdxVersion", path: "spdxVersion") ?? "(none)"
        guard Self.supportedVersions.contains(version) else {
            throw SBOMReadError.unsupportedVersion(file: source, format: "SPDX", version: version, supported: Self.supportedVersions)
        }
        let packages = try fields.array(doc, "packages", path: "packages").enumerated().map { i, p in
            try fields.object(p, path: "packages[\(i)]")
        }
        let relationships = try fields.array(doc, "relationships", path: "relationships").enumerated().map { i, r in
            try fields.object(r, path: "relationships[\(i)]")
        }
        let describes = try fields.array(doc, "documentDescribes", path: "documentDescribes").compactMap(\.string)
        let roles = SPDXDocumentRoles(packages: packages, relationships: relationships, documentDescribes: describes)
        let byID = Dictionary(packages.compactMap { p in p.string("SPDXID").map { ($0, p) } }, uniquingKeysWith: { a, _ in a })

        var inventoryPackages: [Package] = []
        for p in packages {
            guard let id = p.string("SPDXID"), roles.isSoftwarePackage(id), let entry = entry(p, id: id, roles: roles, byID: byID) else {
                continue
            }
            inventoryPackages.append(entry.package())
        }
        let os = roles.osIDs.lazy.compactMap { byID[$0] }.first.map(osFrom) ?? DistroIdentity.mostCommon(in: inventoryPackages)
        return Inventory(subject: subject(roles.subjectID.flatMap { byID[$0] }, document: doc), operatingSystem: os,
                         packages: inventoryPackages, tools: tools(doc))
    }

    private func entry(_ p: JSON, id: String, roles: SPDXDocumentRoles, byID: [String: JSON]) -> PackageEntry? {
        guard let name = p.string("name"), !name.isEmpty else { return nil }
        var e = PackageEntry(name: name, version: p.string("versionInfo") ?? "")
        e.externalRef = id
        e.purl = SPDXReader.purl(of: p)
        e.cpes = p.array("externalRefs").compactMap { r in
            ["cpe23Type", "cpe22Type"].contains(r.string("referenceType") ?? "") ? r.string("referenceLocator") : nil
        }
        e.licenses = LicenseReading.expressions(p.string("licenseDeclared"))
        if e.licenses.isEmpty { e.licenses = LicenseReading.expressions(p.string("licenseConcluded")) }
        // syft before 0.60 wrote the maintainer only as originator; for distro packages it is also the supplier.
        e.supplier = SupplierText.spdx(p.string("supplier")) ?? SupplierText.spdx(p.string("originator"))
        e.description = p.string("description") ?? p.string("summary")
        e.homepage = p.string("homepage").flatMap { $0 == "NOASSERTION" || $0 == "NONE" ? nil : $0 }
        e.properties = ToolProperties.trivyPairs(fromAttributionTexts: p.array("attributionTexts").compactMap(\.string))
            + vouchAnnotationPairs(p) + SPDXReader.syftPairs(id: id, sourceInfo: p.string("sourceInfo"))
        if let sourceID = roles.sourceOf[id], let src = byID[sourceID], let srcName = src.string("name") {
            e.sourceName = srcName
            e.sourceVersion = src.string("versionInfo").flatMap { $0.isEmpty ? nil : $0 }
        } else if let built = SPDXReader.builtFrom(p.string("sourceInfo")) {
            e.sourceName = built.name
            e.sourceVersion = built.version
        }
        if let path = roles.containingFile[id] { e.locations = [Location(path: path)] }
        return e
    }

    /// The purl among a package's external references (category `PACKAGE-MANAGER`, `PACKAGE_MANAGER` before 2.3).
    static func purl(of p: JSON) -> String? {
        p.array("externalRefs").first { r in
            r.string("referenceType") == "purl"
                && ["PACKAGE-MANAGER", "PACKAGE_MANAGER", nil].contains(r.string("referenceCategory"))
        }?.string("referenceLocator").flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `built package from: openssl 1.1.1n-0+deb11u3` (trivy), `built from source package glibc 2.36-9` (vouch).
    static func builtFrom(_ sourceInfo: String?) -> (name: String, version: String?)? {
        guard let info = sourceInfo else { return nil }
        for prefix in ["built package from: ", "built from source package "] where info.hasPrefix(prefix) {
            let words = info.dropFirst(prefix.count).split(separator: " ", maxSplits: 1).map(String.init)
            guard let name = words.first, !name.isEmpty else { return nil }
            return (name, words.count > 1 ? words[1] : nil)
        }
        return nil
    }

    /// syft's SPDX ids name the package type (`SPDXRef-Package-binary-busybox-…`, from 0.60) and its sourceInfo
    /// lists the evidence (`acquired package info from DPKG DB: /usr/share/doc/x/copyright, /var/lib/dpkg/status`).
    static func syftPairs(id: String, sourceInfo: String?) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        let idParts = id.split(separator: "-", maxSplits: 3)
        if idParts.count == 4, idParts[0] == "SPDXRef", idParts[1] == "Package" {
            let typeAndRest = String(idParts[2]) + "-" + idParts[3]
            if let type = ToolProperties.syftTypes.keys.sorted(by: { $0.count > $1.count }).first(where: { typeAndRest.hasPrefix($0 + "-") }) {
                pairs.append(("syft:package:type", type))
            }
        }
        if let info = sourceInfo, info.hasPrefix("acquired package info from "), let colon = info.range(of: ": ") {
            let paths = info[colon.upperBound...].components(separatedBy: ", ").filter { $0.hasPrefix("/") }
            for (i, path) in paths.enumerated() { pairs.append(("syft:location:\(i):path", path)) }
        }
        return pairs
    }

    /// vouch's SPDX writer keeps cataloguer facts in an annotation: `vouch: foundBy=dpkg layer=sha256:… location=/p`.
    private func vouchAnnotationPairs(_ p: JSON) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        var locations = 0
        for a in p.array("annotations") {
            guard let comment = a.string("comment"), comment.hasPrefix("vouch: ") else { continue }
            for (key, value) in SPDXReader.keyValues(comment.dropFirst("vouch: ".count)) {
                switch key {
                case "foundBy": pairs.append(("vouch:package:foundBy", value))
                case "layer": pairs.append(("vouch:package:layerID", value))
                case "location":
                    pairs.append(("vouch:location:\(locations):path", value))
                    locations += 1
                default: break
                }
            }
        }
        return pairs
    }

    /// `a=1 b=2` → [(a, 1), (b, 2)].
    static func keyValues(_ text: Substring) -> [(String, String)] {
        text.split(separator: " ").compactMap { (word: Substring) -> (String, String)? in
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }
    }

    private func osFrom(_ p: JSON) -> OperatingSystem {
        var os = DistroIdentity.named(p.string("name") ?? "unknown", version: p.string("versionInfo"))
        if let comment = p.string("comment"), comment.hasPrefix("vouch: ") {
            let facts = Dictionary(SPDXReader.keyValues(comment.dropFirst(7)), uniquingKeysWith: { a, _ in a })
            if let release = facts["release"] { os.fullVersion = release }
        }
        os.prettyName = p.string("description")
        os.homeURL = p.string("homepage").flatMap { $0 == "NOASSERTION" || $0 == "NONE" ? nil : $0 }
        os.cpeName = p.array("externalRefs").first { $0.string("referenceType") == "cpe23Type" }?.string("referenceLocator")
        return os
    }

    private func subject(_ p: JSON?, document doc: JSON) -> Subject {
        guard let p else {
            // syft before 0.60 describes nothing; the document name and namespace still say what was scanned.
            var evidence = SubjectEvidence(name: doc.string("name") ?? "")
            evidence.kind = SPDXReader.kind(fromNamespace: doc.string("documentNamespace") ?? "")
            return evidence.subject()
        }
        var evidence = SubjectEvidence(name: p.string("name") ?? doc.string("name") ?? "")
        switch p.string("primaryPackagePurpose") {
        case "CONTAINER": evidence.kind = .image
        case "FILE", "ARCHIVE": evidence.kind = evidence.name.hasPrefix("/") ? .directory : .file
        default: evidence.kind = p.string("SPDXID")?.hasPrefix("SPDXRef-ContainerImage") == true ? .image : nil
        }
        evidence.version = p.string("versionInfo")
        evidence.purl = SPDXReader.purl(of: p)
        evidence.sha256 = p.array("checksums").first { $0.string("algorithm") == "SHA256" }?.string("checksumValue")
        evidence.properties = ToolProperties.trivyPairs(fromAttributionTexts: p.array("attributionTexts").compactMap(\.string))
        if let comment = p.string("comment"), comment.hasPrefix("vouch: ") {
            for (key, value) in SPDXReader.keyValues(comment.dropFirst(7)) {
                switch key {
                case "tag": evidence.properties.append(("vouch:image:tag", value))
                case "config": evidence.properties.append(("vouch:image:configDigest", value))
                case "platform": evidence.properties.append(("vouch:image:platform", value))
                default:
                    if key.hasPrefix("layer"), let i = Int(key.dropFirst(5)) {
                        evidence.properties.append(("vouch:image:layer:\(i):diffID", value))
                    }
                }
            }
        }
        return evidence.subject()
    }

    /// syft writes `…/syft/image/…`, `…/syft/dir/…`, `…/syft/file/…`; trivy `…/container_image/…`, `…/filesystem/…`.
    static func kind(fromNamespace ns: String) -> Subject.Kind? {
        if ns.contains("/image/") || ns.contains("/container_image/") { return .image }
        if ns.contains("/dir/") || ns.contains("/filesystem/") { return .directory }
        if ns.contains("/file/") { return .file }
        return nil
    }

    /// Creators are `Tool: syft-0.57.0`, `Organization: …`, `Person: …`; only tools are recorded.
    private func tools(_ doc: JSON) -> [String] {
        (doc["creationInfo"]?.array("creators") ?? []).compactMap { c in
            guard let s = c.string, s.hasPrefix("Tool:") else { return nil }
            return s.dropFirst(5).trimmingCharacters(in: .whitespaces)
        }
    }
}
