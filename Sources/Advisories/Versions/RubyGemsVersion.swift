/// A RubyGems version, ordered as `Gem::Version#<=>`: the text (with `-` read as `.pre.`) is scanned
/// into digit runs and letter runs; trailing zero segments of the release part and of the
/// pre-release part are dropped (`1.0` = `1`, `1.0.a2` = `1.a.2`); segments compare pairwise with a
/// missing segment read as 0, numbers numerically, words byte-wise, and a word before any number —
/// so a version containing a letter is a pre-release (`1.0.b1 < 1.0`).
///
/// Like osv-scalibr, and unlike `Gem::Version.correct?`, letters may follow the first digits without a
/// dot (`1beta`); the version must still start with a digit and use only `[0-9A-Za-z.-]`.
public struct RubyGemsVersion: OrderedVersion {
    public static let schemeName = "rubygems"

    enum Segment: Equatable {
        case number(Numeral)
        case word([UInt8])
    }

    public let text: String
    private let segments: [Segment]

    public init(_ text: String) throws {
        self.text = text
        func fail(_ reason: String) -> VersionError { VersionError(scheme: Self.schemeName, version: text, reason: reason) }
        let body = VersionText.trimmed(try VersionText.bytes(text, scheme: Self.schemeName))
        guard let first = body.first else { throw fail("empty version") }
        guard VersionText.isDigit(first) else { throw fail("does not start with a digit") }
        if let bad = body.first(where: { !VersionText.isAlnum($0) && $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: "-") }) {
            throw fail("character '\(VersionText.show(bad))' is not allowed in a gem version")
        }
        var all: [Segment] = []
        var i = body.startIndex
        while i < body.endIndex {
            let c = body[i]
            if VersionText.isDigit(c) {
                let end = VersionText.run(body, from: i, while: VersionText.isDigit)
                all.append(.number(Numeral(digits: body[i..<end])))
                i = end
            } else if VersionText.isAlpha(c) {
                let end = VersionText.run(body, from: i, while: VersionText.isAlpha)
                all.append(.word(Array(body[i..<end])))
                i = end
            } else {
                // `-` becomes `.pre.`: a pre-release marker word.
                if c == UInt8(ascii: "-") { all.append(.word(Array("pre".utf8))) }
                i += 1
            }
        }
        segments = Self.canonical(all)
    }

    /// `canonical_segments`: trailing zeros dropped from the release part and from the rest.
    private static func canonical(_ all: [Segment]) -> [Segment] {
        let firstWord = all.firstIndex { if case .word = $0 { return true } else { return false } } ?? all.count
        func trimmed(_ part: ArraySlice<Segment>) -> ArraySlice<Segment> {
            var part = part
            while let last = part.last, case .number(let n) = last, n.isZero { part.removeLast() }
            return part
        }
        return Array(trimmed(all[..<firstWord])) + Array(trimmed(all[firstWord...]))
    }

    public var description: String { text }

    public var isPrerelease: Bool { segments.contains { if case .word = $0 { return true } else { return false } } }

    public func compare(to other: RubyGemsVersion) -> Int {
        for k in 0..<max(segments.count, other.segments.count) {
            let a = k < segments.count ? segments[k] : .number(.zero)
            let b = k < other.segments.count ? other.segments[k] : .number(.zero)
            switch (a, b) {
            case let (.number(x), .number(y)):
                let r = Numeral.compare(x, y)
                if r != 0 { return r }
            case let (.word(x), .word(y)):
                let r = VersionText.compareBytes(x[...], y[...])
                if r != 0 { return r }
            case (.word, .number): return -1
            case (.number, .word): return 1
            }
        }
        return 0
    }

    public static func < (a: RubyGemsVersion, b: RubyGemsVersion) -> Bool { a.compare(to: b) < 0 }
    public static func == (a: RubyGemsVersion, b: RubyGemsVersion) -> Bool { a.compare(to: b) == 0 }
}
