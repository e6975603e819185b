/// An Arch Linux (pacman/libalpm) package version `[epoch:]pkgver[-pkgrel]`, ordered as libalpm's
/// `alpm_pkg_vercmp`: its `rpmvercmp` is rpm's from before `~`/`^`, with two differences that matter —
/// a longer separator run wins (`1..0 > 1.0`), and a trailing letter run loses to the end (`1.0a < 1.0`).
/// The release is compared only when both sides have one.
public struct ALPMVersion: OrderedVersion {
    public static let schemeName = "alpm"

    public let text: String
    private let epoch: [UInt8]
    private let version: [UInt8]
    private let release: [UInt8]?

    public init(_ text: String) throws {
        self.text = text
        let parts = try EpochVersionRelease(text, scheme: Self.schemeName)
        epoch = parts.epochDigits.map { $0.isEmpty ? [UInt8(ascii: "0")] : Array($0) } ?? [UInt8(ascii: "0")]
        version = parts.version
        release = parts.release
    }

    public var description: String { text }

    public func compare(to other: ALPMVersion) -> Int {
        let byEpoch = Self.vercmp(epoch[...], other.epoch[...])
        if byEpoch != 0 { return byEpoch }
        let byVersion = Self.vercmp(version[...], other.version[...])
        if byVersion != 0 { return byVersion }
        guard let a = release, let b = other.release else { return 0 }
        return Self.vercmp(a[...], b[...])
    }

    public static func < (a: ALPMVersion, b: ALPMVersion) -> Bool { a.compare(to: b) < 0 }
    public static func == (a: ALPMVersion, b: ALPMVersion) -> Bool { a.compare(to: b) == 0 }

    /// libalpm's `rpmvercmp` (lib/libalpm/version.c), on byte slices.
    static func vercmp(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Int {
        if a.elementsEqual(b) { return 0 }
        var i = a.startIndex, j = b.startIndex
        var segmentA = i, segmentB = j
        while i < a.endIndex, j < b.endIndex {
            i = VersionText.run(a, from: i) { !VersionText.isAlnum($0) }
            j = VersionText.run(b, from: j) { !VersionText.isAlnum($0) }
            if i == a.endIndex || j == b.endIndex { break }
            // Different separator lengths decide on their own.
            if i - segmentA != j - segmentB { return i - segmentA < j - segmentB ? -1 : 1 }
            let numeric = VersionText.isDigit(a[i])
            let test: (UInt8) -> Bool = numeric ? VersionText.isDigit : VersionText.isAlpha
            let endA = VersionText.run(a, from: i, while: test)
            let endB = VersionText.run(b, from: j, while: test)
            if endB == j { return numeric ? 1 : -1 }
            let result = numeric
                ? Numeral.compare(Numeral(digits: a[i..<endA]), Numeral(digits: b[j..<endB]))
                : VersionText.compareBytes(a[i..<endA], b[j..<endB])
            if result != 0 { return result }
            i = endA; j = endB
            segmentA = i; segmentB = j
        }
        let restA = i < a.endIndex, restB = j < b.endIndex
        if !restA && !restB { return 0 }
        // A remaining letter run never beats the end of the other version.
        if (!restA && !VersionText.isAlpha(b[j])) || (restA && VersionText.isAlpha(a[i])) { return -1 }
        return 1
    }
}
