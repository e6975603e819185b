import Foundation
import JSON
import Yams

public enum PolicyError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case invalid(path: String, field: String, reason: String)
    case invalidPattern(pattern: String, reason: String)
    case noKeys

    public var description: String {
        switch self {
        case .unreadable(let p, let r): return "\(p): \(r)"
        case .invalid(let p, let f, let r): return "\(p): \(f): \(r)"
        case .invalidPattern(let p, let r): return "pattern '\(p)': \(r)"
        case .noKeys: return "no trusted keys: give --key or a policy with keys"
        }
    }
}

/// What `vouch verify` requires: trusted keys, which predicate types must be attached and
/// verified, and the provenance rules. Built from flags, a YAML/JSON policy file, or both
/// (flags add to the file's lists).
public struct VerificationPolicy {
    public var keys: [PublicKey] = []
    public var threshold = 1
    /// Predicate types that must each have at least one attestation passing every check.
    public var requiredPredicateTypes: [String] = []
    public var statementTypes: [String] = [StatementType.v1, StatementType.v01]
    public var builderIDs: [String] = []
    public var sourceURIs: [String] = []
    public var sourceRefs: [String] = []
    public var buildTypes: [String] = []
    /// nil: any external parameters; a set: only these keys.
    public var allowedExternalParameters: Set<String>?

    public init() {}

    /// Policy file keys, all optional. Unknown keys are an error: a misspelt rule must not
    /// silently verify less than the author meant.
    static let knownKeys: Set<String> = [
        "version", "keys", "threshold", "predicateTypes", "statementTypes", "builderIds", "builderId",
        "buildTypes", "buildType", "source", "allowedExternalParameters",
    ]
    static let knownSourceKeys: Set<String> = ["uri", "uris", "ref", "refs"]

    /// Reads a policy file; key paths are relative to the file.
    public static func load(path: String) throws -> VerificationPolicy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyError.unreadable(path: path, reason: "cannot read the file")
        }
        guard data.count <= 1 << 20 else { throw PolicyError.unreadable(path: path, reason: "larger than 1 MiB") }
        let text = String(decoding: data, as: UTF8.self)
        // Yams.load composes recursively and expands aliases: refuse deep nesting and anchors first.
        if let why = YAMLTree.refusal(Array(data)) { throw PolicyError.unreadable(path: path, reason: why) }
        let tree: Any?
        do { tree = try Yams.load(yaml: text) } catch {
            throw PolicyError.unreadable(path: path, reason: "not valid YAML or JSON: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
        guard let root = tree as? [String: Any] else { throw PolicyError.invalid(path: path, field: "(top level)", reason: "expected a mapping") }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        return try PolicyFileReader(path: path, base: base).read(root)
    }

    /// The checks for one attestation, in the order they are reported.
    public func checks(imageDigest: String, indexDigests: [String] = []) throws -> [VerificationCheck] {
        guard !keys.isEmpty else { throw PolicyError.noKeys }
        var checks: [VerificationCheck] = [
            SignatureCheck(keys: keys, threshold: threshold),
            PayloadTypeCheck(),
            StatementTypeCheck(allowed: statementTypes),
            SubjectDigestCheck(digest: imageDigest, indexDigests: indexDigests),
            PredicateTypeCheck(expected: requiredPredicateTypes),
        ]
        if !builderIDs.isEmpty { checks.append(BuilderIDCheck(expected: try ValueMatchers(builderIDs))) }
        if !sourceURIs.isEmpty { checks.append(SourceURICheck(expected: try ValueMatchers(sourceURIs))) }
        if !sourceRefs.isEmpty { checks.append(SourceRefCheck(expected: try ValueMatchers(sourceRefs))) }
        if !buildTypes.isEmpty { checks.append(BuildTypeCheck(expected: try ValueMatchers(buildTypes))) }
        if let allowed = allowedExternalParameters { checks.append(ExternalParametersCheck(allowed: allowed)) }
        return checks
    }

    /// Adds another policy's rules (flags on top of a file).
    public mutating func merge(_ other: VerificationPolicy) {
        for k in other.keys where !keys.contains(k) { keys.append(k) }
        threshold = max(threshold, other.threshold)
        requiredPredicateTypes += other.requiredPredicateTypes.filter { !requiredPredicateTypes.contains($0) }
        builderIDs += other.builderIDs
        sourceURIs += other.sourceURIs
        sourceRefs += other.sourceRefs
        buildTypes += other.buildTypes
        if let a = other.allowedExternalParameters { allowedExternalParameters = (allowedExternalParameters ?? []).union(a) }
    }
}

/// Turns a parsed YAML/JSON mapping into a policy, naming the field of any mistake.
struct PolicyFileReader {
    let path: String
    let base: URL

    func read(_ root: [String: Any]) throws -> VerificationPolicy {
        if let unknown = root.keys.filter({ !VerificationPolicy.knownKeys.contains($0) }).sorted().first {
            throw PolicyError.invalid(path: path, field: unknown, reason: "unknown policy key (known: \(VerificationPolicy.knownKeys.sorted().joined(separator: ", ")))")
        }
        var p = VerificationPolicy()
        p.keys = try strings(root["keys"], "keys").map(loadKey)
        if let t = root["threshold"] {
            guard let n = t as? Int, n >= 1 else { throw PolicyError.invalid(path: path, field: "threshold", reason: "expected an integer ≥ 1") }
            p.threshold = n
        }
        p.requiredPredicateTypes = try strings(root["predicateTypes"], "predicateTypes").map(PredicateType.resolve)
        let statementTypes = try strings(root["statementTypes"], "statementTypes")
        if !statementTypes.isEmpty { p.statementTypes = statementTypes }
        p.builderIDs = try strings(root["builderIds"], "builderIds") + strings(root["builderId"], "builderId")
        p.buildTypes = try strings(root["buildTypes"], "buildTypes") + strings(root["buildType"], "buildType")
        if let s = root["source"] {
            guard let source = s as? [String: Any] else { throw PolicyError.invalid(path: path, field: "source", reason: "expected a mapping with uri/ref") }
            if let unknown = source.keys.filter({ !VerificationPolicy.knownSourceKeys.contains($0) }).sorted().first {
                throw PolicyError.invalid(path: path, field: "source.\(unknown)", reason: "unknown key (known: uri, uris, ref, refs)")
            }
            p.sourceURIs = try strings(source["uri"], "source.uri") + strings(source["uris"], "source.uris")
            p.sourceRefs = try strings(source["ref"], "source.ref") + strings(source["refs"], "source.refs")
        }
        if root["allowedExternalParameters"] != nil {
            p.allowedExternalParameters = Set(try strings(root["allowedExternalParameters"], "allowedExternalParameters"))
        }
        for (field, values) in [("builderIds", p.builderIDs), ("source.uri", p.sourceURIs), ("source.ref", p.sourceRefs), ("buildTypes", p.buildTypes)] {
            do { _ = try ValueMatchers(values) } catch { throw PolicyError.invalid(path: path, field: field, reason: "\(error)") }
        }
        return p
    }

    /// A string or a list of strings.
    func strings(_ value: Any?, _ field: String) throws -> [String] {
        switch value {
        case nil: return []
        case let s as String: return [s]
        case let list as [Any]:
            return try list.enumerated().map { i, v in
                guard let s = v as? String else { throw PolicyError.invalid(path: path, field: "\(field)[\(i)]", reason: "expected a string") }
                return s
            }
        default: throw PolicyError.invalid(path: path, field: field, reason: "expected a string or a list of strings")
        }
    }

    /// A key entry is inline PEM or a path relative to the policy file.
    func loadKey(_ entry: String) throws -> PublicKey {
        do {
            if entry.contains("-----BEGIN") { return try PublicKey(pem: Data(entry.utf8), source: "\(path): keys") }
            let url = entry.hasPrefix("/") ? URL(fileURLWithPath: entry) : base.appendingPathComponent(entry)
            return try PublicKey(contentsOf: url)
        } catch {
            throw PolicyError.invalid(path: path, field: "keys", reason: "\(error)")
        }
    }
}
