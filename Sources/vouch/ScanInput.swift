import Advisories
import ArgumentParser
import Attestation
import Catalog
import Digest
import Evaluation
import Foundation
import JSON
import OCI
import SBOM

/// What the evaluator scans and how it gets the packages: `sbom:FILE`, or an image whose attached
/// SBOM attestation is read (verified when keys or a policy are given) without touching its layers.
struct ScanInput: ParsableArguments {
    @Argument(help: "The image (oci-dir:, registry:, oci-archive:, docker-archive:) or sbom:FILE (SPDX or CycloneDX JSON).")
    var image: String

    @Option(help: "Trusted public key: the SBOM attestation must verify with it; repeatable.")
    var key: [String] = []

    @Option(help: "Verification policy file (keys and rules) the SBOM attestation must pass.")
    var policy: String?

    @Flag(help: "Refuse an image without an SBOM attestation instead of cataloguing its layers.")
    var requireAttestation = false

    @Option(help: "Base image (a reference vouch can read, manifest and config only) whose layers --ignore-base and the base row use; default: the org.opencontainers.image.base.name label.")
    var base: String?

    @Option(help: "Platform to choose from a multi-platform index.")
    var platform: String?

    @Flag(help: "Allow plain HTTP to the registry.")
    var insecure = false

    @OptionGroup var database: DatabaseOption
}

/// Packages, where they came from, and the base image's layers when known.
struct ScanTarget {
    var inventory: Inventory
    var source: String
    var baseImage: BaseImage?
}

extension ScanInput {
    func load() throws -> ScanTarget {
        if image.hasPrefix("sbom:") {
            let path = String(image.dropFirst("sbom:".count))
            let inventory = try SBOMReader().read(contentsOf: path)
            return ScanTarget(inventory: inventory, source: "SBOM file \(path)", baseImage: try baseImage(labels: inventory.subject.labels))
        }
        let selection = try ImageSelection(image: image, platform: platform, insecure: insecure)
        let img = try selection.image()
        if let (inventory, source) = try attestedInventory(img, selection: selection) {
            return ScanTarget(inventory: inventory, source: source, baseImage: try baseImage(labels: img.config.labels))
        }
        if requireAttestation || !key.isEmpty || policy != nil {
            throw CLIError("\(image): no \(key.isEmpty && policy == nil ? "" : "verified ")SBOM attestation is attached (attach one with vouch attest --sbom --attach)")
        }
        FileHandle.standardError.write(Data("vouch: note: \(image) has no SBOM attestation; cataloguing its layers instead (--require-attestation refuses this)\n".utf8))
        var catalog = ImageCatalog(cataloguers: DefaultCataloguers.all)
        let inventory = try catalog.inventory(of: img)
        return ScanTarget(inventory: inventory, source: "catalogued from the image's layers", baseImage: try baseImage(labels: img.config.labels))
    }

    /// The first SBOM attestation (CycloneDX, then SPDX) that verifies, or, without keys, that reads.
    private func attestedInventory(_ img: Image, selection: ImageSelection) throws -> (Inventory, String)? {
        guard let digest = img.manifestDigest else { return nil }
        let finder = try AttachmentFinder(reference: selection.reference, image: img)
        let search = try finder.find(predicateTypes: [PredicateType.cycloneDX, PredicateType.spdx])
        let verifying = !key.isEmpty || policy != nil
        var rules = VerificationPolicy()
        if verifying {
            rules = try policy.map { try VerificationPolicy.load(path: $0) } ?? VerificationPolicy()
            var flags = VerificationPolicy()
            flags.keys = try key.map { try PublicKey(contentsOf: URL(fileURLWithPath: $0)) }
            rules.merge(flags)
        }
        let ordered = search.attachments.sorted { rank($0) < rank($1) }
        var refusals: [String] = []
        for a in ordered {
            do {
                let data = try finder.load(a)
                let document: Data
                var how = "SBOM attestation at \(a.scheme.rawValue) \(a.location)"
                switch a.envelope {
                case .plainDocument:
                    guard !verifying else { refusals.append("\(a.location): a plain document cannot be verified"); continue }
                    document = data
                    how = "SBOM document attached at \(a.location)"
                default:
                    let encoding = AttestationEvidence.Encoding(a.envelope) ?? .statement
                    let evidence = try AttestationEvidence.decode(data, encoding: encoding, location: a.location, claimedPredicateType: a.predicateType)
                    let statement = try evidence.statement.get()
                    if verifying {
                        var p = rules
                        p.requiredPredicateTypes = [PredicateType.family(of: statement.predicateType)]
                        let report = try AttestationVerifier(policy: p, imageDigest: digest.description,
                                                             indexDigests: search.subjects.filter { $0 != digest }.map(\.description))
                            .verify(image: image, evidence: [evidence])
                        guard report.verified else {
                            let failed = report.attestations.flatMap(\.outcomes).first { !$0.passed }
                            refusals.append("\(a.location): \(failed.map { "\($0.check): \($0.reason)" } ?? "not verified")")
                            continue
                        }
                        how += " (verified)"
                    } else {
                        how += evidence.envelope == nil ? " (unsigned)" : " (signature not checked: give --key)"
                    }
                    document = statement.predicate.serialized([])
                }
                var inventory = try SBOMReader().read(document, source: a.location)
                if inventory.subject.manifestDigest == nil { inventory.subject.manifestDigest = digest.description }
                return (inventory, how)
            } catch {
                refusals.append("\(a.location): \(error)")
            }
        }
        if verifying, !refusals.isEmpty {
            throw CLIError("\(image): no SBOM attestation verified (\(refusals.prefix(3).joined(separator: "; ")))")
        }
        for r in refusals { FileHandle.standardError.write(Data("vouch: warning: SBOM attestation skipped: \(r)\n".utf8)) }
        return nil
    }

    private func rank(_ a: FoundAttachment) -> Int {
        let type = a.predicateType.map(PredicateType.family(of:))
        let signed = a.envelope == .dsse || a.envelope == .sigstoreBundle ? 0 : 2
        return signed + (type == PredicateType.cycloneDX ? 0 : 1)
    }

    /// The base image's layers, from --base or the image's base-name label; nil when neither names one.
    private func baseImage(labels: [String: String]) throws -> BaseImage? {
        let named = base ?? labels[BaseImageDependencies.nameKey]
        guard let named else { return nil }
        do {
            let reference = try ImageReference.parse(named.contains(":") && !named.hasPrefix("registry:") && base == nil ? "registry:" + named : named)
            let img = try ImageLoader(platform: platform.flatMap(Platform.init(parsing:)), registryOptions: RegistryOptions(insecure: insecure)).load(reference)
            return BaseImage(name: named, layers: Set(img.config.diffIDs))
        } catch {
            if base != nil { throw error }
            // The label often names a public image this machine cannot reach; only --ignore-base needs it,
            // and it says so when the layers are missing.
            return nil
        }
    }

    /// Scanning never creates or repairs a database: a missing, empty or advisory-less one would
    /// otherwise read as a clean result.
    func openStore() throws -> AdvisoryStore {
        let path = database.path
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? nil
        guard let size else {
            throw CLIError("\(path): no advisory database yet (run vouch db import PATHS, e.g. ../shared/data/osv/*.tar.gz)")
        }
        guard size > 0 else { throw CLIError("\(path): empty file, not a vouch advisory database") }
        let store = try AdvisoryStore(path: path)
        guard try store.status().advisories > 0 else {
            throw CLIError("\(path): the database holds no advisories (run vouch db import); refusing to report a clean scan")
        }
        return store
    }

    func scan() throws -> (ScanTarget, Matcher.Result) {
        let target = try load()
        let store = try openStore()
        let matcher = Matcher(lookup: store, scheme: { VersionSchemes.scheme(forOSVEcosystem: $0) },
                              semver: VersionSchemes.semver, assessor: .standard)
        return (target, try matcher.match(target.inventory))
    }
}
