import ArgumentParser
import Foundation
import SBOM

@main
struct Vouch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vouch",
        abstract: "SBOM-first attestation toolkit: catalogue container images and write SPDX and CycloneDX SBOMs.",
        version: VouchVersion.current,
        subcommands: [SBOMCommand.self])

    /// Runs a command body, turning any library error into one line on stderr and exit status 1.
    static func guarded(_ body: () throws -> Void) throws {
        do { try body() } catch let e as ExitCode { throw e } catch let e as CleanExit { throw e } catch {
            FileHandle.standardError.write(Data("vouch: error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
