/// An R package version (CRAN, Bioconductor), ordered as R's `package_version`: non-negative integers
/// separated by `.` or `-`, compared in turn; when one is a prefix of the other the longer is greater
/// (`0.1.0 < 0.1.0.0`), and leading zeros do not matter (`0.01.0` = `0.1-0`).
public struct CRANVersion: OrderedVersion {
    public static let schemeName = "cran"

    public let text: String
    private let numbers: [Numeral]

    public init(_ text: String) throws {
        self.text = text
        let body = VersionText.trimmed(try VersionText.bytes(text, scheme: Self.schemeName))
        let pieces = body.split(omittingEmptySubsequences: false) { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
        guard !pieces.isEmpty, pieces.allSatisfy({ !$0.isEmpty && $0.allSatisfy(VersionText.isDigit) }) else {
            throw VersionError(scheme: Self.schemeName, version: text, reason: "not integers separated by '.' or '-'")
        }
        numbers = pieces.map { Numeral(digits: $0) }
    }

    public var description: String { text }

    public func compare(to other: CRANVersion) -> Int { IntegerListOrder.compare(numbers, other.numbers) }

    public static func < (a: CRANVersion, b: CRANVersion) -> Bool { a.compare(to: b) < 0 }
    public static func == (a: CRANVersion, b: CRANVersion) -> Bool { a.compare(to: b) == 0 }
}

/// A Haskell package version (Hackage, GHC), ordered as `Data.Version`: dot-separated non-negative
/// integers compared like lists, so a prefix sorts first (`1.0 < 1.0.0`).
public struct HackageVersion: OrderedVersion {
    public static let schemeName = "hackage"

    public let text: String
    private let numbers: [Numeral]

    public init(_ text: String) throws {
        self.text = text
        let body = VersionText.trimmed(try VersionText.bytes(text, scheme: Self.schemeName))
        let pieces = body.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard !pieces.isEmpty, pieces.allSatisfy({ !$0.isEmpty && $0.allSatisfy(VersionText.isDigit) }) else {
            throw VersionError(scheme: Self.schemeName, version: text, reason: "not integers separated by '.'")
        }
        numbers = pieces.map { Numeral(digits: $0) }
    }

    public var description: String { text }

    public func compare(to other: HackageVersion) -> Int { IntegerListOrder.compare(numbers, other.numbers) }

    public static func < (a: HackageVersion, b: HackageVersion) -> Bool { a.compare(to: b) < 0 }
    public static func == (a: HackageVersion, b: HackageVersion) -> Bool { a.compare(to: b) == 0 }
}

/// Lists of integers compared element by element, a prefix first.
enum IntegerListOrder {
    static func compare(_ a: [Numeral], _ b: [Numeral]) -> Int {
        for k in 0..<min(a.count, b.count) {
            let r = Numeral.compare(a[k], b[k])
            if r != 0 { return r }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}
