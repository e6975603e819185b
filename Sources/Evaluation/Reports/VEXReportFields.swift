import Foundation
import JSON
import SBOM

/// How the reports spell a VEX decision. Evaluation cannot import VEX (VEX depends on Evaluation), so
/// the CycloneDX words are mapped here from the OpenVEX words an annotation carries; a test keeps these
/// equal to `VEXStatus.cycloneDXState` and `VEXJustification.cycloneDX`, so a CycloneDX VEX vouch writes
/// reads back (through the VEX readers) to the same OpenVEX status and justification.
enum VEXReportFields {
    /// CycloneDX `analysis.state` for an OpenVEX status; nil for a word that is not one.
    static func cycloneDXState(_ status: String) -> String? {
        switch status {
        case "not_affected": return "not_affected"
        case "affected": return "exploitable"
        case "fixed": return "resolved"
        case "under_investigation": return "in_triage"
        default: return nil
        }
    }

    /// CycloneDX `analysis.justification` for an OpenVEX justification. CycloneDX has nine finer values;
    /// each OpenVEX one is written as the CycloneDX value the readers map back to it.
    static func cycloneDXJustification(_ justification: String) -> String? {
        switch justification {
        case "component_not_present": return "requires_dependency"
        case "vulnerable_code_not_present": return "code_not_present"
        case "vulnerable_code_not_in_execute_path": return "code_not_reachable"
        case "vulnerable_code_cannot_be_controlled_by_adversary": return "requires_environment"
        case "inline_mitigations_already_exist": return "protected_by_mitigating_control"
        default: return cycloneDXJustifications.contains(justification) ? justification : nil
        }
    }

    static let cycloneDXJustifications: Set<String> = [
        "code_not_present", "code_not_reachable", "requires_configuration", "requires_dependency", "requires_environment",
        "protected_by_compiler", "protected_at_runtime", "protected_at_perimeter", "protected_by_mitigating_control",
    ]

    /// The annotation in the JSON and SARIF documents: every key present, null when the statement had none.
    static func json(_ a: VEXAnnotation) -> JSON {
        ["status": .string(a.status), "justification": ReportJSON.optional(a.justification),
         "impactStatement": ReportJSON.optional(a.impactStatement), "actionStatement": ReportJSON.optional(a.actionStatement),
         "statusNotes": ReportJSON.optional(a.statusNotes), "author": ReportJSON.optional(a.author),
         "timestamp": ReportJSON.optional(a.timestamp), "source": .string(a.source), "documentID": ReportJSON.optional(a.documentID)]
    }

    /// `not_affected [vulnerable_code_not_in_execute_path]`: the status as VEX spells it, as trivy's
    /// suppressed table shows it.
    static func statusCell(_ a: VEXAnnotation?) -> String {
        guard let a else { return "" }
        return a.status + (a.justification.map { " [\($0)]" } ?? "")
    }

    /// Suppressed findings counted as the main counts are (once per reported package and id), per status.
    struct SuppressedCounts: Equatable {
        var total = 0
        var notAffected = 0
        var fixed = 0

        init(_ suppressed: [Finding]) {
            var cache = ReportingPackage.Cache()
            var seen = Set<[String]>()
            for f in suppressed.sorted(by: FindingOrder.byPackage) {
                guard seen.insert([cache.of(f.package).purl, f.id]).inserted else { continue }
                total += 1
                if f.vex?.status == "fixed" { fixed += 1 } else if f.vex?.status == "not_affected" { notAffected += 1 }
            }
        }

        /// `2 suppressed (not_affected 1, fixed 1)`.
        var phrase: String { "\(total) suppressed (not_affected \(notAffected), fixed \(fixed))" }
    }
}
