import ArgumentParser
import Attestation
import Digest
import Foundation
import OCI

/// Where signed attestations go, shared by `attest` and `vex attest`: attached to the image, written to
/// a folder, or printed (one envelope per line) when neither is asked for.
struct AttachmentDelivery: ParsableArguments {
    @Flag(help: "Attach to the image (writes into the layout, or pushes to the registry).")
    var attach = false

    @Option(help: "Attachment schemes, comma-separated: buildkit, referrer, cosign (default: all three).")
    var schemes = "buildkit,referrer,cosign"

    @Option(name: .shortAndLong, help: "Also write each envelope to this directory.")
    var outputDir: String?

    @Option(help: "Platform to attest (default: every platform of the index).")
    var platform: String?

    @Flag(help: "Allow plain HTTP to the registry.")
    var insecure = false

    /// The password for the signing key: VOUCH_KEY_PASSWORD (empty means none), else COSIGN_PASSWORD.
    static func signingKey(_ path: String) throws -> PrivateKey {
        let env = ProcessInfo.processInfo.environment
        let password = env["VOUCH_KEY_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 } ?? env["COSIGN_PASSWORD"]
        return try PrivateKey(contentsOf: URL(fileURLWithPath: path), password: password)
    }

    /// Calls `payloads` for each platform image and delivers what it returns, named `<name>[.<platform>].dsse.json`.
    func deliver(image: String, payloads: (Image, Digest) throws -> [(name: String, payload: AttachmentPayload)]) throws {
        let schemeSet = try Self.parseSchemes(schemes)
        let selection = try ImageSelection(image: image, platform: platform, insecure: insecure)
        let target = attach ? try AttachTarget(selection.reference) : nil
        let images = try selection.images()
        var printed: [Data] = []
        for img in images {
            guard let digest = img.manifestDigest else {
                throw CLIError("\(img.reference): this image has no manifest digest (legacy docker-archive); attest a registry or oci-dir image")
            }
            let made = try payloads(img, digest)
            if let outputDir {
                try FileManager.default.createDirectory(atPath: outputDir, withIntermediateDirectories: true)
                let suffix = images.count > 1 ? "." + (img.platform?.description ?? String(digest.hex.prefix(12))).replacingOccurrences(of: "/", with: "-") : ""
                for (name, p) in made {
                    let path = URL(fileURLWithPath: outputDir).appendingPathComponent("\(name)\(suffix).dsse.json").path
                    try OutputFile.write(p.data, to: path)
                    print("wrote \(path) (\(p.predicateType), subject \(digest.short))")
                }
            }
            if let target {
                let report = try Attacher(target: target, registryOptions: selection.registryOptions).attach(made.map(\.payload), to: img, schemes: schemeSet)
                print("\(img.platform.map { "[\($0)] " } ?? "")subject \(digest)")
                for line in report.lines { print("  " + line) }
                for line in report.skipped { print("  skipped: " + line) }
                for line in report.notes { print("  note: " + line) }
            } else if outputDir == nil {
                printed += made.map(\.payload.data)
            }
        }
        for d in printed { FileHandle.standardOutput.write(d + Data("\n".utf8)) }
    }

    static func parseSchemes(_ text: String) throws -> Set<AttachmentScheme> {
        var set = Set<AttachmentScheme>()
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let s = AttachmentScheme(rawValue: name) else {
                throw ValidationError("unknown scheme '\(name)' (buildkit, referrer, cosign)")
            }
            set.insert(s)
        }
        guard !set.isEmpty else { throw ValidationError("--schemes names no scheme") }
        return set
    }
}
