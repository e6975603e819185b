/// A set of versions as sorted, disjoint intervals under one ecosystem's ordering. The ruby-advisory-db
/// and Node.js security-wg importers build these from requirement strings (`~> 5.2.4, >= 5.2.4.3`,
/// `>=1.0.0 <1.4.6 || 2.x`), take unions, complements and differences ("vulnerable = not patched and
/// not unaffected"), and write the result as OSV range events.
struct VersionIntervals: Equatable {
    struct Bound: Equatable {
        var version: String
        var inclusive: Bool
        /// For an upper bound: whether versions past it are past a fix. False for the end of a
        /// release line the source names (`18.x` ends before `19.0.0-0`): past it nothing was fixed,
        /// the advisory just says no more, which OSV writes as `limit`.
        var isFix = true
    }

    /// `lower == nil` reaches down to every version, `upper == nil` up to every version.
    struct Interval: Equatable {
        var lower: Bound?
        var upper: Bound?
    }

    /// Negative, zero or positive as the first version sorts before, equal to, or after the second.
    typealias Compare = (String, String) throws -> Int

    /// Sorted by lower bound, pairwise disjoint and not touching, none empty.
    private(set) var intervals: [Interval]

    static let everything = VersionIntervals(normalized: [Interval(lower: nil, upper: nil)])
    static let nothing = VersionIntervals(normalized: [])

    private init(normalized: [Interval]) { intervals = normalized }

    init(_ intervals: [Interval], compare: Compare) throws {
        var pieces = try intervals.filter { try !Self.isEmpty($0, compare) }
        try Self.sortByLower(&pieces, compare)
        var merged: [Interval] = []
        for piece in pieces {
            guard var last = merged.last else { merged.append(piece); continue }
            if try Self.joins(last, piece, compare) {
                if try Self.upperLess(last.upper, piece.upper, compare) { last.upper = piece.upper }
                merged[merged.count - 1] = last
            } else {
                merged.append(piece)
            }
        }
        self.intervals = merged
    }

    func union(_ other: VersionIntervals, compare: Compare) throws -> VersionIntervals {
        try VersionIntervals(intervals + other.intervals, compare: compare)
    }

    func intersection(_ other: VersionIntervals, compare: Compare) throws -> VersionIntervals {
        var pieces: [Interval] = []
        for a in intervals {
            for b in other.intervals {
                let lower = try Self.lowerLess(a.lower, b.lower, compare) ? b.lower : a.lower
                let upper = try Self.upperLess(a.upper, b.upper, compare) ? a.upper : b.upper
                pieces.append(Interval(lower: lower, upper: upper))
            }
        }
        return try VersionIntervals(pieces, compare: compare)
    }

    /// Every version not in this set.
    func complement() -> VersionIntervals {
        var gaps: [Interval] = []
        var from: Bound? = nil
        var open = true  // whether the gap before the next interval reaches down to every version
        for i in intervals {
            if let lower = i.lower {
                gaps.append(Interval(lower: open ? nil : from, upper: Bound(version: lower.version, inclusive: !lower.inclusive)))
            }
            guard let upper = i.upper else { return VersionIntervals(normalized: gaps) }
            from = Bound(version: upper.version, inclusive: !upper.inclusive)
            open = false
        }
        gaps.append(Interval(lower: open ? nil : from, upper: nil))
        return VersionIntervals(normalized: gaps)
    }

    func contains(_ version: String, compare: Compare) throws -> Bool {
        try interval(containing: version, compare: compare) != nil
    }

    func interval(containing version: String, compare: Compare) throws -> Interval? {
        try intervals.first { i in
            let aboveLower = try i.lower.map { b in let c = try compare(version, b.version); return c > 0 || (c == 0 && b.inclusive) } ?? true
            let belowUpper = try i.upper.map { b in let c = try compare(version, b.version); return c < 0 || (c == 0 && b.inclusive) } ?? true
            return aboveLower && belowUpper
        }
    }

    /// The same set with each interval's bounds rewritten by `change`, normalized again.
    func mapIntervals(compare: Compare, _ change: (Interval) throws -> Interval) throws -> VersionIntervals {
        try VersionIntervals(intervals.map(change), compare: compare)
    }

    func subtracting(_ other: VersionIntervals, compare: Compare) throws -> VersionIntervals {
        try intersection(other.complement(), compare: compare)
    }

    /// One OSV range per interval: `introduced` (`0` when unbounded below), then `fixed` for an
    /// exclusive upper bound (`limit` when it is not a fix) or `last_affected` for an inclusive one.
    /// An exclusive lower bound
    /// needs the version right after it; nil when `successor` cannot give it (the set is then not
    /// expressible as OSV events).
    func osvRanges(kind: AffectedRange.Kind, successor: ((String) -> String?)? = nil) -> [AffectedRange]? {
        var ranges: [AffectedRange] = []
        for i in intervals {
            var events: [AffectedRange.Event] = []
            switch i.lower {
            case nil: events.append(.introduced("0"))
            case let b? where b.inclusive: events.append(.introduced(b.version))
            case let b?:
                guard let next = successor?(b.version) else { return nil }
                events.append(.introduced(next))
            }
            if let u = i.upper { events.append(u.inclusive ? .lastAffected(u.version) : u.isFix ? .fixed(u.version) : .limit(u.version)) }
            ranges.append(AffectedRange(kind: kind, events: events))
        }
        return ranges
    }

    // MARK: Bound order

    private static func isEmpty(_ i: Interval, _ compare: Compare) throws -> Bool {
        guard let l = i.lower, let u = i.upper else { return false }
        let c = try compare(l.version, u.version)
        return c > 0 || (c == 0 && !(l.inclusive && u.inclusive))
    }

    /// Whether lower bound `a` starts strictly before lower bound `b`.
    private static func lowerLess(_ a: Bound?, _ b: Bound?, _ compare: Compare) throws -> Bool {
        guard let b else { return false }
        guard let a else { return true }
        let c = try compare(a.version, b.version)
        return c < 0 || (c == 0 && a.inclusive && !b.inclusive)
    }

    /// Whether upper bound `a` ends strictly before upper bound `b`.
    private static func upperLess(_ a: Bound?, _ b: Bound?, _ compare: Compare) throws -> Bool {
        guard let a else { return false }
        guard let b else { return true }
        let c = try compare(a.version, b.version)
        return c < 0 || (c == 0 && !a.inclusive && b.inclusive)
    }

    /// Whether `next` (starting no earlier than `last`) overlaps or touches `last`.
    private static func joins(_ last: Interval, _ next: Interval, _ compare: Compare) throws -> Bool {
        guard let upper = last.upper, let lower = next.lower else { return true }
        let c = try compare(lower.version, upper.version)
        return c < 0 || (c == 0 && (lower.inclusive || upper.inclusive))
    }

    /// Insertion sort: requirement lists are short, and the comparison may throw.
    private static func sortByLower(_ items: inout [Interval], _ compare: Compare) throws {
        for i in items.indices.dropFirst() {
            var j = i
            while j > 0, try lowerLess(items[j].lower, items[j - 1].lower, compare) {
                items.swapAt(j, j - 1)
                j -= 1
            }
        }
    }
}
