/// Predicate and statement type URIs vouch writes and reads.
public enum PredicateType {
    public static let spdx = "https://spdx.dev/Document"
    public static let cycloneDX = "https://cyclonedx.org/bom"
    public static let slsaProvenanceV1 = "https://slsa.dev/provenance/v1"
    public static let slsaProvenanceV02 = "https://slsa.dev/provenance/v0.2"
    public static let openVEX = "https://openvex.dev/ns"
    /// No registry assigns in-toto predicate types to CycloneDX VEX or CSAF; these are the documents'
    /// own namespaces, which vouch writes and reads (and any versioned form below them).
    public static let cycloneDXVEX = "https://cyclonedx.org/vex"
    public static let csafVEX = "https://docs.oasis-open.org/csaf/csaf/v2.0"
    public static let vexFamilies = [openVEX, cycloneDXVEX, csafVEX]

    /// cosign's `--type` shorthands, and vouch's own (`sbom-spdx`, …), to URIs; anything else is taken as a URI.
    public static func resolve(_ name: String) -> String {
        switch name.lowercased() {
        case "spdx", "spdxjson", "spdx-json": return spdx
        case "cyclonedx", "cyclonedx-json", "cdx": return cycloneDX
        case "slsaprovenance1", "provenance", "slsa", "slsa1", "slsaprovenance-v1": return slsaProvenanceV1
        case "slsaprovenance", "slsaprovenance02": return slsaProvenanceV02
        case "openvex", "vex": return openVEX
        case "cyclonedx-vex", "cdx-vex": return cycloneDXVEX
        case "csaf", "csaf-vex": return csafVEX
        case "vuln": return "https://cosign.sigstore.dev/attestation/vuln/v1"
        case "custom": return "https://cosign.sigstore.dev/attestation/v1"
        default: return name
        }
    }

    /// Versioned variants (`https://spdx.dev/Document/v2.3`, `https://cyclonedx.org/bom/v1.6`,
    /// `https://openvex.dev/ns/v0.2.0`) count as their family.
    public static func family(of uri: String) -> String {
        for base in [spdx, cycloneDX, openVEX, cycloneDXVEX, csafVEX] where uri == base || uri.hasPrefix(base + "/") { return base }
        return uri
    }
}

public enum StatementType {
    public static let v1 = "https://in-toto.io/Statement/v1"
    public static let v01 = "https://in-toto.io/Statement/v0.1"
}
