import Foundation
import JSON

/// One attestation's checks.
public struct AttestationResult {
    public let location: String
    public let encoding: AttestationEvidence.Encoding?
    public let predicateType: String?
    public let outcomes: [CheckOutcome]
    public var passed: Bool { !outcomes.isEmpty && outcomes.allSatisfy(\.passed) }
}

/// Whether one required predicate type has an attestation passing every check.
public struct RequirementResult {
    public let predicateTypes: [String]
    public let satisfied: Bool
    public let reason: String
}

public struct VerificationReport {
    public let image: String
    public let digest: String
    public let attestations: [AttestationResult]
    public let requirements: [RequirementResult]
    public var verified: Bool { !requirements.isEmpty && requirements.allSatisfy(\.satisfied) }
}

/// Runs a policy's checks over the attestations found for one image and decides, per required
/// predicate type, whether at least one attestation of that type passes all of them.
public struct AttestationVerifier {
    public let policy: VerificationPolicy
    public let imageDigest: String
    /// Indexes listing the image manifest, whose digest a statement may name instead.
    public let indexDigests: [String]

    public init(policy: VerificationPolicy, imageDigest: String, indexDigests: [String] = []) {
        self.policy = policy
        self.imageDigest = imageDigest
        self.indexDigests = indexDigests
    }

    /// The predicate types to look for, as families; without any, SLSA provenance (either version).
    public var requirements: [[String]] {
        policy.requiredPredicateTypes.isEmpty
            ? [[PredicateType.slsaProvenanceV1, PredicateType.slsaProvenanceV02]]
            : policy.requiredPredicateTypes.map { [PredicateType.family(of: $0)] }
    }

    /// Whether an attachment with this claimed type could satisfy a requirement (unknown: maybe).
    public func wants(claimedPredicateType: String?) -> Bool {
        guard let claimed = claimedPredicateType else { return true }
        return requirements.contains { $0.contains(PredicateType.family(of: claimed)) }
    }

    /// `unreadable` are attachments whose blob or envelope could not be decoded: reported, never passing.
    public func verify(image: String, evidence: [AttestationEvidence],
                       unreadable: [(location: String, predicateType: String?, reason: String)] = []) throws -> VerificationReport {
        var results: [(AttestationResult, family: String?)] = []
        for requirement in requirements {
            var p = policy
            p.requiredPredicateTypes = requirement
            let checks = try p.checks(imageDigest: imageDigest, indexDigests: indexDigests)
            for e in evidence where relevant(e, to: requirement) {
                let outcomes = checks.filter { $0.applies(to: e) }.map { $0.evaluate(e) }
                let type = (try? e.statement.get().predicateType) ?? e.claimedPredicateType
                results.append((AttestationResult(location: e.location, encoding: e.encoding, predicateType: type, outcomes: outcomes),
                                requirement.first))
            }
        }
        for u in unreadable {
            let r = AttestationResult(location: u.location, encoding: nil, predicateType: u.predicateType,
                                      outcomes: [.fail("envelope", u.reason)])
            results.append((r, u.predicateType.map(PredicateType.family(of:))))
        }
        let requirementResults = requirements.map { requirement -> RequirementResult in
            let mine = results.filter { r in r.family.map(requirement.contains) ?? false }.map(\.0)
            let label = requirement.joined(separator: " or ")
            if let ok = mine.first(where: \.passed) {
                return RequirementResult(predicateTypes: requirement, satisfied: true, reason: "\(label): verified (\(ok.location))")
            }
            if mine.isEmpty {
                return RequirementResult(predicateTypes: requirement, satisfied: false, reason: "\(label): no attestation of this type is attached")
            }
            let firstFailure = mine.compactMap { $0.outcomes.first { !$0.passed } }.first
            return RequirementResult(predicateTypes: requirement, satisfied: false,
                                     reason: "\(label): none of \(mine.count) attestation(s) passed" + (firstFailure.map { " (\($0.check): \($0.reason))" } ?? ""))
        }
        // One attestation relevant to two requirements appears once per requirement; show it once.
        var seen = Set<String>()
        let unique = results.map(\.0).filter { seen.insert($0.location + ($0.predicateType ?? "")).inserted }
        return VerificationReport(image: image, digest: imageDigest, attestations: unique, requirements: requirementResults)
    }

    func relevant(_ e: AttestationEvidence, to requirement: [String]) -> Bool {
        if let claimed = e.claimedPredicateType { return requirement.contains(PredicateType.family(of: claimed)) }
        if case .success(let s) = e.statement { return requirement.contains(PredicateType.family(of: s.predicateType)) }
        return true
    }
}

extension VerificationReport {
    /// One line per check, then one per requirement and the verdict.
    public func text() -> String {
        var lines = ["image \(image)", "digest \(digest)"]
        for a in attestations {
            lines.append("")
            lines.append("attestation \(a.predicateType ?? "(unknown type)") [\(a.encoding?.rawValue ?? "unreadable")] at \(a.location)")
            for o in a.outcomes { lines.append("  \(o.passed ? "PASS" : "FAIL")  \(o.check.padding(toLength: 20, withPad: " ", startingAt: 0)) \(o.reason)") }
        }
        lines.append("")
        for r in requirements { lines.append("\(r.satisfied ? "PASS" : "FAIL")  \(r.reason)") }
        lines.append(verified ? "verified" : "NOT verified")
        return lines.joined(separator: "\n") + "\n"
    }

    public func json() -> JSON {
        func outcome(_ o: CheckOutcome) -> JSON { ["check": .string(o.check), "passed": .bool(o.passed), "reason": .string(o.reason)] }
        let atts: [JSON] = attestations.map { a in
            var o: JSONObject = ["location": .string(a.location)]
            o["predicateType"] = a.predicateType.map(JSON.string) ?? .null
            o["encoding"] = a.encoding.map { JSON.string($0.rawValue) } ?? .null
            o["passed"] = .bool(a.passed)
            o["checks"] = .array(a.outcomes.map(outcome))
            return .object(o)
        }
        let reqs: [JSON] = requirements.map { r in
            ["predicateTypes": .array(r.predicateTypes.map(JSON.string)), "satisfied": .bool(r.satisfied), "reason": .string(r.reason)]
        }
        return ["image": .string(image), "digest": .string(digest), "verified": .bool(verified),
                "requirements": .array(reqs), "attestations": .array(atts)]
    }
}
