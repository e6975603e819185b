/// A NuGet package version, ordered as NuGet.Versioning's `VersionComparer` (default mode): up to four
/// numbers (`1.0` = `1.0.0.0`, leading zeros allowed), then release labels — a version with labels
/// sorts before the same version without; labels compare numerically when both are numbers, numbers
/// before words, words case-insensitively; fewer labels first. `+metadata` is ignored. Numbers of
/// any size compare by value (NuGet itself would refuse ones above `Int32.max`).
public struct NuGetVersion: OrderedVersion {
    public static let schemeName = "nuget"

    public let text: String
    private let numbers: [Numeral]
    private let labels: [SemanticVersion.Identifier]

    public init(_ text: String) throws {
        self.text = text
        func fail(_ reason: String) -> VersionError { VersionError(scheme: Self.schemeName, version: text, reason: reason) }
        let bytes = try VersionText.bytes(text, scheme: Self.schemeName)
        let body = VersionText.trimmed(bytes)
        let plus = body.firstIndex(of: UInt8(ascii: "+")) ?? body.endIndex
        let withoutMetadata = body[body.startIndex..<plus]
        let hyphen = withoutMetadata.firstIndex(of: UInt8(ascii: "-")) ?? withoutMetadata.endIndex
        let core = withoutMetadata[withoutMetadata.startIndex..<hyphen]
        let parts = core.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { throw fail("needs one to four version numbers") }
        var numbers: [Numeral] = []
        for part in parts {
            guard !part.isEmpty, part.allSatisfy(VersionText.isDigit) else { throw fail("version numbers must be digits") }
            numbers.append(Numeral(digits: part))
        }
        while numbers.count < 4 { numbers.append(.zero) }
        self.numbers = numbers

        var labels: [SemanticVersion.Identifier] = []
        if hyphen < withoutMetadata.endIndex {
            let release = withoutMetadata[(hyphen + 1)...]
            for label in release.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
                guard !label.isEmpty, label.allSatisfy({ VersionText.isAlnum($0) || $0 == UInt8(ascii: "-") }) else {
                    throw fail("release labels are [0-9A-Za-z-] separated by dots")
                }
                // Case-insensitive ordinal comparison: fold once here.
                labels.append(label.allSatisfy(VersionText.isDigit)
                              ? .number(Numeral(digits: label)) : .text(label.map(Self.upper)))
            }
        }
        if plus < body.endIndex {
            let metadata = body[(plus + 1)...]
            guard !metadata.isEmpty, metadata.allSatisfy({ VersionText.isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") })
            else { throw fail("metadata must be [0-9A-Za-z-.]") }
        }
        self.labels = labels
    }

    @inline(__always) private static func upper(_ c: UInt8) -> UInt8 { VersionText.isLower(c) ? c - 0x20 : c }

    public var description: String { text }
    public var isPrerelease: Bool { !labels.isEmpty }

    public func compare(to other: NuGetVersion) -> Int {
        for k in 0..<4 {
            let r = Numeral.compare(numbers[k], other.numbers[k])
            if r != 0 { return r }
        }
        switch (labels.isEmpty, other.labels.isEmpty) {
        case (true, true): return 0
        case (true, false): return 1
        case (false, true): return -1
        case (false, false): return SemanticVersion.compareLists(labels, other.labels)
        }
    }

    public static func < (a: NuGetVersion, b: NuGetVersion) -> Bool { a.compare(to: b) < 0 }
    public static func == (a: NuGetVersion, b: NuGetVersion) -> Bool { a.compare(to: b) == 0 }
}
