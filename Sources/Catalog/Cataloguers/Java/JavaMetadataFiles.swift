import Foundation

/// The main section of a `META-INF/MANIFEST.MF` (JAR File Specification): `Key: value` lines,
/// continuation lines starting with one space, ended by the first blank line.
enum JavaManifest {
    /// Attributes that name, version, group or attribute an archive; the rest (class paths, import
    /// lists, build details) is not kept as evidence.
    static let keptAttributes: Set<String> = [
        "Name", "Implementation-Title", "Implementation-Version", "Implementation-Vendor", "Implementation-Vendor-Id",
        "Specification-Title", "Specification-Version", "Specification-Vendor",
        "Bundle-SymbolicName", "Bundle-Version", "Bundle-Name", "Bundle-Vendor", "Bundle-License", "Bundle-Activator",
        "Automatic-Module-Name", "Extension-Name", "Group-Id", "Main-Class", "Created-By",
        "Short-Name", "Long-Name", "Plugin-Version", "Bundle-DocURL",
    ]
    static let maxValueLength = 1024

    static func mainAttributes(_ data: Data) -> [String: String] {
        let text = String(decoding: data, as: UTF8.self)
        var out: [String: String] = [:]
        var key: String?
        var value = ""
        func flush() {
            if let k = key, keptAttributes.contains(k), out[k] == nil {
                let v = value.trimmingCharacters(in: .whitespaces)
                if !v.isEmpty { out[k] = String(v.prefix(maxValueLength)) }
            }
            key = nil
            value = ""
        }
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            if line.isEmpty {
                if key != nil || !out.isEmpty { break }  // end of the main section
                continue
            }
            if line.first == " " {
                if key != nil, value.utf8.count < maxValueLength { value += line.dropFirst() }
                continue
            }
            flush()
            guard let colon = line.firstIndex(of: ":") else { continue }
            let k = line[..<colon].trimmingCharacters(in: .whitespaces)
            guard !k.isEmpty else { continue }
            key = k
            value = String(line[line.index(after: colon)...])
        }
        flush()
        return out
    }
}

/// `pom.properties` as Maven writes it: Java properties (`key=value` or `key: value`, `#` comments).
enum JavaProperties {
    static func parse(_ data: Data) -> [String: String] {
        var out: [String: String] = [:]
        for raw in String(decoding: data, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let line = raw.drop(while: { $0 == " " || $0 == "\t" })
            guard let first = line.first, first != "#", first != "!" else { continue }
            // The key ends at the first `=` or `:`; what follows, trimmed, is the value (it may hold more of them).
            guard let sep = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = line[..<sep].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: sep)...].trimmingCharacters(in: .whitespaces)
            if !key.isEmpty, out[key] == nil { out[key] = String(value.prefix(JavaManifest.maxValueLength)) }
        }
        return out
    }
}

/// Name and version as read from an archive's file name (`commons-lang3-3.12.0.jar`), following
/// syft's convention: the version starts at the first dash-separated group that begins with a digit
/// (or `build<digit>`, `r<digit>`, `rc<digit>`).
struct JavaArchiveFileName: Equatable {
    var name: String
    var version: String

    init(_ path: String) {
        var stem = Substring(CatalogSupport.basename(path))
        if let dot = stem.lastIndex(of: "."), dot > stem.startIndex { stem = stem[..<dot] }
        let groups = stem.split(separator: "-", omittingEmptySubsequences: false)
        if let v = groups.indices.dropFirst().first(where: { JavaArchiveFileName.startsVersion(groups[$0]) }) {
            name = groups[..<v].joined(separator: "-")
            version = groups[v...].joined(separator: "-")
        } else if let sep = stem.indices.first(where: { i in
            (stem[i] == "_" || stem[i] == ".") && stem.index(after: i) < stem.endIndex && stem[stem.index(after: i)].isASCII
                && stem[stem.index(after: i)].isNumber && i > stem.startIndex
        }) {
            // `name_1.2` or `name.1.2`: some archives use another separator before the version.
            name = String(stem[..<sep])
            version = String(stem[stem.index(after: sep)...])
        } else {
            name = String(stem)
            version = ""
        }
    }

    private static func startsVersion(_ group: Substring) -> Bool {
        guard let first = group.first else { return false }
        if first.isASCII && first.isNumber { return true }
        let lower = group.lowercased()
        for prefix in ["build", "rc", "r"] where lower.hasPrefix(prefix) {
            let rest = lower.dropFirst(prefix.count)
            if let d = rest.first, d.isASCII, d.isNumber {
                // `r4` and `rc5` count, `r4a`-style words do not.
                return prefix == "build" || !rest.drop(while: { $0.isASCII && $0.isNumber }).contains(where: \.isLetter)
            }
        }
        return false
    }

    /// The artifact id hidden in a `group.artifact` file name (syft: dotted names made of Java
    /// identifiers are taken as group plus artifact, except Eclipse's dotted artifact ids).
    var artifactName: String {
        guard name.contains("."), !name.hasPrefix("org.eclipse.") else { return name }
        let fields = name.split(separator: ".", omittingEmptySubsequences: false)
        let identifiers = fields.allSatisfy { f in f.first.map { $0.isLetter || $0 == "_" || $0 == "$" } ?? false }
        return identifiers ? String(fields.last ?? Substring(name)) : name
    }
}
