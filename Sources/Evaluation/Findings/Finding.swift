import Advisories
import Foundation
import SBOM

/// One vulnerability in one package: every id it goes by, how it was matched, its fix state and severity.
public struct Finding: Sendable, Equatable {
    public enum FixState: Sendable, Equatable {
        case fixed(in: [String])
        case notFixed
        case wontFix

        public var label: String {
            switch self {
            case .fixed(let v): return "fixed in " + v.joined(separator: ", ")
            case .notFixed: return "not fixed"
            case .wontFix: return "won't fix"
            }
        }
        public var isFixed: Bool { if case .fixed = self { return true }; return false }
    }

    public var package: Package
    /// The id shown: the CVE when there is one, else the advisory's own id.
    public var id: String
    /// Every id: the advisories' ids and all their aliases, sorted.
    public var ids: [String]
    /// The advisories that matched (their own ids).
    public var advisories: [String]
    public var summary: String?
    public var fix: FixState
    public var severity: SeverityAssessment
    /// `Ubuntu:22.04 glibc >=0, <2.35-0ubuntu3.4`: what matched and where.
    public var matchedBy: String
    /// The VEX statement that decided this finding's state, when one applied.
    public var vex: VEXAnnotation? = nil
}
