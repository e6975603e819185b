/// A Go module version, ordered as `golang.org/x/mod/semver` orders them: SemVer precedence with
/// `+incompatible` (build metadata) ignored. Pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`,
/// `v1.2.4-0.20191109021931-daa7c04131f5`) are pre-releases, so their timestamps order them before the
/// release they precede. OSV writes Go versions without the `v`, so it is optional; Go toolchain
/// versions (`go1.21.3`, `go1.22rc1`, as the standard library reports) read as `1.21.3`, `1.22.0-rc.1`.
public struct GoVersion: OrderedVersion {
    public static let schemeName = "go"

    public let text: String
    public let semantic: SemanticVersion

    public init(_ text: String) throws {
        self.text = text
        let toolchain = Self.toolchainAsSemver(text)
        do {
            semantic = try SemanticVersion(toolchain ?? text)
        } catch let error as VersionError {
            throw VersionError(scheme: Self.schemeName, version: text, reason: error.reason)
        }
    }

    public var description: String { text }

    /// Whether this is a pseudo-version: a pre-release ending in a 14-digit UTC timestamp and a 12-hex-digit revision.
    public var isPseudoVersion: Bool { pseudoRevision != nil }

    /// The commit a pseudo-version names.
    public var pseudoRevision: String? {
        guard case .text(let last)? = semantic.prerelease.last else {
            return nil
        }
        // The final identifier is `yyyymmddhhmmss-abcdefabcdef` (possibly after `0.` or `pre.0.`).
        let pieces = last.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard pieces.count >= 2,
              let revision = pieces.last, revision.count == 12,
              revision.allSatisfy({ VersionText.isDigit($0) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) }),
              let stamp = pieces.dropLast().last, stamp.count == 14, stamp.allSatisfy(VersionText.isDigit)
        else { return nil }
        return String(decoding: revision, as: UTF8.self)
    }

    public func compare(to other: GoVersion) -> Int { semantic.compare(to: other.semantic) }

    public static func < (a: GoVersion, b: GoVersion) -> Bool { a.compare(to: b) < 0 }
    public static func == (a: GoVersion, b: GoVersion) -> Bool { a.compare(to: b) == 0 }

    /// `go1.21.3` → `1.21.3`; `go1.21` → `1.21.0`; `go1.22rc1` → `1.22.0-rc.1`; `go1.9beta2` → `1.9.0-beta.2`.
    static func toolchainAsSemver(_ text: String) -> String? {
        guard text.hasPrefix("go"), text.utf8.count <= VersionText.maxLength else { return nil }
        let body = Array(text.utf8.dropFirst(2))[...]
        var numbersEnd = body.startIndex
        while numbersEnd < body.endIndex, VersionText.isDigit(body[numbersEnd]) || body[numbersEnd] == UInt8(ascii: ".") {
            numbersEnd += 1
        }
        let numbers = String(decoding: body[..<numbersEnd], as: UTF8.self)
        guard !numbers.isEmpty, numbers.first != ".", numbers.last != "." else { return nil }
        var core = numbers.split(separator: ".").map(String.init)
        while core.count < 3 { core.append("0") }
        let rest = body[numbersEnd...]
        if rest.isEmpty { return core.joined(separator: ".") }
        let label = rest.prefix(while: VersionText.isLower)
        let number = rest.dropFirst(label.count)
        guard !label.isEmpty, !number.isEmpty, number.allSatisfy(VersionText.isDigit) else { return nil }
        return core.joined(separator: ".") + "-" + String(decoding: label, as: UTF8.self) + "." + String(decoding: number, as: UTF8.self)
    }
}
