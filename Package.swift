// swift-tools-version:5.10
import PackageDescription

let package = Package(
    name: "vouch",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "vouch", targets: ["vouch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        // System libraries (Debian: libarchive-dev, libjansson-dev, libssl-dev, libsqlite3-dev).
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CJansson", pkgConfig: "jansson", providers: [.apt(["libjansson-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite3", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CVouchZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Untyped JSON trees parsed by jansson, written deterministically.
        .target(name: "JSON", dependencies: ["CJansson", .product(name: "Yams", package: "Yams")]),
        // Digests and small crypto primitives over OpenSSL.
        .target(name: "Digest", dependencies: ["COpenSSL"]),
        // Image references, OCI layouts, docker/oci archives, registries, manifests.
        .target(name: "OCI", dependencies: ["JSON", "Digest", "CArchive"]),
        // Streaming layer walker, squashed view, one cataloguer per ecosystem.
        .target(name: "Catalog", dependencies: [
            "OCI", "JSON", "Digest", "CArchive", "CSQLite3", "CVouchZlib", "SBOM",
        ]),
        // The inventory model, purl, CycloneDX and SPDX writers and readers.
        .target(name: "SBOM", dependencies: ["JSON", "Digest"]),
        // in-toto statements, SLSA provenance, DSSE envelopes, keys (OpenSSL), verification policies.
        .target(name: "Attestation", dependencies: [
            "JSON", "Digest", "COpenSSL", .product(name: "Yams", package: "Yams"),
        ]),
        // Advisory data: version orderings per ecosystem, CVSS calculators, importers and the store.
        .target(name: "Advisories", dependencies: [
            "JSON", "Digest", "CArchive", .product(name: "Yams", package: "Yams"), .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // Matching inventories against advisories, severity, findings and reports.
        .target(name: "Evaluation", dependencies: ["Advisories", "SBOM"]),
        .target(name: "VEX", dependencies: ["JSON", "Digest", "SBOM", "Evaluation", .product(name: "Yams", package: "Yams")]),
        .executableTarget(name: "vouch", dependencies: [
            "OCI", "Catalog", "SBOM", "JSON", "Digest", "Attestation", "Advisories", "Evaluation", "VEX",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // libFuzzer harness for the parsers of untrusted input (`make fuzz`); built normally it replays inputs.
        .executableTarget(name: "vouch-fuzz", dependencies: ["JSON", "SBOM", "Attestation", "Advisories", "VEX"]),
        .testTarget(name: "VouchTests", dependencies: ["OCI", "Catalog", "SBOM", "JSON", "Digest", "Attestation", "Advisories", "Evaluation", "VEX"]),
    ]
)
