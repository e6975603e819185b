import Foundation

/// Paragraphs of RFC 822-style control data (dpkg status, status.d entries, DEP-5 copyright files).
/// Field names are case-insensitive; continuation lines (starting with space or tab) extend the previous field.
public struct Deb822Paragraph {
    public var fields: [String: String] = [:]
    public subscript(name: String) -> String? { fields[name.lowercased()] }
}

public enum Deb822 {
    public static func parse(_ data: Data) -> [Deb822Paragraph] {
        var paragraphs: [Deb822Paragraph] = []
        var current = Deb822Paragraph()
        var lastKey: String?
        for rawLine in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if !current.fields.isEmpty { paragraphs.append(current) }
                current = Deb822Paragraph(); lastKey = nil
                continue
            }
            if line.first == " " || line.first == "\t" {
                if let k = lastKey { current.fields[k, default: ""] += "\n" + line.dropFirst() }
                continue
            }
            if line.first == "#" { continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].lowercased()
            current.fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            lastKey = key
        }
        if !current.fields.isEmpty { paragraphs.append(current) }
        return paragraphs
    }
}
