import ArgumentParser
import Attestation
import Foundation
import JSON
import OCI

struct AttestationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attestations",
        abstract: "Inspect the attestations attached to an image.",
        subcommands: [AttestationsListCommand.self])
}

struct AttestationsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List what is attached to an image: where, predicate type, envelope and signing key ids.",
        discussion: "Reads manifests, indexes and the attestation blobs themselves; never a layer of the image.")

    @Argument(help: "The image (oci-dir:, registry:, oci-archive:).")
    var image: String

    @Option(help: "table or json.")
    var format = "table"

    @Option(help: "Platform (default: every platform of the index).")
    var platform: String?

    @Flag(help: "Allow plain HTTP to the registry.")
    var insecure = false

    func run() throws {
        try Vouch.guarded {
            guard format == "table" || format == "json" else { throw ValidationError("--format is table or json") }
            let selection = try ImageSelection(image: image, platform: platform, insecure: insecure)
            var rows: [AttachmentRow] = []
            var warnings: [String] = []
            for img in try selection.images() {
                let finder = try AttachmentFinder(reference: selection.reference, image: img)
                let search = try finder.find()
                warnings += search.warnings.map(\.description)
                for a in search.attachments { rows.append(AttachmentRow(a, platform: img.platform, finder: finder)) }
            }
            if format == "json" {
                let json = JSON.object(["image": .string(image), "attestations": .array(rows.map(\.json)),
                                        "warnings": .array(warnings.map(JSON.string))])
                FileHandle.standardOutput.write(json.serialized([.pretty]) + Data("\n".utf8))
            } else {
                print(AttachmentRow.table(rows), terminator: "")
                for w in warnings { FileHandle.standardError.write(Data("vouch: warning: \(w)\n".utf8)) }
            }
        }
    }
}

/// One attachment as listed: where, what, and which keys signed it (read from its envelope).
struct AttachmentRow {
    let found: FoundAttachment
    let platform: Platform?
    let predicateType: String
    let signers: String

    init(_ found: FoundAttachment, platform: Platform?, finder: AttachmentFinder) {
        self.found = found
        self.platform = platform
        var type = found.predicateType
        var signers = "-"
        switch found.envelope {
        case .dsse, .sigstoreBundle:
            do {
                let data = try finder.load(found)
                let encoding = AttestationEvidence.Encoding(found.envelope) ?? .dsse
                let evidence = try AttestationEvidence.decode(data, encoding: encoding, location: found.location, claimedPredicateType: type)
                let ids = evidence.envelope?.signatures.map { s in (s.keyid?.isEmpty == false ? s.keyid! : "(no keyid)") } ?? []
                signers = ids.isEmpty ? "no signatures" : ids.joined(separator: ",")
                if type == nil, case .success(let s) = evidence.statement { type = s.predicateType }
            } catch {
                signers = "unreadable: \(error)"
            }
        case .statement:
            signers = "unsigned"
        default:
            signers = "unsigned"
        }
        predicateType = type ?? "(unknown)"
        self.signers = signers
    }

    var json: JSON {
        var o: JSONObject = ["predicateType": .string(predicateType), "scheme": .string(found.scheme.rawValue),
                             "envelope": .string(found.envelope.rawValue), "subject": .string(found.subject.description),
                             "manifest": .string(found.manifest.digest.description), "layer": .string(found.layer.digest.description),
                             "location": .string(found.location), "signedBy": .string(signers)]
        if let platform { o["platform"] = .string(platform.description) }
        return .object(o)
    }

    static func table(_ rows: [AttachmentRow]) -> String {
        guard !rows.isEmpty else { return "no attestations attached\n" }
        let header = ["PREDICATE TYPE", "SCHEME", "ENVELOPE", "SIGNED BY (KEY ID)", "SUBJECT", "LOCATION"]
        let cells = rows.map { r in
            [r.predicateType, r.found.scheme.rawValue, r.found.envelope.rawValue,
             r.signers.split(separator: ",").map { $0.count > 16 ? String($0.prefix(16)) + "…" : String($0) }.joined(separator: ","),
             (r.platform.map { "\($0) " } ?? "") + r.found.subject.short, r.found.location]
        }
        return TextTable.render(header: header, rows: cells)
    }
}
