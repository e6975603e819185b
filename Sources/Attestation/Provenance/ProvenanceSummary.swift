import Foundation
import JSON

/// The facts a verifier checks in SLSA provenance, read the same way from every producer vouch
/// has seen: SLSA v1 (vouch, GitHub's workflow build type, slsa-github-generator's BYOB and
/// container-based builders, BuildKit, Cloud Build), v0.2 (slsa-github-generator, BuildKit, npm,
/// krel) and v0.1 (Cloud Build). See `ProvenanceSummary+V1.swift` and `+V02.swift` for where each
/// value comes from.
///
/// Required fields (`buildType` and `builder.id`; `builder.id` for v0.1) must be present and strings;
/// wrong types anywhere in the spec's own fields are errors naming the path
/// (`predicate.runDetails.builder.id: expected a string, found a number`). An empty builder id is
/// kept as `""`: BuildKit writes one for local builds. The source is found by heuristics over
/// build-type-specific parameters; shapes that do not fit leave it unset rather than failing.
public struct ProvenanceSummary: Equatable, Sendable {
    public enum Version: String, Sendable {
        case v0_1 = "v0.1"
        case v0_2 = "v0.2"
        case v1 = "v1"
    }

    public var predicateType: String
    public var version: Version
    public var buildType: String?
    /// Always set by `parse` (every version requires it); optional like the other fields so checks
    /// can treat "absent" and "empty" alike.
    public var builderID: String?
    /// The source repository without a ref suffix, as written (`git+https://github.com/org/repo`,
    /// BuildKit's `https://github.com/org/repo.git`, Cloud Build's `https://github.com/org/repo/commit/…`).
    public var sourceURI: String?
    /// `refs/heads/main`, `refs/tags/v1`: an explicit ref field, else the `@refs/…`/`#refs/…` URI suffix.
    public var sourceRef: String?
    public var sourceDigest: [String: String]
    /// The build's entry point: workflow path, Dockerfile path, Cloud Build config.
    public var entryPoint: String?
    /// Top-level keys of `externalParameters` (v1), `invocation.parameters` (v0.2), `recipe.arguments` (v0.1).
    public var externalParameterKeys: [String]
    public var invocationID: String?
    public var startedOn: Date?
    public var finishedOn: Date?
    /// v1 `resolvedDependencies`, v0.2/v0.1 `materials`.
    public var materials: [ResourceDescriptor]

    public var resolvedDependencies: [ResourceDescriptor] { materials }

    /// For callers that describe provenance they did not parse (tests, other formats).
    public init(predicateType: String, version: Version, buildType: String? = nil, builderID: String? = nil,
                sourceURI: String? = nil, sourceRef: String? = nil, sourceDigest: [String: String] = [:],
                entryPoint: String? = nil, externalParameterKeys: [String] = [], invocationID: String? = nil,
                startedOn: Date? = nil, finishedOn: Date? = nil, materials: [ResourceDescriptor] = []) {
        self.predicateType = predicateType
        self.version = version
        self.buildType = buildType
        self.builderID = builderID
        self.sourceURI = sourceURI
        self.sourceRef = sourceRef
        self.sourceDigest = sourceDigest
        self.entryPoint = entryPoint
        self.externalParameterKeys = externalParameterKeys
        self.invocationID = invocationID
        self.startedOn = startedOn
        self.finishedOn = finishedOn
        self.materials = materials
    }

    /// Which SLSA provenance version a predicate type names; v1 drafts (`…/v1.0?draft`) count as v1.
    public static func version(ofPredicateType type: String) -> Version? {
        let base = "https://slsa.dev/provenance/"
        switch type {
        case base + "v0.1": return .v0_1
        case base + "v0.2": return .v0_2
        case base + "v1": return .v1
        default:
            return type.hasPrefix(base + "v1.") || type.hasPrefix(base + "v1?") ? .v1 : nil
        }
    }

    public static func parse(predicateType: String, predicate: JSON) throws -> ProvenanceSummary {
        guard let version = version(ofPredicateType: predicateType) else {
            throw InTotoError.unsupportedPredicateType(predicateType)
        }
        let root = InTotoField(predicate, path: "predicate")
        guard root.isPresent else { throw InTotoError.missingField("predicate") }
        _ = try root.object()
        var summary: ProvenanceSummary
        switch version {
        case .v1: summary = try parseV1(root)
        case .v0_2: summary = try parseV02(root)
        case .v0_1: summary = try parseV01(root)
        }
        summary.predicateType = predicateType
        return summary
    }

    public static func parse(_ statement: InTotoStatement) throws -> ProvenanceSummary {
        try parse(predicateType: statement.predicateType, predicate: statement.predicate)
    }

    /// See `ProvenanceSource.sameRepository`: `github.com/org/repo` matches any scheme.
    public func sourceMatches(_ expected: String) -> Bool {
        guard let sourceURI else { return false }
        return ProvenanceSource.sameRepository(sourceURI, expected: expected)
    }

    /// See `ProvenanceSource.refMatches`: `main` matches `refs/heads/main`.
    public func refMatches(_ expected: String) -> Bool {
        guard let sourceRef else { return false }
        return ProvenanceSource.refMatches(sourceRef, expected: expected)
    }

    /// Exact match, or, when `expected` has no `@`, a match of the builder id without its `@ref`
    /// (slsa-verifier's `--builder-id` without a version).
    public func builderMatches(_ expected: String) -> Bool {
        guard let builderID else { return false }
        if builderID == expected { return true }
        guard !expected.isEmpty, !expected.contains("@"), let at = builderID.lastIndex(of: "@") else { return false }
        return builderID[..<at] == expected
    }

    // MARK: shared reading helpers

    /// An RFC 3339 timestamp member, nil when absent.
    static func timestamp(_ field: InTotoField) throws -> Date? {
        guard let text = try field.string() else { return nil }
        guard let date = ProvenanceTimestamp.parse(text) else {
            throw InTotoError.invalidValue(field: field.path, reason: "\(InTotoError.quoted(text)) is not an RFC 3339 timestamp")
        }
        return date
    }

    static func descriptors(_ field: InTotoField) throws -> [ResourceDescriptor] {
        try (field.array() ?? []).map { try ResourceDescriptor(field: $0) }
    }

    /// Fills the ref from a URI suffix and the digest from the dependency on the same repository,
    /// when the source itself does not carry them.
    mutating func completeSource(uri: String?, ref: String?, digest: [String: String]) {
        guard let uri, !uri.isEmpty else { return }
        let split = ProvenanceSource.splitRef(uri)
        sourceURI = split.uri
        sourceRef = ref ?? split.ref
        sourceDigest = digest
        for m in materials {
            guard let mURI = m.uri, mURI.hasPrefix("git+") || mURI.contains("://"),
                  ProvenanceSource.comparableRepository(mURI) == ProvenanceSource.comparableRepository(split.uri) else { continue }
            if sourceDigest.isEmpty { sourceDigest = m.digest }
            if sourceRef == nil { sourceRef = ProvenanceSource.splitRef(mURI).ref }
            break
        }
    }

    /// The first `git+` material: the source when the parameters do not name one.
    var firstGitMaterial: ResourceDescriptor? {
        materials.first { $0.uri?.hasPrefix("git+") == true }
    }
}

/// Reading helpers for build-type-specific parameters, which never fail: a shape that does not fit
/// a known producer just yields nothing.
extension JSON {
    func lenientStringMap(_ key: String) -> [String: String] {
        guard let o = self[key]?.object else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in o { if let s = v.string { out[k] = s } }
        return out
    }
}
