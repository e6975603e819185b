import Foundation
import JSON

/// Checks and small readers shared by the non-OSV importers: size limits, UTF-8 text, a cheap look
/// at a file's first bytes for `detect`, dates in the forms those feeds write, and typed access to
/// JSON members that reports the member's path when it has the wrong type.
enum FeedInput {
    /// `data` as UTF-8 text; refuses files over `limit` bytes and bytes that are not UTF-8.
    static func text(_ data: Data, limit: Int) throws -> String {
        try checkSize(data, limit: limit)
        guard let text = String(data: data, encoding: .utf8) else { throw FeedProblem(nil, "is not UTF-8 text") }
        return text
    }

    static func checkSize(_ data: Data, limit: Int) throws {
        guard data.count <= limit else {
            throw FeedProblem(nil, "is \(data.count) bytes, more than the \(limit) bytes this format allows")
        }
    }

    static func json(_ data: Data, limit: Int) throws -> JSON {
        try checkSize(data, limit: limit)
        do { return try JSON.parse(data) } catch { throw FeedProblem(nil, "\(error)") }
    }

    /// The first bytes as text, for `detect` (invalid UTF-8 is replaced, never fatal).
    static func head(_ data: Data, bytes: Int = 4096) -> String {
        String(decoding: data.prefix(bytes), as: UTF8.self)
    }

    /// The last path component without its extension: `gems/rails/CVE-2020-8164.yml` → `CVE-2020-8164`.
    static func stem(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// The directory names of `path`, innermost last.
    static func directories(_ path: String) -> [String] {
        Array(path.split(separator: "/").dropLast().map(String.init))
    }

    // MARK: Dates (all UTC)

    private static let utc: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()

    static func date(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) -> Date? {
        guard (1900...9999).contains(year) else { return nil }
        let c = DateComponents(calendar: utc, timeZone: utc.timeZone, year: year, month: month, day: day,
                               hour: hour, minute: minute, second: second)
        guard c.isValidDate(in: utc) else { return nil }
        return utc.date(from: c)
    }

    /// `2020-05-18`, or the date part of `2020-05-18T10:00:00…`.
    static func day(_ text: String) -> Date? {
        let parts = text.prefix(10).split(separator: "-", omittingEmptySubsequences: false)
        guard text.count >= 10, parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        return date(year: y, month: m, day: d)
    }

    /// NVD's `2024-04-12T08:15:06.230` (UTC, no zone written); a trailing `Z` is accepted too.
    static func timestamp(_ text: String) -> Date? {
        let chars = Array(text)
        guard chars.count >= 19, chars.count <= 40, chars[10] == "T", chars[13] == ":", chars[16] == ":",
              let day = day(String(chars[0..<10])),
              let h = Int(String(chars[11..<13])), let mi = Int(String(chars[14..<16])), let s = Int(String(chars[17..<19])),
              (0...23).contains(h), (0...59).contains(mi), (0...60).contains(s) else { return nil }
        var rest = chars[19...]
        var fraction = 0.0
        if rest.first == "." {
            let digits = rest.dropFirst().prefix(while: \.isNumber)
            guard !digits.isEmpty, let f = Double("0." + String(digits)) else { return nil }
            fraction = f
            rest = rest.dropFirst(1 + digits.count)
        }
        guard rest.isEmpty || rest.elementsEqual("Z") || rest.elementsEqual("+00:00") else { return nil }
        return day.addingTimeInterval(Double(h * 3600 + mi * 60 + s) + fraction)
    }

    // MARK: JSON members by path

    static func object(_ json: JSON?, _ path: String) throws -> JSONObject {
        guard let o = json?.object else { throw FeedProblem(path, "expected an object, found \(kind(json))") }
        return o
    }

    static func array(_ json: JSON?, _ path: String) throws -> [JSON] {
        guard let a = json?.array else { throw FeedProblem(path, "expected an array, found \(kind(json))") }
        return a
    }

    static func string(_ json: JSON?, _ path: String) throws -> String {
        guard let s = json?.string else { throw FeedProblem(path, "expected a string, found \(kind(json))") }
        return s
    }

    /// A string member that may be absent or null.
    static func optionalString(_ json: JSON?, _ path: String) throws -> String? {
        guard let json, !json.isNull else { return nil }
        return try string(json, path)
    }

    /// A number member that may be absent or null.
    static func optionalNumber(_ json: JSON?, _ path: String) throws -> Double? {
        guard let json, !json.isNull else { return nil }
        guard let d = json.double, d.isFinite else { throw FeedProblem(path, "expected a number, found \(kind(json))") }
        return d
    }

    /// An array of strings that may be absent or null.
    static func optionalStrings(_ json: JSON?, _ path: String) throws -> [String] {
        guard let json, !json.isNull else { return [] }
        return try array(json, path).enumerated().map { try string($0.element, "\(path)[\($0.offset)]") }
    }

    static func kind(_ json: JSON?) -> String {
        switch json {
        case nil: return "nothing"
        case .null?: return "null"
        case .bool?: return "a boolean"
        case .int?, .double?: return "a number"
        case .string?: return "a string"
        case .array?: return "an array"
        case .object?: return "an object"
        }
    }

    /// Adds one to a decimal number of any length (`9` → `10`): version parts can exceed `Int`.
    static func increment(_ digits: String) -> String {
        var out = Array(digits.utf8)
        var i = out.count - 1
        while i >= 0 {
            if out[i] == UInt8(ascii: "9") {
                out[i] = UInt8(ascii: "0")
                i -= 1
            } else {
                out[i] += 1
                return String(decoding: out, as: UTF8.self)
            }
        }
        return "1" + String(decoding: out, as: UTF8.self)
    }

    // MARK: Identifiers

    /// `CVE-2019-14904` from `CVE-2019-14904`, `CVE_2019-14904`, `CVE 2019-14904`, `CVE-2014-4671A`,
    /// `CVE-2017-17434-1` or `CVE-2019-19451.patch`: feeds written by hand carry such variants.
    static func cveIDs(in text: String) -> [String] {
        var found: [String] = []
        let u = Array(text.uppercased().utf8)
        var i = 0
        while i + 3 < u.count {
            guard u[i] == 67, u[i + 1] == 86, u[i + 2] == 69, i == 0 || !isAlnum(u[i - 1]) else { i += 1; continue }  // "CVE"
            var j = i + 3
            guard j < u.count, u[j] == 45 || u[j] == 95 || u[j] == 32 else { i += 1; continue }  // - _ space
            j += 1
            let year = digits(u, from: j)
            guard year.count == 4, j + 4 < u.count, u[j + 4] == 45 else { i += 1; continue }
            j += 5
            let number = digits(u, from: j)
            guard number.count >= 4, number.count <= 12 else { i += 1; continue }
            let id = "CVE-\(year)-\(number)"
            if !found.contains(id) { found.append(id) }
            i = j + number.count
        }
        return found
    }

    private static func digits(_ u: [UInt8], from start: Int) -> String {
        var end = start
        while end < u.count, u[end] >= 48, u[end] <= 57 { end += 1 }
        return String(decoding: u[start..<end], as: UTF8.self)
    }

    private static func isAlnum(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }

    /// Whether `text` is `CVE-YYYY-NNNN…` exactly.
    static func isCVE(_ text: String) -> Bool { cveIDs(in: text) == [text] }
}
