import Foundation

/// Core metadata (PEP 566/643) in `METADATA` / `PKG-INFO`: email-style headers, repeated fields kept in order.
/// The body after the first blank line is the long description and is not needed.
struct PythonMetadata {
    private(set) var headers: [(String, String)] = []

    init(_ data: Data) {
        var lastIndex: Int?
        for rawLine in String(decoding: data.prefix(4 << 20), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t" {
                if let i = lastIndex { headers[i].1 += "\n" + line.trimmingCharacters(in: .whitespaces) }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            lastIndex = headers.count - 1
        }
    }

    func first(_ name: String) -> String? {
        headers.first { $0.0 == name.lowercased() }.map(\.1).flatMap { $0.isEmpty || $0 == "UNKNOWN" ? nil : $0 }
    }
    func all(_ name: String) -> [String] { headers.filter { $0.0 == name.lowercased() }.map(\.1) }
}
