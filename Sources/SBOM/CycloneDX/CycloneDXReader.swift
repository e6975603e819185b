import Foundation
import JSON

/// Reads CycloneDX 1.4–1.6 JSON (syft, trivy, vouch and hand-written documents) into an `Inventory`.
///
/// The subject is `metadata.component`; the OS is the first `operating-system` component (else the purl
/// `distro=` qualifiers); every other component, nested ones included, becomes a package in document order.
/// Unknown fields are ignored; fields the reader relies on must have the right JSON type.
struct CycloneDXReader {
    static let supportedVersions = ["1.4", "1.5", "1.6"]
    let source: String
    private var fields: FieldReader { FieldReader(source: source) }

    init(source: String) { self.source = source }

    func read(_ doc: JSON) throws -> Inventory {
        guard let version = try fields.string(doc, "specVersion", path: "specVersion") else {
            throw SBOMReadError.unsupportedVersion(file: source, format: "CycloneDX", version: "(none: specVersion is missing)",
                                                   supported: Self.supportedVersions)
        }
        guard Self.supportedVersions.contains(version) else {
            throw SBOMReadError.unsupportedVersion(file: source, format: "CycloneDX", version: version, supported: Self.supportedVersions)
        }
        let metadata = try present(doc["metadata"]).map { try fields.object($0, path: "metadata") }
        let subjectComponent = try present(metadata?["component"]).map { try fields.object($0, path: "metadata.component") }

        var components: [JSON] = []
        if let subjectComponent {
            try collect(fields.array(subjectComponent, "components", path: "metadata.component.components"),
                        path: "metadata.component.components", into: &components)
        }
        try collect(fields.array(doc, "components", path: "components"), path: "components", into: &components)

        let subjectRef = subjectComponent?.string("bom-ref")
        var operatingSystem: OperatingSystem?
        var packages: [Package] = []
        for c in components {
            if c.string("type") == "operating-system" {
                if operatingSystem == nil { operatingSystem = osFrom(c) }
                continue
            }
            if let ref = subjectRef, c.string("bom-ref") == ref { continue }
            if isTrivyAggregate(c) { continue }
            guard let entry = entry(c) else { continue }
            packages.append(entry.package())
        }
        var subject = subject(subjectComponent)
        subject.bomSerialNumber = doc.string("serialNumber")
        subject.bomRef = subjectRef
        return Inventory(subject: subject,
                         operatingSystem: operatingSystem ?? DistroIdentity.mostCommon(in: packages),
                         packages: packages, tools: tools(metadata))
    }

    private func present(_ json: JSON?) -> JSON? { json?.isNull == false ? json : nil }

    /// Components in document order, each followed by its nested components.
    private func collect(_ list: [JSON], path: String, into out: inout [JSON]) throws {
        for (i, c) in list.enumerated() {
            let p = "\(path)[\(i)]"
            out.append(try fields.object(c, path: p))
            try collect(fields.array(c, "components", path: p + ".components"), path: p + ".components", into: &out)
        }
    }

    /// trivy lists each lock file or binary it read as an `application` component holding no package itself.
    private func isTrivyAggregate(_ c: JSON) -> Bool {
        guard c.string("type") == "application", c.string("purl") == nil else { return false }
        return c.array("properties").contains { $0.string("name") == "aquasecurity:trivy:Class" }
    }

    private func entry(_ c: JSON) -> PackageEntry? {
        guard let name = c.string("name"), !name.isEmpty else { return nil }
        var e = PackageEntry(name: name, version: c.string("version") ?? "")
        e.purl = c.string("purl").flatMap { $0.isEmpty ? nil : $0 }
        e.externalRef = c.string("bom-ref")
        e.cpes = c.string("cpe").map { [$0] } ?? []
        e.licenses = licenses(c["licenses"])
        e.supplier = SupplierText.named(c["supplier"]?.string("name"), kind: "Organization")
            ?? SupplierText.named(c.string("publisher"), kind: "Person")
            ?? SupplierText.named(c.string("author"), kind: "Person")
        e.description = c.string("description")
        e.homepage = c.array("externalReferences").first { $0.string("type") == "website" }?.string("url")
        e.properties = properties(c)
        e.locations = c["evidence"]?.array("occurrences").compactMap { o in o.string("location").map { Location(path: $0) } } ?? []
        return e
    }

    private func properties(_ c: JSON) -> [(name: String, value: String)] {
        c.array("properties").compactMap { p in
            guard let n = p.string("name"), let v = p.string("value") else { return nil }
            return (n, v)
        }
    }

    /// `[{license: {id}}, {license: {name}}, {expression}]` → SPDX expressions.
    private func licenses(_ json: JSON?) -> [String] {
        var raw: [String] = []
        for choice in json?.array ?? [] {
            if let e = choice.string("expression") {
                raw.append(e)
            } else if let l = choice["license"] {
                if let id = l.string("id") { raw.append(id) } else if let n = l.string("name") { raw.append(n) }
            }
        }
        return LicenseReading.expressions(raw)
    }

    private func osFrom(_ c: JSON) -> OperatingSystem {
        let props = Dictionary(properties(c).map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        let id = props["syft:distro:id"] ?? c.string("name") ?? "unknown"
        var os = DistroIdentity.named(id, version: props["syft:distro:versionID"] ?? c.string("version"))
        if let release = props["vouch:os:release"] { os.fullVersion = release }
        os.versionCodename = props["syft:distro:versionCodename"] ?? props["vouch:os:codename"] ?? os.versionCodename
        os.prettyName = props["syft:distro:prettyName"] ?? c.string("description")
        os.name = props["syft:distro:name"]
        os.cpeName = c.string("cpe")
        os.homeURL = c.array("externalReferences").first { $0.string("type") == "website" }?.string("url")
        let idLike = props.filter { $0.key.hasPrefix("syft:distro:idLike:") }.sorted { $0.key < $1.key }.map(\.value)
        os.idLike = idLike.isEmpty ? (props["vouch:os:idLike"]?.split(separator: " ").map(String.init) ?? []) : idLike
        return os
    }

    private func subject(_ c: JSON?) -> Subject {
        // Without metadata.component the document does not say what it describes; the file is all we know.
        guard let c else { return Subject(kind: .file, name: source) }
        var evidence = SubjectEvidence(name: c.string("name") ?? source)
        switch c.string("type") {
        case "container": evidence.kind = .image
        case nil: evidence.kind = nil
        default: evidence.kind = (evidence.name.hasPrefix("/") || evidence.name.hasPrefix(".")) ? .directory : .file
        }
        evidence.version = c.string("version")
        evidence.purl = c.string("purl")
        evidence.sha256 = c.array("hashes").first { $0.string("alg") == "SHA-256" }?.string("content")
        evidence.properties = properties(c)
        return evidence.subject()
    }

    /// 1.4 lists tools as objects; 1.5+ as `{components: [...], services: [...]}`.
    private func tools(_ metadata: JSON?) -> [String] {
        guard let tools = metadata?["tools"] else { return [] }
        let list = tools.array ?? (tools.array("components") + tools.array("services"))
        return list.compactMap { t in
            guard let name = t.string("name") else { return nil }
            return t.string("version").map { "\(name)-\($0)" } ?? name
        }
    }
}
