import ArgumentParser
import Attestation
import Digest
import Foundation
import JSON
import OCI

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify an image's attestations: signature, subject digest, predicate and statement type, builder and source.",
        discussion: """
        Finds the attestations attached to the image (never reading its layers) and checks each one of the \
        required predicate types (default: SLSA provenance) against the trusted keys and the rules given by \
        flags and/or --policy. Values may be exact, globs (refs/tags/v*) or regex:PATTERN. Every check is \
        printed with its reason; the exit status is 0 only when every required type has an attestation \
        passing every check. --attestation FILE checks envelope files instead of attached ones.
        """)

    @Argument(help: "The image (oci-dir:, registry:, oci-archive:). Optional with --attestation and --digest.")
    var image: String?

    @Option(help: "Trusted public key (PEM, SPKI or certificate); repeatable.")
    var key: [String] = []

    @Option(help: "Policy file (YAML or JSON): keys, threshold, predicateTypes, builderIds, source.uri/ref, ...")
    var policy: String?

    @Option(name: .customLong("type"), help: "Required predicate type (URI or spdx, cyclonedx, slsaprovenance1, slsaprovenance02, openvex); repeatable.")
    var types: [String] = []

    @Option(help: "Expected builder id (exact, glob, or regex:…); repeatable.")
    var builderId: [String] = []

    @Option(help: "Expected source repository URI; repeatable.")
    var sourceUri: [String] = []

    @Option(help: "Expected source ref, e.g. refs/heads/main or 'refs/tags/v*'; repeatable.")
    var sourceRef: [String] = []

    @Option(help: "Distinct trusted keys that must sign.")
    var threshold: Int?

    @Option(help: "Envelope or statement file to verify instead of the attached ones; repeatable.")
    var attestation: [String] = []

    @Option(help: "Image manifest digest the statements must name (with --attestation and no IMAGE).")
    var digest: String?

    @Option(help: "text or json.")
    var format = "text"

    @Option(help: "Platform to verify (default: the index's default choice).")
    var platform: String?

    @Flag(help: "Allow plain HTTP to the registry.")
    var insecure = false

    func run() throws {
        var verified = false
        try Vouch.guarded {
            guard format == "text" || format == "json" else { throw ValidationError("--format is text or json") }
            let rules = try AttachedStatements.combined(policy: policy) {
                var flags = VerificationPolicy()
                flags.keys = try key.map { try PublicKey(contentsOf: URL(fileURLWithPath: $0)) }
                flags.requiredPredicateTypes = types.map(PredicateType.resolve)
                flags.builderIDs = builderId
                flags.sourceURIs = sourceUri
                flags.sourceRefs = sourceRef
                if let threshold {
                    guard threshold >= 1 else { throw ValidationError("--threshold must be at least 1") }
                    flags.threshold = threshold
                }
                return flags
            }
            guard !rules.keys.isEmpty else { throw PolicyError.noKeys }

            let target = try VerificationTarget(image: image, digest: digest, platform: platform, insecure: insecure)
            let selector = AttestationVerifier(policy: rules, imageDigest: target.digest.description)
            let (evidence, unreadable, indexes) = try attestation.isEmpty
                ? target.attachedEvidence(wanted: selector.wants)
                : VerificationTarget.fileEvidence(attestation)
            let verifier = AttestationVerifier(policy: rules, imageDigest: target.digest.description,
                                               indexDigests: indexes.map(\.description))
            let report = try verifier.verify(image: target.name, evidence: evidence, unreadable: unreadable)
            if format == "json" {
                FileHandle.standardOutput.write(report.json().serialized([.pretty]) + Data("\n".utf8))
            } else {
                print(report.text(), terminator: "")
            }
            verified = report.verified
        }
        if !verified { throw ExitCode(1) }
    }
}

/// The image a verification is about: its manifest digest, the indexes listing it, and where
/// its attachments are.
struct VerificationTarget {
    let name: String
    let digest: Digest
    let finder: AttachmentFinder?

    init(image: String?, digest: String?, platform: String?, insecure: Bool) throws {
        if let image {
            let selection = try ImageSelection(image: image, platform: platform, insecure: insecure)
            let img = try selection.image()
            guard let d = img.manifestDigest else {
                throw CLIError("\(image): this image has no manifest digest (legacy docker-archive); nothing can be attached to it")
            }
            if let digest, Digest(digest) != d {
                throw CLIError("\(image) has manifest digest \(d), not \(digest)")
            }
            name = image
            self.digest = d
            let finder = try AttachmentFinder(reference: selection.reference, image: img)
            self.finder = finder
        } else {
            guard let digest, let d = Digest(digest) else {
                throw ValidationError("give an IMAGE, or --digest sha256:<hex> with --attestation files")
            }
            name = digest
            self.digest = d
            finder = nil
        }
    }

    typealias Unreadable = (location: String, predicateType: String?, reason: String)

    /// Attached attestations that could satisfy the policy, chosen by annotation before any blob is read.
    /// Also returns the indexes listing the image, whose digest an attached statement may name.
    func attachedEvidence(wanted: (String?) -> Bool) throws -> ([AttestationEvidence], [Unreadable], [Digest]) {
        guard let finder else { return ([], [], []) }
        let search = try finder.find()
        var evidence: [AttestationEvidence] = []
        var unreadable: [Unreadable] = []
        for w in search.warnings { FileHandle.standardError.write(Data("vouch: warning: \(w)\n".utf8)) }
        for a in search.attachments where wanted(a.predicateType) {
            guard let encoding = AttestationEvidence.Encoding(a.envelope) else { continue }  // plain documents: nothing to verify
            do {
                let data = try finder.load(a)
                evidence.append(try AttestationEvidence.decode(data, encoding: encoding, location: "\(a.scheme.rawValue) \(a.location)",
                                                               claimedPredicateType: a.predicateType))
            } catch {
                unreadable.append((a.location, a.predicateType, "\(error)"))
            }
        }
        return (evidence, unreadable, search.subjects.filter { $0 != digest })
    }

    static func fileEvidence(_ paths: [String]) throws -> ([AttestationEvidence], [Unreadable], [Digest]) {
        var evidence: [AttestationEvidence] = []
        var unreadable: [Unreadable] = []
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("\(path): cannot read the file") }
            // A .jsonl file (slsa-verifier's *.intoto.jsonl) holds one envelope per line.
            let lines = path.hasSuffix(".jsonl")
                ? data.split(separator: UInt8(ascii: "\n")).map { Data($0) }.filter { !$0.allSatisfy { $0 == 0x20 || $0 == 0x0D } }
                : [data]
            for (i, line) in lines.enumerated() {
                let location = lines.count > 1 ? "\(path):\(i + 1)" : path
                do {
                    evidence.append(try AttestationEvidence.decode(line, encoding: AttestationEvidence.sniff(line), location: location,
                                                                   claimedPredicateType: nil))
                } catch {
                    unreadable.append((location, nil, "\(error)"))
                }
            }
        }
        return (evidence, unreadable, [])
    }
}
