import ArgumentParser
import Attestation
import Catalog
import Digest
import Foundation
import JSON
import OCI
import SBOM

struct AttestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest",
        abstract: "Sign SBOM and SLSA provenance statements for an image and attach them to it.",
        discussion: """
        Makes one in-toto Statement v1 per platform manifest and predicate (SPDX 2.3, CycloneDX 1.6, \
        SLSA provenance v1), signs each in a DSSE envelope and, with --attach, writes them next to the \
        image in BuildKit's attestation-manifest layout, as an OCI 1.1 referrer and as cosign's \
        sha256-<hex>.att tag. Without --attach or --output-dir the envelopes are printed, one per line.
        The key's password comes from VOUCH_KEY_PASSWORD (or COSIGN_PASSWORD for cosign keys).
        Provenance fields not given as flags are taken from the CI environment (GitHub Actions, GitLab CI, \
        Jenkins, CircleCI, Buildkite, Azure Pipelines, Bitbucket) and base images from the image's \
        org.opencontainers.image.base.* labels.
        """)

    @Argument(help: "The image (oci-dir:, registry:, oci-archive:, docker-archive:).")
    var image: String

    @Option(help: "Private key (PKCS#8, SEC1, PKCS#1 or cosign PEM).")
    var key: String

    @Flag(help: "Attest the SBOM (SPDX and CycloneDX; see --sbom-format).")
    var sbom = false

    @Option(help: "SBOM predicates: spdx, cyclonedx or both.")
    var sbomFormat = "both"

    @Option(help: "Attest this SBOM file (SPDX or CycloneDX JSON, e.g. from vouch sbom right after the build) instead of cataloguing the image; repeatable.")
    var sbomFile: [String] = []

    @Flag(help: "Attest SLSA provenance v1.")
    var provenance = false

    @OptionGroup var provenanceOptions: ProvenanceOptions

    @OptionGroup var delivery: AttachmentDelivery

    @Option(help: "RSA signature padding: pkcs1v15 (what cosign verifies) or pss.")
    var rsaPadding = "pkcs1v15"

    func run() throws {
        try Vouch.guarded {
            guard sbom || provenance || !sbomFile.isEmpty else { throw ValidationError("nothing to attest: give --sbom, --sbom-file, --provenance") }
            if sbom && !sbomFile.isEmpty { throw ValidationError("--sbom catalogues the image and --sbom-file takes a made SBOM: give one of them") }
            guard let padding = RSAPadding(rawValue: rsaPadding) else { throw ValidationError("--rsa-padding is pkcs1v15 or pss") }
            let env = ProcessInfo.processInfo.environment
            let signingKey = try AttachmentDelivery.signingKey(key)
            try delivery.deliver(image: image) { img, digest in
                let subject = ImageSubject(image: img, digest: digest)
                var payloads: [(name: String, payload: AttachmentPayload)] = []
                if sbom {
                    for (name, type, data) in try sbomPredicates(for: img) {
                        payloads.append((name, try Self.signed(predicate: data, type: type, subject: subject, key: signingKey, padding: padding)))
                    }
                }
                for (name, type, data) in try fileSBOMPredicates() {
                    payloads.append((name, try Self.signed(predicate: data, type: type, subject: subject, key: signingKey, padding: padding)))
                }
                if provenance {
                    let predicate = try provenanceOptions.predicate(for: img, environment: env)
                    payloads.append(("provenance", try Self.signed(predicate: predicate, type: PredicateType.slsaProvenanceV1,
                                                                   subject: subject, key: signingKey, padding: padding)))
                }
                return payloads
            }
        }
    }

    /// SPDX and/or CycloneDX documents of the image, as predicates.
    func sbomPredicates(for img: Image) throws -> [(String, String, Data)] {
        let wanted: [String]
        switch sbomFormat.lowercased() {
        case "both": wanted = ["spdx", "cyclonedx"]
        case "spdx", "spdx-json": wanted = ["spdx"]
        case "cyclonedx", "cyclonedx-json", "cdx": wanted = ["cyclonedx"]
        default: throw ValidationError("--sbom-format is spdx, cyclonedx or both")
        }
        var catalog = ImageCatalog(cataloguers: DefaultCataloguers.all)
        let inventory = try catalog.inventory(of: img)
        var options = SBOMWriteOptions()
        options.imageSupplier = ProcessInfo.processInfo.environment["VOUCH_SUPPLIER"]
        return wanted.map { w in
            w == "spdx"
                ? ("sbom.spdx", PredicateType.spdx, SPDXWriter(options: options).write(inventory))
                : ("sbom.cdx", PredicateType.cycloneDX, CycloneDXWriter(specVersion: .v1_6, options: options).write(inventory))
        }
    }

    /// `--sbom-file` documents, their predicate type told from their content.
    func fileSBOMPredicates() throws -> [(String, String, Data)] {
        try sbomFile.map { path in
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("\(path): cannot read the file") }
            let json: JSON
            do { json = try JSON.parse(data) } catch { throw CLIError("\(path): not JSON: \(error)") }
            switch try SBOMReader.detect(json, source: path) {
            case .spdx: return ("sbom.spdx", PredicateType.spdx, data)
            case .cycloneDX: return ("sbom.cdx", PredicateType.cycloneDX, data)
            }
        }
    }

    static func signed(predicate: Data, type: String, subject: ImageSubject, key: PrivateKey, padding: RSAPadding) throws -> AttachmentPayload {
        let tree: JSON
        do { tree = try JSON.parse(predicate) } catch { throw CLIError("internal: \(type) predicate is not JSON: \(error)") }
        return try signed(predicate: tree, type: type, subject: subject, key: key, padding: padding)
    }

    static func signed(predicate: JSON, type: String, subject: ImageSubject, key: PrivateKey, padding: RSAPadding) throws -> AttachmentPayload {
        let statement = InTotoStatement(subjects: [ResourceDescriptor(name: subject.name, digest: [subject.digest.algorithm: subject.digest.hex])],
                                        predicateType: type, predicate: predicate)
        let envelope = try DSSE.sign(payload: statement.serialized(), payloadType: DSSE.inTotoPayloadType, with: [key], rsaPadding: padding)
        return AttachmentPayload(envelope: .dsse, predicateType: type, data: envelope.serialized())
    }
}

/// The statement subject for one platform image, named as BuildKit names it
/// (`pkg:docker/<repo>@<tag>?platform=…`, or with `digest=` when there is no tag).
struct ImageSubject {
    let digest: Digest
    let name: String

    init(image: Image, digest: Digest) {
        self.digest = digest
        let reference: String
        if let repo = image.repository {
            reference = image.tag.map { "\(repo):\($0)" } ?? "\(repo)@\(digest)"
        } else {
            // Layouts and archives have no repository; the tag is a local name.
            reference = "\(image.name.lowercased().filter { $0.isLetter || $0.isNumber || "._-/".contains($0) })@\(digest)"
        }
        name = (try? ImageSubjectName.purl(reference: reference, platform: image.platform?.description)) ?? "_"
    }
}
