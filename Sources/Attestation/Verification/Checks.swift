import Foundation

/// The DSSE signatures verify with the trusted keys (at least `threshold` distinct keys).
public struct SignatureCheck: VerificationCheck {
    public let name = "signature"
    public let keys: [PublicKey]
    public let threshold: Int
    public init(keys: [PublicKey], threshold: Int = 1) { self.keys = keys; self.threshold = threshold }

    public func evaluate(_ evidence: AttestationEvidence) -> CheckOutcome {
        guard let envelope = evidence.envelope else {
            return .fail(name, "not signed: a bare in-toto statement, no DSSE envelope")
        }
        let result = envelope.verify(trusting: keys, threshold: threshold)
        if let failure = result.failure {
            let detail = result.checks.compactMap { c in c.problem.map { "signature \(c.index + 1): \($0)" } }.prefix(3)
            return .fail(name, "\(failure)" + (detail.isEmpty ? "" : " (" + detail.joined(separator: "; ") + ")"))
        }
        let by = result.verifyingKeys.map { "\($0.algorithmName) key \($0.keyID.prefix(16))" }.joined(separator: ", ")
        return .pass(name, "verified by \(by)")
    }
}

/// The envelope says it carries an in-toto statement.
public struct PayloadTypeCheck: VerificationCheck {
    public let name = "payload-type"
    public init() {}
    public func applies(to evidence: AttestationEvidence) -> Bool { evidence.envelope != nil }
    public func evaluate(_ evidence: AttestationEvidence) -> CheckOutcome {
        guard let t = evidence.envelope?.payloadType else { return .fail(name, "no envelope") }
        return t == DSSE.inTotoPayloadType
            ? .pass(name, t)
            : .fail(name, "payloadType is '\(t)', expected '\(DSSE.inTotoPayloadType)'")
    }
}

/// `_type` is an accepted in-toto Statement version.
public struct StatementTypeCheck: StatementCheck {
    public let name = "statement-type"
    public let allowed: [String]
    public init(allowed: [String] = [StatementType.v1, StatementType.v01]) { self.allowed = allowed }
    func evaluate(_ statement: InTotoStatement, in evidence: AttestationEvidence) -> CheckOutcome {
        allowed.contains(statement.type)
            ? .pass(name, statement.type)
            : .fail(name, "'\(statement.type)' is not allowed (allowed: \(allowed.joined(separator: ", ")))")
    }
}

/// One of the statement's subjects is the image's manifest digest (or, when given, the digest of
/// an index that lists it: cosign attests whatever digest it was handed, often the index).
public struct SubjectDigestCheck: StatementCheck {
    public let name = "subject"
    /// `(algorithm, hex, what)`: the image manifest first.
    let accepted: [(algorithm: String, hex: String, what: String)]

    /// Digests as `sha256:<hex>`; `indexDigests` are indexes that list the image manifest.
    public init(digest: String, indexDigests: [String] = []) {
        func split(_ d: String, _ what: String) -> (String, String, String) {
            let parts = d.split(separator: ":", maxSplits: 1)
            return (parts.count == 2 ? String(parts[0]) : "sha256", String(parts.last ?? "").lowercased(), what)
        }
        accepted = [split(digest, "image manifest")] + indexDigests.map { split($0, "index listing the image") }
    }

    func evaluate(_ statement: InTotoStatement, in evidence: AttestationEvidence) -> CheckOutcome {
        for a in accepted where statement.subjects.contains(where: { $0.digest[a.algorithm]?.lowercased() == a.hex }) {
            return .pass(name, "subject digest is the \(a.what)'s \(a.algorithm):\(a.hex.prefix(12))…")
        }
        let seen = statement.subjects.flatMap { s in s.digest.map { "\($0.key):\($0.value.prefix(12))…" } }
        let target = accepted.first.map { "\($0.algorithm):\($0.hex.prefix(12))…" } ?? "?"
        return .fail(name, "no subject is the image digest \(target) (subjects: \(seen.isEmpty ? "none" : seen.joined(separator: ", ")))")
    }
}

/// The statement's predicate type is one the verifier asked for, and the one its container claimed.
public struct PredicateTypeCheck: StatementCheck {
    public let name = "predicate-type"
    /// Accepted families; empty accepts any.
    public let expected: [String]
    public init(expected: [String]) { self.expected = expected.map(PredicateType.family(of:)) }
    func evaluate(_ statement: InTotoStatement, in evidence: AttestationEvidence) -> CheckOutcome {
        let actual = statement.predicateType
        if let claimed = evidence.claimedPredicateType, PredicateType.family(of: claimed) != PredicateType.family(of: actual) {
            return .fail(name, "statement says '\(actual)' but its annotation claims '\(claimed)'")
        }
        if !expected.isEmpty, !expected.contains(PredicateType.family(of: actual)) {
            return .fail(name, "'\(actual)' is not an expected type (\(expected.joined(separator: ", ")))")
        }
        return .pass(name, actual)
    }
}

/// The provenance names a trusted builder.
public struct BuilderIDCheck: ProvenanceCheck {
    public let name = "builder-id"
    public let expected: ValueMatchers
    public init(expected: ValueMatchers) { self.expected = expected }
    func evaluate(_ p: ProvenanceSummary) -> CheckOutcome {
        guard let id = p.builderID, !id.isEmpty else { return .fail(name, "provenance names no builder id") }
        return expected.matches(id, exact: p.builderMatches) ? .pass(name, "'\(id)' matches \(expected)") : .fail(name, "'\(id)' does not match \(expected)")
    }
}

/// The provenance was built from the expected source repository.
public struct SourceURICheck: ProvenanceCheck {
    public let name = "source-uri"
    public let expected: ValueMatchers
    public init(expected: ValueMatchers) { self.expected = expected }
    func evaluate(_ p: ProvenanceSummary) -> CheckOutcome {
        guard let uri = p.sourceURI, !uri.isEmpty else { return .fail(name, "provenance names no source uri") }
        return expected.matches(uri, exact: p.sourceMatches) ? .pass(name, "'\(uri)' matches \(expected)") : .fail(name, "'\(uri)' does not match \(expected)")
    }
}

/// The provenance was built from the expected branch or tag.
public struct SourceRefCheck: ProvenanceCheck {
    public let name = "source-ref"
    public let expected: ValueMatchers
    public init(expected: ValueMatchers) { self.expected = expected }
    func evaluate(_ p: ProvenanceSummary) -> CheckOutcome {
        guard let ref = p.sourceRef, !ref.isEmpty else { return .fail(name, "provenance names no source ref") }
        return expected.matches(ref, exact: p.refMatches) ? .pass(name, "'\(ref)' matches \(expected)") : .fail(name, "'\(ref)' does not match \(expected)")
    }
}

/// The provenance's build type is an expected one (SLSA: verifiers check buildType).
public struct BuildTypeCheck: ProvenanceCheck {
    public let name = "build-type"
    public let expected: ValueMatchers
    public init(expected: ValueMatchers) { self.expected = expected }
    func evaluate(_ p: ProvenanceSummary) -> CheckOutcome {
        guard let t = p.buildType, !t.isEmpty else { return .fail(name, "provenance names no build type") }
        return expected.matches(t) ? .pass(name, "'\(t)' matches \(expected)") : .fail(name, "'\(t)' does not match \(expected)")
    }
}

/// Only known external parameters were set (SLSA: unrecognised ones should fail verification).
public struct ExternalParametersCheck: ProvenanceCheck {
    public let name = "external-parameters"
    public let allowed: Set<String>
    public init(allowed: Set<String>) { self.allowed = allowed }
    func evaluate(_ p: ProvenanceSummary) -> CheckOutcome {
        let unknown = p.externalParameterKeys.filter { !allowed.contains($0) }.sorted()
        return unknown.isEmpty
            ? .pass(name, "only allowed keys (\(p.externalParameterKeys.sorted().joined(separator: ", ")))")
            : .fail(name, "unrecognised external parameters: \(unknown.joined(separator: ", "))")
    }
}
