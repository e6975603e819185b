/// A PHP package version (Packagist/Composer), ordered as PHP's `version_compare`, which Composer's
/// comparator ends in: the text is canonicalised (`-`, `_`, `+` and other punctuation become `.`, and a
/// `.` is inserted between digits and letters), then dot-separated parts compare — numbers numerically;
/// words by their stability: `dev` < `alpha`=`a` < `beta`=`b` < `RC`=`rc` < a number (`#`) < `pl`=`p`,
/// other words below `dev`. A longer version wins when its next part is a number, otherwise its tail is
/// compared with a number (`1.0 < 1.0.1`, `1.0rc1 < 1.0`, `1.0pl1 > 1.0`).
///
/// Leading `v`/`V` are removed first (as Composer and osv-scalibr's table generator do). Two deliberate
/// departures from PHP: numbers of any size compare by value (PHP's `strtol` saturates), and `#` is kept
/// as the number placeholder it stands for (`1.2.3.#` = `1.2.3`), matching osv-scalibr's tables.
public struct ComposerVersion: OrderedVersion {
    public static let schemeName = "composer"

    enum Part: Equatable {
        case number(Numeral)
        case word([UInt8])
        case empty
    }

    public let text: String
    private let parts: [Part]

    public init(_ text: String) throws {
        self.text = text
        let bytes = try VersionText.bytes(text, scheme: Self.schemeName)
        var start = 0
        while start < bytes.count, bytes[start] == UInt8(ascii: "v") || bytes[start] == UInt8(ascii: "V") { start += 1 }
        guard start < bytes.count else {
            throw VersionError(scheme: Self.schemeName, version: text, reason: "no version after the 'v' prefix")
        }
        let canonical = Self.canonicalize(bytes[start...])
        parts = canonical.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).map { run in
            guard let first = run.first else { return .empty }
            return VersionText.isDigit(first) ? .number(Numeral(digits: run)) : .word(Array(run))
        }
    }

    /// `php_canonicalize_version`, keeping `#`.
    static func canonicalize(_ s: ArraySlice<UInt8>) -> [UInt8] {
        let dot = UInt8(ascii: ".")
        @inline(__always) func isDigit(_ c: UInt8) -> Bool { VersionText.isDigit(c) }
        @inline(__always) func isNonDigit(_ c: UInt8) -> Bool { !VersionText.isDigit(c) && c != dot }
        var out: [UInt8] = [s[s.startIndex]]
        out.reserveCapacity(s.count * 2)
        var previous = s[s.startIndex]
        for c in s.dropFirst() {
            let last = out[out.count - 1]
            if c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: "+") {
                if last != dot { out.append(dot) }
            } else if (isNonDigit(previous) && isDigit(c)) || (isDigit(previous) && isNonDigit(c)) {
                if last != dot { out.append(dot) }
                out.append(c)
            } else if !VersionText.isAlnum(c) && c != UInt8(ascii: "#") {
                if last != dot { out.append(dot) }
            } else {
                out.append(c)
            }
            previous = c
        }
        return out
    }

    public var description: String { text }

    public func compare(to other: ComposerVersion) -> Int {
        if parts == other.parts { return 0 }
        return Self.compare(parts[...], other.parts[...])
    }

    public static func < (a: ComposerVersion, b: ComposerVersion) -> Bool { a.compare(to: b) < 0 }
    public static func == (a: ComposerVersion, b: ComposerVersion) -> Bool { a.compare(to: b) == 0 }

    private static let placeholder: ArraySlice<Part> = [.word(Array("#N#".utf8))]

    /// Whether the text these parts spell is empty (PHP tests the string, not the part).
    private static func isEmptyText(_ p: ArraySlice<Part>) -> Bool { p.isEmpty || (p.count == 1 && p.first == .empty) }

    /// `php_version_compare` over parts; `hasNext` mirrors PHP's "there was a dot after this part".
    private static func compare(_ a: ArraySlice<Part>, _ b: ArraySlice<Part>) -> Int {
        if isEmptyText(a) || isEmptyText(b) {
            return isEmptyText(a) && isEmptyText(b) ? 0 : (isEmptyText(a) ? -1 : 1)
        }
        var i = a.startIndex, j = b.startIndex
        var aHasNext = true, bHasNext = true
        var result = 0
        while !isEmptyText(a[i...]), !isEmptyText(b[j...]), aHasNext, bHasNext {
            aHasNext = i + 1 < a.endIndex
            bHasNext = j + 1 < b.endIndex
            result = compareParts(a[i], b[j])
            if result != 0 { break }
            if aHasNext { i += 1 }
            if bHasNext { j += 1 }
        }
        // PHP looks only at the first version's tail when both stopped on an empty one (a trailing
        // separator), which makes `1.` < `1.dev` and `1.dev` < `1.`; an empty tail counts as no tail here.
        if result == 0 {
            if aHasNext, !isEmptyText(a[i...]) {
                result = isNumber(a[i]) ? 1 : compare(a[i...], placeholder)
            } else if bHasNext, !isEmptyText(b[j...]) {
                result = isNumber(b[j]) ? -1 : compare(placeholder, b[j...])
            }
        }
        return result
    }

    private static func isNumber(_ p: Part) -> Bool { if case .number = p { return true } else { return false } }

    private static func compareParts(_ a: Part, _ b: Part) -> Int {
        switch (a, b) {
        case let (.number(x), .number(y)): return Numeral.compare(x, y)
        case (.number, _): return VersionText.sign(numberWeight - weight(b))
        case (_, .number): return VersionText.sign(weight(a) - numberWeight)
        default: return VersionText.sign(weight(a) - weight(b))
        }
    }

    private static let numberWeight = 4
    private static let specialForms: [(String, Int)] = [
        ("dev", 0), ("alpha", 1), ("a", 1), ("beta", 2), ("b", 2), ("RC", 3), ("rc", 3), ("#", 4), ("pl", 5), ("p", 5),
    ]

    /// `compare_special_version_forms`: the first form the part starts with, or -1.
    private static func weight(_ part: Part) -> Int {
        guard case .word(let word) = part else { return -1 }
        for (form, weight) in specialForms where word.starts(with: form.utf8) { return weight }
        return -1
    }
}
