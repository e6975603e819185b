import SBOM

/// OpenVEX purl matching (go-vex `PurlMatches`, openvex/spec#27): type, namespace and name equal; a
/// statement purl without a version matches every version; every qualifier the statement gives must be
/// on the package with the same value (extra qualifiers on the package are fine). Anything else is a
/// miss, and the miss says why, so `--explain-vex` can tell a version slip from a different package.
public enum PackageMatch: Equatable, Sendable {
    case matches
    case differentPackage
    case differentVersion(statement: String, package: String)
    case differentQualifier(key: String, statement: String, package: String?)
    case notAPurl

    public static func match(statementPurl: String, packagePurl: String) -> PackageMatch {
        guard let general = normalized(statementPurl) else { return .notAPurl }
        guard let specific = normalized(packagePurl) else { return .differentPackage }
        guard general.type == specific.type, (general.namespace ?? "") == (specific.namespace ?? ""), general.name == specific.name else {
            return .differentPackage
        }
        if let v = general.version, v != specific.version {
            return .differentVersion(statement: v, package: specific.version ?? "none")
        }
        for (key, value) in general.qualifiers.sorted(by: { $0.key < $1.key }) where specific.qualifiers[key] != value {
            return .differentQualifier(key: key, statement: value, package: specific.qualifiers[key])
        }
        return .matches
    }

    /// Parsed with the type's normalisation (deb, pypi, npm names fold case), without rejecting purls
    /// other tools bend; nil for text that is not a purl.
    static func normalized(_ text: String) -> PackageURL? {
        guard var p = try? PackageURL(parsing: text, enforcingTypeRules: false) else { return nil }
        p.normalizeForType()
        return p
    }

    public var reason: String? {
        switch self {
        case .matches: return nil
        case .differentPackage: return "a different package"
        case .differentVersion(let s, let p): return "version differs (statement \(s), package \(p))"
        case .differentQualifier(let k, let s, let p): return "qualifier \(k) differs (statement \(s), package \(p ?? "absent"))"
        case .notAPurl: return "not a package URL"
        }
    }
}
