import Foundation

/// The outcome of one check on one attestation: which check, pass or fail, and why.
public struct CheckOutcome: Sendable, Equatable {
    public let check: String
    public let passed: Bool
    public let reason: String
    public static func pass(_ check: String, _ reason: String) -> CheckOutcome { CheckOutcome(check: check, passed: true, reason: reason) }
    public static func fail(_ check: String, _ reason: String) -> CheckOutcome { CheckOutcome(check: check, passed: false, reason: reason) }
}

/// One rule an attestation must meet. Checks are small and independent, like
/// swift-certificates' verifier policies; the verifier runs every one and keeps every outcome.
public protocol VerificationCheck {
    var name: String { get }
    /// Whether the check concerns this attestation at all (provenance rules skip SBOMs).
    func applies(to evidence: AttestationEvidence) -> Bool
    func evaluate(_ evidence: AttestationEvidence) -> CheckOutcome
}

extension VerificationCheck {
    public func applies(to evidence: AttestationEvidence) -> Bool { true }
}

/// Checks that need a readable statement fail with the statement's own error when it has none.
protocol StatementCheck: VerificationCheck {
    func evaluate(_ statement: InTotoStatement, in evidence: AttestationEvidence) -> CheckOutcome
}

extension StatementCheck {
    public func evaluate(_ evidence: AttestationEvidence) -> CheckOutcome {
        switch evidence.statement {
        case .success(let statement): return evaluate(statement, in: evidence)
        case .failure(let error): return .fail(name, "\(error)")
        }
    }
}

/// Checks on SLSA provenance content: they apply to provenance statements only.
protocol ProvenanceCheck: VerificationCheck {
    func evaluate(_ provenance: ProvenanceSummary) -> CheckOutcome
}

extension ProvenanceCheck {
    public func applies(to evidence: AttestationEvidence) -> Bool {
        guard case .success(let s) = evidence.statement else {
            return evidence.claimedPredicateType.map(ProvenanceRules.isProvenance) ?? false
        }
        return ProvenanceRules.isProvenance(s.predicateType)
    }

    public func evaluate(_ evidence: AttestationEvidence) -> CheckOutcome {
        guard case .success(let statement) = evidence.statement else {
            if case .failure(let e) = evidence.statement { return .fail(name, "\(e)") }
            return .fail(name, "no statement")
        }
        do {
            return evaluate(try ProvenanceSummary.parse(predicateType: statement.predicateType, predicate: statement.predicate))
        } catch {
            return .fail(name, "provenance unreadable: \(error)")
        }
    }
}

enum ProvenanceRules {
    static func isProvenance(_ predicateType: String) -> Bool {
        predicateType == PredicateType.slsaProvenanceV1 || predicateType == PredicateType.slsaProvenanceV02
            || predicateType.hasPrefix("https://slsa.dev/provenance/")
    }
}
