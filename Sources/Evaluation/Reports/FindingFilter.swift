import Foundation
import SBOM

/// The `cves` narrowing flags. Every set flag must hold for a finding to stay; unset flags keep everything.
public struct FindingFilter: Sendable, Equatable {
    /// `--only-severity`: keep these ratings (empty keeps all).
    public var onlySeverities: Set<Severity>
    /// `--only-package-type`: purl types (`deb`, `pypi`, `golang`…); vouch's own type names (`python`) are accepted too.
    public var onlyPackageTypes: Set<String>
    /// `--only-fixed`: keep findings with a fixed version.
    public var onlyFixed: Bool
    /// `--only-unfixed`: keep findings without one (not fixed, won't fix).
    public var onlyUnfixed: Bool
    /// `--only-cve-id`: keep findings known by any of these ids (CVE, GHSA, DSA…; case-insensitive).
    public var onlyCVEIDs: Set<String>
    /// `--ignore-base`: drop findings in packages the base image introduced.
    public var ignoreBase: Bool

    public init(onlySeverities: Set<Severity> = [], onlyPackageTypes: Set<String> = [], onlyFixed: Bool = false,
                onlyUnfixed: Bool = false, onlyCVEIDs: Set<String> = [], ignoreBase: Bool = false) {
        self.onlySeverities = onlySeverities
        self.onlyPackageTypes = onlyPackageTypes
        self.onlyFixed = onlyFixed
        self.onlyUnfixed = onlyUnfixed
        self.onlyCVEIDs = onlyCVEIDs
        self.ignoreBase = ignoreBase
    }

    public enum Conflict: Error, Equatable, CustomStringConvertible {
        case fixedAndUnfixed
        case ignoreBaseWithoutBaseImage

        public var description: String {
            switch self {
            case .fixedAndUnfixed: return "--only-fixed and --only-unfixed exclude each other: nothing could be shown"
            case .ignoreBaseWithoutBaseImage:
                return "--ignore-base needs the base image's layers, and neither the provenance nor the image labels name a base image"
            }
        }
    }

    /// Refuses combinations that can only give an empty or misleading answer.
    public func validate(baseLayers: Set<String>?) throws {
        if onlyFixed && onlyUnfixed { throw Conflict.fixedAndUnfixed }
        if ignoreBase && baseLayers == nil { throw Conflict.ignoreBaseWithoutBaseImage }
    }

    /// The findings that pass, in their original order. `baseLayers` are the base image's diff_ids
    /// (used only with `ignoreBase`; nil or empty drops nothing).
    public func apply(_ findings: [Finding], baseLayers: Set<String>? = nil) -> [Finding] {
        let wantedIDs = Set(onlyCVEIDs.map { $0.uppercased() })
        let wantedTypes = Set(onlyPackageTypes.map { $0.lowercased() })
        return findings.filter { f in
            if !onlySeverities.isEmpty && !onlySeverities.contains(f.severity.rating) { return false }
            if onlyFixed && !f.fix.isFixed { return false }
            if onlyUnfixed && f.fix.isFixed { return false }
            if !wantedTypes.isEmpty && !FindingFilter.typeNames(of: f.package).contains(where: wantedTypes.contains) { return false }
            if !wantedIDs.isEmpty && !([f.id] + f.ids).contains(where: { wantedIDs.contains($0.uppercased()) }) { return false }
            if ignoreBase, let baseLayers, let layer = f.package.layer, baseLayers.contains(layer) { return false }
            return true
        }
    }

    /// The names a user may give for a package's type: its purl type and vouch's own type name.
    static func typeNames(of package: Package) -> [String] {
        [purlType(of: package), package.type.purlType, package.type.rawValue]
    }

    /// The purl type as the purl itself says (what the SBOM recorded), else the one vouch's type maps to.
    static func purlType(of package: Package) -> String {
        let purl = package.purl
        if purl.hasPrefix("pkg:"), let slash = purl.firstIndex(of: "/") {
            let start = purl.index(purl.startIndex, offsetBy: 4)
            if start < slash { return purl[start..<slash].lowercased() }
        }
        return package.type.purlType
    }
}
