import Advisories
import Attestation
import Foundation
import JSON
import SBOM
import VEX

/// The parsers of untrusted input, each behind one function taking arbitrary bytes: VEX documents
/// (OpenVEX, CycloneDX VEX, CSAF, in JSON or YAML), OSV records (JSON and YAML), SBOMs (SPDX and
/// CycloneDX), attestation envelopes (DSSE, sigstore bundles, bare statements) and purls. Errors are the
/// expected outcome; a crash, a hang or a sanitizer report is a bug.
///
/// Built with `-sanitize=fuzzer -DFUZZING` (`make fuzz`), libFuzzer drives `LLVMFuzzerTestOneInput`; built
/// normally, `vouch-fuzz TARGET FILE…` replays inputs (a crash found by the fuzzer, or a corpus) through the
/// same function.
enum FuzzTarget: String, CaseIterable {
    case vex, osv, sbom, envelope, purl

    func run(_ data: Data) {
        switch self {
        case .vex:
            _ = try? VEXDocumentReader().read(data, location: "fuzz")
        case .osv:
            var diagnostics = ImportDiagnostics()
            _ = try? OSVFormat.parseRecord(data, file: "fuzz.json", kind: .json, diagnostics: &diagnostics)
            _ = try? OSVFormat.parseRecord(data, file: "fuzz.yaml", kind: .yaml, diagnostics: &diagnostics)
        case .sbom:
            _ = try? SBOMReader().read(data, source: "fuzz")
        case .envelope:
            for encoding in [AttestationEvidence.Encoding.statement, .dsse, .sigstoreBundle] {
                _ = try? AttestationEvidence.decode(data, encoding: encoding, location: "fuzz", claimedPredicateType: nil)
            }
        case .purl:
            _ = try? PackageURL(parsing: String(decoding: data, as: UTF8.self))
        }
    }

    /// `VOUCH_FUZZ_TARGET` chooses the target under libFuzzer, whose command line is its own.
    static var fromEnvironment: FuzzTarget {
        ProcessInfo.processInfo.environment["VOUCH_FUZZ_TARGET"].flatMap(FuzzTarget.init(rawValue:)) ?? .vex
    }
}

#if FUZZING
private let chosen = FuzzTarget.fromEnvironment

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes else { chosen.run(Data()); return 0 }
    chosen.run(Data(bytes: bytes, count: count))
    return 0
}

/// libFuzzer's entry point for programs that keep their own `main` (SwiftPM renames an executable's
/// `main`, so libFuzzer's would never be called).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@main
struct FuzzDriver {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
    }
}
#else
@main
struct Replay {
    static func main() {
        let args = CommandLine.arguments.dropFirst()
        guard let name = args.first, let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("usage: vouch-fuzz \(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")) FILE…\n".utf8))
            exit(2)
        }
        for path in args.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            target.run(data)
        }
        print("replayed \(args.count - 1) inputs through \(target.rawValue)")
    }
}
#endif
