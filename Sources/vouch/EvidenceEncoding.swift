import Attestation
import OCI

extension AttestationEvidence.Encoding {
    /// How an attached blob is decoded; nil for plain documents, which carry no statement.
    init?(_ envelope: AttachmentEnvelope) {
        switch envelope {
        case .statement: self = .statement
        case .dsse: self = .dsse
        case .sigstoreBundle: self = .sigstoreBundle
        case .plainDocument: return nil
        }
    }
}
