import Foundation

/// Who supplied the image itself, in SPDX syntax. NTIA's minimum elements require a supplier for
/// every component, the image included, so a value is always chosen, from the most to the least specific.
public struct SubjectSupplier: Equatable, Sendable {
    public enum Source: String, Sendable { case explicit, vendorLabel, authorsLabel, registry, distribution }
    public let value: String
    public let source: Source

    public static func resolve(_ inventory: Inventory, explicit: String?) -> SubjectSupplier? {
        if let explicit, !explicit.isEmpty {
            let prefixed = explicit.hasPrefix("Person: ") || explicit.hasPrefix("Organization: ") ? explicit : "Organization: " + explicit
            return SubjectSupplier(value: prefixed, source: .explicit)
        }
        let labels = inventory.subject.labels
        if let v = labels["org.opencontainers.image.vendor"], !v.isEmpty { return SubjectSupplier(value: "Organization: " + v, source: .vendorLabel) }
        if let a = labels["org.opencontainers.image.authors"], !a.isEmpty { return SubjectSupplier(value: "Organization: " + a, source: .authorsLabel) }
        // A registry repository's first component names its host: the distributor.
        if let repo = inventory.subject.repository, let host = repo.split(separator: "/").first, host.contains(".") || host.contains(":") {
            return SubjectSupplier(value: "Organization: " + host, source: .registry)
        }
        // Last resort: the distribution the image is built on, which supplied most of what is in it.
        if let os = inventory.operatingSystem {
            return SubjectSupplier(value: "Organization: " + (os.name ?? os.id), source: .distribution)
        }
        return nil
    }

    /// The name without the SPDX `Person:`/`Organization:` prefix, as CycloneDX wants it.
    public var plainName: String { BOMReferences.plainName(value) }
}
