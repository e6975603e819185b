/// One ecosystem's version ordering (dpkg, apk, rpm, PEP 440, SemVer, Go, Maven, RubyGems, Composer, NuGet…).
/// Matching compares a package's installed version with advisory range events through this.
public protocol VersionScheme: Sendable {
    /// The scheme's name as users and errors see it (`dpkg`, `pep440`, …).
    var name: String { get }
    /// Negative, zero or positive as `a` sorts before, equal to, or after `b`.
    /// Throws `VersionError` for a version the ecosystem would not accept.
    func compare(_ a: String, _ b: String) throws -> Int
    /// Parses once so that one installed version can be compared with many range events cheaply.
    func parse(_ text: String) throws -> AnyVersion
}

public struct VersionError: Error, CustomStringConvertible, Equatable, Sendable {
    public let scheme: String
    public let version: String
    public let reason: String
    public init(scheme: String, version: String, reason: String) {
        self.scheme = scheme; self.version = version; self.reason = reason
    }
    /// One line, whatever the version holds: it is shown escaped and cut to 80 characters.
    public var description: String { "\(scheme) version \(String(version.prefix(80)).debugDescription): \(reason)" }
}

/// A version parsed once into a compact form that compares by its ecosystem's rules.
/// `==` means "sorts equal" (Maven `1.0` == `1`), not "same text".
public protocol OrderedVersion: Comparable, Sendable, CustomStringConvertible {
    /// The scheme's name, as `VersionError.scheme` carries it.
    static var schemeName: String { get }
    init(_ text: String) throws
    /// Negative, zero or positive as `self` sorts before, equal to, or after `other`.
    func compare(to other: Self) -> Int
}

/// The `VersionScheme` of one `OrderedVersion` type.
public struct VersionOrdering<V: OrderedVersion>: VersionScheme {
    public init() {}
    public var name: String { V.schemeName }
    public func compare(_ a: String, _ b: String) throws -> Int { try V(a).compare(to: V(b)) }
    public func parse(_ text: String) throws -> AnyVersion { AnyVersion(try V(text)) }
}

/// A parsed version of any scheme. Versions of one scheme compare by that scheme; versions of
/// different schemes never meet in matching, and sort by scheme name so the order stays total.
public struct AnyVersion: Comparable, Sendable, CustomStringConvertible {
    private let box: AnyVersionBox

    public init<V: OrderedVersion>(_ version: V) { box = VersionBox(version) }

    /// The parsed version itself (`DebianVersion`, `PEP440Version`, …).
    public var base: any OrderedVersion { box.base }
    public var schemeName: String { box.schemeName }
    public var description: String { box.base.description }

    public func compare(to other: AnyVersion) -> Int {
        if let result = box.compare(to: other.box) { return result }
        return schemeName < other.schemeName ? -1 : (schemeName == other.schemeName ? 0 : 1)
    }

    public static func < (a: AnyVersion, b: AnyVersion) -> Bool { a.compare(to: b) < 0 }
    public static func == (a: AnyVersion, b: AnyVersion) -> Bool { a.compare(to: b) == 0 }
}

/// A class box so that telling two versions' types apart is one pointer comparison, not an existential cast.
class AnyVersionBox: @unchecked Sendable {
    let base: any OrderedVersion
    init(base: any OrderedVersion) { self.base = base }
    var schemeName: String { type(of: base).schemeName }
    func compare(to other: AnyVersionBox) -> Int? { nil }
}

final class VersionBox<V: OrderedVersion>: AnyVersionBox, @unchecked Sendable {
    let value: V
    init(_ value: V) {
        self.value = value
        super.init(base: value)
    }
    override var schemeName: String { V.schemeName }
    override func compare(to other: AnyVersionBox) -> Int? {
        guard type(of: other) == VersionBox<V>.self else { return nil }
        return value.compare(to: unsafeDowncast(other, to: VersionBox<V>.self).value)
    }
}
