/// Debian codenames and the release names OSV ecosystems carry after `Debian:` (`bullseye` →
/// `Debian:11`, `sid` → `Debian:unstable`).
///
/// Numbers come from distro-info-data's `debian.csv`, as osv.dev's Debian converter reads them, with
/// one deliberate difference: etch, lenny and squeeze are `4`, `5`, `6` rather than `4.0`, `5.0`,
/// `6.0`, because vouch names a Debian release by its major number (`DistroRelease` takes it from
/// `/etc/debian_version` or os-release `VERSION_ID`), and the two would never meet. Releases before
/// etch keep two parts (`3.0`, `3.1`): their majors are shared.
public struct DebianReleases: Sendable, Equatable {
    /// Codename and release, oldest first.
    public let releases: [(codename: String, release: String)]

    public init(_ releases: [(codename: String, release: String)]) { self.releases = releases }

    public static func == (a: DebianReleases, b: DebianReleases) -> Bool {
        a.releases.elementsEqual(b.releases) { $0.codename == $1.codename && $0.release == $1.release }
    }

    /// Every codename the security tracker has used, up to duke (15), and sid.
    public static let known = DebianReleases([
        ("buzz", "1.1"), ("rex", "1.2"), ("bo", "1.3"), ("hamm", "2.0"), ("slink", "2.1"), ("potato", "2.2"),
        ("woody", "3.0"), ("sarge", "3.1"), ("etch", "4"), ("lenny", "5"), ("squeeze", "6"), ("wheezy", "7"),
        ("jessie", "8"), ("stretch", "9"), ("buster", "10"), ("bullseye", "11"), ("bookworm", "12"),
        ("trixie", "13"), ("forky", "14"), ("duke", "15"), ("sid", "unstable"),
    ])

    /// `11` for `bullseye`; nil for a codename this table does not know.
    public func release(of codename: String) -> String? {
        releases.first { $0.codename == codename }?.release
    }

    /// `Debian:11` for `bullseye`.
    public func ecosystem(of codename: String) -> String? {
        release(of: codename).map { "Debian:\($0)" }
    }

    /// Position of an OSV ecosystem (`Debian:11`) in release order, for sorting affected entries.
    func rank(ofEcosystem ecosystem: String) -> Int {
        releases.firstIndex { "Debian:\($0.release)" == ecosystem } ?? releases.count
    }
}
