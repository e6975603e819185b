import Foundation

/// RFC 3339 timestamps, read and written by hand on `CivilCalendar` so the same text is the same instant
/// on every platform (Foundation's parsers refuse Go's nanosecond fractions and differ between
/// platforms). One parser serves OSV records, SBOMs and VEX documents, so it reads what they write:
/// `2023-10-03T17:00:00Z`, `2021-09-26T23:32:08.989778Z`, `2023-01-08T18:02:03.647787998-06:00`,
/// `+0200` offsets, a date alone (OSV), and as UTC two forms Canonical's OpenVEX uses: no offset at all
/// (`2025-06-03T18:02:07.153650`) and a ` UTC` suffix (`2017-02-07 15:59:00 UTC`).
public enum RFC3339 {
    public static func parse(_ text: String) -> Date? {
        var b = Array(text.utf8)
        guard b.count >= 10, b.count <= 64 else { return nil }
        if b.count >= 23, b.suffix(4).elementsEqual(" UTC".utf8) { b.removeLast(4) }
        func number(_ at: Int, _ n: Int) -> Int? {
            guard at + n <= b.count else { return nil }
            var v = 0
            for k in at..<(at + n) {
                guard b[k] >= 0x30, b[k] <= 0x39 else { return nil }
                v = v * 10 + Int(b[k] - 0x30)
            }
            return v
        }
        guard let year = number(0, 4), b[4] == 0x2D, let month = number(5, 2), b[7] == 0x2D, let day = number(8, 2),
              (1...12).contains(month), day >= 1, day <= CivilCalendar.daysIn(month: Int64(month), year: Int64(year)) else { return nil }
        let days = Int(CivilCalendar.days(fromYear: Int64(year), month: Int64(month), day: Int64(day)))
        guard b.count > 10 else { return Date(timeIntervalSince1970: Double(days * 86_400)) }
        // "T", "t" or a space separate date and time (RFC 3339 section 5.6 allows the space).
        guard b.count >= 19, b[10] == 0x54 || b[10] == 0x74 || b[10] == 0x20,
              let hour = number(11, 2), b[13] == 0x3A, let minute = number(14, 2), b[16] == 0x3A, let second = number(17, 2),
              hour < 24, minute < 60, second <= 60 else { return nil }
        var i = 19, nanoseconds = 0
        if i < b.count, b[i] == 0x2E {
            i += 1
            var used = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                if used < 9 { nanoseconds = nanoseconds * 10 + Int(b[i] - 0x30); used += 1 }
                i += 1
            }
            guard used > 0 else { return nil }
            for _ in used..<9 { nanoseconds *= 10 }
        }
        var offset = 0
        if i < b.count {
            switch b[i] {
            case 0x5A, 0x7A: i += 1
            case 0x2B, 0x2D:
                guard let oh = number(i + 1, 2), oh < 24 else { return nil }
                var j = i + 3
                if j < b.count, b[j] == 0x3A { j += 1 }
                guard let om = number(j, 2), om < 60 else { return nil }
                offset = (b[i] == 0x2B ? 1 : -1) * (oh * 3600 + om * 60)
                i = j + 2
            default: return nil
            }
        }
        guard i == b.count else { return nil }
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9)
    }

    /// UTC with a `Z` suffix, to the second (the form SPDX, CycloneDX and OpenVEX all accept), or with
    /// `fractional` to the microsecond when there is a fraction (OSV's `modified` round-trips).
    public static func format(_ date: Date, fractional: Bool = false) -> String {
        let whole = date.timeIntervalSince1970.rounded(.down)
        guard whole.isFinite, abs(whole) < 1e13 else { return "1970-01-01T00:00:00Z" }
        let micros = fractional ? Int(((date.timeIntervalSince1970 - whole) * 1_000_000).rounded()) : 0
        var secs = Int(whole)
        let daySeconds = ((secs % 86_400) + 86_400) % 86_400
        secs -= daySeconds
        let (y, m, d) = CivilCalendar.date(fromDays: Int64(secs / 86_400))
        func pad(_ v: Int64, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        let ds = Int64(daySeconds)
        let fraction = micros > 0 && micros < 1_000_000 ? "." + pad(Int64(micros), 6) : ""
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(ds / 3600, 2)):\(pad(ds / 60 % 60, 2)):\(pad(ds % 60, 2))\(fraction)Z"
    }
}
