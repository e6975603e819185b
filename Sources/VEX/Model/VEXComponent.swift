/// A product or subcomponent as a VEX statement names it. Formats differ in how they name things
/// (OpenVEX `@id` + identifiers + hashes, CycloneDX bom-refs and BOM-links, CSAF product ids resolved
/// through the product tree); readers keep every name so matching can use each and explain misses.
public struct VEXComponent: Sendable, Equatable, Hashable {
    /// The id as written: an IRI, a purl, a CSAF product id's full name, a CycloneDX bom-ref.
    public var id: String?
    /// A package URL, from `@id` when it is one, or from `identifiers.purl`/`product_identification_helper`.
    public var purl: String?
    /// CPE 2.2 or 2.3 name, when given.
    public var cpe: String?
    /// Hashes by OpenVEX algorithm name (`sha-256`, `sha-512`, …) to lowercase hex.
    public var hashes: [String: String]
    /// A CycloneDX BOM-link (`urn:cdx:<serial>/<version>#<bom-ref>`), split.
    public var bomLink: BOMLink?
    /// Subcomponents (OpenVEX `products[].subcomponents`, CSAF relationships): packages inside this product.
    public var subcomponents: [VEXComponent]

    public init(id: String? = nil, purl: String? = nil, cpe: String? = nil, hashes: [String: String] = [:],
                bomLink: BOMLink? = nil, subcomponents: [VEXComponent] = []) {
        self.id = id
        self.purl = purl
        self.cpe = cpe
        self.hashes = hashes
        self.bomLink = bomLink
        self.subcomponents = subcomponents
    }

    /// An image digest (`sha256:…`) as OpenVEX `hashes` (its appendix A, from IANA: `sha-256`, `sha-384`,
    /// `sha-512`); empty for any other algorithm or a malformed digest.
    public static func hashes(ofDigest digest: String?) -> [String: String] {
        guard let digest, let colon = digest.firstIndex(of: ":"),
              let key = ["sha256": "sha-256", "sha384": "sha-384", "sha512": "sha-512"][digest[..<colon].lowercased()] else { return [:] }
        return [key: String(digest[digest.index(after: colon)...]).lowercased()]
    }

    /// The name explanations print: the purl, else the id, else a hash, else the BOM-link.
    public var displayName: String {
        purl ?? id ?? hashes.sorted { $0.key < $1.key }.first.map { "\($0.key):\($0.value)" } ?? bomLink?.description ?? "(unnamed)"
    }
}

/// `urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:npm/x@1` split into its three parts.
public struct BOMLink: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var serialNumber: String
    public var version: Int
    /// The bom-ref inside that BOM; nil for a link to the whole BOM.
    public var ref: String?

    public init(serialNumber: String, version: Int, ref: String?) {
        self.serialNumber = serialNumber
        self.version = version
        self.ref = ref
    }

    /// Parses `urn:cdx:<uuid>/<version>[#<bom-ref>]`; nil when the text is not a BOM-link.
    public init?(_ text: String) {
        guard text.hasPrefix("urn:cdx:") else { return nil }
        let rest = text.dropFirst("urn:cdx:".count)
        let hashIndex = rest.firstIndex(of: "#")
        let head = hashIndex.map { rest[..<$0] } ?? rest[...]
        guard let slash = head.lastIndex(of: "/"), let version = Int(head[head.index(after: slash)...]), version >= 1 else { return nil }
        let serial = String(head[..<slash])
        guard !serial.isEmpty else { return nil }
        self.serialNumber = serial
        self.version = version
        self.ref = hashIndex.map { String(rest[rest.index(after: $0)...]).removingPercentEncoding ?? String(rest[rest.index(after: $0)...]) }
    }

    public var description: String { "urn:cdx:\(serialNumber)/\(version)" + (ref.map { "#" + $0 } ?? "") }
}
