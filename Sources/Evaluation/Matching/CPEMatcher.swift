import Advisories
import Foundation
import SBOM

/// Matches a package by the CPE names it carries (`Package.cpes`, from syft, trivy or vouch) against
/// NVD's CPE matches. Off by default (`Matcher(matchCPEs:)`): CPE names are guessed by SBOM tools
/// (syft writes several vendor/product guesses per package) and NVD's ranges are upstream versions,
/// so CPE matching finds more false positives than ecosystem data.
///
/// A package CPE and an NVD match agree when:
/// - vendor and product are equal (logical values: escapes removed, case ignored);
/// - part, edition, language, sw_edition, target_sw, target_hw and other are compatible: equal, or
///   `*` (ANY) on either side; `-` (NA) agrees only with `-` or `*`. ANY in the package CPE counts as
///   compatible (not as NISTIR 7696's strict "subset") because SBOM tools write `*` for what they do not know;
/// - update: the same, except that an NVD match naming an update (`1.0.1:beta1`) needs a package CPE
///   naming that update, so a final release is not taken for its beta;
/// - the package's version (not the CPE's version field, which SBOM tools fill in from it) is inside
///   the range (`CPEVersionComparator`), or equal to a concrete NVD `version`. An NA (`-`) version
///   names a product without versions and never matches.
struct CPEMatcher {
    struct Hit {
        var record: CPEMatchRecord
        /// `versionEndExcluding`: the first version outside the range.
        var fixedIn: String?
    }

    let lookup: AdvisoryLookup
    /// (vendor, product) → stored matches, so a scan looks each pair up once.
    private var cache: [String: [CPEMatchRecord]] = [:]

    init(lookup: AdvisoryLookup) { self.lookup = lookup }

    /// The package's hits grouped by vulnerability.
    mutating func hits(for package: Package, problems: inout [String]) throws -> [String: [Hit]] {
        guard !package.cpes.isEmpty, let comparator = CPEVersionComparator(package: package) else { return [:] }
        var byVulnerability: [String: [Hit]] = [:]
        var seen = Set<CPEName>()
        for text in package.cpes {
            let cpe: CPEName
            do { cpe = try CPEName(parsing: text) } catch {
                problems.append("\(package.purl): \(error); not matched by CPE")
                continue
            }
            guard seen.insert(cpe).inserted, let vendor = cpe.vendor.text, let product = cpe.product.text else { continue }
            for record in try matches(vendor: vendor, product: product) where Self.compatible(record.criterion.name, cpe) {
                guard let affected = Self.versionMatches(record.criterion, comparator) else {
                    problems.append("\(package.purl): version '\(comparator.version.prefix(64))' cannot be compared with \(record.criterion.criteria) \(record.criterion.rangeDescription)")
                    continue
                }
                guard affected else { continue }
                let hit = Hit(record: record, fixedIn: record.criterion.versionEndExcluding)
                // Two package CPEs (syft's vendor guesses) can reach the same NVD match: count it once.
                if !(byVulnerability[record.vulnerability] ?? []).contains(where: { $0.record == record }) {
                    byVulnerability[record.vulnerability, default: []].append(hit)
                }
            }
        }
        return byVulnerability
    }

    private mutating func matches(vendor: String, product: String) throws -> [CPEMatchRecord] {
        let key = vendor + "\u{0}" + product
        if let cached = cache[key] { return cached }
        let found = try lookup.cpeMatches(vendor: vendor, product: product)
        cache[key] = found
        return found
    }

    static func compatible(_ criteria: CPEName, _ package: CPEName) -> Bool {
        guard criteria.vendor == package.vendor, criteria.product == package.product else { return false }
        let pairs: [(CPEName.Value, CPEName.Value)] = [
            (criteria.part, package.part), (criteria.edition, package.edition), (criteria.language, package.language),
            (criteria.softwareEdition, package.softwareEdition), (criteria.targetSoftware, package.targetSoftware),
            (criteria.targetHardware, package.targetHardware), (criteria.other, package.other),
        ]
        guard pairs.allSatisfy(compatible) else { return false }
        if case .value = criteria.update { return criteria.update == package.update }
        return compatible(criteria.update, package.update)
    }

    private static func compatible(_ a: CPEName.Value, _ b: CPEName.Value) -> Bool {
        if a == .any || b == .any { return true }
        return a == b
    }

    /// Whether the package's version is in the match's range; nil when a needed comparison failed.
    static func versionMatches(_ c: CPEMatchCriterion, _ v: CPEVersionComparator) -> Bool? {
        switch c.name.version {
        case .notApplicable: return false
        case .value(let exact):
            guard let r = v.compare(to: exact) else { return nil }
            if r != 0 { return false }
        case .any: break
        }
        let checks: [(String?, (Int) -> Bool)] = [
            (c.versionStartIncluding, { $0 >= 0 }), (c.versionStartExcluding, { $0 > 0 }),
            (c.versionEndIncluding, { $0 <= 0 }), (c.versionEndExcluding, { $0 < 0 }),
        ]
        for (bound, holds) in checks {
            guard let bound else { continue }
            guard let r = v.compare(to: bound) else { return nil }
            if !holds(r) { return false }
        }
        return true
    }

    /// `cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:* >=3.0.0, <3.0.7 (NVD)`, naming platform conditions when there are any.
    static func describe(_ hit: Hit) -> String {
        let c = hit.record.criterion
        var text = "\(c.criteria) \(c.rangeDescription) (NVD"
        if let first = c.platforms.first {
            text += ", only running on \(first)" + (c.platforms.count > 1 ? " or \(c.platforms.count - 1) more" : "")
        }
        return text + ")"
    }
}
