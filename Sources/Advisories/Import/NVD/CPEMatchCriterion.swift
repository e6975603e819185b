import Foundation

/// One vulnerable CPE match of an NVD record (`configurations[].nodes[].cpeMatch[]` with
/// `vulnerable: true`): a CPE name, optionally with a version range, that the CVE affects.
///
/// The version range follows NVD: the name's `version` is `*` and the four bounds say which versions
/// are affected (none at all means every version); a concrete `version` names the one version affected.
public struct CPEMatchCriterion: Sendable, Equatable {
    /// `criteria` as NVD wrote it (what reports show).
    public var criteria: String
    /// `criteria` parsed; its vendor and product are the lookup key.
    public var name: CPEName
    /// NVD's `matchCriteriaId` (a UUID naming this criteria and range), when given.
    public var matchCriteriaID: String?
    public var versionStartIncluding: String?
    public var versionStartExcluding: String?
    public var versionEndIncluding: String?
    public var versionEndExcluding: String?
    /// Platforms the configuration requires alongside this match (NVD's "running on/with"
    /// conditions: non-vulnerable `o:` or `h:` names ANDed with it). vouch cannot evaluate them
    /// against an image, so the match stands and reports name them.
    public var platforms: [String]

    /// Longest version bound accepted; NVD's are a few characters.
    public static let maximumBoundLength = 128

    /// Throws `CPENameError` for a criteria string that is not a matchable CPE 2.3 name (vendor and
    /// product must both be values: an ANY vendor or product would match everything) and
    /// `CPEMatchCriterionError` for an unusable version bound.
    public init(criteria: String, matchCriteriaID: String? = nil, versionStartIncluding: String? = nil,
                versionStartExcluding: String? = nil, versionEndIncluding: String? = nil,
                versionEndExcluding: String? = nil, platforms: [String] = []) throws {
        let name = try CPEName(parsing: criteria)
        guard name.vendor.text != nil, name.product.text != nil else {
            throw CPENameError(criteria, "has no concrete vendor and product to look it up by")
        }
        for (field, bound) in [("versionStartIncluding", versionStartIncluding), ("versionStartExcluding", versionStartExcluding),
                               ("versionEndIncluding", versionEndIncluding), ("versionEndExcluding", versionEndExcluding)] {
            guard let bound else { continue }
            guard !bound.isEmpty, bound.utf8.count <= Self.maximumBoundLength,
                  bound.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) else {
                throw CPEMatchCriterionError(criteria: criteria, field: field, bound: bound)
            }
        }
        self.criteria = criteria; self.name = name; self.matchCriteriaID = matchCriteriaID
        self.versionStartIncluding = versionStartIncluding; self.versionStartExcluding = versionStartExcluding
        self.versionEndIncluding = versionEndIncluding; self.versionEndExcluding = versionEndExcluding
        self.platforms = platforms
    }

    /// The lookup key: logical vendor and product, lowercased.
    public var vendor: String { name.vendor.text ?? "" }
    public var product: String { name.product.text ?? "" }

    /// `>=1.1.1, <1.1.1x`; `=3.2.0` for a concrete version; `all versions` with neither.
    public var rangeDescription: String {
        var parts: [String] = []
        if let v = name.version.text { parts.append("=\(v)") }
        if let v = versionStartIncluding { parts.append(">=\(v)") }
        if let v = versionStartExcluding { parts.append(">\(v)") }
        if let v = versionEndIncluding { parts.append("<=\(v)") }
        if let v = versionEndExcluding { parts.append("<\(v)") }
        return parts.isEmpty ? "all versions" : parts.joined(separator: ", ")
    }
}

/// A version bound of an NVD CPE match that vouch will not compare (empty, too long, or not printable ASCII).
public struct CPEMatchCriterionError: Error, Equatable, Sendable, CustomStringConvertible {
    public let criteria: String
    public let field: String
    public let bound: String

    init(criteria: String, field: String, bound: String) {
        self.criteria = String(criteria.prefix(120)); self.field = field; self.bound = String(bound.prefix(80))
    }

    public var description: String { "CPE match \(criteria.debugDescription): \(field) \(bound.debugDescription) is not a version" }
}
