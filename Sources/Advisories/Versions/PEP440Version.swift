/// A Python package version as PEP 440 defines it (what `packaging.version.Version` accepts):
/// `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`, case-insensitive, with the spec's normalisations
/// (`alpha`→`a`, `beta`→`b`, `c`/`pre`/`preview`→`rc`, `rev`/`r`/`-N`→`post`, implicit 0 numbers,
/// optional `v` prefix, `-`/`_`/`.` separators). Anything else — including the pre-PEP 440 "legacy"
/// versions — is a `VersionError`; `PyPIVersion` orders those the way old `packaging` did.
///
/// Order: epoch, release (trailing zeros ignored), then `.devN` of a plain release < pre-releases
/// < release < post-releases, dev releases before their base, and a local label after its public version.
public struct PEP440Version: OrderedVersion {
    public static let schemeName = "pep440"

    /// Pre-release phases in their order.
    public enum Phase: UInt8, Sendable, Comparable {
        case alpha, beta, candidate
        public static func < (a: Phase, b: Phase) -> Bool { a.rawValue < b.rawValue }
    }

    /// One dot-separated part of a local version label: numbers sort after words.
    enum LocalPart: Sendable {
        case number(Numeral)
        case word([UInt8])
    }

    public let text: String
    let epoch: Numeral
    /// The release numbers with trailing zeros removed (they never change the order).
    let release: [Numeral]
    let pre: (phase: Phase, number: Numeral)?
    let post: Numeral?
    let dev: Numeral?
    let local: [LocalPart]?

    public init(_ text: String) throws {
        self.text = text
        let bytes = try VersionText.bytes(text, scheme: Self.schemeName)
        var parser = PEP440Parser(bytes)
        guard let parsed = parser.parse() else {
            throw VersionError(scheme: Self.schemeName, version: text, reason: "not a valid PEP 440 version")
        }
        var release = parsed.release
        while release.count > 1, release.last?.isZero == true { release.removeLast() }
        if release.count == 1, release[0].isZero { release = [] }
        epoch = parsed.epoch
        self.release = release
        pre = parsed.pre
        post = parsed.post
        dev = parsed.dev
        local = parsed.local
    }

    public var description: String { text }

    public var isPrerelease: Bool { pre != nil || dev != nil }

    public func compare(to other: PEP440Version) -> Int {
        var r = Numeral.compare(epoch, other.epoch)
        if r != 0 { return r }
        r = Self.compareRelease(release, other.release)
        if r != 0 { return r }
        r = Self.compareSlot(preRank, other.preRank)
        if r != 0 { return r }
        if let a = pre, let b = other.pre {
            if a.phase != b.phase { return a.phase < b.phase ? -1 : 1 }
            r = Numeral.compare(a.number, b.number)
            if r != 0 { return r }
        }
        // No post-release sorts first; no dev release sorts last.
        r = Self.compareOptional(post, other.post, missingFirst: true)
        if r != 0 { return r }
        r = Self.compareOptional(dev, other.dev, missingFirst: false)
        if r != 0 { return r }
        return Self.compareLocal(local, other.local)
    }

    public static func < (a: PEP440Version, b: PEP440Version) -> Bool { a.compare(to: b) < 0 }
    public static func == (a: PEP440Version, b: PEP440Version) -> Bool { a.compare(to: b) == 0 }

    /// 0 for `1.0.devN` (before every pre-release of 1.0), 1 for a pre-release, 2 for none.
    private var preRank: Int {
        if pre == nil, post == nil, dev != nil { return 0 }
        return pre == nil ? 2 : 1
    }

    private static func compareSlot(_ a: Int, _ b: Int) -> Int { a == b ? 0 : (a < b ? -1 : 1) }

    private static func compareRelease(_ a: [Numeral], _ b: [Numeral]) -> Int {
        for k in 0..<min(a.count, b.count) {
            let r = Numeral.compare(a[k], b[k])
            if r != 0 { return r }
        }
        return compareSlot(a.count, b.count)
    }

    private static func compareOptional(_ a: Numeral?, _ b: Numeral?, missingFirst: Bool) -> Int {
        switch (a, b) {
        case (nil, nil): return 0
        case (nil, _): return missingFirst ? -1 : 1
        case (_, nil): return missingFirst ? 1 : -1
        case let (x?, y?): return Numeral.compare(x, y)
        }
    }

    private static func compareLocal(_ a: [LocalPart]?, _ b: [LocalPart]?) -> Int {
        guard let a, let b else { return compareSlot(a == nil ? 0 : 1, b == nil ? 0 : 1) }
        for k in 0..<min(a.count, b.count) {
            let r: Int
            switch (a[k], b[k]) {
            case let (.number(x), .number(y)): r = Numeral.compare(x, y)
            case let (.word(x), .word(y)): r = VersionText.compareBytes(x[...], y[...])
            case (.number, .word): r = 1
            case (.word, .number): r = -1
            }
            if r != 0 { return r }
        }
        return compareSlot(a.count, b.count)
    }
}
