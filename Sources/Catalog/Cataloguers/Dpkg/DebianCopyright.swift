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
                if !value.isEmpty { names.append(value) }
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
}
