import Foundation

/// Vulnerability counts per rating, counted the way Docker Scout counts them: once per reported
/// package (a source package for OS packages), so a CVE in `libc6` and `libc-bin` counts once for
/// `glibc`, while the same CVE in two different packages counts twice. Scout's documentation shows
/// this: `quickview postgres:13.1` reports 17C, and `cves --only-severity critical` on the same image
/// lists "10 vulnerable packages with a total of 17 vulnerabilities", the sum of its per-package
/// counts (docs.docker.com/scout/explore/analysis, "CLI").
public struct SeveritySummary: Sendable, Equatable {
    public var critical = 0
    public var high = 0
    public var medium = 0
    public var low = 0
    public var unspecified = 0
    /// Reported packages with at least one vulnerability.
    public var vulnerablePackages = 0

    public init() {}

    public init(findings: [Finding]) {
        struct Key: Hashable { var package: String; var id: String }
        var cache = ReportingPackage.Cache()
        var seen: [Key: Severity] = [:]
        var packages = Set<String>()
        for f in findings {
            let r = cache.of(f.package)
            packages.insert(r.purl)
            let key = Key(package: r.purl, id: f.id)
            if let s = seen[key], s >= f.severity.rating { continue }
            seen[key] = f.severity.rating
        }
        for rating in seen.values { self[rating] += 1 }
        vulnerablePackages = packages.count
    }

    init(ratings: [Severity], packages: Int) {
        for r in ratings { self[r] += 1 }
        vulnerablePackages = packages
    }

    public var total: Int { critical + high + medium + low + unspecified }

    public subscript(severity: Severity) -> Int {
        get {
            switch severity {
            case .critical: return critical
            case .high: return high
            case .medium: return medium
            case .low: return low
            case .unspecified: return unspecified
            }
        }
        set {
            switch severity {
            case .critical: critical = newValue
            case .high: high = newValue
            case .medium: medium = newValue
            case .low: low = newValue
            case .unspecified: unspecified = newValue
            }
        }
    }

    /// Scout's count cells: `   2C     5H    11M     3L` and `    1?` only when there are unspecified
    /// ones (or `alwaysShowUnspecified`), each count right-aligned in four columns.
    public func cells(alwaysShowUnspecified: Bool = false) -> String {
        var ratings: [Severity] = [.critical, .high, .medium, .low]
        if unspecified > 0 || alwaysShowUnspecified { ratings.append(.unspecified) }
        return ratings.map { TextLayout.padLeft(String(self[$0]), 4) + $0.letter }.joined(separator: "  ")
    }

    /// `2C 5H 11M 3L 1?`: the compact form for one-line summaries.
    public var compact: String {
        var parts = [Severity.critical, .high, .medium, .low].map { "\(self[$0])\($0.letter)" }
        if unspecified > 0 { parts.append("\(unspecified)?") }
        return parts.joined(separator: " ")
    }
}
