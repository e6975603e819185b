import Foundation
import JSON

/// RFC 3339 timestamps as OSV writes them (`2023-10-03T17:00:00Z`, `2021-09-26T23:32:08.989778Z`,
/// offsets such as `+02:00`). Hand-written because it runs for every record of every import and
/// must give the same instant for the same text on every platform.
enum RFC3339 {
    static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 10, b.count <= 64 else { return nil }
        func digits(_ at: Int, _ n: Int) -> Int? {
            guard at + n <= b.count else { return nil }
            var v = 0
            for k in at..<(at + n) {
                guard b[k] >= 0x30, b[k] <= 0x39 else { return nil }
                v = v * 10 + Int(b[k] - 0x30)
            }
            return v
        }
        guard let year = digits(0, 4), b[4] == 0x2D, let month = digits(5, 2), b[7] == 0x2D, let day = digits(8, 2),
              (1...12).contains(month), (1...Int(CivilCalendar.daysIn(month: Int64(month), year: Int64(year)))).contains(day) else { return nil }
        var seconds = 0, fraction = 0.0, offset = 0
        var i = 10
        if i < b.count {
            // "T", "t" or a space separate date and time (RFC 3339 section 5.6 allows the space).
            guard b[i] == 0x54 || b[i] == 0x74 || b[i] == 0x20,
                  let h = digits(11, 2), b.count > 13, b[13] == 0x3A, let m = digits(14, 2),
                  b.count > 16, b[16] == 0x3A, let s = digits(17, 2),
                  h < 24, m < 60, s <= 60 else { return nil }
            seconds = h * 3600 + m * 60 + s
            i = 19
            if i < b.count, b[i] == 0x2E {
                i += 1
                var scale = 0.1, used = 0
                while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                    if used < 9 { fraction += Double(b[i] - 0x30) * scale; scale /= 10; used += 1 }
                    i += 1
                }
                guard used > 0 else { return nil }
            }
            if i < b.count {
                switch b[i] {
                case 0x5A, 0x7A: i += 1
                case 0x2B, 0x2D:
                    let sign = b[i] == 0x2B ? 1 : -1
                    guard let oh = digits(i + 1, 2), oh < 24 else { return nil }
                    var j = i + 3
                    if j < b.count, b[j] == 0x3A { j += 1 }
                    guard let om = digits(j, 2), om < 60 else { return nil }
                    offset = sign * (oh * 3600 + om * 60)
                    i = j + 2
                default: return nil
                }
            }
            guard i == b.count else { return nil }
        }
        let days = Int(CivilCalendar.days(fromYear: Int64(year), month: Int64(month), day: Int64(day)))
        return Date(timeIntervalSince1970: Double(days * 86_400 + seconds - offset) + fraction)
    }

    /// Writes an instant back as RFC 3339 in UTC, with microseconds only when there are any.
    static func format(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        let whole = t.rounded(.down)
        guard whole.isFinite, abs(whole) < 1e13 else { return "1970-01-01T00:00:00Z" }
        var secs = Int(whole)
        let micros = Int(((t - whole) * 1_000_000).rounded())
        let daySeconds = ((secs % 86_400) + 86_400) % 86_400
        secs -= daySeconds
        let (y64, m64, d64) = CivilCalendar.date(fromDays: Int64(secs / 86_400))
        let (y, m, d) = (Int(y64), Int(m64), Int(d64))
        func pad(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        var out = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(daySeconds / 3600, 2)):\(pad(daySeconds / 60 % 60, 2)):\(pad(daySeconds % 60, 2))"
        if micros > 0 && micros < 1_000_000 { out += "." + pad(micros, 6) }
        return out + "Z"
    }
}
