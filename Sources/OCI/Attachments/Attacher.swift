import Digest
import Foundation

/// Where attachments are written: an OCI layout directory or a registry repository.
public enum AttachTarget: Equatable, CustomStringConvertible {
    case layout(path: String, tag: String?, digest: Digest?)
    case registry(RegistryReference)

    /// Only `oci-dir:` and `registry:` references can be written to.
    public init(_ reference: ImageReference) throws {
        switch reference {
        case .ociDirectory(let path, let tag, let digest): self = .layout(path: path, tag: tag, digest: digest)
        case .registry(let ref): self = .registry(ref)
        default:
            throw AttachmentError.unsupported(target: reference.description,
                                              reason: "attachments can be written to an OCI layout (oci-dir:) or a registry (registry:) only")
        }
    }

    public var description: String {
        switch self {
        case .layout(let p, let t, let d): return ImageReference.ociDirectory(path: p, tag: t, digest: d).description
        case .registry(let r): return ImageReference.registry(r).description
        }
    }
}

/// What one attach wrote, scheme by scheme, for the CLI to print.
public struct AttachReport: Sendable {
    public struct Entry: Sendable {
        public var scheme: AttachmentScheme
        /// The manifest written: attestation manifest, referrer, `.att` manifest.
        public var manifest: Digest
        /// The image index the tag now names (BuildKit scheme only).
        public var index: Digest?
        /// The tag written or re-pointed (image tag, `sha256-<hex>` tag schema, `sha256-<hex>.att`).
        public var tag: String?
        /// How the attachment is found: `index.json`, `referrers API`, `tag sha256-<hex>`, ...
        public var place: String
        public var predicateTypes: [String]
        /// Earlier layers or referrers of the same predicate types that this one replaced.
        public var replaced: Int
    }

    public struct Payload: Sendable {
        public var predicateType: String
        public var envelope: AttachmentEnvelope
    }

    public var target: String
    public var subject: Digest
    public var payloads: [Payload]
    public var entries: [Entry]
    /// Payloads a scheme cannot carry (a bare statement for cosign), one line each.
    public var skipped: [String]
    /// Things the user should know that did not stop the attach (a replaced referrer that could not be deleted).
    public var notes: [String]

    /// One line per payload: `attached https://spdx.dev/Document (dsse) → index attestation-manifest sha256:…, referrer sha256:… (tag sha256-…), cosign tag sha256-….att`.
    public var lines: [String] {
        payloads.map { p in
            let parts = entries.filter { $0.predicateTypes.contains(p.predicateType) }.map { e -> String in
                switch e.scheme {
                case .buildkit: return "index attestation-manifest \(e.manifest)"
                case .referrer: return "referrer \(e.manifest) (\(e.place))"
                case .cosign: return "cosign tag \(e.tag ?? e.manifest.description)"
                }
            }
            return "attached \(p.predicateType) (\(p.envelope.rawValue)) → " + (parts.isEmpty ? "nothing" : parts.joined(separator: ", "))
        }
    }
}

/// An attach that failed after some schemes were already written.
public struct AttachFailure: Error, CustomStringConvertible {
    public var target: String
    public var written: [AttachReport.Entry]
    public var underlying: Error

    public var description: String {
        let done = written.map { "\($0.scheme.rawValue) \($0.manifest.short)" }.joined(separator: ", ")
        return "\(underlying) (already written to \(target): \(done))"
    }
}

/// Attaches attestations to one image manifest in the three schemes peers read: an attestation
/// manifest in the image index (BuildKit), an OCI 1.1 referrer, and cosign's `sha256-<hex>.att` tag.
/// Re-attaching a predicate type replaces what was there for it, so attaching twice leaves one.
public struct Attacher {
    public var target: AttachTarget
    public var registryOptions: RegistryOptions
    /// `SOURCE_DATE_EPOCH` fixes the referrers' creation time; registry credentials come from here too.
    public var environment: [String: String]

    public init(target: AttachTarget, registryOptions: RegistryOptions = RegistryOptions(),
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.target = target
        self.registryOptions = registryOptions
        self.environment = environment
    }

    /// `image` is the image as loaded from the same reference: its platform manifest is the subject.
    public func attach(_ payloads: [AttachmentPayload], to image: Image, schemes: Set<AttachmentScheme>) throws -> AttachReport {
        let plan = try AttachPlan(payloads: payloads, image: image, schemes: schemes, target: target.description, environment: environment)
        switch target {
        case .layout(let path, let tag, let digest):
            return try LayoutAttacher(path: path, tag: tag, digest: digest, plan: plan).attach()
        case .registry(let reference):
            let http = try RegistryHTTP(registry: reference.registry, options: registryOptions, environment: environment)
            return try RegistryAttacher(reference: reference, push: RegistryPush(http: http, repository: reference.repository), plan: plan).attach()
        }
    }
}

/// The validated request: subject, payloads per scheme, creation time.
struct AttachPlan {
    var target: String
    var subject: Descriptor
    var platform: Platform?
    var payloads: [AttachmentPayload]
    var schemes: [AttachmentScheme]
    var eligible: [AttachmentScheme: [AttachmentPayload]]
    var skipped: [String]
    var created: String

    static let maximumPayloadSize = 32 << 20

    init(payloads: [AttachmentPayload], image: Image, schemes: Set<AttachmentScheme>, target: String, environment: [String: String]) throws {
        self.target = target
        guard let digest = image.manifestDigest, let descriptor = image.manifestDescriptor else {
            throw AttachmentError.unsupported(target: target, reason: "the image has no manifest digest to attach to")
        }
        let candidates: [String] = [descriptor.mediaType, image.manifest.mediaType ?? ""]
        let mediaType: String = candidates.first(where: { MediaType.isManifest($0) }) ?? MediaType.ociManifest
        subject = Descriptor(mediaType: mediaType, digest: digest, size: descriptor.size)
        platform = image.platform
        guard !payloads.isEmpty else { throw AttachmentError.unsupported(target: target, reason: "no attestations to attach") }
        guard !schemes.isEmpty else { throw AttachmentError.unsupported(target: target, reason: "no attachment scheme chosen") }
        var seen = Set<String>()
        for p in payloads {
            guard !p.predicateType.isEmpty else { throw AttachmentError.malformed(location: target, reason: "an attestation has no predicate type") }
            guard p.data.count <= AttachPlan.maximumPayloadSize else {
                throw AttachmentError.unsupported(target: target, reason: "the \(p.predicateType) attestation is \(p.data.count) bytes, more than the \(AttachPlan.maximumPayloadSize) allowed")
            }
            guard seen.insert(p.predicateType).inserted else {
                throw AttachmentError.conflict(target: target, reason: "two attestations of predicate type \(p.predicateType) given; attach one per type")
            }
            try PayloadSubjectCheck.check(p, subject: digest)
        }
        self.payloads = payloads
        self.schemes = AttachmentScheme.allCases.filter(schemes.contains)
        eligible = [:]
        skipped = []
        for scheme in self.schemes {
            var fits: [AttachmentPayload] = []
            for p in payloads {
                if let reason = AttachPlan.unfit(p, for: scheme) { skipped.append("\(scheme.rawValue): \(p.predicateType) (\(p.envelope.rawValue)) skipped: \(reason)") } else { fits.append(p) }
            }
            guard !fits.isEmpty else {
                throw AttachmentError.unsupported(target: target, reason: "none of the attestations can go in the \(scheme.rawValue) scheme (\(AttachPlan.unfit(payloads[0], for: scheme) ?? ""))")
            }
            eligible[scheme] = fits
        }
        created = try AttachPlan.creationTime(environment: environment)
    }

    /// Why a payload cannot go in a scheme, or nil when it can.
    static func unfit(_ p: AttachmentPayload, for scheme: AttachmentScheme) -> String? {
        switch (scheme, p.envelope) {
        case (.cosign, .dsse), (.buildkit, .statement), (.buildkit, .dsse), (.referrer, _): return nil
        case (.cosign, _): return "cosign's .att tag holds signed DSSE envelopes only"
        case (.buildkit, _): return "BuildKit attestation manifests hold in-toto statements or DSSE envelopes only"
        }
    }

    /// `org.opencontainers.image.created` for referrers: `SOURCE_DATE_EPOCH` when set, else now.
    static func creationTime(environment: [String: String]) throws -> String {
        var date = Date()
        if let epoch = environment["SOURCE_DATE_EPOCH"], !epoch.isEmpty {
            guard let seconds = Int64(epoch), seconds >= 0, seconds < 253_402_300_800 else {
                throw AttachmentError.malformed(location: "SOURCE_DATE_EPOCH", reason: "'\(epoch.prefix(40))' is not a number of seconds since 1970")
            }
            date = Date(timeIntervalSince1970: TimeInterval(seconds))
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
