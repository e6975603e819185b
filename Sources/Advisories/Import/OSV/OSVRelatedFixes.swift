/// Which records' `related` ids are really other names of what the record fixes.
///
/// In OSV, `related` means "see also": GHSA lists vulnerabilities that are close but different, and
/// Ubuntu's per-CVE records list the USNs that shipped the fix. Linking those would merge distinct
/// vulnerabilities, so in general `related` is not an alias.
///
/// A Red Hat rebuild's *security* advisory is different: the errata (ALSA-2023:1405, "openssl
/// security update") exists to fix the CVEs it lists, and AlmaLinux's errata2osv writes that list
/// only under `related` (every one of the 4,480 ALSA records here; `aliases` and `upstream` are never
/// set). Without them an AlmaLinux finding is known only by its ALSA id and never joins the CVE's
/// other advisories. Only `CVE-` ids count, and only for ALSA and RLSA (Rocky's exporter writes
/// `upstream`, which is linked anyway; an RLSA with `related` would mean the same). Left out:
/// ALBA/ALEA bug-fix and enhancement errata (ALBA-2021:4604 names CVE-2021-40438 because it repairs
/// a regression of that CVE's fix), Red Hat (its exporter writes the CVE in `upstream` and other
/// databases' ids of it, `GO-2024-2687`, in `related`), and SUSE (a feature update such as
/// SUSE-FU-2022:0444-1 lists 51 CVEs it does not fix).
enum OSVRelatedFixes {
    static let securityAdvisoryPrefixes = ["ALSA-", "RLSA-"]

    /// Whether `related`, listed under `related` by record `recordID`, names what that record fixes.
    static func isFixed(_ related: String, byRecord recordID: String) -> Bool {
        related.hasPrefix("CVE-") && securityAdvisoryPrefixes.contains(where: recordID.hasPrefix)
    }
}
