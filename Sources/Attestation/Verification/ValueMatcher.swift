import Foundation

/// An expected value in a policy: exact (`https://ci.example.com/runner`), a glob
/// (`refs/tags/v*`, matched with fnmatch, `*` not crossing `/`), or a regular expression
/// written `regex:^refs/tags/v[0-9]+`, which must match the whole value.
public struct ValueMatcher: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable { case exact, glob, regex }
    public let kind: Kind
    public let pattern: String

    public init(_ text: String) throws {
        if text.hasPrefix("regex:") {
            kind = .regex
            pattern = String(text.dropFirst("regex:".count))
            do { _ = try NSRegularExpression(pattern: pattern) } catch {
                throw PolicyError.invalidPattern(pattern: text, reason: "not a valid regular expression")
            }
        } else if text.contains(where: { "*?[".contains($0) }) {
            kind = .glob
            pattern = text
        } else {
            kind = .exact
            pattern = text
        }
        guard !pattern.isEmpty else { throw PolicyError.invalidPattern(pattern: text, reason: "empty") }
    }

    public func matches(_ value: String) -> Bool {
        switch kind {
        case .exact:
            return value == pattern
        case .glob:
            return fnmatch(pattern, value, FNM_PATHNAME) == 0
        case .regex:
            guard let re = try? NSRegularExpression(pattern: pattern) else { return false }
            let whole = NSRange(value.startIndex..., in: value)
            guard let m = re.firstMatch(in: value, options: [.anchored], range: whole) else { return false }
            return m.range == whole
        }
    }

    public var description: String {
        switch kind {
        case .exact: return "'\(pattern)'"
        case .glob: return "glob '\(pattern)'"
        case .regex: return "regex '\(pattern)'"
        }
    }
}

/// Any of several matchers.
public struct ValueMatchers: Sendable, Equatable, CustomStringConvertible {
    public let matchers: [ValueMatcher]
    public init(_ texts: [String]) throws { matchers = try texts.map(ValueMatcher.init) }
    public func matches(_ value: String) -> Bool { matchers.contains { $0.matches(value) } }
    /// Exact expectations use `exact` (e.g. repository equivalence: `git+https://h/o/r` ~ `https://h/o/r.git`).
    public func matches(_ value: String, exact: (String) -> Bool) -> Bool {
        matchers.contains { $0.kind == .exact ? exact($0.pattern) : $0.matches(value) }
    }
    public var isEmpty: Bool { matchers.isEmpty }
    public var description: String {
        matchers.count == 1 ? matchers[0].description : "one of " + matchers.map(\.description).joined(separator: ", ")
    }
}
