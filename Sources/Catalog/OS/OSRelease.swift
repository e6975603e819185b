import Foundation
import SBOM

/// Reads the distribution identity from `etc/os-release` (falling back to `usr/lib/os-release`,
/// `etc/alpine-release`, `etc/debian_version`), as the scanner needs it to pick the right advisories.
public enum OSRelease {
    public static let paths = ["etc/os-release", "usr/lib/os-release", "etc/alpine-release", "etc/debian_version",
                               "etc/redhat-release", "etc/system-release"]

    public static func detect(in tree: FileTree) -> OperatingSystem? {
        for p in ["etc/os-release", "usr/lib/os-release"] {
            if let data = tree.contents(p), var os = parse(data) {
                // Debian point releases live in /etc/debian_version (12.8); os-release only says 12.
                if os.id == "debian", let v = tree.contents("etc/debian_version").map({ String(decoding: $0, as: UTF8.self) }) {
                    let trimmed = v.trimmingCharacters(in: .whitespacesAndNewlines)
                    if trimmed.first?.isNumber == true { os.fullVersion = trimmed }
                }
                return os
            }
        }
        if let data = tree.contents("etc/alpine-release") {
            let v = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return OperatingSystem(id: "alpine", versionID: v, name: "Alpine Linux")
        }
        if let data = tree.contents("etc/debian_version") {
            let v = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let major = v.split(separator: ".").first.map(String.init)
            return OperatingSystem(id: "debian", versionID: major?.first?.isNumber == true ? major : nil,
                                   versionCodename: major?.first?.isNumber == true ? nil : v.split(separator: "/").first.map(String.init),
                                   name: "Debian GNU/Linux")
        }
        return nil
    }

    /// Parses os-release's shell-like KEY=value lines (quotes and backslash escapes).
    public static func parse(_ data: Data) -> OperatingSystem? {
        guard data.count <= 1 << 16 else { return nil }
        var fields: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let l = line.trimmingCharacters(in: .whitespaces)
            guard !l.hasPrefix("#"), let eq = l.firstIndex(of: "=") else { continue }
            let key = String(l[..<eq])
            var value = String(l[l.index(after: eq)...])
            if let q = value.first, (q == "\"" || q == "'"), value.count >= 2, value.last == q {
                value = String(value.dropFirst().dropLast())
                if q == "\"" {
                    value = value.replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\$", with: "$")
                        .replacingOccurrences(of: "\\`", with: "`").replacingOccurrences(of: "\\\\", with: "\\")
                }
            }
            fields[key] = value
        }
        guard let id = fields["ID"]?.lowercased(), !id.isEmpty else { return nil }
        var os = OperatingSystem(id: id, versionID: fields["VERSION_ID"], versionCodename: fields["VERSION_CODENAME"],
                                 name: fields["NAME"], prettyName: fields["PRETTY_NAME"],
                                 idLike: (fields["ID_LIKE"] ?? "").split(separator: " ").map(String.init),
                                 homeURL: fields["HOME_URL"], cpeName: fields["CPE_NAME"])
        // Debian testing/sid: the codename is in PRETTY_NAME only ("Debian GNU/Linux trixie/sid").
        if os.versionCodename == nil, os.versionID == nil, let pretty = os.prettyName,
           let last = pretty.split(separator: " ").last, last.contains("/") {
            os.versionCodename = String(last.split(separator: "/")[0])
        }
        return os
    }
}
