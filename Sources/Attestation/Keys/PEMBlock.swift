import Foundation

/// One `-----BEGIN LABEL-----` … `-----END LABEL-----` block: its label, its RFC 1421 headers
/// (only legacy encrypted keys carry them) and its decoded body.
struct PEMBlock {
    let label: String
    let headers: [String: String]
    let body: Data
    /// The block's text from BEGIN to END, for OpenSSL readers that want PEM.
    let text: String

    /// Keys are small; anything bigger is not a key file and is refused before it is decoded.
    static let maximumSize = 1 << 20

    /// The first PEM block in `data` that is not an `EC PARAMETERS` block (which
    /// `openssl ecparam -genkey` writes before the key). Text before BEGIN (comments, as `openssl`
    /// writes with `-text`) is skipped; a missing END, a label mismatch or a bad body is an error.
    static func first(in data: Data, source: String) throws -> PEMBlock {
        guard data.count <= maximumSize else {
            throw KeyError.unreadablePEM(source: source, reason: "\(data.count) bytes is too large for a key file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw KeyError.unreadablePEM(source: source, reason: "not UTF-8 text (a DER file? convert it to PEM)")
        }
        var rest = Substring(text)
        while true {
            let (block, remainder) = try next(in: rest, source: source)
            if block.label != "EC PARAMETERS" { return block }
            rest = remainder
        }
    }

    /// The block starting at the first BEGIN line of `text`, and the text after its END line.
    private static func next(in text: Substring, source: String) throws -> (PEMBlock, Substring) {
        let begin = "-----BEGIN "
        guard let beginRange = text.range(of: begin) else {
            throw KeyError.unreadablePEM(source: source, reason: "no '-----BEGIN' line")
        }
        let afterBegin = text[beginRange.upperBound...]
        guard let labelEnd = afterBegin.range(of: "-----") else {
            throw KeyError.unreadablePEM(source: source, reason: "BEGIN line is not closed with '-----'")
        }
        let label = String(afterBegin[..<labelEnd.lowerBound])
        guard !label.isEmpty, label.count <= 64, !label.contains("\n") else {
            throw KeyError.unreadablePEM(source: source, reason: "BEGIN line has no valid label")
        }
        let end = "-----END \(label)-----"
        guard let endRange = afterBegin[labelEnd.upperBound...].range(of: end) else {
            throw KeyError.unreadablePEM(source: source, reason: "no '\(end)' line (truncated?)")
        }
        let inner = afterBegin[labelEnd.upperBound..<endRange.lowerBound]
        let (headers, base64) = try splitHeaders(String(inner), source: source)
        guard let body = FlexibleBase64.decode(base64, ignoringLineBreaks: true), !body.isEmpty else {
            throw KeyError.unreadablePEM(source: source, reason: "the body of '\(label)' is not valid base64")
        }
        let whole = String(text[beginRange.lowerBound..<endRange.upperBound]) + "\n"
        return (PEMBlock(label: label, headers: headers, body: body, text: whole), text[endRange.upperBound...])
    }

    /// RFC 1421 headers ("Proc-Type: 4,ENCRYPTED", "DEK-Info: …") end at the first blank line.
    private static func splitHeaders(_ inner: String, source: String) throws -> ([String: String], String) {
        let lines = inner.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\r \t")) }
        guard lines.contains(where: { $0.contains(":") }) else { return ([:], lines.joined()) }
        var headers: [String: String] = [:]
        var index = 0
        while index < lines.count, lines[index].isEmpty { index += 1 }
        while index < lines.count, !lines[index].isEmpty {
            let parts = lines[index].split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else {
                throw KeyError.unreadablePEM(source: source, reason: "malformed PEM header line '\(lines[index].prefix(40))'")
            }
            headers[String(parts[0]).trimmingCharacters(in: .whitespaces)] = String(parts[1]).trimmingCharacters(in: .whitespaces)
            index += 1
        }
        return (headers, lines[index...].joined())
    }

    /// PEM text for `der` under `label`, 64 base64 characters a line, as OpenSSL and Go write it.
    static func encode(label: String, der: Data) -> String {
        let base64 = Array(der.base64EncodedString().utf8)
        var out = "-----BEGIN \(label)-----\n"
        var i = 0
        while i < base64.count {
            let j = min(i + 64, base64.count)
            out += String(decoding: base64[i..<j], as: UTF8.self) + "\n"
            i = j
        }
        return out + "-----END \(label)-----\n"
    }
}
