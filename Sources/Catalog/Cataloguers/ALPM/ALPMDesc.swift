import Foundation

/// pacman's per-package `desc` file: `%KEY%` on a line of its own, then one value per line until a blank
/// line. Multi-valued keys (`%LICENSE%`, `%DEPENDS%`) simply have several lines.
struct ALPMDesc: Equatable {
    var fields: [String: [String]] = [:]

    /// The first value of a key, when it has a non-empty one.
    func first(_ key: String) -> String? { fields[key]?.first }
    func all(_ key: String) -> [String] { fields[key] ?? [] }

    init(_ data: Data) {
        var key: String?
        let text = String(decoding: data, as: UTF8.self)
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty {
                key = nil
            } else if line.count > 2, line.hasPrefix("%"), line.hasSuffix("%"), !line.dropFirst().dropLast().contains("%") {
                key = String(line.dropFirst().dropLast())
            } else if let key {
                fields[key, default: []].append(line)
            }
            // A value with no key above it (a damaged file) belongs to nothing and is dropped.
        }
    }
}
