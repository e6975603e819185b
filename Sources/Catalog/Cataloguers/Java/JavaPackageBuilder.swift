import Foundation
import SBOM

/// Maven coordinates and descriptive fields of one archive's packages, before a location is attached.
struct JavaPackageFacts: Equatable {
    var groupID: String?
    var artifactID: String
    var version: String
    var supplier: String?
    var licenses: [String]
    var homepage: String?

    var purl: PackageURL {
        PackageURL(type: "maven", namespace: groupID, name: artifactID, version: version)
    }
}

/// Turns one archive's evidence into packages the way syft does: one package per `pom.properties`,
/// plus one from the manifest and file name when none of them is the archive's own artifact (an
/// archive without any, or one holding only shaded libraries).
enum JavaPackageBuilder {
    static func facts(for archive: JavaArchiveEvidence, fileName path: String) -> [JavaPackageFacts] {
        let fileName = JavaArchiveFileName(path)
        let manifest = archive.manifest ?? [:]
        let owner = owningPom(archive.poms, manifest: manifest, fileName: fileName)
        var out = archive.poms.map { pom in
            // The manifest's vendor and licence describe the archive's own artifact, not the
            // libraries shaded into it.
            let own = pom == owner
            return JavaPackageFacts(
                groupID: groupID(pom), artifactID: pom.artifactID, version: pom.version,
                supplier: own ? supplier(manifest) : nil, licenses: own ? licenses(manifest) : [],
                homepage: own ? manifest["Bundle-DocURL"] : nil)
        }
        guard owner == nil, archive.manifest != nil, let name = selectName(manifest, fileName) else { return out }
        let version = selectVersion(manifest, fileName)
        // Beside shaded poms, an unversioned manifest identity is too weak to add a package for.
        guard archive.poms.isEmpty || !version.isEmpty else { return out }
        let own = JavaPackageFacts(
            groupID: groupIDFromManifest(manifest) ?? name, artifactID: name, version: version,
            supplier: supplier(manifest), licenses: licenses(manifest), homepage: manifest["Bundle-DocURL"])
        if !out.contains(where: { $0.purl == own.purl }) { out.insert(own, at: 0) }
        return out
    }

    /// The pom.properties describing the archive itself: named like the file (syft's prefix/suffix
    /// rule), named by the manifest's titles, or else versioned like the file or the manifest.
    static func owningPom(_ poms: [JavaPomProperties], manifest m: [String: String],
                          fileName: JavaArchiveFileName) -> JavaPomProperties? {
        let file = fileName.artifactName
        if let p = poms.first(where: { $0.artifactID == file }) ?? poms.first(where: { p in
            !file.isEmpty && (p.artifactID.hasPrefix(file) || file.hasSuffix(p.artifactID))
        }) {
            return p
        }
        func squash(_ s: String) -> String { String(s.lowercased().filter { $0.isLetter || $0.isNumber }) }
        let titles = ["Implementation-Title", "Bundle-Name", "Specification-Title"].compactMap { m[$0] }.map(squash)
        let symbolic = m["Bundle-SymbolicName"].map { clean($0).split(separator: ".").last.map(String.init) ?? "" }
        if let p = poms.first(where: { p in titles.contains(squash(p.artifactID)) || symbolic == p.artifactID }) { return p }
        let versions = Set([fileName.version, m["Implementation-Version"], m["Bundle-Version"]].compactMap { $0 }.filter { !$0.isEmpty })
        return poms.first { versions.contains($0.version) }
    }

    /// The groupId, cleaned of OSGi directives; an empty one is replaced by a dotted artifactId, which
    /// publishers sometimes fill with the group.
    static func groupID(_ pom: JavaPomProperties) -> String? {
        let g = clean(pom.groupID)
        if !g.isEmpty { return g }
        return pom.artifactID.contains(".") ? clean(pom.artifactID) : nil
    }

    private static func clean(_ value: String) -> String {
        var v = Substring(value)
        if let semicolon = v.firstIndex(of: ";") { v = v[..<semicolon] }
        if let hash = v.firstIndex(of: "#") { v = v[..<hash] }
        return v.trimmingCharacters(in: .whitespaces)
    }

    /// syft's order: the Maven bundle plugin's symbolic name, the file name, then manifest titles.
    static func selectName(_ m: [String: String], _ file: JavaArchiveFileName) -> String? {
        if m["Created-By"]?.contains("Apache Maven Bundle Plugin") == true, let symbolic = m["Bundle-SymbolicName"],
           m["Implementation-Vendor-Id"] != symbolic, let last = clean(symbolic).split(separator: ".").last {
            return String(last)
        }
        let candidates = [file.artifactName, m["Name"], m["Bundle-Name"], m["Short-Name"], m["Extension-Name"],
                          m["Implementation-Title"]]
        return candidates.compactMap { $0 }.first { !$0.isEmpty }
    }

    /// syft's order: the file name's version, then the manifest's.
    static func selectVersion(_ m: [String: String], _ file: JavaArchiveFileName) -> String {
        let candidates = [file.version, m["Implementation-Version"], m["Specification-Version"], m["Plugin-Version"],
                          m["Bundle-Version"]]
        return candidates.compactMap { $0 }.first { !$0.isEmpty } ?? ""
    }

    /// A reverse-domain value from the manifest fields syft consults, primary fields first, the
    /// alphabetically first candidate within a tier.
    static func groupIDFromManifest(_ m: [String: String]) -> String? {
        let tiers = [
            ["Group-Id", "Bundle-SymbolicName", "Extension-Name", "Specification-Vendor", "Implementation-Vendor",
             "Implementation-Vendor-Id", "Implementation-Title", "Bundle-Activator"],
            ["Automatic-Module-Name", "Main-Class"],
        ]
        for tier in tiers {
            let ids = tier.compactMap { m[$0] }.filter(looksLikeReverseDomain).map(clean).filter { !$0.isEmpty }
            if let first = ids.sorted().first { return first }
        }
        return nil
    }

    private static func looksLikeReverseDomain(_ value: String) -> Bool {
        ["com.", "org.", "net.", "io.", "be."].contains { value.hasPrefix($0) }
    }

    static func supplier(_ m: [String: String]) -> String? {
        guard let vendor = (m["Implementation-Vendor"] ?? m["Bundle-Vendor"])?.trimmingCharacters(in: .whitespaces),
              !vendor.isEmpty else { return nil }
        return "Organization: " + vendor
    }

    /// `Bundle-License` when it names a licence SPDX knows (an id, or one of the common licence URLs).
    static func licenses(_ m: [String: String]) -> [String] {
        guard let raw = m["Bundle-License"] else { return [] }
        let value = clean(raw)
        let lower = value.lowercased()
        for (fragment, id) in licenseURLs where lower.contains(fragment) { return [id] }
        guard let e = SPDXLicense.expression(value), !e.hasPrefix("LicenseRef-") else { return [] }
        return [e]
    }

    private static let licenseURLs: [(String, String)] = [
        ("apache.org/licenses/license-2.0", "Apache-2.0"), ("opensource.org/licenses/mit", "MIT"),
        ("eclipse.org/legal/epl-v10", "EPL-1.0"), ("eclipse.org/legal/epl-2.0", "EPL-2.0"),
        ("eclipse.org/legal/epl-v20", "EPL-2.0"), ("opensource.org/licenses/bsd-3-clause", "BSD-3-Clause"),
        ("gnu.org/licenses/lgpl-2.1", "LGPL-2.1-only"), ("opensource.org/licenses/apache-2.0", "Apache-2.0"),
    ]
}
