import Foundation
import SBOM

/// Licences named in a Debian `copyright` file: DEP-5 `License:` fields, and references to
/// `/usr/share/common-licenses/NAME` in free-form files (as syft reads them).
enum DebianCopyright {
    static func licenses(_ data: Data) -> [String] {
        var names: [String] = []
        let text = String(decoding: data.prefix(1 << 20), as: UTF8.self)
        for line in text.split(separator: "\n") {
            if line.hasPrefix("License:") {
                let value = line.dropFirst("License:".count).trimmingCharacters(in: .whitespaces)
                if isShortName(value) { names.append(value) }
            }
            if let r = line.range(of: "/usr/share/common-licenses/") {
                let rest = line[r.upperBound...].prefix(while: { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" })
                var name = String(rest)
                while name.hasSuffix(".") { name.removeLast() }
                if !name.isEmpty { names.append(name) }
            }
        }
        var seen = Set<String>()
        var out: [String] = []
        for n in names {
            guard let expr = SPDXLicense.expression(n) else { continue }
            if seen.insert(expr).inserted { out.append(expr) }
        }
        return out
    }

    /// DEP-5 puts a short name (or an `or`/`and` list of them) on the `License:` line; older free-form
    /// files put a sentence there, which names no licence.
    static func isShortName(_ value: String) -> Bool {
        guard !value.isEmpty, value.split(separator: " ").count <= 9 else { return false }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: ".+-_ (),"))
        return value.unicodeScalars.allSatisfy(allowed.contains) && value.first?.isLetter == true
            && !value.hasSuffix(".") && !value.hasSuffix(",")
    }
}
