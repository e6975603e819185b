import ArgumentParser
import Attestation
import Digest
import Evaluation
import Foundation
import OCI
import SBOM
import VEX

/// Where VEX statements come from for a scan, whom to trust, and whether to explain them.
struct VEXOptions: ParsableArguments {
    @Option(help: "A VEX document (OpenVEX, CycloneDX VEX, CSAF VEX) or a folder of them; repeatable.")
    var vexLocation: [String] = []

    @Option(help: "Apply only statements whose document author matches this regular expression; repeatable.")
    var vexAuthor: [String] = []

    @Flag(help: "Do not apply VEX attestations attached to the image.")
    var noAttachedVex = false

    @Flag(help: "For every VEX statement: whether it applied, and if not, why.")
    var explainVex = false
}

/// The statements a scan starts from and what reading them found wrong.
struct LoadedVEX {
    var sources: [VEXSource] = []
    /// Unreadable documents and skipped statements, one line each.
    var problems: [String] = []
    /// `2 attached VEX attestations (signature not checked: give --key)`.
    var notes: [String] = []

    /// `--vex-location` files and folders.
    static func files(_ paths: [String]) -> LoadedVEX {
        var loaded = LoadedVEX()
        guard !paths.isEmpty else { return loaded }
        let (documents, errors) = VEXLocations.load(paths)
        loaded.problems += errors.map(\.description)
        for d in documents {
            loaded.problems += d.problems.map { "\($0)" }
            loaded.sources.append(VEXSource(document: d, kind: .file))
        }
        return loaded
    }

    /// VEX attestations attached to the image; with keys or a policy, one that does not verify is kept
    /// as a rejected source so `--explain-vex` can say its statements did not apply and why.
    static func attached(image: String, img: Image, reference: ImageReference, rules: VerificationPolicy?) -> LoadedVEX {
        var loaded = LoadedVEX()
        let found: AttachedStatements
        do {
            found = try AttachedStatements.find(image: image, img: img, reference: reference, families: PredicateType.vexFamilies, rules: rules)
        } catch {
            loaded.problems.append("\(image): cannot search for VEX attestations: \(error)")
            return loaded
        }
        let subjects = found.subjects.map(\.description)
        // One attestation attached under several schemes (BuildKit index, referrer, cosign tag) is one
        // document: the same predicate must not count as three statements overriding each other.
        var seen = Set<String>()
        for item in found.items {
            if let d = item.document {
                guard seen.insert(Hasher.sha256Hex(d) + "\(item.trust)").inserted else { continue }
            }
            let location = "attestation \(item.attachment.location)"
            guard let data = item.document else {
                if case .refused(let why) = item.trust { loaded.problems.append("\(location): \(why)") }
                continue
            }
            do {
                let document = try VEXDocumentReader().read(data, location: location)
                loaded.problems += document.problems.map { "\($0)" }
                switch item.trust {
                case .verified:
                    loaded.sources.append(VEXSource(document: document, kind: .attestation(subjects: subjects)))
                    loaded.notes.append("\(location): verified")
                case .unchecked(let why):
                    loaded.sources.append(VEXSource(document: document, kind: .attestation(subjects: subjects)))
                    loaded.notes.append("\(location): \(why)")
                case .refused(let why):
                    loaded.sources.append(VEXSource(document: document, kind: .attestation(subjects: subjects), rejection: "signature invalid: \(why)"))
                }
            } catch {
                loaded.problems.append("\(error)")
            }
        }
        return loaded
    }

    static func + (a: LoadedVEX, b: LoadedVEX) -> LoadedVEX {
        LoadedVEX(sources: a.sources + b.sources, problems: a.problems + b.problems, notes: a.notes + b.notes)
    }
}
