import Foundation
import SBOM

/// Licences named in a Debian `copyright` file: DEP-5 `License:` fields, and references to
/// `/usr/share/common-licenses/NAME` in free-form files (as syft reads them).
enum DebianCopyright {
    static func licenses(_ data: Data) -> [String] {
        // Copyright files are the bulk of a dpkg image's metadata; scan bytes and make Strings only
        // of the lines that matter (a String split of every line cost ~10% of a whole SBOM run).
        var names: [String] = []
        let licensePrefix = Array("License:".utf8)
        let needle = Array("/usr/share/common-licenses/".utf8)
        data.prefix(1 << 20).withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if line.starts(with: licensePrefix) {
                    let value = String(decoding: line[licensePrefix.count...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                    if isShortName(value) { names.append(value) }
                }
                if let at = firstIndex(of: needle, in: line) {
                    var i = at + needle.count
                    while i < line.count, isNameByte(line[i]) { i += 1 }
                    var name = String(decoding: line[(at + needle.count)..<i], as: UTF8.self)
                    while name.hasSuffix(".") { name.removeLast() }
                    if !name.isEmpty { names.append(name) }
                }
                start = end + 1
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

    private static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x2D || b == 0x2B
    }

    private static func firstIndex(of needle: [UInt8], in line: UnsafeBufferPointer<UInt8>) -> Int? {
        guard line.count >= needle.count, let first = needle.first else { return nil }
        var i = 0
        let last = line.count - needle.count
        while i <= last {
            if line[i] == first {
                var j = 1
                while j < needle.count, line[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
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
