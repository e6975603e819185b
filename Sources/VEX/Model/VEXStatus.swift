/// The four OpenVEX statuses. Every format is read into these.
public enum VEXStatus: String, Sendable, CaseIterable, Equatable {
    case notAffected = "not_affected"
    case affected
    case fixed
    case underInvestigation = "under_investigation"

    /// `not_affected` and `fixed` take a finding out of the results; the other two keep it, annotated.
    public var suppresses: Bool { self == .notAffected || self == .fixed }
}

/// The five OpenVEX (and CSAF flag) justifications for `not_affected`.
public enum VEXJustification: String, Sendable, CaseIterable, Equatable {
    case componentNotPresent = "component_not_present"
    case vulnerableCodeNotPresent = "vulnerable_code_not_present"
    case vulnerableCodeNotInExecutePath = "vulnerable_code_not_in_execute_path"
    case vulnerableCodeCannotBeControlledByAdversary = "vulnerable_code_cannot_be_controlled_by_adversary"
    case inlineMitigationsAlreadyExist = "inline_mitigations_already_exist"

    /// CycloneDX `analysis.justification` to OpenVEX. CycloneDX has nine finer values; each maps to the
    /// OpenVEX justification with the same meaning (CISA "VEX Status Justifications", trivy's mapping).
    public init?(cycloneDX value: String) {
        switch value {
        case "code_not_present": self = .vulnerableCodeNotPresent
        case "code_not_reachable": self = .vulnerableCodeNotInExecutePath
        case "requires_configuration", "requires_environment": self = .vulnerableCodeCannotBeControlledByAdversary
        case "requires_dependency": self = .componentNotPresent
        case "protected_by_compiler", "protected_at_runtime", "protected_at_perimeter", "protected_by_mitigating_control":
            self = .inlineMitigationsAlreadyExist
        default: return nil
        }
    }

    /// The CycloneDX value written for this justification (the inverse of `init(cycloneDX:)` where it is one-to-one).
    public var cycloneDX: String {
        switch self {
        case .componentNotPresent: return "requires_dependency"
        case .vulnerableCodeNotPresent: return "code_not_present"
        case .vulnerableCodeNotInExecutePath: return "code_not_reachable"
        case .vulnerableCodeCannotBeControlledByAdversary: return "requires_environment"
        case .inlineMitigationsAlreadyExist: return "protected_by_mitigating_control"
        }
    }
}

extension VEXStatus {
    /// CycloneDX `analysis.state` to OpenVEX (trivy's and CISA's mapping).
    public init?(cycloneDXState state: String) {
        switch state {
        case "resolved", "resolved_with_pedigree": self = .fixed
        case "exploitable": self = .affected
        case "in_triage": self = .underInvestigation
        case "false_positive", "not_affected": self = .notAffected
        default: return nil
        }
    }

    public var cycloneDXState: String {
        switch self {
        case .notAffected: return "not_affected"
        case .affected: return "exploitable"
        case .fixed: return "resolved"
        case .underInvestigation: return "in_triage"
        }
    }

    /// CSAF `product_status` keys to OpenVEX; CSAF's other keys (`recommended`, …) say nothing about state.
    public init?(csafProductStatus key: String) {
        switch key {
        case "known_not_affected": self = .notAffected
        case "known_affected", "first_affected", "last_affected": self = .affected
        case "fixed", "first_fixed": self = .fixed
        case "under_investigation": self = .underInvestigation
        default: return nil
        }
    }
}
