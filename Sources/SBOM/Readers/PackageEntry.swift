import Foundation

/// What one SPDX package or CycloneDX component says about a package, in a format-neutral form.
/// `package()` derives what the formats leave implicit (type, architecture, source package) from the purl
/// and from the tools' own properties.
struct PackageEntry {
    var name: String
    var version: String
    var purl: String?
    var cpes: [String] = []
    var licenses: [String] = []
    var supplier: String?
    var description: String?
    var homepage: String?
    var externalRef: String?
    /// Tool properties (`syft:…`, `aquasecurity:trivy:…`, `vouch:…`).
    var properties: [(name: String, value: String)] = []
    /// Source package named by the document's own structure (SPDX `GENERATED_FROM`, `sourceInfo`).
    var sourceName: String?
    var sourceVersion: String?
    var locations: [Location] = []

    init(name: String, version: String) {
        self.name = name
        self.version = version
    }

    func package() -> Package {
        let tool = ToolProperties(properties)
        let parsed = purl.flatMap { try? PackageURL(parsing: $0, enforcingTypeRules: false) }
        let type = parsed.flatMap { PackageEntry.packageType(purlType: $0.type) } ?? tool.packageType ?? .unknown
        let upstream = parsed?.qualifiers["upstream"].map(Upstream.init)

        var source = (name: sourceName ?? upstream?.name ?? tool.sourceName,
                      version: sourceVersion ?? upstream?.version ?? tool.sourceVersion)
        if source.name != nil && source.version == nil && (type == .deb || type == .apk) {
            // syft writes `upstream=glibc` (and no sourceVersion) when source and binary versions are equal.
            source.version = version
        }
        if source.name == nil && (type == .deb || type == .apk) {
            // dpkg and apk omit Source/origin when the source package has the binary's name and version.
            source = (name, version)
        }

        var locations = self.locations
        for l in tool.locations where !locations.contains(where: { $0.path == l.path }) { locations.append(l) }

        var cpes: [String] = []
        for c in self.cpes + tool.cpes where !c.isEmpty && !cpes.contains(c) { cpes.append(c) }

        return Package(
            name: name, version: version, type: type, purl: parsed?.description ?? purl ?? "",
            licenses: licenses, supplier: supplier, sourceName: source.name, sourceVersion: source.version,
            architecture: parsed?.qualifiers["arch"] ?? tool.architecture, description: description, homepage: homepage,
            cpes: cpes, layer: tool.layer ?? locations.first?.layer, locations: locations, foundBy: tool.foundBy ?? "",
            properties: tool.kept, externalRef: externalRef)
    }

    /// The package type a purl type stands for; nil for `generic` and unknown types, so a tool property may say more.
    static func packageType(purlType: String) -> PackageType? {
        switch purlType {
        case "alpine": return .apk  // syft before 0.60 wrote apk packages as `pkg:alpine/…`
        case "generic": return nil
        default:
            let t = PackageType(purlType: purlType)
            return t == .unknown ? nil : t
        }
    }
}

/// The purl `upstream=` qualifier as syft writes it: `glibc`, `util-linux@2.36.1-8+deb11u1` (deb),
/// `openssl-1.1.1k-5.el8.src.rpm` (rpm).
struct Upstream {
    let name: String
    let version: String?

    init(_ raw: String) {
        if raw.hasSuffix(".rpm"), let rpm = SourceRPM(raw) {
            name = rpm.name
            version = rpm.version
        } else if let at = raw.firstIndex(of: "@") {
            name = String(raw[..<at])
            let v = raw[raw.index(after: at)...]
            version = v.isEmpty ? nil : String(v)
        } else {
            name = raw
            version = nil
        }
    }
}

/// Licence fields → SPDX expressions, one list entry per licence so SPDX (`A AND B`) and CycloneDX
/// (`[A, B]`) documents of the same package read back alike.
enum LicenseReading {
    static func expressions(_ raw: String?) -> [String] {
        guard let raw else { return [] }
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return [] }
        // trivy joins several licences with ", ", which no SPDX expression contains.
        let parts = text.contains(",") && !text.contains("(") ? text.split(separator: ",").map(String.init) : [text]
        var out: [String] = []
        for part in parts {
            guard let e = SPDXLicense.expression(part) else { continue }
            let plainConjunction = !e.contains("(") && !e.contains(" OR ") && !e.contains(" WITH ")
            for term in plainConjunction ? e.components(separatedBy: " AND ") : [e] where !out.contains(term) {
                out.append(term)
            }
        }
        return out
    }

    static func expressions(_ list: [String]) -> [String] {
        var out: [String] = []
        for raw in list { for e in expressions(raw) where !out.contains(e) { out.append(e) } }
        return out
    }
}

/// Person and organisation names in SPDX's supplier syntax.
enum SupplierText {
    /// SPDX `supplier`/`originator` values as written, with `NOASSERTION` dropped and `<mail>` made `(mail)`.
    static func spdx(_ raw: String?) -> String? {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty, raw != "NOASSERTION", raw != "NONE" else {
            return nil
        }
        return raw.replacingOccurrences(of: "<", with: "(").replacingOccurrences(of: ">", with: ")")
    }

    /// A bare name (`Ubuntu Developers <x@y>`) with the kind the field implies.
    static func named(_ raw: String?, kind: String) -> String? {
        guard let name = raw?.trimmingCharacters(in: .whitespaces), !name.isEmpty else { return nil }
        if name.hasPrefix("Person: ") || name.hasPrefix("Organization: ") { return spdx(name) }
        return spdx("\(kind): \(name)")
    }
}
