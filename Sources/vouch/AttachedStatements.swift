import Attestation
import Digest
import Foundation
import OCI

/// The attestations of some predicate families attached to an image, decoded and, when keys or a policy
/// are given, verified. SBOM and VEX loading both go through here, so both trust the same way: with
/// keys, only what verifies; without, everything readable, marked as unchecked.
struct AttachedStatements {
    enum Trust: Equatable {
        case verified
        /// Read but not checked: `unsigned`, or `signature not checked: give --key`.
        case unchecked(String)
        /// Could not be used: the reason (`not signed by a trusted key`, `unreadable: …`).
        case refused(String)
    }

    struct Item {
        var attachment: FoundAttachment
        /// The predicate (for a statement) or the whole document (for a plain attached document).
        var document: Data?
        var trust: Trust
    }

    var items: [Item]
    /// Digests the attachments may name: the platform manifest and the indexes around it.
    var subjects: [Digest]

    /// `rules` nil: no verification asked for.
    static func find(image: String, img: Image, reference: ImageReference, families: [String], rules: VerificationPolicy?) throws -> AttachedStatements {
        guard let digest = img.manifestDigest else { return AttachedStatements(items: [], subjects: []) }
        let finder = try AttachmentFinder(reference: reference, image: img)
        let search = try finder.find(predicateTypes: families)
        var items: [Item] = []
        for a in search.attachments {
            var item = Item(attachment: a, document: nil, trust: .refused("not read"))
            do {
                let data = try finder.load(a)
                if a.envelope == .plainDocument {
                    item.document = data
                    item.trust = rules == nil ? .unchecked("a plain document, unsigned") : .refused("a plain document cannot be verified")
                } else {
                    let encoding = AttestationEvidence.Encoding(a.envelope) ?? .statement
                    let evidence = try AttestationEvidence.decode(data, encoding: encoding, location: a.location, claimedPredicateType: a.predicateType)
                    let statement = try evidence.statement.get()
                    guard families.contains(PredicateType.family(of: statement.predicateType)) else { continue }
                    item.document = statement.predicate.serialized([])
                    if var p = rules {
                        p.requiredPredicateTypes = [PredicateType.family(of: statement.predicateType)]
                        let report = try AttestationVerifier(policy: p, imageDigest: digest.description,
                                                             indexDigests: search.subjects.filter { $0 != digest }.map(\.description))
                            .verify(image: image, evidence: [evidence])
                        if report.verified {
                            item.trust = .verified
                        } else {
                            let failed = report.attestations.flatMap(\.outcomes).first { !$0.passed }
                            item.trust = .refused(failed.map { "\($0.check): \($0.reason)" } ?? "not verified")
                        }
                    } else {
                        item.trust = .unchecked(evidence.envelope == nil ? "unsigned" : "signature not checked: give --key")
                    }
                }
            } catch {
                item.trust = .refused("unreadable: \(error)")
            }
            items.append(item)
        }
        return AttachedStatements(items: items, subjects: search.subjects)
    }

    /// `--key`/`--policy` as one policy, or nil when neither is given.
    static func rules(keys: [String], policy: String?) throws -> VerificationPolicy? {
        guard !keys.isEmpty || policy != nil else { return nil }
        return try combined(policy: policy) {
            var flags = VerificationPolicy()
            flags.keys = try keys.map { try PublicKey(contentsOf: URL(fileURLWithPath: $0)) }
            return flags
        }
    }

    /// The policy file's rules (none without a file) with the command line's on top; the file is read
    /// first, so its errors come before those of the flags' key files.
    static func combined(policy: String?, flags: () throws -> VerificationPolicy) throws -> VerificationPolicy {
        var rules = try policy.map { try VerificationPolicy.load(path: $0) } ?? VerificationPolicy()
        rules.merge(try flags())
        return rules
    }
}
