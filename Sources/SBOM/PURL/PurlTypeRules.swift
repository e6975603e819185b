import Foundation

/// The per-type rules of the purl specification's type definitions (`types/<type>-definition.json`),
/// written out in Swift so the library never reads the specification at run time.
///
/// What is encoded: namespace requirement (required / prohibited), case-insensitive components
/// (lower-cased in the canonical form), name normalisation rules (pypi, pub), permitted characters
/// (chrome-extension), required qualifiers (julia, swid) and the few rules stated only in notes
/// (cpan names never contain `::`, cpan author ids are upper case, Databricks mlflow names are case-insensitive).
enum PurlTypeRules {
    enum Requirement { case optional, required, prohibited }

    static func namespaceRequirement(_ type: String) -> Requirement {
        if namespaceRequired.contains(type) { return .required }
        if namespaceProhibited.contains(type) { return .prohibited }
        return .optional
    }

    static let namespaceRequired: Set<String> = [
        "alpm", "apk", "bitbucket", "composer", "deb", "git", "github", "golang", "huggingface", "maven",
        "qpkg", "rpm", "swift", "vscode-extension",
    ]
    static let namespaceProhibited: Set<String> = [
        "bazel", "bitnami", "cargo", "chrome-extension", "cocoapods", "conda", "cran", "gem", "hackage",
        "julia", "mlflow", "nuget", "oci", "opam", "otp", "pub", "pypi", "vcpkg",
    ]
    /// Types whose definition marks the namespace `case_sensitive: false`.
    static let caseInsensitiveNamespace: Set<String> = [
        "alpm", "apk", "bitbucket", "brew", "composer", "deb", "github", "hex", "luarocks", "qpkg", "rpm",
        "vscode-extension", "yocto",
    ]
    /// Types whose definition marks the name `case_sensitive: false`.
    static let caseInsensitiveName: Set<String> = [
        "alpm", "apk", "bitbucket", "bitnami", "brew", "chrome-extension", "composer", "deb", "github", "hex",
        "luarocks", "oci", "otp", "pub", "pypi", "vscode-extension",
    ]
    /// Types whose definition marks the version `case_sensitive: false`. pypi's definition says so too, but
    /// its version is deliberately left as written: PEP 440 normalisation is more than lower-casing, and
    /// packageurl-python, syft and trivy all keep pypi versions verbatim, so lower-casing would only make our
    /// purls differ from theirs for the same package.
    static let caseInsensitiveVersion: Set<String> = ["huggingface", "oci", "vscode-extension"]
    static let requiredQualifiers: [String: [String]] = ["julia": ["uuid"], "swid": ["tag_id"]]

    static func normalize(_ p: inout PackageURL) {
        let t = p.type
        if t == "git" { splitGitPath(&p) }
        if caseInsensitiveNamespace.contains(t) { p.namespace = p.namespace?.lowercased() }
        if t == "cpan" { p.namespace = p.namespace?.uppercased() }
        if caseInsensitiveName.contains(t) { p.name = p.name.lowercased() }
        if caseInsensitiveVersion.contains(t) { p.version = p.version?.lowercased() }
        switch t {
        case "pypi":
            p.name = p.name.replacingOccurrences(of: "_", with: "-")
        case "pub":
            p.name = String(p.name.map { c in c.isASCII && (c.isLowercase || c.isNumber || c == "_") ? c : "_" })
        case "mlflow":
            // Databricks model registries are case-insensitive; Azure ML (and others) are not.
            if p.qualifiers["repository_url"]?.lowercased().contains("databricks") == true { p.name = p.name.lowercased() }
        case "otp":
            p.subpath = p.subpath?.lowercased()
        default:
            break
        }
    }

    static func validate(_ p: PackageURL) throws {
        let t = p.type
        switch namespaceRequirement(t) {
        case .required where p.namespace == nil: throw PackageURL.ParseError.namespaceRequired(type: t)
        case .prohibited where p.namespace != nil: throw PackageURL.ParseError.namespaceProhibited(type: t)
        default: break
        }
        for key in requiredQualifiers[t] ?? [] where p.qualifiers[key] == nil {
            throw PackageURL.ParseError.missingQualifier(type: t, key: key)
        }
        switch t {
        case "cpan":
            if p.name.contains("::") {
                throw PackageURL.ParseError.invalidName(type: t, name: p.name, reason: "a distribution name, not a module name ('::')")
            }
        case "chrome-extension":
            let id = p.name.unicodeScalars
            guard id.count == 32, id.allSatisfy({ ("a"..."p").contains($0) }) else {
                throw PackageURL.ParseError.invalidName(type: t, name: p.name, reason: "an extension id is 32 letters a-p")
            }
            if let v = p.version, !isDottedNumber(v, maxSegments: 4) {
                throw PackageURL.ParseError.invalidVersion(type: t, version: v, reason: "1 to 4 dot-separated numbers")
            }
        default:
            break
        }
    }

    /// A git purl names the host as namespace and the repository path (owner/repository) as name.
    private static func splitGitPath(_ p: inout PackageURL) {
        guard let ns = p.namespace else { return }
        let segments = ns.split(separator: "/").map(String.init)
        guard segments.count > 1 else { return }
        p.namespace = segments[0]
        p.name = (segments.dropFirst() + [p.name]).joined(separator: "/")
    }

    private static func isDottedNumber(_ v: String, maxSegments: Int) -> Bool {
        let parts = v.split(separator: ".", omittingEmptySubsequences: false)
        return (1...maxSegments).contains(parts.count)
            && parts.allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy { ("0"..."9").contains($0) } }
    }
}
