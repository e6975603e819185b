import Foundation

/// Reads the Debian security tracker's advisory lists (`data/DSA/list`, `data/DLA/list`,
/// `data/DTSA/list`): one advisory per header line, its CVEs, and one fix per release.
///
/// ```
/// [29 Mar 2023] DSA-5380-1 xorg-server - security update
/// 	{CVE-2023-1393}
/// 	[bullseye] - xorg-server 2:1.20.11-1+deb11u6
/// 	[lenny] - vlc <not-affected> (Vulnerable code not present)
/// 	NOTE: fixed in testing at time of DSA
/// ```
/// Each advisory keeps the list's id (`DSA-5380-1`), its CVEs as aliases, the header's text as
/// summary, the date as `published`, and per release line an affected **source** package in
/// `Debian:<release>` with `introduced 0, fixed <version>`. Markers instead of a version say what
/// Debian decided (see `DebianMarker`). `NOTE:` lines are commentary and are skipped. The list
/// carries no modification time, so `modified` stays nil.
///
/// One real line has a package name where the version belongs (`[woody] - kernel-image-2.4.17-ia64
/// kernel-image-2.4.17-ia64`, DSA-423): such a line is left out and reported in `warnings`, since it
/// says neither a fix nor a decision.
public struct DebianSecurityListParser: Sendable {
    public static let source = "debian-tracker"
    /// The real DSA list is under 1 MB; anything far larger is not one.
    public static let maximumBytes = 64 << 20

    public let releases: DebianReleases

    public init(releases: DebianReleases = .known) { self.releases = releases }

    /// True for a file whose first line is an advisory header (`[DD Mon YYYY] DSA-…`).
    public func detect(data: Data, path: String) -> Bool {
        let head = FeedInput.head(data, bytes: 512)
        guard let first = head.split(whereSeparator: \.isNewline).first(where: { !$0.allSatisfy(\.isWhitespace) }) else {
            return false
        }
        return (try? DebianListHeader(String(first))) != nil
    }

    public func parse(data: Data, path: String) throws -> [Advisory] {
        var warnings: [String] = []
        return try parse(data: data, path: path, warnings: &warnings)
    }

    /// Also says which lines were left out (`DSA-list.txt: line 17244: …`).
    public func parse(data: Data, path: String, warnings: inout [String]) throws -> [Advisory] {
        var lines: [String] = []
        let advisories = try AdvisoryFeedError.attributing(format: Self.source, file: path) {
            try parse(text: FeedInput.text(data, limit: Self.maximumBytes), warnings: &lines)
        }
        warnings += lines.map { "\(path): \($0)" }
        return advisories
    }

    func parse(text: String, warnings: inout [String]) throws -> [Advisory] {
        var advisories: [Advisory] = []
        var seen = Set<String>()
        var lineNumber = 0
        // "\r\n" is one Character in Swift, so split on both.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let at = "line \(lineNumber)"
            if let first = line.first, !first.isWhitespace {
                let header: DebianListHeader
                do { header = try DebianListHeader(String(line)) } catch let reason as DebianListHeader.Invalid {
                    throw FeedProblem(at, reason.text)
                }
                guard seen.insert(header.id).inserted else { throw FeedProblem(at, "\(header.id) appears twice") }
                advisories.append(Advisory(id: header.id, source: Self.source, summary: header.summary.isEmpty ? nil : header.summary,
                                           published: header.date,
                                           references: ["https://security-tracker.debian.org/tracker/\(header.id)"]))
                continue
            }
            guard !advisories.isEmpty else { throw FeedProblem(at, "indented line before the first advisory") }
            let content = line.trimmingCharacters(in: .whitespaces)
            if content.hasPrefix("NOTE:") { continue }
            if content.hasPrefix("{") {
                guard content.hasSuffix("}") else { throw FeedProblem(at, "CVE list does not end with '}'") }
                for token in content.dropFirst().dropLast().split(whereSeparator: \.isWhitespace).map(String.init)
                where !advisories[advisories.count - 1].aliases.contains(token) {
                    guard FeedInput.isCVE(token) || token.hasPrefix("TEMP-") else { throw FeedProblem(at, "'\(token.prefix(60))' is not a CVE id") }
                    advisories[advisories.count - 1].aliases.append(token)
                }
                continue
            }
            if content.hasPrefix("[") {
                do {
                    advisories[advisories.count - 1].affected.append(try affected(from: content, at: at))
                } catch let problem as FeedProblem where problem.reason.hasSuffix("is not a Debian version") {
                    warnings.append("\(at): \(problem.reason), release line left out")
                }
                continue
            }
            throw FeedProblem(at, "unrecognised line '\(content.prefix(60))'")
        }
        return advisories
    }

    /// `[bullseye] - xorg-server 2:1.20.11-1+deb11u6 (low)` or `[lenny] - vlc <not-affected> (reason)`.
    func affected(from content: String, at: String) throws -> AffectedPackage {
        guard let close = content.firstIndex(of: "]") else { throw FeedProblem(at, "release line has no ']'") }
        let codename = String(content[content.index(after: content.startIndex)..<close])
        var rest = content[content.index(after: close)...].drop(while: \.isWhitespace)
        guard rest.first == "-" else { throw FeedProblem(at, "release line has no '-' after [\(codename)]") }
        rest = rest.dropFirst()
        let words = rest.split(maxSplits: 2, omittingEmptySubsequences: true, whereSeparator: \.isWhitespace)
        guard words.count >= 2 else { throw FeedProblem(at, "release line needs a package and a version") }
        guard let ecosystem = releases.ecosystem(of: codename) else { throw FeedProblem(at, "unknown Debian release '\(codename.prefix(40))'") }
        let package = String(words[0])
        guard DebianSecurityListParser.isSourcePackageName(package) else { throw FeedProblem(at, "'\(package.prefix(60))' is not a Debian source package name") }
        let versionWord = String(words[1])
        let notes = words.count > 2 ? String(words[2]) : ""
        var entry = AffectedPackage(ecosystem: ecosystem, name: package, severities: DebianUrgency.ratings(inNotes: notes))
        if versionWord.hasPrefix("<") {
            guard let marker = DebianMarker(rawValue: versionWord) else { throw FeedProblem(at, "unknown marker \(versionWord.prefix(40))") }
            entry.resolution = marker.resolution
            if marker.affects { entry.ranges = [AffectedRange(kind: .ecosystem, events: [.introduced("0")])] }
        } else {
            guard DebianSecurityListParser.isVersion(versionWord) else { throw FeedProblem(at, "'\(versionWord.prefix(60))' is not a Debian version") }
            entry.ranges = [AffectedRange(kind: .ecosystem, events: [.introduced("0"), .fixed(versionWord)])]
        }
        return entry
    }

    /// Debian policy 5.6.1: lowercase letters, digits, `+ - .`, starting with a letter or digit.
    static func isSourcePackageName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, s.count >= 2, s.count <= 200,
              first.properties.isLowercase || ("0"..."9").contains(first) else { return false }
        return s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0) }
    }

    /// A plausible dpkg version: starts with a digit, only the characters dpkg allows.
    static func isVersion(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, ("0"..."9").contains(first), s.count <= 200 else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".+~:-".unicodeScalars.contains($0)) }
    }
}

/// The header line `[29 Mar 2023] DSA-5380-1 xorg-server - security update`.
struct DebianListHeader {
    struct Invalid: Error { let text: String }

    let date: Date
    let id: String
    /// Everything after the id, whitespace runs collapsed: `xorg-server - security update`.
    let summary: String

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    init(_ line: String) throws {
        guard line.hasPrefix("["), let close = line.firstIndex(of: "]") else { throw Invalid(text: "advisory line does not start with '[date]'") }
        let dateParts = line[line.index(after: line.startIndex)..<close].split(separator: " ")
        guard dateParts.count == 3, let day = Int(dateParts[0]), let month = Self.months.firstIndex(of: String(dateParts[1])),
              let year = Int(dateParts[2]), let date = FeedInput.date(year: year, month: month + 1, day: day) else {
            throw Invalid(text: "'\(line[...close].prefix(40))' is not a date like [29 Mar 2023]")
        }
        let words = line[line.index(after: close)...].split(whereSeparator: \.isWhitespace)
        guard let id = words.first.map(String.init), Self.isAdvisoryID(id) else {
            throw Invalid(text: "no DSA/DLA/DTSA id after the date")
        }
        self.date = date
        self.id = id
        summary = words.dropFirst().joined(separator: " ")
    }

    /// `DSA-5380-1`, `DLA-3380-1`, `DTSA-1-1`, and the early `DSA-1304` without a revision.
    static func isAdvisoryID(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), ["DSA", "DLA", "DTSA"].contains(parts[0]) else { return false }
        return parts.dropFirst().allSatisfy { !$0.isEmpty && $0.count <= 9 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }
}

/// The markers the tracker writes instead of a fixed version.
enum DebianMarker: String {
    case notAffected = "<not-affected>"
    /// Affected, no fix yet.
    case unfixed = "<unfixed>"
    /// The release is out of security support: no fix will come.
    case endOfLife = "<end-of-life>"
    /// Minor issue, no advisory will be issued for it.
    case noDSA = "<no-dsa>"
    case ignored = "<ignored>"
    /// Minor issue, fix deferred to a later update.
    case postponed = "<postponed>"
    case undetermined = "<undetermined>"

    var resolution: AffectedPackage.Resolution? {
        switch self {
        case .notAffected: return .notAffected
        case .endOfLife, .noDSA, .ignored: return .willNotFix
        case .unfixed, .postponed, .undetermined: return nil
        }
    }

    /// Whether the package is affected (with no fixed version).
    var affects: Bool { self != .notAffected }
}
