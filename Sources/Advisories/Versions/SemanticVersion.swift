/// A Semantic Versioning 2.0.0 version (npm, crates.io, Hex, Bitnami, SwiftURL…), ordered by SemVer
/// precedence: major.minor.patch numerically, then a pre-release sorts before its release, its
/// dot-separated identifiers compared numerically when all digits and in ASCII order otherwise
/// (numbers first, fewer identifiers first). Build metadata never changes the order.
///
/// `init(_:)` is tolerant, as advisory data needs: an optional `v`, missing minor/patch read as 0
/// (`v1.2` = `1.2.0`), numbers of any size, components after the third kept as build metadata
/// (`1.1.3.4.5` = `1.1.3`), and a pre-release may start without `-` (`1.0.0beta`, `2.0.0.RELEASE`).
/// `init(strict:)` accepts only what the SemVer 2.0.0 grammar allows.
public struct SemanticVersion: OrderedVersion {
    public static let schemeName = "semver"

    /// One dot-separated pre-release or build identifier.
    enum Identifier: Sendable, Equatable {
        case number(Numeral)
        case text([UInt8])

        static func compare(_ a: Identifier, _ b: Identifier) -> Int {
            switch (a, b) {
            case let (.number(x), .number(y)): return Numeral.compare(x, y)
            case let (.text(x), .text(y)): return VersionText.compareBytes(x[...], y[...])
            case (.number, .text): return -1
            case (.text, .number): return 1
            }
        }
    }

    public let text: String
    let major: Numeral, minor: Numeral, patch: Numeral
    let prerelease: [Identifier]
    let build: [Identifier]

    public init(_ text: String) throws {
        try self.init(text, strict: false)
    }

    public init(strict text: String) throws {
        try self.init(text, strict: true)
    }

    private init(_ text: String, strict: Bool) throws {
        self.text = text
        func fail(_ reason: String) -> VersionError { VersionError(scheme: Self.schemeName, version: text, reason: reason) }
        let bytes = try VersionText.bytes(text, scheme: Self.schemeName)
        if let bad = bytes.first(where: { $0 <= 0x20 || $0 >= 0x7F }) {
            throw fail("character \(VersionText.show(bad)) is not allowed in a version")
        }
        let all = bytes[...]
        var i = 0
        if !strict, all[0] == UInt8(ascii: "v") || all[0] == UInt8(ascii: "V") { i = 1 }

        var core: [Numeral] = []
        while true {
            let end = VersionText.run(all, from: i, while: VersionText.isDigit)
            if end == i { throw fail(core.isEmpty ? "does not start with a number" : "empty version component") }
            if strict, end - i > 1, all[i] == UInt8(ascii: "0") { throw fail("leading zero in a version number") }
            core.append(Numeral(digits: all[i..<end]))
            i = end
            guard i < all.endIndex, all[i] == UInt8(ascii: "."),
                  i + 1 < all.endIndex, VersionText.isDigit(all[i + 1]) else { break }
            i += 1
        }
        if strict, core.count != 3 { throw fail("needs exactly major.minor.patch") }
        while core.count < 3 { core.append(.zero) }
        major = core[0]; minor = core[1]; patch = core[2]
        let extra = core.dropFirst(3).map(Identifier.number)

        var preText: ArraySlice<UInt8> = []
        var buildText: ArraySlice<UInt8> = []
        if i < all.endIndex {
            let plus = all[i...].firstIndex(of: UInt8(ascii: "+")) ?? all.endIndex
            var preStart = i
            if all[i] == UInt8(ascii: "-") {
                preStart = i + 1
            } else if all[i] != UInt8(ascii: "+") {
                if strict { throw fail("unexpected '\(VersionText.show(all[i]))' after the version numbers") }
                if all[i] == UInt8(ascii: ".") { preStart = i + 1 }
            }
            if preStart <= plus { preText = all[preStart..<plus] }
            if plus < all.endIndex { buildText = all[(plus + 1)...] }
            if all[i] != UInt8(ascii: "+"), preText.isEmpty { throw fail("empty pre-release") }
            if plus < all.endIndex, buildText.isEmpty { throw fail("empty build metadata") }
        }
        prerelease = try Self.identifiers(preText, strict: strict, numbersCanonical: strict, fail: fail)
        build = extra + (try Self.identifiers(buildText, strict: strict, numbersCanonical: false, fail: fail))
    }

    private static func identifiers(_ text: ArraySlice<UInt8>, strict: Bool, numbersCanonical: Bool,
                                    fail: (String) -> VersionError) throws -> [Identifier] {
        guard !text.isEmpty else { return [] }
        return try text.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).map { part in
            if part.isEmpty { throw fail("empty identifier") }
            if strict {
                if !part.allSatisfy({ VersionText.isAlnum($0) || $0 == UInt8(ascii: "-") }) {
                    throw fail("identifier '\(String(decoding: part, as: UTF8.self))' has characters outside [0-9A-Za-z-]")
                }
            }
            if !part.isEmpty, part.allSatisfy(VersionText.isDigit) {
                if numbersCanonical, part.count > 1, part.first == UInt8(ascii: "0") {
                    throw fail("leading zero in numeric identifier '\(String(decoding: part, as: UTF8.self))'")
                }
                return .number(Numeral(digits: part))
            }
            return .text(Array(part))
        }
    }

    public var description: String { text }
    public var isPrerelease: Bool { !prerelease.isEmpty }

    /// The order without build metadata: SemVer precedence.
    public func compare(to other: SemanticVersion) -> Int {
        var r = Numeral.compare(major, other.major)
        if r != 0 { return r }
        r = Numeral.compare(minor, other.minor)
        if r != 0 { return r }
        r = Numeral.compare(patch, other.patch)
        if r != 0 { return r }
        switch (prerelease.isEmpty, other.prerelease.isEmpty) {
        case (true, true): return 0
        case (true, false): return 1
        case (false, true): return -1
        case (false, false): return Self.compareLists(prerelease, other.prerelease)
        }
    }

    /// Identifier lists compared in order; a list that is a prefix of the other sorts first.
    static func compareLists(_ a: [Identifier], _ b: [Identifier]) -> Int {
        for k in 0..<min(a.count, b.count) {
            let r = Identifier.compare(a[k], b[k])
            if r != 0 { return r }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    public static func < (a: SemanticVersion, b: SemanticVersion) -> Bool { a.compare(to: b) < 0 }
    public static func == (a: SemanticVersion, b: SemanticVersion) -> Bool { a.compare(to: b) == 0 }
}
