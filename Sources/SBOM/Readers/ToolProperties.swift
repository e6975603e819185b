import Foundation

/// The per-package facts syft, trivy and vouch record as name/value properties (CycloneDX `properties`,
/// trivy's SPDX `attributionTexts`, vouch's SPDX annotations), reduced to what the inventory models.
struct ToolProperties {
    var foundBy: String?
    var packageType: PackageType?
    var architecture: String?
    var sourceName: String?
    var sourceVersion: String?
    var layer: String?
    var locations: [Location] = []
    var cpes: [String] = []
    /// `vouch:` properties not modelled elsewhere, kept so an inventory survives a write/read round trip.
    var kept: [String: String] = [:]

    init(_ pairs: [(name: String, value: String)]) {
        var syftPaths: [Int: String] = [:], syftLayers: [Int: String] = [:]
        var vouchPaths: [Int: String] = [:], vouchLayers: [Int: String] = [:]
        var trivy: [String: String] = [:]
        var syftSourceRPM: String?
        for (name, value) in pairs where !value.isEmpty {
            if name.hasPrefix("aquasecurity:trivy:") {
                trivy[String(name.dropFirst("aquasecurity:trivy:".count))] = value
                continue
            }
            switch name {
            case "syft:package:foundBy", "vouch:package:foundBy": foundBy = value
            case "syft:package:type": packageType = ToolProperties.syftTypes[value]
            case "vouch:package:type": packageType = PackageType(rawValue: value)
            case "vouch:package:architecture", "syft:metadata:architecture": architecture = architecture ?? value
            case "syft:metadata:source", "syft:metadata:originPackage", "vouch:package:sourceName": sourceName = value
            case "syft:metadata:sourceVersion", "vouch:package:sourceVersion": sourceVersion = value
            case "syft:metadata:sourceRpm": syftSourceRPM = value
            case "vouch:package:layerID": layer = value
            case "syft:cpe23": cpes.append(value)
            default:
                if let (i, field) = ToolProperties.indexed(name, prefix: "syft:location:") {
                    if field == "path" { syftPaths[i] = value } else if field == "layerID" { syftLayers[i] = value }
                } else if let (i, field) = ToolProperties.indexed(name, prefix: "vouch:location:") {
                    if field == "path" { vouchPaths[i] = value } else if field == "layerID" { vouchLayers[i] = value }
                } else if name.hasPrefix("vouch:") {
                    kept[name] = value
                }
            }
        }
        if sourceName == nil, let rpm = syftSourceRPM, let nvr = SourceRPM(rpm) {
            sourceName = nvr.name
            sourceVersion = nvr.version
        }
        applyTrivy(trivy)
        let paths = vouchPaths.isEmpty ? syftPaths : vouchPaths
        let layers = vouchPaths.isEmpty ? syftLayers : vouchLayers
        locations += paths.keys.sorted().compactMap { i in paths[i].map { Location(path: $0, layer: layers[i]) } }
        if layer == nil { layer = locations.first?.layer }
    }

    /// trivy splits the source version like RPM does: `SrcEpoch:SrcVersion-SrcRelease`.
    private mutating func applyTrivy(_ t: [String: String]) {
        if sourceName == nil, let name = t["SrcName"] {
            sourceName = name
            if let v = t["SrcVersion"] {
                var full = v
                if let r = t["SrcRelease"] { full += "-" + r }
                if let e = t["SrcEpoch"], e != "0" { full = e + ":" + full }
                sourceVersion = full
            }
        }
        if layer == nil { layer = t["LayerDiffID"] }
        if let path = t["FilePath"] { locations.append(Location(path: path, layer: t["LayerDiffID"])) }
    }

    /// `syft:location:3:path` → (3, "path").
    private static func indexed(_ name: String, prefix: String) -> (Int, String)? {
        guard name.hasPrefix(prefix) else { return nil }
        let parts = name.dropFirst(prefix.count).split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let i = Int(parts[0]), i >= 0 else { return nil }
        return (i, String(parts[1]))
    }

    /// syft's package types, for entries that carry no purl.
    static let syftTypes: [String: PackageType] = [
        "deb": .deb, "apk": .apk, "rpm": .rpm, "alpm": .alpm, "python": .python, "java-archive": .java,
        "jenkins-plugin": .java, "go-module": .golang, "npm": .npm, "gem": .gem, "php-composer": .composer,
        "dotnet": .nuget, "rust-crate": .cargo, "binary": .binary,
    ]

    /// Keys trivy writes into SPDX `attributionTexts` as `Key: value` lines.
    static let trivyAttributionKeys: Set<String> = [
        "PkgID", "PkgType", "LayerDigest", "LayerDiffID", "SrcName", "SrcVersion", "SrcRelease", "SrcEpoch", "FilePath",
        "SchemaVersion", "ImageID", "RepoDigest", "RepoTag", "DiffID", "Reference", "Size",
    ]

    /// trivy's SPDX `attributionTexts` (`LayerDiffID: sha256:…`) as the CycloneDX property pairs it also writes.
    static func trivyPairs(fromAttributionTexts texts: [String]) -> [(name: String, value: String)] {
        texts.compactMap { text in
            guard let colon = text.range(of: ": ") else { return nil }
            let key = String(text[..<colon.lowerBound])
            guard trivyAttributionKeys.contains(key) else { return nil }
            return ("aquasecurity:trivy:" + key, String(text[colon.upperBound...]))
        }
    }
}

/// A source RPM file name, `openssl-1.1.1k-5.el8.src.rpm`: name, then `version-release`.
struct SourceRPM {
    let name: String
    let version: String

    init?(_ fileName: String) {
        var stem = Substring(fileName)
        for suffix in [".src.rpm", ".nosrc.rpm"] where stem.hasSuffix(suffix) { stem = stem.dropLast(suffix.count) }
        guard let lastDash = stem.lastIndex(of: "-") else { return nil }
        let beforeRelease = stem[..<lastDash]
        guard let versionDash = beforeRelease.lastIndex(of: "-") else { return nil }
        let name = beforeRelease[..<versionDash]
        guard !name.isEmpty else { return nil }
        self.name = String(name)
        self.version = String(stem[stem.index(after: versionDash)...])
    }
}
