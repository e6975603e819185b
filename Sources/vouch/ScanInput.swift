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
import VEX

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

    @Flag(help: "Also match packages' CPEs against NVD's applicability data (imported NVD feeds); off by default, since CPE matches are often false positives.")
    var cpe = false

    @OptionGroup var database: DatabaseOption

    @OptionGroup var vex: VEXOptions
}

/// Packages, where they came from, and the base image's layers when known.
struct ScanTarget {
    var inventory: Inventory
    var source: String
    var baseImage: BaseImage?
    /// The names VEX products are matched against (set by `load()` once the packages' source is known).
    var identity = ImageIdentity(digests: [])
    var vex = LoadedVEX()
}

/// A finished scan: the target, the matcher's result, and what VEX made of the findings.
struct ScanOutcome {
    var target: ScanTarget
    var result: Matcher.Result
    var findings: [Finding]
    var suppressed: [Finding]
    var explanations: [VEXExplanation]

    func report(_ findings: [Finding]? = nil) -> VulnerabilityReport {
        VulnerabilityReport(inventory: target.inventory, findings: findings ?? self.findings, source: target.source,
                            baseImage: target.baseImage, suppressed: suppressed)
    }
}

extension ScanInput {
    func load() throws -> ScanTarget {
        if image.hasPrefix("sbom:") {
            let path = String(image.dropFirst("sbom:".count))
            let inventory = try SBOMReader().read(contentsOf: path)
            return ScanTarget(inventory: inventory, source: "SBOM file \(path)", baseImage: try baseImage(labels: inventory.subject.labels),
                              identity: ImageIdentity(subject: inventory.subject), vex: LoadedVEX.files(vex.vexLocation))
        }
        let selection = try ImageSelection(image: image, platform: platform, insecure: insecure)
        let img = try selection.image()
        var target = try attestedOrCatalogued(img, selection: selection)
        var identity = ImageIdentity(subject: target.inventory.subject, extraDigests: [])
        if let d = img.manifestDigest?.description, !identity.digests.contains(d) { identity.digests.append(d) }
        if identity.repository == nil, let r = img.repository { identity.repository = ImageIdentity.normalizedRepository(r) }
        var attached = LoadedVEX()
        if !vex.noAttachedVex {
            attached = LoadedVEX.attached(image: image, img: img, reference: selection.reference,
                                          rules: try AttachedStatements.rules(keys: key, policy: policy))
            for case .attestation(let subjects) in attached.sources.map(\.kind) {
                for s in subjects where !identity.digests.contains(s) { identity.digests.append(s) }
            }
        }
        target.identity = identity
        target.vex = attached + LoadedVEX.files(vex.vexLocation)
        return target
    }

    private func attestedOrCatalogued(_ img: Image, selection: ImageSelection) throws -> ScanTarget {
        if let (inventory, source) = try attestedInventory(img, selection: selection) {
            return ScanTarget(inventory: inventory, source: source, baseImage: try baseImage(labels: img.config.labels, img: img, selection: selection))
        }
        if requireAttestation || !key.isEmpty || policy != nil {
            throw CLIError("\(image): no \(key.isEmpty && policy == nil ? "" : "verified ")SBOM attestation is attached (attach one with vouch attest --sbom --attach)")
        }
        FileHandle.standardError.write(Data("vouch: note: \(image) has no SBOM attestation; cataloguing its layers instead (--require-attestation refuses this)\n".utf8))
        var catalog = ImageCatalog(cataloguers: DefaultCataloguers.all)
        let inventory = try catalog.inventory(of: img)
        return ScanTarget(inventory: inventory, source: "catalogued from the image's layers", baseImage: try baseImage(labels: img.config.labels, img: img, selection: selection))
    }

    /// The first SBOM attestation (CycloneDX, then SPDX) that verifies, or, without keys, that reads.
    private func attestedInventory(_ img: Image, selection: ImageSelection) throws -> (Inventory, String)? {
        guard let digest = img.manifestDigest else { return nil }
        let rules = try AttachedStatements.rules(keys: key, policy: policy)
        let found = try AttachedStatements.find(image: image, img: img, reference: selection.reference,
                                                families: [PredicateType.cycloneDX, PredicateType.spdx], rules: rules)
        var refusals: [String] = []
        for item in found.items.sorted(by: { rank($0.attachment) < rank($1.attachment) }) {
            let a = item.attachment
            var how = a.envelope == .plainDocument ? "SBOM document attached at \(a.location)" : "SBOM attestation at \(a.scheme.rawValue) \(a.location)"
            switch item.trust {
            case .refused(let why): refusals.append("\(a.location): \(why)"); continue
            case .verified: how += " (verified)"
            case .unchecked(let why): if a.envelope != .plainDocument { how += " (\(why))" }
            }
            guard let document = item.document else { continue }
            do {
                var inventory = try SBOMReader().read(document, source: a.location)
                if inventory.subject.manifestDigest == nil { inventory.subject.manifestDigest = digest.description }
                return (inventory, how)
            } catch {
                refusals.append("\(a.location): \(error)")
            }
        }
        if rules != nil, !refusals.isEmpty {
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
    private func baseImage(labels: [String: String], img: Image? = nil, selection: ImageSelection? = nil) throws -> BaseImage? {
        let named = base ?? labels[BaseImageDependencies.nameKey]
        guard let named else {
            guard let img, let selection else { return nil }
            return ProvenanceBaseImage(image: image, img: img, reference: selection.reference, rules: try AttachedStatements.rules(keys: key, policy: policy),
                                       platform: platform.flatMap(Platform.init(parsing:)), registryOptions: RegistryOptions(insecure: insecure)).find()
        }
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

    func scan() throws -> ScanOutcome {
        let target = try load()
        let authors = vex.vexAuthor.isEmpty ? nil : try VEXAuthorFilter(patterns: vex.vexAuthor)
        let store = try openStore()
        let matcher = Matcher(lookup: store, scheme: { VersionSchemes.scheme(forOSVEcosystem: $0) },
                              semver: VersionSchemes.semver, assessor: .standard, matchCPEs: cpe)
        let result = try matcher.match(target.inventory)
        let resolution = VEXResolver(identity: target.identity, authors: authors, packages: target.inventory.packages)
            .resolve(result.findings, sources: target.vex.sources)
        return ScanOutcome(target: target, result: result, findings: resolution.findings, suppressed: resolution.suppressed,
                           explanations: resolution.explanations)
    }
}
