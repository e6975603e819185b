import Foundation

/// One package record of apk's installed database: `X:value` lines, one letter per field
/// (https://wiki.alpinelinux.org/wiki/Apk_spec). Only the first value of each package-level field is kept;
/// the file lines (`F:`, `R:`, `a:`, `Z:`…) repeat and are not needed for the inventory.
struct APKRecord: Equatable {
    var fields: [Character: String] = [:]

    subscript(_ key: Character) -> String? { fields[key] }

    var name: String? { self["P"] }
    var version: String? { self["V"] }
}

/// Splits `lib/apk/db/installed` into records. Records are separated by blank lines; a line without a
/// `X:` prefix is ignored, as apk itself ignores it.
enum APKDatabase {
    /// Field letters that describe the package as a whole.
    static let packageFields: Set<Character> = ["P", "V", "A", "o", "m", "L", "U", "T", "I", "S", "C", "c", "t"]

    /// All records, complete or not; the cataloguer decides which ones make packages.
    static func records(_ data: Data) -> [APKRecord] {
        var records: [APKRecord] = []
        var current = APKRecord()
        var open = false
        let text = String(decoding: data, as: UTF8.self)
        // `\r\n` is one Character in Swift, so lines are split on any newline, not on "\n".
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if line.isEmpty {
                if open { records.append(current) }
                current = APKRecord()
                open = false
                continue
            }
            guard line.count >= 2, let key = line.first, line[line.index(after: line.startIndex)] == ":" else { continue }
            open = true
            guard packageFields.contains(key), current.fields[key] == nil else { continue }
            let value = line.dropFirst(2).trimmingCharacters(in: .whitespaces)
            if !value.isEmpty { current.fields[key] = value }
        }
        if open { records.append(current) }
        return records
    }
}
