import Advisories
import Foundation
import SBOM

/// Compares one package's version with the version bounds of NVD CPE matches.
///
/// NVD writes upstream versions (`1.1.1x`, `3.0.13`). A package is compared in its own ecosystem's
/// ordering (`VersionSchemes.scheme(forPurlType:)`); for distribution packages only the upstream part
/// counts (`1:1.2.13.dfsg-1` → `1.2.13.dfsg`, `1.1.1q-r0` → `1.1.1q`), since NVD knows nothing of
/// epochs and distribution revisions and `1.1.0i-1` must still be inside `<= 1.1.0i`. When the
/// ordering refuses either side (apk rejects NVD's `1.0.2zj`), or the package has no known
/// ordering, the generic dotted-numeric `GenericVersion` decides that comparison.
struct CPEVersionComparator {
    let version: String
    let scheme: (any VersionScheme)?

    init?(package: Package) {
        let purlType = package.type.purlType
        var v = package.version
        switch purlType {
        case "deb", "rpm", "alpm":
            if let colon = v.firstIndex(of: ":"), v[..<colon].allSatisfy(\.isNumber) { v = String(v[v.index(after: colon)...]) }
            if let dash = v.lastIndex(of: "-") { v = String(v[..<dash]) }
        case "apk":
            if let r = v.range(of: "-r", options: .backwards), v[r.upperBound...].allSatisfy(\.isNumber) { v = String(v[..<r.lowerBound]) }
        default: break
        }
        guard !v.isEmpty, v.utf8.count <= 256 else { return nil }
        version = v
        scheme = VersionSchemes.scheme(forPurlType: purlType)
    }

    /// Negative, zero or positive as the package's version sorts before, equal to or after `bound`;
    /// nil when no ordering can compare them.
    func compare(to bound: String) -> Int? {
        if let scheme, let c = try? scheme.compare(version, bound) { return c }
        return GenericVersion.compare(version, bound)
    }
}

/// A last-resort version ordering: runs of digits compare as numbers, runs of letters as lowercase
/// text, anything else separates (`1.0.2zj` → 1, 0, 2, "zj"). A number sorts after text at the same
/// place. When one version is a prefix of the other, the longer is newer (`1.1.1` < `1.1.1a`, OpenSSL's
/// letter releases) unless what follows is a pre-release word (`alpha`, `beta`, `rc`, `pre`, `preview`,
/// `dev`, `snapshot`): `1.0rc1` < `1.0`.
enum GenericVersion {
    enum Token: Equatable {
        case number(Substring)  // digits without leading zeros ("" for zero)
        case text(String)
    }

    static let preReleaseWords: Set<String> = ["alpha", "beta", "rc", "pre", "preview", "dev", "snapshot"]

    static func tokens(_ s: String) -> [Token] {
        var out: [Token] = []
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c.isASCII && c.isNumber {
                let end = s[i...].firstIndex { !($0.isASCII && $0.isNumber) } ?? s.endIndex
                out.append(.number(s[i..<end].drop { $0 == "0" }))
                i = end
            } else if c.isASCII && c.isLetter {
                let end = s[i...].firstIndex { !($0.isASCII && $0.isLetter) } ?? s.endIndex
                out.append(.text(s[i..<end].lowercased()))
                i = end
            } else {
                i = s.index(after: i)
            }
        }
        return out
    }

    /// nil when either side holds no digit or letter at all.
    static func compare(_ a: String, _ b: String) -> Int? {
        let x = tokens(a), y = tokens(b)
        guard !x.isEmpty, !y.isEmpty else { return nil }
        for i in 0..<max(x.count, y.count) {
            guard i < x.count else { return isPreRelease(y[i]) ? 1 : -1 }
            guard i < y.count else { return isPreRelease(x[i]) ? -1 : 1 }
            switch (x[i], y[i]) {
            case let (.number(p), .number(q)):
                if p.count != q.count { return p.count < q.count ? -1 : 1 }
                if p != q { return p < q ? -1 : 1 }
            case let (.text(p), .text(q)):
                if p != q { return p < q ? -1 : 1 }
            case (.number, .text): return 1
            case (.text, .number): return -1
            }
        }
        return 0
    }

    private static func isPreRelease(_ t: Token) -> Bool {
        if case .text(let w) = t { return preReleaseWords.contains(w) }
        return false
    }
}
