import Foundation

/// What the CI system running vouch says about the build: who built (builder id), which run
/// (invocation id, the run's URL where the CI has one), from which source. Read only from variables
/// each CI documents; see `CIEnvironment+Detectors.swift` for the table. Explicit flags always win:
/// the CLI builds `ProvenanceOverrides` from `--builder-id`, `--source-uri`, … and calls `merging`.
public struct CIEnvironment: Equatable, Sendable {
    /// The CI system's name ("GitHub Actions"), or what the caller calls a flags-only context.
    public var name: String
    public var builderID: String?
    public var invocationID: String?
    /// `git+https://host/org/repo`, credentials removed.
    public var sourceURI: String?
    /// Fully qualified: `refs/heads/main`, `refs/tags/v1`, `refs/pull/7/merge`.
    public var sourceRef: String?
    /// The commit built, e.g. `["gitCommit": "<40 hex>"]`.
    public var sourceDigest: [String: String]
    /// CI facts worth recording in `internalParameters` (workflow ref, runner environment, job name…).
    public var details: [String: String]

    public init(name: String, builderID: String? = nil, invocationID: String? = nil, sourceURI: String? = nil,
                sourceRef: String? = nil, sourceDigest: [String: String] = [:], details: [String: String] = [:]) {
        self.name = name
        self.builderID = builderID
        self.invocationID = invocationID
        self.sourceURI = sourceURI
        self.sourceRef = sourceRef
        self.sourceDigest = sourceDigest
        self.details = details
    }

    /// The CI system this environment belongs to, or nil when none is recognised.
    /// Empty variables count as unset.
    public static func detect(_ env: [String: String]) -> CIEnvironment? {
        let vars = CIVariables(env)
        for detector in CIDetectors.all {
            if let found = detector(vars) { return found }
        }
        return nil
    }

    /// The source as one value, when a source URI is known.
    public var source: ProvenanceSource? {
        sourceURI.map { ProvenanceSource(uri: $0, ref: sourceRef, digest: sourceDigest) }
    }

    /// This environment with every field the overrides set replaced. A source URI naming another
    /// repository also drops the detected ref and commit (they describe the CI's checkout, not that
    /// repository) unless the overrides give them too.
    public func merging(overrides: ProvenanceOverrides) -> CIEnvironment {
        var out = self
        if let v = overrides.builderID { out.builderID = v }
        if let v = overrides.invocationID { out.invocationID = v }
        if let uri = overrides.sourceURI {
            let sameRepository = sourceURI.map { ProvenanceSource.sameRepository($0, expected: uri) } ?? false
            if !sameRepository {
                out.sourceRef = nil
                out.sourceDigest = [:]
            }
            out.sourceURI = uri
        }
        if let v = overrides.sourceRef { out.sourceRef = v }
        if let v = overrides.sourceDigest { out.sourceDigest = v }
        return out
    }
}

/// Values the user gave explicitly (CLI flags); nil leaves the detected value.
public struct ProvenanceOverrides: Equatable, Sendable {
    public var builderID: String?
    public var invocationID: String?
    public var sourceURI: String?
    public var sourceRef: String?
    /// Parse `--source-digest` with `ProvenanceSource.parseDigest`.
    public var sourceDigest: [String: String]?

    public init(builderID: String? = nil, invocationID: String? = nil, sourceURI: String? = nil,
                sourceRef: String? = nil, sourceDigest: [String: String]? = nil) {
        self.builderID = builderID
        self.invocationID = invocationID
        self.sourceURI = sourceURI
        self.sourceRef = sourceRef
        self.sourceDigest = sourceDigest
    }
}

/// Environment lookups where an empty value is the same as an unset one.
struct CIVariables {
    let env: [String: String]
    init(_ env: [String: String]) { self.env = env }

    subscript(_ name: String) -> String? {
        guard let v = env[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }

    func isTrue(_ name: String) -> Bool { self[name]?.lowercased() == "true" }

    /// A commit id as a DigestSet; symbolic values (Buildkite allows `HEAD`) are not digests.
    func commitDigest(_ name: String) -> [String: String] {
        guard let v = self[name]?.lowercased(), [40, 64].contains(v.utf8.count), DigestSetRules.isLowercaseHex(v) else { return [:] }
        return ["gitCommit": v]
    }
}
