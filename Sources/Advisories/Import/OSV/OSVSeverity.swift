import Foundation
import JSON

extension OSVRecordReader {
    /// OSV `severity` arrays (top level or per affected package). CVSS vectors keep their kind;
    /// Ubuntu's `{"type": "Ubuntu", "score": "medium"}` is Ubuntu's priority word.
    func readSeverities(_ object: JSONObject, at prefix: String, issuer: String, diagnostics: inout ImportDiagnostics) throws -> [AdvisorySeverity] {
        let base = prefix.isEmpty ? "severity" : "\(prefix).severity"
        var out: [AdvisorySeverity] = []
        for (i, entry) in try objects(object, "severity", at: base, max: limits.maxSeverities).enumerated() {
            guard let type = try string(entry, "type", at: "\(base)[\(i)].type") else { throw fail("\(base)[\(i)].type", "is missing") }
            guard let score = try string(entry, "score", at: "\(base)[\(i)].score") else { throw fail("\(base)[\(i)].score", "is missing") }
            switch type {
            case "CVSS_V2": out.append(AdvisorySeverity(kind: .cvssV2, value: score, source: issuer))
            case "CVSS_V3": out.append(AdvisorySeverity(kind: .cvssV3, value: score, source: issuer))
            case "CVSS_V4": out.append(AdvisorySeverity(kind: .cvssV4, value: score, source: issuer))
            case "Ubuntu":
                if let word = OSVSeverityWord.rating(score) { out.append(AdvisorySeverity(kind: .rating, value: word, source: "ubuntu")) }
            default:
                diagnostics.warn(.unknownSeverityType, "\(file): \(base)[\(i)]: severity type '\(type.prefix(40))' is not understood; ignored")
            }
        }
        return out
    }
}

/// Severity words found outside OSV's `severity` array.
enum OSVSeverityWord {
    /// A plausible rating word (`HIGH`, `Moderate`, `low`, Debian's `low**`), trimmed; nil for anything else.
    static func rating(_ text: String) -> String? {
        let word = text.trimmingCharacters(in: .whitespaces)
        guard !word.isEmpty, word.utf8.count <= 32,
              word.unicodeScalars.allSatisfy({ ($0.properties.isAlphabetic && $0.isASCII) || $0 == "*" || $0 == " " || $0 == "-" }) else { return nil }
        return word
    }

    /// Red Hat and its rebuilds start summaries with the advisory's severity: "Important: firefox security update".
    static func redHatPrefix(of summary: String, id: String) -> String? {
        let family = ["ALSA", "ALBA", "ALEA", "RHSA", "RHBA", "RHEA", "RLSA", "RXSA", "ELSA"]
        guard family.contains(where: { id.hasPrefix($0 + "-") }), let colon = summary.firstIndex(of: ":") else { return nil }
        let word = String(summary[..<colon])
        return ["Low", "Moderate", "Important", "Critical"].contains(word) ? word : nil
    }
}

/// Who wrote an advisory, from its id's prefix: the `source` given to the ratings and vectors it carries.
public enum OSVIssuer {
    static let known: [String: String] = [
        "GHSA": "ghsa", "GO": "go", "PYSEC": "pypa", "RUSTSEC": "rustsec", "BIT": "bitnami", "PSF": "psf",
        "RSEC": "cran", "CVE": "nvd", "ALSA": "almalinux", "ALBA": "almalinux", "ALEA": "almalinux",
        "RHSA": "redhat", "RHBA": "redhat", "RHEA": "redhat", "RLSA": "rocky", "RXSA": "rocky", "ELSA": "oracle",
        "USN": "ubuntu", "LSN": "ubuntu", "UBUNTU": "ubuntu", "DSA": "debian", "DLA": "debian", "DTSA": "debian",
        "DEBIAN": "debian", "SUSE": "suse", "openSUSE": "suse", "ALPINE": "alpine", "MAL": "ossf-malicious",
        "CGA": "chainguard", "MGASA": "mageia", "OSV": "osv",
    ]

    public static func name(forID id: String) -> String {
        let prefix = id.split(separator: "-", maxSplits: 1).first.map(String.init) ?? id
        return known[prefix] ?? prefix.lowercased()
    }
}
