/// A Debian (and Ubuntu) package version, ordered as Debian Policy §5.6.12 and dpkg's `verrevcmp`
/// define: `[epoch:]upstream[-revision]`; the epoch compares numerically, then upstream and revision
/// alternate non-digit runs (`~` before everything, even the end; letters before other characters)
/// with digit runs compared numerically. A missing revision equals revision `0`.
public struct DebianVersion: OrderedVersion {
    public static let schemeName = "dpkg"

    public let text: String
    public let epoch: Int
    private let upstream: [UInt8]
    private let revision: [UInt8]

    public init(_ text: String) throws {
        self.text = text
        func fail(_ reason: String) -> VersionError { VersionError(scheme: Self.schemeName, version: text, reason: reason) }
        let all = try VersionText.bytes(text, scheme: Self.schemeName)
        // dpkg ignores surrounding blanks but rejects embedded ones.
        let body = VersionText.trimmed(all)
        if body.isEmpty { throw fail("empty version") }
        if body.contains(where: VersionText.isSpace) { throw fail("version has embedded spaces") }

        var rest = body
        if let colon = body.firstIndex(of: UInt8(ascii: ":")) {
            let digits = body[body.startIndex..<colon]
            if digits.isEmpty { throw fail("epoch is empty") }
            if !digits.allSatisfy(VersionText.isDigit) { throw fail("epoch is not a number") }
            // dpkg stores the epoch in an int and refuses larger ones.
            guard let value = Numeral(digits: digits).intValue, value <= Int(Int32.max) else {
                throw fail("epoch is too big")
            }
            epoch = value
            rest = body[(colon + 1)...]
            if rest.isEmpty { throw fail("nothing after the epoch colon") }
        } else {
            epoch = 0
        }

        if let hyphen = rest.lastIndex(of: UInt8(ascii: "-")) {
            upstream = Array(rest[rest.startIndex..<hyphen])
            revision = Array(rest[(hyphen + 1)...])
            if revision.isEmpty { throw fail("revision is empty") }
        } else {
            upstream = Array(rest)
            revision = []
        }
        guard let first = upstream.first else { throw fail("upstream version is empty") }
        // dpkg only warns about these; for matching a malformed version is an error, not a guess.
        if !VersionText.isDigit(first) { throw fail("upstream version does not start with a digit") }
        if let bad = upstream.first(where: { !VersionText.isAlnum($0) && !Self.upstreamPunctuation.contains($0) }) {
            throw fail("invalid character '\(VersionText.show(bad))' in upstream version")
        }
        if let bad = revision.first(where: { !VersionText.isAlnum($0) && !Self.revisionPunctuation.contains($0) }) {
            throw fail("invalid character '\(VersionText.show(bad))' in revision")
        }
    }

    private static let upstreamPunctuation: [UInt8] = Array(".+~-:".utf8)
    private static let revisionPunctuation: [UInt8] = Array(".+~".utf8)

    public var description: String { text }

    public func compare(to other: DebianVersion) -> Int {
        if epoch != other.epoch { return epoch < other.epoch ? -1 : 1 }
        let byUpstream = Self.verrevcmp(upstream, other.upstream)
        if byUpstream != 0 { return byUpstream }
        return Self.verrevcmp(revision, other.revision)
    }

    public static func < (a: DebianVersion, b: DebianVersion) -> Bool { a.compare(to: b) < 0 }
    public static func == (a: DebianVersion, b: DebianVersion) -> Bool { a.compare(to: b) == 0 }

    /// The weight of a byte in a non-digit run; 0 stands for "end of string" and digits.
    @inline(__always) private static func order(_ c: UInt8?) -> Int {
        guard let c else { return 0 }
        if VersionText.isDigit(c) { return 0 }
        if VersionText.isAlpha(c) { return Int(c) }
        if c == UInt8(ascii: "~") { return -1 }
        return Int(c) + 256
    }

    /// dpkg's `verrevcmp`, on byte arrays.
    static func verrevcmp(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var i = 0, j = 0
        @inline(__always) func at(_ s: [UInt8], _ k: Int) -> UInt8? { k < s.count ? s[k] : nil }
        while i < a.count || j < b.count {
            while (i < a.count && !VersionText.isDigit(a[i])) || (j < b.count && !VersionText.isDigit(b[j])) {
                let ac = order(at(a, i)), bc = order(at(b, j))
                if ac != bc { return ac < bc ? -1 : 1 }
                i += 1; j += 1
            }
            while i < a.count, a[i] == UInt8(ascii: "0") { i += 1 }
            while j < b.count, b[j] == UInt8(ascii: "0") { j += 1 }
            var firstDiff = 0
            while i < a.count, j < b.count, VersionText.isDigit(a[i]), VersionText.isDigit(b[j]) {
                if firstDiff == 0 { firstDiff = Int(a[i]) - Int(b[j]) }
                i += 1; j += 1
            }
            if i < a.count, VersionText.isDigit(a[i]) { return 1 }
            if j < b.count, VersionText.isDigit(b[j]) { return -1 }
            if firstDiff != 0 { return firstDiff < 0 ? -1 : 1 }
        }
        return 0
    }
}
