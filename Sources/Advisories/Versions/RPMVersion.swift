/// An RPM package version `[epoch:]version[-release]` (RHEL, AlmaLinux, Rocky, Fedora, SUSE, openSUSE…),
/// ordered by epoch, then version, then release, each with `rpmvercmp`: alphanumeric segments,
/// digits beat letters, digit runs compare numerically, `~` sorts before everything (even the end)
/// and `^` after the end but before anything else. Bytes that are not ASCII letters or digits
/// (including non-ASCII) only separate segments.
///
/// The epoch is the leading digits before the first `:`; text with a colon but no such epoch
/// (`1.m+e2:1`) is all version, as rpm parses it. A missing epoch is 0. The release follows the last
/// `-`. A version without a release sorts before the same version with one (`1 < 1-1`, and even
/// `1 < 1-`), as osv-scalibr's tables expect and whole-string `rpm.vercmp` agrees for real releases;
/// rpm's dependency matching would instead ignore the missing release.
public struct RPMVersion: OrderedVersion {
    public static let schemeName = "rpm"

    public let text: String
    private let epoch: Numeral
    private let version: [UInt8]
    private let release: [UInt8]?

    public init(_ text: String) throws {
        self.text = text
        let parts = try EpochVersionRelease(text, scheme: Self.schemeName)
        epoch = parts.epochDigits.map { Numeral(digits: $0) } ?? .zero
        version = parts.version
        release = parts.release
    }

    public var description: String { text }

    public func compare(to other: RPMVersion) -> Int {
        let byEpoch = Numeral.compare(epoch, other.epoch)
        if byEpoch != 0 { return byEpoch }
        let byVersion = Self.rpmvercmp(version[...], other.version[...])
        if byVersion != 0 { return byVersion }
        switch (release, other.release) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case let (a?, b?): return Self.rpmvercmp(a[...], b[...])
        }
    }

    public static func < (a: RPMVersion, b: RPMVersion) -> Bool { a.compare(to: b) < 0 }
    public static func == (a: RPMVersion, b: RPMVersion) -> Bool { a.compare(to: b) == 0 }

    /// rpm's `rpmvercmp` (rpmio/rpmvercmp.c), on byte slices.
    static func rpmvercmp(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Int {
        if a.elementsEqual(b) { return 0 }
        let tilde = UInt8(ascii: "~"), caret = UInt8(ascii: "^")
        @inline(__always) func isSeparator(_ c: UInt8) -> Bool { !VersionText.isAlnum(c) && c != tilde && c != caret }
        var i = a.startIndex, j = b.startIndex
        while i < a.endIndex || j < b.endIndex {
            while i < a.endIndex, isSeparator(a[i]) { i += 1 }
            while j < b.endIndex, isSeparator(b[j]) { j += 1 }
            let ca: UInt8? = i < a.endIndex ? a[i] : nil, cb: UInt8? = j < b.endIndex ? b[j] : nil

            // Tilde sorts before everything, even the end of the other string.
            if ca == tilde || cb == tilde {
                if ca != tilde { return 1 }
                if cb != tilde { return -1 }
                i += 1; j += 1
                continue
            }
            // Caret sorts after the end of the other string but before anything else.
            if ca == caret || cb == caret {
                if ca == nil { return -1 }
                if cb == nil { return 1 }
                if ca != caret { return 1 }
                if cb != caret { return -1 }
                i += 1; j += 1
                continue
            }
            guard let first = ca, cb != nil else { break }

            let numeric = VersionText.isDigit(first)
            let test: (UInt8) -> Bool = numeric ? VersionText.isDigit : VersionText.isAlpha
            let endA = VersionText.run(a, from: i, while: test)
            let endB = VersionText.run(b, from: j, while: test)
            // A digit run always beats a letter run.
            if endB == j { return numeric ? 1 : -1 }
            if numeric {
                let byValue = Numeral.compare(Numeral(digits: a[i..<endA]), Numeral(digits: b[j..<endB]))
                if byValue != 0 { return byValue }
            } else {
                let byText = VersionText.compareBytes(a[i..<endA], b[j..<endB])
                if byText != 0 { return byText }
            }
            i = endA; j = endB
        }
        let restA = i < a.endIndex, restB = j < b.endIndex
        if !restA && !restB { return 0 }
        return restA ? 1 : -1
    }
}
