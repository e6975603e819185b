/// One metric a CVSS version defines: its abbreviation, the values it takes, and whether every vector
/// must carry it. `notDefined` is the value meaning "Not Defined" (`X`, or `ND` in v2), which the
/// normalized vector leaves out.
struct CVSSMetric: Sendable {
    let name: String
    let values: [String]
    let mandatory: Bool
    let notDefined: String?

    static func base(_ name: String, _ values: [String]) -> CVSSMetric {
        CVSSMetric(name: name, values: values, mandatory: true, notDefined: nil)
    }
    static func optional(_ name: String, _ values: [String], notDefined: String = "X") -> CVSSMetric {
        CVSSMetric(name: name, values: [notDefined] + values, mandatory: false, notDefined: notDefined)
    }
}

/// The metrics of one CVSS version in the specification's order, and the checks every version shares:
/// each component is `METRIC:VALUE`, metrics are known and given once, values are known, every base
/// metric is present. Metrics may come in any order, as the reference implementation (Red Hat's `cvss`)
/// accepts; the normalized vector puts them back in specification order.
struct CVSSMetricSet: Sendable {
    /// Names the version in errors: `CVSS:3.1`, `CVSS v2`.
    let label: String
    let metrics: [CVSSMetric]

    /// No valid vector of any version comes near this (a v4.0 vector with every metric is ~250 bytes).
    static let byteLimit = 512

    /// Parses the part after the prefix into metric values; metrics not given are absent from the result.
    func parse(_ body: Substring) throws -> [String: String] {
        var given: [String: String] = [:]
        for component in body.split(separator: "/", omittingEmptySubsequences: false) {
            let parts = component.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw error(.malformedComponent(CVSSError.shown(component)))
            }
            let name = String(parts[0]), value = String(parts[1])
            guard let metric = metrics.first(where: { $0.name == name }) else {
                throw error(.unknownMetric(CVSSError.shown(name)))
            }
            guard given[name] == nil else { throw error(.duplicateMetric(name)) }
            guard metric.values.contains(value) else {
                throw error(.unknownValue(metric: name, value: CVSSError.shown(value)))
            }
            given[name] = value
        }
        let missing = metrics.filter { $0.mandatory && given[$0.name] == nil }.map(\.name)
        guard missing.isEmpty else { throw error(.missingBaseMetrics(missing)) }
        return given
    }

    /// The vector in specification order, leaving out metrics that are absent or Not Defined.
    func normalized(_ given: [String: String], prefix: String?) -> String {
        var parts: [String] = prefix.map { [$0] } ?? []
        for metric in metrics {
            guard let value = given[metric.name], value != metric.notDefined else { continue }
            parts.append("\(metric.name):\(value)")
        }
        return parts.joined(separator: "/")
    }

    /// True when any of `names` is given with a value other than Not Defined.
    func definesAny(of names: [String], in given: [String: String]) -> Bool {
        metrics.contains { metric in
            guard names.contains(metric.name), let value = given[metric.name] else { return false }
            return value != metric.notDefined
        }
    }

    func error(_ problem: CVSSError.Problem) -> CVSSError {
        CVSSError(version: label, problem: problem)
    }
}
