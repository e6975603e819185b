/// A Dart (pub) package version, ordered as `pub_semver`'s `Version.compareTo`: SemVer precedence, and
/// then — unlike SemVer — build metadata too: no build sorts before a build (`1.0.0 < 1.0.0+1`), and
/// builds compare like pre-release identifiers (`1.2.3+9 < 1.2.3+a`). Parsing is `SemanticVersion`'s
/// tolerant reading.
public struct PubVersion: OrderedVersion {
    public static let schemeName = "pub"

    public let semantic: SemanticVersion

    public init(_ text: String) throws {
        do {
            semantic = try SemanticVersion(text)
        } catch let error as VersionError {
            throw VersionError(scheme: Self.schemeName, version: text, reason: error.reason)
        }
    }

    public var description: String { semantic.text }

    public func compare(to other: PubVersion) -> Int {
        let r = semantic.compare(to: other.semantic)
        if r != 0 { return r }
        switch (semantic.build.isEmpty, other.semantic.build.isEmpty) {
        case (true, true): return 0
        case (true, false): return -1
        case (false, true): return 1
        case (false, false): return SemanticVersion.compareLists(semantic.build, other.semantic.build)
        }
    }

    public static func < (a: PubVersion, b: PubVersion) -> Bool { a.compare(to: b) < 0 }
    public static func == (a: PubVersion, b: PubVersion) -> Bool { a.compare(to: b) == 0 }
}
