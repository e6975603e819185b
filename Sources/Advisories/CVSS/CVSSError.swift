/// Why a CVSS vector string was refused. Prints as one line naming the vector's version and the
/// metric at fault, e.g. `CVSS:3.1 vector: metric AV given twice`.
public struct CVSSError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Problem: Equatable, Sendable {
        case empty
        case tooLong(bytes: Int, limit: Int)
        /// A `CVSS:x.y/` prefix naming a version vouch does not score (or no version at all).
        case unsupportedVersion(String)
        /// CVSS v3/v4 metrics without the `CVSS:x.y/` prefix that says which formula applies.
        case missingPrefix(metric: String)
        /// A component between slashes that is not `NAME:VALUE` (includes empty components).
        case malformedComponent(String)
        case unknownMetric(String)
        case unknownValue(metric: String, value: String)
        case duplicateMetric(String)
        case missingBaseMetrics([String])
        /// A v4.0 MacroVector missing from the lookup table; every valid vector has one, so this is a vouch bug.
        case unscorable(macroVector: String)
    }

    /// The vector's kind as read: `CVSS:3.1`, `CVSS:4.0`, `CVSS v2`, or `CVSS` before a version is known.
    public let version: String
    public let problem: Problem

    public init(version: String, problem: Problem) {
        self.version = version
        self.problem = problem
    }

    public var description: String { "\(version) vector: \(reason)" }

    private var reason: String {
        switch problem {
        case .empty:
            return "empty"
        case .tooLong(let bytes, let limit):
            return "\(bytes) bytes, longer than the \(limit) bytes any valid vector needs"
        case .unsupportedVersion(let prefix):
            return "unsupported version prefix '\(prefix)' (vouch scores CVSS:4.0, CVSS:3.1, CVSS:3.0 and v2 vectors)"
        case .missingPrefix(let metric):
            return "metric \(metric) belongs to CVSS v3/v4, but the vector has no CVSS:3.x or CVSS:4.0 prefix"
        case .malformedComponent(let component):
            return component.isEmpty ? "empty component (stray or trailing '/')"
                : "component '\(component)' is not METRIC:VALUE"
        case .unknownMetric(let metric):
            return "unknown metric \(metric)"
        case .unknownValue(let metric, let value):
            return "unknown value \(value) for \(metric)"
        case .duplicateMetric(let metric):
            return "metric \(metric) given twice"
        case .missingBaseMetrics(let metrics):
            return "missing base metric\(metrics.count == 1 ? "" : "s") \(metrics.joined(separator: ", "))"
        case .unscorable(let macroVector):
            return "MacroVector \(macroVector) has no score in the lookup table"
        }
    }

    /// A piece of untrusted input made safe for a one-line message: printable ASCII only, at most 24 characters.
    static func shown<S: StringProtocol>(_ text: S) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(24) {
            out.unicodeScalars.append(scalar.isASCII && scalar.value >= 0x20 && scalar.value < 0x7F ? scalar : "?")
        }
        return text.unicodeScalars.count > 24 ? out + "…" : out
    }
}
