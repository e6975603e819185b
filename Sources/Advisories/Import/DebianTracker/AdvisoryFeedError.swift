import Foundation

/// Why a non-OSV advisory file (Debian tracker list or JSON, Alpine secdb, ruby-advisory-db,
/// Node.js security-wg, NVD) could not be read: which format, which file, where in it, and what
/// was wrong. Shared by those importers so a caller handles one error type for all of them.
public struct AdvisoryFeedError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The importer's name (`debian-tracker`, `alpine-secdb`, `rubysec`, `nodejs-security-wg`, `nvd`).
    public let format: String
    /// The path the caller gave with the data.
    public let file: String
    /// `line 12`, or a field path such as `vulnerabilities[3].cve.metrics`; nil for the whole file.
    public let location: String?
    public let reason: String

    public init(format: String, file: String, location: String? = nil, reason: String) {
        self.format = format; self.file = file; self.location = location; self.reason = reason
    }

    public var description: String {
        let place = location.map { "\(file): \($0)" } ?? file
        return "\(format) \(place): \(reason)"
    }
}

/// A problem found below the file level, before the file name is attached.
struct FeedProblem: Error {
    let location: String?
    let reason: String
    init(_ location: String?, _ reason: String) { self.location = location; self.reason = reason }

    func error(format: String, file: String) -> AdvisoryFeedError {
        AdvisoryFeedError(format: format, file: file, location: location, reason: reason)
    }
}

extension AdvisoryFeedError {
    /// Runs `body`, giving any problem the format and file name, so callers only ever see this type.
    static func attributing<T>(format: String, file: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let problem as FeedProblem {
            throw problem.error(format: format, file: file)
        } catch let error as AdvisoryFeedError {
            throw error
        } catch {
            throw AdvisoryFeedError(format: format, file: file, reason: "\(error)")
        }
    }
}
