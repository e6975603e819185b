import Foundation
import JSON

/// Writes an inventory as CycloneDX JSON (1.6 by default, 1.5 on request).
public struct CycloneDXWriter {
    public enum SpecVersion: String, Sendable, CaseIterable { case v1_5 = "1.5", v1_6 = "1.6" }
    public var specVersion: SpecVersion
    public var options: SBOMWriteOptions

    public init(specVersion: SpecVersion = .v1_6, options: SBOMWriteOptions = SBOMWriteOptions()) {
        self.specVersion = specVersion
        self.options = options
    }

    public func document(_ inventory: Inventory) -> JSON {
        let refs = BOMReferences(inventory)
        var doc: JSONObject = [
            "$schema": .string("http://cyclonedx.org/schema/bom-\(specVersion.rawValue).schema.json"),
            "bomFormat": "CycloneDX",
            "specVersion": .string(specVersion.rawValue),
            "serialNumber": .string("urn:uuid:" + StableID.uuid("cyclonedx|\(specVersion.rawValue)|" + inventory.fingerprint)),
            "version": 1,
        ]
        var metadata: JSONObject = ["timestamp": .string(RFC3339.format(options.resolvedTimestamp(for: inventory)))]
        metadata["tools"] = ["components": [[
            "type": "application", "author": "vouch", "name": .string(options.toolName), "version": .string(options.toolVersion),
        ]]]
        metadata["component"] = subjectComponent(inventory, ref: refs.subject)
        if let supplier = imageSupplier(inventory) { metadata["supplier"] = ["name": .string(supplier)] }
        doc["metadata"] = .object(metadata)

        var components: [JSON] = []
        if let os = inventory.operatingSystem, let osRef = refs.operatingSystem {
            components.append(osComponent(os, ref: osRef))
        }
        for (i, p) in inventory.packages.enumerated() { components.append(component(p, ref: refs.packages[i])) }
        doc["components"] = .array(components)

        var dependsOn = [JSON]()
        if let osRef = refs.operatingSystem { dependsOn.append(.string(osRef)) }
        dependsOn += refs.packages.map { .string($0) }
        var deps: [JSON] = [["ref": .string(refs.subject), "dependsOn": .array(dependsOn)]]
        if let osRef = refs.operatingSystem {
            let osPackages = inventory.packages.indices.filter { inventory.packages[$0].type.isOSPackage }.map { JSON.string(refs.packages[$0]) }
            deps.append(["ref": .string(osRef), "dependsOn": .array(osPackages)])
        }
        doc["dependencies"] = .array(deps)
        return .object(doc)
    }

    public func write(_ inventory: Inventory) -> Data { document(inventory).serialized([.pretty]) }

    func imageSupplier(_ inventory: Inventory) -> String? {
        SubjectSupplier.resolve(inventory, explicit: options.imageSupplier)?.plainName
    }

    func subjectComponent(_ inventory: Inventory, ref: String) -> JSON {
        let s = inventory.subject
        var c: JSONObject = ["bom-ref": .string(ref), "type": .string(s.kind == .image ? "container" : "file"),
                             "name": .string(s.repository ?? s.name)]
        c["version"] = .string(inventory.subjectVersion)
        if let supplier = imageSupplier(inventory) { c["supplier"] = ["name": .string(supplier)] }
        if let purl = inventory.subjectPURL { c["purl"] = .string(purl) }
        if let hex = s.manifestDigest.flatMap({ $0.hasPrefix("sha256:") ? String($0.dropFirst(7)) : nil }) {
            c["hashes"] = [["alg": "SHA-256", "content": .string(hex)]]
        }
        var props: [(String, String)] = []
        if let t = s.tag { props.append(("vouch:image:tag", t)) }
        if let d = s.manifestDigest { props.append(("vouch:image:manifestDigest", d)) }
        if let d = s.configDigest { props.append(("vouch:image:configDigest", d)) }
        if let p = s.platform { props.append(("vouch:image:platform", p)) }
        if let created = s.created { props.append(("vouch:image:created", created)) }
        for (i, d) in s.diffIDs.enumerated() { props.append(("vouch:image:layer:\(i):diffID", d)) }
        for (i, d) in s.layerDigests.enumerated() { props.append(("vouch:image:layer:\(i):digest", d)) }
        for (k, v) in s.labels.sorted(by: { $0.key < $1.key }) { props.append(("vouch:image:label:\(k)", v)) }
        if !props.isEmpty { c["properties"] = CycloneDXWriter.properties(props) }
        return .object(c)
    }

    func osComponent(_ os: OperatingSystem, ref: String) -> JSON {
        var c: JSONObject = ["bom-ref": .string(ref), "type": "operating-system", "name": .string(os.id)]
        if let v = os.versionID ?? os.versionCodename { c["version"] = .string(v) }
        c["supplier"] = ["name": .string(os.name ?? os.id)]
        if let d = os.prettyName { c["description"] = .string(d) }
        if let cpe = os.cpeName { c["cpe"] = .string(cpe) }
        if let url = os.homeURL { c["externalReferences"] = [["type": "website", "url": .string(url)]] }
        var props: [(String, String)] = [("vouch:os:distro", os.distroQualifier)]
        if let c = os.versionCodename { props.append(("vouch:os:codename", c)) }
        if let f = os.fullVersion { props.append(("vouch:os:release", f)) }
        if !os.idLike.isEmpty { props.append(("vouch:os:idLike", os.idLike.joined(separator: " "))) }
        c["properties"] = CycloneDXWriter.properties(props)
        return .object(c)
    }

    func component(_ p: Package, ref: String) -> JSON {
        var c: JSONObject = ["bom-ref": .string(ref), "type": "library"]
        if let supplier = p.supplier { c["supplier"] = ["name": .string(BOMReferences.plainName(supplier))] }
        if let ns = (try? PackageURL(parsing: p.purl))?.namespace, ["maven", "npm", "composer"].contains(p.type.purlType) {
            c["group"] = .string(ns)
        }
        c["name"] = .string(p.name)
        c["version"] = .string(p.version)
        if let d = p.description { c["description"] = .string(d) }
        if let l = licenses(p.licenses) { c["licenses"] = l }
        c["purl"] = .string(p.purl)
        if let cpe = p.cpes.first { c["cpe"] = .string(cpe) }
        if let h = p.homepage, h.contains("://") { c["externalReferences"] = [["type": "website", "url": .string(h)]] }
        if !p.locations.isEmpty {
            c["evidence"] = ["occurrences": .array(p.locations.map { ["location": .string($0.path)] })]
        }
        var props: [(String, String)] = [("vouch:package:foundBy", p.foundBy), ("vouch:package:type", p.type.rawValue)]
        if let l = p.layer { props.append(("vouch:package:layerID", l)) }
        if let s = p.sourceName { props.append(("vouch:package:sourceName", s)) }
        if let s = p.sourceVersion { props.append(("vouch:package:sourceVersion", s)) }
        if let a = p.architecture { props.append(("vouch:package:architecture", a)) }
        for (i, loc) in p.locations.enumerated() {
            props.append(("vouch:location:\(i):path", loc.path))
            if let l = loc.layer { props.append(("vouch:location:\(i):layerID", l)) }
        }
        for (k, v) in p.properties.sorted(by: { $0.key < $1.key }) { props.append((k, v)) }
        c["properties"] = CycloneDXWriter.properties(props)
        return .object(c)
    }

    /// CycloneDX takes either licence objects (ids from the SPDX list, or names) or one expression.
    func licenses(_ list: [String]) -> JSON? {
        guard !list.isEmpty else { return nil }
        let simple = list.allSatisfy { !$0.contains(" ") && !$0.contains("(") }
        if simple {
            return .array(list.map { l in
                SPDXLicense.isIdentifier(l) ? ["license": ["id": .string(l)]] : ["license": ["name": .string(l)]]
            })
        }
        let expr = list.count == 1 ? list[0] : list.map { $0.contains(" ") ? "(\($0))" : $0 }.joined(separator: " AND ")
        return [["expression": .string(expr)]]
    }

    static func properties(_ pairs: [(String, String)]) -> JSON {
        .array(pairs.map { ["name": .string($0.0), "value": .string($0.1)] })
    }
}

/// Unique, stable references for the subject, the OS and each package, shared by both writers.
struct BOMReferences {
    let subject: String
    let operatingSystem: String?
    let packages: [String]

    init(_ inventory: Inventory) {
        subject = inventory.subjectPURL ?? "vouch:subject:" + StableID.short(inventory.subject.name)
        operatingSystem = inventory.operatingSystem.map { "os:\($0.id)@\($0.versionID ?? $0.versionCodename ?? "unknown")" }
        var counts: [String: Int] = [:]
        for p in inventory.packages { counts[p.purl, default: 0] += 1 }
        packages = inventory.packages.map { p in
            counts[p.purl] == 1 ? p.purl : p.purl + "#" + StableID.short(p.purl + "|" + p.locations.map(\.path).joined(separator: ","))
        }
    }

    /// `Person: Jane (jane@x)` → `Jane (jane@x)`; CycloneDX has no SPDX supplier prefix.
    static func plainName(_ s: String) -> String {
        for prefix in ["Person: ", "Organization: ", "Tool: "] where s.hasPrefix(prefix) { return String(s.dropFirst(prefix.count)) }
        return s
    }
}
