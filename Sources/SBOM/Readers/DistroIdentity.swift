import Foundation

/// The distribution an SBOM describes, recovered from what other tools write: an OS component or package
/// (`ubuntu` / `22.04`), or, when there is none (syft's SPDX), the purl `distro=` qualifiers of OS packages.
enum DistroIdentity {
    /// An OS named by id and version as CycloneDX OS components and SPDX OS packages carry them.
    /// Debian's VERSION_ID is the major release; trivy records the point release (`10.2`), kept as `fullVersion`.
    static func named(_ name: String, version: String?) -> OperatingSystem {
        let id = name.lowercased()
        guard let version, !version.isEmpty else { return OperatingSystem(id: id) }
        if !(version.first?.isNumber ?? false) {
            return OperatingSystem(id: id, versionCodename: version)
        }
        if id == "debian", let dot = version.firstIndex(of: ".") {
            var os = OperatingSystem(id: id, versionID: String(version[..<dot]))
            os.fullVersion = version
            return os
        }
        return OperatingSystem(id: id, versionID: version)
    }

    /// `ubuntu-22.04`, `debian-11`, `alpine-3.14.2`, `opensuse-leap-15.4`, `debian-trixie` (no VERSION_ID);
    /// trivy writes only the version (`3.14.2`), so the purl namespace supplies the id.
    static func fromQualifier(_ qualifier: String, namespace: String?) -> OperatingSystem? {
        let q = qualifier.trimmingCharacters(in: .whitespaces)
        guard !q.isEmpty else { return nil }
        if q.first?.isNumber == true {
            guard let ns = namespace, !ns.isEmpty else { return nil }
            return named(ns, version: q)
        }
        guard let dash = q.lastIndex(of: "-") else { return named(q, version: nil) }
        let id = String(q[..<dash])
        let rest = String(q[q.index(after: dash)...])
        return named(id.isEmpty ? (namespace ?? q) : id, version: rest)
    }

    /// The OS that most OS packages (deb, apk, rpm, alpm) name in their `distro=` qualifier; when none has
    /// one (Kubernetes' bom), the vendor their purl namespace names, without a version.
    static func mostCommon(in packages: [Package]) -> OperatingSystem? {
        var withVersion: [OperatingSystem] = [], vendorOnly: [OperatingSystem] = []
        for p in packages where p.type.isOSPackage {
            guard let purl = try? PackageURL(parsing: p.purl, enforcingTypeRules: false) else { continue }
            if let q = purl.qualifiers["distro"], let os = fromQualifier(q, namespace: purl.namespace) {
                withVersion.append(os)
            } else if let ns = purl.namespace, !ns.isEmpty {
                vendorOnly.append(OperatingSystem(id: ns.lowercased()))
            }
        }
        return majority(withVersion) ?? majority(vendorOnly)
    }

    private static func majority(_ list: [OperatingSystem]) -> OperatingSystem? {
        var counts: [String: (count: Int, os: OperatingSystem, first: Int)] = [:]
        for (i, os) in list.enumerated() {
            let key = os.distroQualifier
            if var entry = counts[key] {
                entry.count += 1
                counts[key] = entry
            } else {
                counts[key] = (1, os, i)
            }
        }
        // Most packages win; ties go to the distro named first, so the result does not depend on hashing.
        return counts.values.max { a, b in a.count != b.count ? a.count < b.count : a.first > b.first }?.os
    }
}
