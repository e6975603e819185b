/// A Maven artifact version, ordered as Maven 3's `ComparableVersion` (maven-artifact 3.8.6, which
/// osv-scalibr's generated tables come from). The text is split at `.`, at `-` (which opens a
/// sub-list) and at digit/letter transitions (which also open one); numbers compare numerically;
/// qualifiers order `alpha` (`a1`) < `beta` (`b1`) < `milestone` (`m1`) < `rc` = `cr` < `snapshot` <
/// `""` = `ga` = `final` = `release` < `sp` < unknown words (alphabetically, case-insensitive);
/// trailing nulls (`0`, `""`, empty lists) are dropped, so `1` = `1.0` = `1-0` = `1.ga`.
///
/// Two refinements over 3.8.6, neither changing any generated comparison: a sub-list compares with
/// "nothing" by all its items, not just the first (MNG-6964, Maven 3.9: `1-0.alpha < 1`); and a null
/// that opens a sub-list before a further `-` sub-list is trimmed the way the POM version-order
/// specification describes ("repeated at each remaining hyphen"), so `1-ga-1` = `1-1`.
public struct MavenVersion: OrderedVersion {
    public static let schemeName = "maven"

    indirect enum Item {
        case number(Numeral)
        /// `rank` is the qualifier's place in the known list, or 7 for unknown words compared by `word`.
        case qualifier(rank: UInt8, word: [UInt8])
        case list([Item])

        var isNull: Bool {
            switch self {
            case .number(let n): return n.isZero
            case .qualifier(let rank, _): return rank == MavenVersion.releaseRank
            case .list(let items): return items.isEmpty
            }
        }
    }

    private static let qualifiers: [String] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"]
    static let releaseRank: UInt8 = 5
    private static let aliases: [String: String] = ["ga": "", "final": "", "release": "", "cr": "rc"]

    public let text: String
    private let items: [Item]

    public init(_ text: String) throws {
        self.text = text
        let bytes = try VersionText.bytes(text, scheme: Self.schemeName).map(VersionText.lower)
        items = Self.parse(bytes[...])
    }

    public var description: String { text }

    /// `ComparableVersion.parseVersion`: a stack of lists, each normalised when closed.
    private static func parse(_ s: ArraySlice<UInt8>) -> [Item] {
        var stack: [[Item]] = [[]]
        var isDigit = false
        var start = s.startIndex
        func openList() { stack.append([]) }
        for i in s.indices {
            let c = s[i]
            if c == UInt8(ascii: ".") || c == UInt8(ascii: "-") {
                stack[stack.count - 1].append(i == start ? .number(.zero) : item(s[start..<i], isDigit: isDigit))
                start = i + 1
                if c == UInt8(ascii: "-") { openList() }
            } else if VersionText.isDigit(c) {
                if !isDigit, i > start {
                    stack[stack.count - 1].append(qualifier(s[start..<i], followedByDigit: true))
                    start = i
                    openList()
                }
                isDigit = true
            } else {
                if isDigit, i > start {
                    stack[stack.count - 1].append(item(s[start..<i], isDigit: true))
                    start = i
                    openList()
                }
                isDigit = false
            }
        }
        if s.endIndex > start { stack[stack.count - 1].append(item(s[start...], isDigit: isDigit)) }
        // Close the lists innermost first, each nested as the last item of its parent.
        while stack.count > 1 {
            let inner = normalized(stack.removeLast())
            stack[stack.count - 1].append(.list(inner))
        }
        return normalized(stack[0], nested: false)
    }

    /// Drops trailing null items, looking past (already normalised) lists but stopping at anything else.
    private static func normalized(_ list: [Item], nested: Bool = true) -> [Item] {
        var list = list
        var i = list.count - 1
        while i >= 0 {
            if list[i].isNull {
                list.remove(at: i)
                // `1-ga-1`: once `ga` is gone the sub-list `-1` stands where `ga` stood, as in `1-1`.
                if nested, i == 0, i < list.count, case .list(let inner) = list[i] { list.replaceSubrange(i...i, with: inner) }
            } else if case .list = list[i] {
                // keep looking further left
            } else {
                break
            }
            i -= 1
        }
        return list
    }

    private static func item(_ run: ArraySlice<UInt8>, isDigit: Bool) -> Item {
        isDigit ? .number(Numeral(digits: run)) : qualifier(run, followedByDigit: false)
    }

    private static func qualifier(_ run: ArraySlice<UInt8>, followedByDigit: Bool) -> Item {
        var word = String(decoding: run, as: UTF8.self)
        if followedByDigit, run.count == 1 {
            switch run.first {
            case UInt8(ascii: "a"): word = "alpha"
            case UInt8(ascii: "b"): word = "beta"
            case UInt8(ascii: "m"): word = "milestone"
            default: break
            }
        }
        word = aliases[word] ?? word
        if let rank = qualifiers.firstIndex(of: word) { return .qualifier(rank: UInt8(rank), word: []) }
        return .qualifier(rank: UInt8(qualifiers.count), word: Array(word.utf8))
    }

    public func compare(to other: MavenVersion) -> Int { Self.compareLists(items, other.items) }

    public static func < (a: MavenVersion, b: MavenVersion) -> Bool { a.compare(to: b) < 0 }
    public static func == (a: MavenVersion, b: MavenVersion) -> Bool { a.compare(to: b) == 0 }

    private static func compareQualifiers(_ a: (UInt8, [UInt8]), _ b: (UInt8, [UInt8])) -> Int {
        if a.0 != b.0 { return a.0 < b.0 ? -1 : 1 }
        return VersionText.compareBytes(a.1[...], b.1[...])
    }

    /// `Item.compareTo(null)`: how an item compares with padding.
    private static func compareWithNothing(_ item: Item) -> Int {
        switch item {
        case .number(let n): return n.isZero ? 0 : 1
        case let .qualifier(rank, word): return compareQualifiers((rank, word), (releaseRank, []))
        case .list(let items):
            // Every item, not just the first (MNG-6964: `1-0.alpha` < `1`).
            for item in items {
                let r = compareWithNothing(item)
                if r != 0 { return r }
            }
            return 0
        }
    }

    private static func compare(_ a: Item, _ b: Item) -> Int {
        switch (a, b) {
        case let (.number(x), .number(y)): return Numeral.compare(x, y)
        case (.number, _): return 1
        case let (.qualifier(r1, w1), .qualifier(r2, w2)): return compareQualifiers((r1, w1), (r2, w2))
        case (.qualifier, _): return -1
        case (.list, .number): return -1
        case (.list, .qualifier): return 1
        case let (.list(x), .list(y)): return compareLists(x, y)
        }
    }

    private static func compareLists(_ a: [Item], _ b: [Item]) -> Int {
        for k in 0..<max(a.count, b.count) {
            let result: Int
            switch (k < a.count ? a[k] : nil, k < b.count ? b[k] : nil) {
            case let (l?, r?): result = compare(l, r)
            case let (l?, nil): result = compareWithNothing(l)
            case let (nil, r?): result = -compareWithNothing(r)
            case (nil, nil): result = 0
            }
            if result != 0 { return result }
        }
        return 0
    }
}
