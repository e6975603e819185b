/// An Alpine (apk) package version, `digit{.digit}...{letter}{_suffix{#}}...{-r#}`, ordered as apk-tools'
/// `version.c` tokeniser (the 2.x one Alpine 3.x shipped, which produced osv-scalibr's generated table):
/// digit runs compare numerically; a run of leading zeros after a dot counts as minus its length
/// (`1.0 > 1.00`, `1.02 < 1.2`); a single letter may follow the digits and be followed by digits
/// (`5.7.1p1`); suffixes sort `_alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p`;
/// `-rN` is the package release (`-r` alone reads as `-r0`).
///
/// A version apk calls invalid still orders: the tokens up to the invalid one compare as usual. Two
/// rules come from newer apk-tools, as osv-scalibr's hand-written table expects: where one version turns
/// invalid and the other goes on validly, the invalid one sorts first (2.10 sorted it last), and `-r`
/// followed by a letter (`1-ruff`) is invalid rather than an empty revision.
public struct APKVersion: OrderedVersion {
    public static let schemeName = "apk"

    /// apk-tools 2.x token types, in their order.
    enum Kind: Int {
        case invalid = -1, digitOrZero, digit, letter, suffix, suffixNumber, revision, end

        /// The order used to break ties between a version that ended and one that went on.
        var rank: Int { self == .invalid ? 7 : rawValue }
    }

    /// A token value: apk keeps ints; leading-zero runs and pre-release suffixes are negative.
    enum Value: Equatable {
        case negative(Int)
        case number(Numeral)

        static func compare(_ a: Value, _ b: Value) -> Int {
            switch (a, b) {
            case let (.negative(x), .negative(y)): return x == y ? 0 : (x < y ? -1 : 1)
            case (.negative, .number): return -1
            case (.number, .negative): return 1
            case let (.number(x), .number(y)): return Numeral.compare(x, y)
            }
        }

        var isNegative: Bool { if case .negative = self { return true } else { return false } }
    }

    /// Each token's value and the kind of token that follows it, as `get_token` returns them.
    private let tokens: [(value: Value, next: Kind)]
    public let text: String

    public init(_ text: String) throws {
        self.text = text
        let bytes = try VersionText.bytes(text, scheme: Self.schemeName)
        var kind = Kind.digit
        var i = 0
        var tokens: [(value: Value, next: Kind)] = []
        repeat {
            let value = Self.token(&kind, bytes, &i)
            tokens.append((value, kind))
        } while kind != .end && kind != .invalid
        self.tokens = tokens
    }

    public var description: String { text }

    /// Whether apk would accept the version (`apk_version_validate`).
    public var isValid: Bool { tokens.last?.next == .end }

    private static let preSuffixes = ["alpha", "beta", "pre", "rc"]
    private static let postSuffixes = ["cvs", "svn", "git", "hg", "p"]

    /// `get_token`: reads one token of kind `kind` and sets `kind` to the kind of the next one.
    private static func token(_ kind: inout Kind, _ s: [UInt8], _ i: inout Int) -> Value {
        guard i < s.count else { kind = .end; return .number(.zero) }
        let value: Value
        var end = i
        var forced: Kind?
        switch kind {
        case .digitOrZero where s[i] == UInt8(ascii: "0"):
            while end < s.count, s[end] == UInt8(ascii: "0") { end += 1 }
            value = .negative(i - end)
            forced = .digit
        case .digitOrZero, .digit, .suffixNumber, .revision:
            end = VersionText.run(s[...], from: i, while: VersionText.isDigit)
            value = .number(Numeral(digits: s[i..<end]))
        case .letter:
            value = .number(Numeral(Int(s[i])))
            end = i + 1
        case .suffix:
            let rest = s[i...]
            if let index = preSuffixes.firstIndex(where: { rest.starts(with: $0.utf8) }) {
                value = .negative(index - preSuffixes.count)
                end = i + preSuffixes[index].utf8.count
            } else if let index = postSuffixes.firstIndex(where: { rest.starts(with: $0.utf8) }) {
                value = .number(Numeral(index))
                end = i + postSuffixes[index].utf8.count
            } else {
                kind = .invalid
                return .negative(-1)
            }
        default:
            kind = .invalid
            return .negative(-1)
        }
        i = end
        if i >= s.count {
            kind = .end
        } else if let forced {
            kind = forced
        } else {
            kind = nextKind(after: kind, s, &i)
        }
        return value
    }

    /// `next_token`: the kind of the next token from its first byte, consuming separators.
    private static func nextKind(after kind: Kind, _ s: [UInt8], _ i: inout Int) -> Kind {
        var next = Kind.invalid
        let c = s[i]
        if c == 0 {
            next = .end
        } else if (kind == .digit || kind == .digitOrZero) && VersionText.isLower(c) {
            next = .letter
        } else if kind == .letter && VersionText.isDigit(c) {
            next = .digit
        } else if kind == .suffix && VersionText.isDigit(c) {
            next = .suffixNumber
        } else {
            switch c {
            case UInt8(ascii: "."): next = .digitOrZero
            case UInt8(ascii: "_"): next = .suffix
            case UInt8(ascii: "-"):
                // `-r` followed by a letter (`1-ruff`) is no revision: invalid here, as apk-tools 3 has it.
                if i + 1 < s.count, s[i + 1] == UInt8(ascii: "r"), !(i + 2 < s.count && VersionText.isAlpha(s[i + 2])) {
                    next = .revision
                    i += 1
                }
            default: break
            }
            i += 1
        }
        if next.rawValue < kind.rawValue,
           !((next == .digitOrZero && kind == .digit) || (next == .suffix && kind == .suffixNumber)
             || (next == .digit && kind == .letter)) {
            next = .invalid
        }
        return next
    }

    /// `apk_version_compare_blob`.
    public func compare(to other: APKVersion) -> Int {
        var a = (value: Value.number(.zero), next: Kind.digit), b = a
        var k = 0
        while a.next == b.next, a.next != .end, a.next != .invalid, a.value == b.value,
              k < tokens.count, k < other.tokens.count {
            a = tokens[k]
            b = other.tokens[k]
            k += 1
        }
        let byValue = Value.compare(a.value, b.value)
        if byValue != 0 { return byValue }
        if a.next == b.next { return 0 }
        // The longer version wins unless what follows is a pre-release suffix (or an invalid one).
        if a.next == .suffix, k < tokens.count, tokens[k].value.isNegative { return -1 }
        if b.next == .suffix, k < other.tokens.count, other.tokens[k].value.isNegative { return 1 }
        if a.next.rank > b.next.rank { return -1 }
        if b.next.rank > a.next.rank { return 1 }
        return 0
    }

    public static func < (a: APKVersion, b: APKVersion) -> Bool { a.compare(to: b) < 0 }
    public static func == (a: APKVersion, b: APKVersion) -> Bool { a.compare(to: b) == 0 }
}
