import ArgumentParser
import Foundation
import SBOM

@main
struct Vouch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vouch",
        abstract: "SBOM-first attestation toolkit: SBOMs of container images, signed and attached as in-toto attestations, and verified.",
        version: VouchVersion.current,
        subcommands: [SBOMCommand.self, KeyCommand.self, AttestCommand.self, AttestationsCommand.self, VerifyCommand.self, DBCommand.self, QuickviewCommand.self, CVEsCommand.self, CompareCommand.self, VEXCommand.self])

    /// Runs a command body, turning any library error into one line on stderr and exit status 1.
    static func guarded(_ body: () throws -> Void) throws {
        do { try body() } catch let e as ExitCode { throw e } catch let e as CleanExit { throw e } catch {
            FileHandle.standardError.write(Data("vouch: error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
