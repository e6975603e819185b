import Advisories

extension AdvisoryStore: AdvisoryLookup {
    /// Withdrawn advisories are never candidates.
    public func candidates(ecosystem: String, release: String?, names: [String]) throws -> [Advisory] {
        try candidates(ecosystem: ecosystem, release: release, names: names, includeWithdrawn: false)
    }

    /// NVD's records are filed as `NVD-CVE-…` (the NVD importer's ids); their severities carry source `nvd`.
    public func severities(forVulnerabilities ids: [String]) throws -> [AdvisorySeverity] {
        try ids.prefix(16).flatMap { id in try advisory(id: "NVD-" + id)?.severities ?? [] }
    }
}

extension SeverityAssessor {
    /// Scores vectors with vouch's CVSS calculators.
    public static let standard = SeverityAssessor { vector in
        (try? CVSS.parse(vector)).map { (version: $0.version.rawValue, score: $0.baseScore) }
    }
}
