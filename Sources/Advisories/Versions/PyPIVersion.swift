/// A version as the PyPI ecosystem orders it: a PEP 440 version when the text is one, otherwise a
/// pre-PEP 440 "legacy" version ordered as `packaging.version.LegacyVersion` did (packaging < 22,
/// setuptools' old `parse_version`). Legacy versions sort before every PEP 440 version. OSV's PyPI
/// records still list such versions, so matching must order them rather than fail; callers that
/// want modern pip's strictness use `PEP440Version`, which rejects them.
public enum PyPIVersion: OrderedVersion {
    case standard(PEP440Version)
    case legacy(text: String, key: [[UInt8]])

    public static let schemeName = "pypi"

    public init(_ text: String) throws {
        if let version = try? PEP440Version(text) {
            self = .standard(version)
            return
        }
        let bytes = try VersionText.bytes(text, scheme: Self.schemeName)
        self = .legacy(text: text, key: Self.legacyKey(bytes.map(VersionText.lower)))
    }

    public var description: String {
        switch self {
        case .standard(let version): return version.text
        case .legacy(let text, _): return text
        }
    }

    public var isLegacy: Bool { if case .legacy = self { return true } else { return false } }

    public func compare(to other: PyPIVersion) -> Int {
        switch (self, other) {
        case let (.standard(a), .standard(b)): return a.compare(to: b)
        case (.legacy, .standard): return -1
        case (.standard, .legacy): return 1
        case let (.legacy(_, a), .legacy(_, b)):
            for k in 0..<min(a.count, b.count) {
                let r = VersionText.compareBytes(a[k][...], b[k][...])
                if r != 0 { return r }
            }
            return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
        }
    }

    public static func < (a: PyPIVersion, b: PyPIVersion) -> Bool { a.compare(to: b) < 0 }
    public static func == (a: PyPIVersion, b: PyPIVersion) -> Bool { a.compare(to: b) == 0 }

    private static let star = UInt8(ascii: "*")
    private static let finalWord: [UInt8] = Array("*final".utf8)
    private static let finalDash: [UInt8] = Array("*final-".utf8)
    private static let zeroPart: [UInt8] = Array("00000000".utf8)

    /// packaging's `_legacy_cmpkey`: split into digit runs, letter runs, `.` and `-` (keeping the text
    /// between them), rename `pre`/`preview`/`rc`→`c`, `dev`→`@`, `-`→`final-`, zero-pad numbers to 8,
    /// star words, drop trailing zero runs and `final-` markers before pre-release words, end with `*final`.
    static func legacyKey(_ s: [UInt8]) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        func add(_ raw: ArraySlice<UInt8>) {
            guard !raw.isEmpty, !(raw.count == 1 && raw.first == UInt8(ascii: ".")) else { return }
            let part: [UInt8]
            switch String(decoding: raw, as: UTF8.self) {
            case "pre", "preview", "rc": part = Array("*c".utf8)
            case "dev": part = Array("*@".utf8)
            case "-": part = finalDash
            default:
                if let first = raw.first, VersionText.isDigit(first) {
                    part = Array(repeating: UInt8(ascii: "0"), count: max(0, 8 - raw.count)) + raw
                } else {
                    part = [star] + raw
                }
            }
            push(part)
        }
        func push(_ part: [UInt8]) {
            if part.first == star {
                if VersionText.compareBytes(part[...], finalWord[...]) < 0 {
                    while parts.last == finalDash { parts.removeLast() }
                }
                while parts.last == zeroPart { parts.removeLast() }
            }
            parts.append(part)
        }
        var i = 0, gapStart = 0
        while i < s.count {
            let c = s[i]
            var end = i
            if VersionText.isDigit(c) {
                end = VersionText.run(s[...], from: i, while: VersionText.isDigit)
            } else if VersionText.isLower(c) {
                end = VersionText.run(s[...], from: i, while: VersionText.isLower)
            } else if c == UInt8(ascii: ".") || c == UInt8(ascii: "-") {
                end = i + 1
            } else {
                i += 1
                continue
            }
            add(s[gapStart..<i])
            add(s[i..<end])
            i = end
            gapStart = end
        }
        add(s[gapStart..<s.count])
        push(finalWord)
        return parts
    }
}
