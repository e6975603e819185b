import Foundation

/// Turns the licence names package databases use (Debian short names, Fedora names, PyPI classifiers,
/// free text) into SPDX licence expressions, so every SBOM written is valid SPDX.
public enum SPDXLicense {
    private static let byLowercase: [String: String] = {
        var m: [String: String] = [:]
        for id in SPDXLicenseList.identifiers { m[id.lowercased()] = id }
        return m
    }()

    /// Names seen in Debian copyright files, RPM headers, PyPI metadata and npm manifests.
    private static let aliases: [String: String] = [
        "gpl": "GPL-1.0-or-later", "gpl+": "GPL-1.0-or-later", "gpl-1": "GPL-1.0-only", "gpl-1+": "GPL-1.0-or-later",
        "gpl-2": "GPL-2.0-only", "gpl-2+": "GPL-2.0-or-later", "gpl-2.0+": "GPL-2.0-or-later", "gplv2": "GPL-2.0-only", "gplv2+": "GPL-2.0-or-later",
        "gpl-3": "GPL-3.0-only", "gpl-3+": "GPL-3.0-or-later", "gpl-3.0+": "GPL-3.0-or-later", "gplv3": "GPL-3.0-only", "gplv3+": "GPL-3.0-or-later",
        "lgpl": "LGPL-2.0-or-later", "lgpl-2": "LGPL-2.0-only", "lgpl-2+": "LGPL-2.0-or-later", "lgpl-2.0+": "LGPL-2.0-or-later",
        "lgpl-2.1": "LGPL-2.1-only", "lgpl-2.1+": "LGPL-2.1-or-later", "lgplv2": "LGPL-2.0-only", "lgplv2+": "LGPL-2.0-or-later",
        "lgplv2.1": "LGPL-2.1-only", "lgplv2.1+": "LGPL-2.1-or-later",
        "lgpl-3": "LGPL-3.0-only", "lgpl-3+": "LGPL-3.0-or-later", "lgplv3": "LGPL-3.0-only", "lgplv3+": "LGPL-3.0-or-later",
        "agpl-3": "AGPL-3.0-only", "agpl-3+": "AGPL-3.0-or-later", "agplv3": "AGPL-3.0-only", "agplv3+": "AGPL-3.0-or-later",
        "gfdl-1.2": "GFDL-1.2-only", "gfdl-1.2+": "GFDL-1.2-or-later", "gfdl-1.3": "GFDL-1.3-only", "gfdl-1.3+": "GFDL-1.3-or-later",
        "gfdl-nis": "GFDL-1.3-no-invariants-or-later",
        "expat": "MIT", "mit license": "MIT", "the mit license": "MIT", "mit/x11": "MIT", "x11": "X11",
        "bsd": "BSD-3-Clause", "bsd-2": "BSD-2-Clause", "bsd-3": "BSD-3-Clause", "bsd-4": "BSD-4-Clause",
        "bsd-2-clause": "BSD-2-Clause", "bsd-3-clause": "BSD-3-Clause", "bsd-4-clause": "BSD-4-Clause",
        "bsd license": "BSD-3-Clause", "new bsd license": "BSD-3-Clause", "simplified bsd": "BSD-2-Clause", "modified bsd": "BSD-3-Clause",
        "apache": "Apache-2.0", "apache-2": "Apache-2.0", "apache 2": "Apache-2.0", "apache 2.0": "Apache-2.0",
        "apache license 2.0": "Apache-2.0", "apache license, version 2.0": "Apache-2.0", "apache software license": "Apache-2.0",
        "apache-1.1": "Apache-1.1", "asl 2.0": "Apache-2.0", "asl2.0": "Apache-2.0",
        "mpl-1.1": "MPL-1.1", "mpl-2": "MPL-2.0", "mpl 2.0": "MPL-2.0", "mpl-2.0": "MPL-2.0", "mozilla public license 2.0 (mpl 2.0)": "MPL-2.0",
        "psf": "PSF-2.0", "psf-2": "PSF-2.0", "python": "Python-2.0", "python software foundation license": "PSF-2.0",
        "zlib": "Zlib", "zlib/libpng": "Zlib", "openssl": "OpenSSL", "isc license": "ISC", "isc license (iscl)": "ISC",
        "artistic": "Artistic-1.0-Perl", "artistic-2": "Artistic-2.0", "perl": "Artistic-1.0-Perl OR GPL-1.0-or-later",
        "public-domain": "LicenseRef-Public-Domain", "public domain": "LicenseRef-Public-Domain", "pd": "LicenseRef-Public-Domain",
        "cc0": "CC0-1.0", "cc0-1.0": "CC0-1.0", "unlicense": "Unlicense", "wtfpl": "WTFPL", "boost": "BSL-1.0", "bsl": "BSL-1.0",
        "ruby": "Ruby", "curl": "curl", "libpng": "Libpng", "ofl-1.1": "OFL-1.1", "sleepycat": "Sleepycat",
        "lppl-1.3c": "LPPL-1.3c", "bzip2-1.0.6": "bzip2-1.0.6", "cc-by-sa-3.0": "CC-BY-SA-3.0", "cc-by-3.0": "CC-BY-3.0",
        "cc-by-4.0": "CC-BY-4.0", "cc-by-sa-4.0": "CC-BY-SA-4.0", "eclipse public license 2.0": "EPL-2.0", "epl-2.0": "EPL-2.0",
    ]

    /// Deprecated SPDX ids (still in the list) and their current spelling.
    private static let deprecated: [String: String] = {
        var m: [String: String] = [:]
        for base in ["GPL-1.0", "GPL-2.0", "GPL-3.0", "LGPL-2.0", "LGPL-2.1", "LGPL-3.0", "AGPL-1.0", "AGPL-3.0",
                     "GFDL-1.1", "GFDL-1.2", "GFDL-1.3"] {
            m[base] = base + "-only"
            m[base + "+"] = base + "-or-later"
        }
        return m
    }()

    /// PyPI trove classifiers (`License :: OSI Approved :: MIT License`).
    private static let classifiers: [String: String] = [
        "mit license": "MIT", "apache software license": "Apache-2.0", "bsd license": "BSD-3-Clause",
        "python software foundation license": "PSF-2.0", "mozilla public license 2.0 (mpl 2.0)": "MPL-2.0",
        "gnu general public license v2 (gplv2)": "GPL-2.0-only", "gnu general public license v3 (gplv3)": "GPL-3.0-only",
        "gnu general public license v2 or later (gplv2+)": "GPL-2.0-or-later", "gnu general public license v3 or later (gplv3+)": "GPL-3.0-or-later",
        "gnu lesser general public license v2 (lgplv2)": "LGPL-2.0-only", "gnu lesser general public license v3 (lgplv3)": "LGPL-3.0-only",
        "gnu lesser general public license v2 or later (lgplv2+)": "LGPL-2.0-or-later", "gnu lesser general public license v3 or later (lgplv3+)": "LGPL-3.0-or-later",
        "isc license (iscl)": "ISC", "the unlicense (unlicense)": "Unlicense", "zope public license": "ZPL-2.1",
        "gnu affero general public license v3": "AGPL-3.0-only", "eclipse public license 2.0 (epl-2.0)": "EPL-2.0",
    ]

    /// The exact SPDX identifier for a single licence name, if there is one.
    public static func identifier(_ name: String) -> String? {
        let key = name.trimmingCharacters(in: .whitespaces).lowercased()
        if let id = aliases[key] { return id }
        if let id = byLowercase[key] { return deprecated[id] ?? id }
        // `GPL-2.0+` is deprecated SPDX for `GPL-2.0-or-later`.
        if key.hasSuffix("+"), let base = byLowercase[String(key.dropLast())], base.hasSuffix(".0") || base.hasSuffix(".1") {
            if let later = byLowercase[base.lowercased() + "-or-later"] { return later }
        }
        return nil
    }

    public static func fromClassifier(_ classifier: String) -> String? {
        let parts = classifier.components(separatedBy: "::").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first == "License", let last = parts.last, parts.count >= 2 else { return nil }
        return classifiers[last.lowercased()] ?? identifier(last)
    }

    /// `LicenseRef-` plus the name with every character SPDX does not allow replaced.
    public static func licenseRef(_ name: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
        var s = String(name.trimmingCharacters(in: .whitespaces).map { allowed.contains($0) ? $0 : "-" })
        while s.contains("--") { s = s.replacingOccurrences(of: "--", with: "-") }
        s = s.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return "LicenseRef-" + (s.isEmpty ? "unknown" : String(s.prefix(64)))
    }

    /// A valid SPDX expression for a licence string: kept when already valid, mapped term by term
    /// when it joins names with and/or/AND/OR, and a LicenseRef otherwise. Nil for empty or unknown markers.
    public static func expression(_ raw: String) -> String? {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 512 else { return nil }
        let upper = text.uppercased()
        if upper == "NOASSERTION" || upper == "NONE" || upper == "UNKNOWN" || upper == "UNLICENSED" { return nil }
        if let id = identifier(text) { return id }
        // Term by term, keeping operators and parentheses.
        let spaced = text.replacingOccurrences(of: "(", with: " ( ").replacingOccurrences(of: ")", with: " ) ")
        let tokens = spaced.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        var out: [String] = []
        var term: [String] = []
        var depth = 0
        func flushTerm() -> Bool {
            guard !term.isEmpty else { return true }
            let name = term.joined(separator: " ")
            term = []
            if let id = identifier(name) { out.append(id.contains(" ") ? "(\(id))" : id); return true }
            if name.hasPrefix("LicenseRef-") || name.hasPrefix("DocumentRef-") { out.append(name); return true }
            return false
        }
        for t in tokens {
            switch t.lowercased() {
            case "and", "or", "with", "&":
                guard flushTerm(), !out.isEmpty else { return licenseRef(text) }
                out.append(t.lowercased() == "with" ? "WITH" : (t.lowercased() == "or" ? "OR" : "AND"))
            case "(":
                guard flushTerm() else { return licenseRef(text) }
                depth += 1; out.append("(")
            case ")":
                guard flushTerm(), depth > 0 else { return licenseRef(text) }
                depth -= 1; out.append(")")
            default:
                term.append(t)
            }
        }
        guard flushTerm(), depth == 0, let last = out.last, !["AND", "OR", "WITH"].contains(last) else { return licenseRef(text) }
        if out.count == 1 { return out[0] }
        return out.joined(separator: " ").replacingOccurrences(of: "( ", with: "(").replacingOccurrences(of: " )", with: ")")
    }

    /// Whether `id` is an SPDX licence identifier (exact, as CycloneDX's `license.id` requires).
    public static func isIdentifier(_ id: String) -> Bool { SPDXLicenseList.identifiers.contains(id) }
}
