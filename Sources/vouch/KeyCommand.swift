import ArgumentParser
import Attestation
import Foundation

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Manage signing keys.",
        subcommands: [KeyGenerateCommand.self])
}

struct KeyGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a signing key pair: NAME.key (PKCS#8 PEM, mode 0600) and NAME.pub (SPKI PEM).",
        discussion: """
        The private key is encrypted when the variable named by --password-env (VOUCH_KEY_PASSWORD) \
        is set and not empty. --cosign writes it in cosign's format instead (cosign reads it with COSIGN_PASSWORD).
        """)

    @Option(name: .shortAndLong, help: "Path prefix for the pair: writes PREFIX.key and PREFIX.pub.")
    var output: String

    @Option(help: "ecdsa-p256 (default), ecdsa-p384, ed25519, rsa-2048, rsa-3072, rsa-4096.")
    var algorithm = "ecdsa-p256"

    @Option(help: "Environment variable holding the password that encrypts the private key.")
    var passwordEnv = "VOUCH_KEY_PASSWORD"

    @Flag(help: "Write the private key as cosign's ENCRYPTED SIGSTORE PRIVATE KEY (password may be empty).")
    var cosign = false

    @Flag(help: "Replace existing files.")
    var force = false

    func run() throws {
        try Vouch.guarded {
            guard let algorithm = KeyAlgorithm(name: algorithm) else {
                throw ValidationError("unknown key algorithm '\(self.algorithm)' (ecdsa-p256, ecdsa-p384, ed25519, rsa-2048, rsa-3072, rsa-4096)")
            }
            let keyPath = output + ".key", pubPath = output + ".pub"
            if !force {
                for p in [keyPath, pubPath] where FileManager.default.fileExists(atPath: p) {
                    throw ValidationError("\(p) exists; use --force to replace it")
                }
            }
            let password = ProcessInfo.processInfo.environment[passwordEnv].flatMap { $0.isEmpty ? nil : $0 }
            let key = try PrivateKey.generate(algorithm)
            let pem = cosign ? try key.cosignPEM(password: password ?? "") : try key.pkcs8PEM(password: password)
            try OutputFile.write(Data(pem.utf8), to: keyPath, mode: 0o600)
            try OutputFile.write(Data(key.publicKey.pem.utf8), to: pubPath, mode: 0o644)
            let kind = cosign ? "cosign format" : (password == nil ? "unencrypted" : "encrypted")
            print("wrote \(keyPath) (\(key.algorithmName), \(kind)) and \(pubPath)")
            print("key id \(key.keyID)")
        }
    }
}
