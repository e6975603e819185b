import ArgumentParser
import Attestation
import Foundation
import JSON
import OCI
import SBOM
import VEX

struct VEXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vex",
        abstract: "Write VEX statements (OpenVEX) and attach them to images as signed attestations.",
        subcommands: [VEXCreateCommand.self, VEXAttestCommand.self])
}

struct VEXCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Write an OpenVEX document with one statement (or add it to an existing document with --append).",
        discussion: """
        --product is an image (oci-dir:, registry:, oci-archive:, docker-archive:), named in the document \
        by its manifest digest as pkg:oci/<name>@sha256:… (one product per platform), or a package URL. \
        not_affected needs --justification or --impact-statement; fixed takes neither. The author comes from \
        --author, else VOUCH_VEX_AUTHOR; the time from SOURCE_DATE_EPOCH when set.
        """)

    @Option(help: "The image or purl the statement is about; repeatable.")
    var product: [String] = []

    @Option(help: "The vulnerability id (CVE-…, GHSA-…).")
    var vuln: String

    @Option(help: "Other ids of the same vulnerability; repeatable.")
    var alias: [String] = []

    @Option(help: "not_affected, affected, fixed or under_investigation.")
    var status: String

    @Option(help: "For not_affected: \(VEXJustification.allCases.map(\.rawValue).joined(separator: ", ")).")
    var justification: String?

    @Option(help: "Why the product is not affected, in words.")
    var impactStatement: String?

    @Option(help: "For affected: what users should do.")
    var actionStatement: String?

    @Option(help: "Free-text notes on the status.")
    var statusNotes: String?

    @Option(help: "Package URL of a component inside the product the statement is limited to; repeatable.")
    var subcomponent: [String] = []

    @Option(help: "Document author (default: VOUCH_VEX_AUTHOR).")
    var author: String?

    @Option(help: "Add the statement to this OpenVEX document (its version goes up by one).")
    var append: String?

    @Option(help: "Platform, for an image index (default: every platform).")
    var platform: String?

    @Flag(help: "Allow plain HTTP to the registry.")
    var insecure = false

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func run() throws {
        try Vouch.guarded {
            let statement = try makeStatement()
            var document: VEXDocument
            if let append {
                document = try VEXDocumentReader().read(contentsOf: append)
                guard document.format == .openVEX else { throw CLIError("\(append): --append takes an OpenVEX document, this is \(document.format.rawValue)") }
                guard document.problems.isEmpty else { throw CLIError("\(document.problems[0]); fix the document before adding to it") }
                document.version = (document.version ?? 0) + 1
                document.timestamp = nil
            } else {
                guard let author = author ?? ProcessInfo.processInfo.environment["VOUCH_VEX_AUTHOR"], !author.isEmpty else {
                    throw ValidationError("give --author (or set VOUCH_VEX_AUTHOR): OpenVEX requires one, and --vex-author filters on it")
                }
                document = VEXDocument(format: .openVEX, location: output ?? "-", author: author, version: 1)
            }
            if let author, append != nil { document.author = author }
            document.statements.append(statement)
            let data = try OpenVEXWriter().write(document, timestamp: try OpenVEXWriter.issueTime())
            try OutputFile.write(data + (data.last == 0x0A ? Data() : Data("\n".utf8)), to: output)
        }
    }

    private func makeStatement() throws -> VEXStatement {
        guard let s = VEXStatus(rawValue: status) else {
            throw ValidationError("unknown status '\(status)' (\(VEXStatus.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var j: VEXJustification?
        if let justification {
            guard let v = VEXJustification(rawValue: justification) else {
                throw ValidationError("unknown justification '\(justification)' (\(VEXJustification.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            j = v
        }
        switch s {
        case .notAffected where j == nil && impactStatement == nil:
            throw ValidationError("not_affected needs --justification or --impact-statement")
        case .fixed where j != nil || impactStatement != nil || actionStatement != nil:
            throw ValidationError("fixed takes no justification, impact statement or action statement")
        case _ where s != .notAffected && j != nil:
            throw ValidationError("--justification is only for not_affected")
        default: break
        }
        guard !product.isEmpty else { throw ValidationError("give at least one --product (an image or a purl)") }
        for p in subcomponent {
            do { _ = try PackageURL(parsing: p, enforcingTypeRules: false) } catch { throw ValidationError("--subcomponent \(p): \(error)") }
        }
        let subs = subcomponent.map { VEXComponent(id: $0, purl: $0) }
        var products: [VEXComponent] = []
        for p in product { products += try components(for: p, subcomponents: subs) }
        return VEXStatement(vulnerability: vuln, aliases: alias, products: products, status: s, justification: j,
                            impactStatement: impactStatement, actionStatement: actionStatement, statusNotes: statusNotes,
                            origin: VEXOrigin(format: .openVEX, location: output ?? "-", statementIndex: 0))
    }

    /// A purl as given; an image as `pkg:oci/<name>@<digest>` per platform manifest, with its digest as a hash.
    private func components(for product: String, subcomponents: [VEXComponent]) throws -> [VEXComponent] {
        if product.hasPrefix("pkg:") {
            do { _ = try PackageURL(parsing: product, enforcingTypeRules: false) } catch { throw ValidationError("--product \(product): \(error)") }
            return [VEXComponent(id: product, purl: product, subcomponents: subcomponents)]
        }
        let selection = try ImageSelection(image: product, platform: platform, insecure: insecure)
        return try selection.images().map { img in
            guard let digest = img.manifestDigest else {
                throw CLIError("\(product): this image has no manifest digest (legacy docker-archive); name a registry or oci-dir image")
            }
            let purl = ImageProductName.purl(repository: img.repository, name: img.name, digest: digest.description,
                                             architecture: img.platform.flatMap { _ in img.config.architecture })
            return VEXComponent(id: purl, purl: purl, hashes: VEXComponent.hashes(ofDigest: digest.description),
                                subcomponents: subcomponents)
        }
    }
}

/// OpenVEX/vexctl's image product name: `pkg:oci/<last path part>@sha256:…?repository_url=<registry path>`.
enum ImageProductName {
    static func purl(repository: String?, name: String, digest: String, architecture: String?) -> String {
        let repo = repository ?? name
        let last = repo.split(separator: "/").last.map(String.init) ?? repo
        var qualifiers: [String: String] = [:]
        if let repository, repository.contains("/") || repository.contains(".") { qualifiers["repository_url"] = repository }
        if let architecture { qualifiers["arch"] = architecture }
        let clean = last.lowercased().filter { $0.isLetter || $0.isNumber || "._-".contains($0) }
        return PackageURL(type: "oci", name: clean.isEmpty ? "image" : clean, version: digest, qualifiers: qualifiers).description
    }
}

struct VEXAttestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest",
        abstract: "Sign a VEX document (OpenVEX, CycloneDX VEX or CSAF) as an in-toto attestation of an image and attach it.",
        discussion: """
        The predicate type follows the document: https://openvex.dev/ns/v0.2.0, https://cyclonedx.org/vex or \
        https://docs.oasis-open.org/csaf/csaf/v2.0. Statements that name another image are reported, since \
        they will not apply to this one. Later scans apply attached VEX by default (vouch cves IMAGE), \
        verified when --key is given.
        """)

    @Argument(help: "The image (oci-dir:, registry:, oci-archive:, docker-archive:).")
    var image: String

    @Argument(help: "The VEX document.")
    var document: String

    @Option(help: "Private key (PKCS#8, SEC1, PKCS#1 or cosign PEM); password from VOUCH_KEY_PASSWORD.")
    var key: String

    @OptionGroup var delivery: AttachmentDelivery

    func run() throws {
        try Vouch.guarded {
            guard let data = FileManager.default.contents(atPath: document) else { throw CLIError("\(document): cannot read the file") }
            let parsed = try VEXDocumentReader().read(data, location: document)
            guard parsed.problems.isEmpty else {
                throw CLIError("\(parsed.problems[0])\(parsed.problems.count > 1 ? " (and \(parsed.problems.count - 1) more)" : ""); refusing to sign a document with unusable statements")
            }
            guard !parsed.statements.isEmpty else { throw CLIError("\(document): the document has no statements") }
            let predicate: JSON
            do { predicate = try JSON.parse(data) } catch { throw CLIError("\(document): \(error)") }
            let type: String
            switch parsed.format {
            case .openVEX: type = PredicateType.openVEX + "/v0.2.0"
            case .cycloneDX: type = PredicateType.cycloneDXVEX
            case .csaf: type = PredicateType.csafVEX
            }
            let signingKey = try AttachmentDelivery.signingKey(key)
            try delivery.deliver(image: image) { img, digest in
                warnAboutOtherImages(parsed, img: img)
                return [("vex", try AttestCommand.signed(predicate: predicate, type: type, subject: ImageSubject(image: img, digest: digest),
                                                         key: signingKey, padding: .pkcs1v15))]
            }
        }
    }

    /// Statements whose products all name other images will not apply here; say so before signing.
    private func warnAboutOtherImages(_ doc: VEXDocument, img: Image) {
        let identity = ImageIdentity(digests: [img.manifestDigest?.description].compactMap { $0 }, repository: img.repository, tag: img.tag,
                                     architecture: img.config.architecture, os: img.config.os)
        for s in doc.statements where !s.products.isEmpty {
            let verdicts = s.products.map { identity.match($0) }
            if verdicts.allSatisfy({ if case .otherImage = $0 { return true }; return false }) {
                FileHandle.standardError.write(Data("vouch: warning: \(s.label) names only other images; it will not apply to \(img.reference)\n".utf8))
            }
        }
    }
}
