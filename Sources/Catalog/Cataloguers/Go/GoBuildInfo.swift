import Foundation

/// One module as the Go linker records it: `mod`/`dep`/`=>` lines of the embedded module info.
public struct GoModuleVersion: Equatable, Sendable {
    public var path: String
    public var version: String
    public var sum: String
    public init(path: String, version: String, sum: String = "") { self.path = path; self.version = version; self.sum = sum }
}

/// A module and the module that replaced it (`replace` directive), when there is one.
public struct GoModule: Equatable, Sendable {
    public var module: GoModuleVersion
    public var replacement: GoModuleVersion?
    public init(_ module: GoModuleVersion, replacement: GoModuleVersion? = nil) { self.module = module; self.replacement = replacement }

    /// The module whose code is in the binary: the replacement when there is one.
    public var effective: GoModuleVersion { replacement ?? module }
}

/// The build information a Go toolchain embeds in every binary (what `go version -m` prints).
public struct GoBuildInfo: Equatable, Sendable {
    public var goVersion: String
    /// Import path of the main package (`path` line).
    public var path: String
    public var main: GoModule?
    public var deps: [GoModule]
    /// `build` lines in order (`GOOS`, `-ldflags`, `vcs.revision`, …).
    public var settings: [(key: String, value: String)]

    public init(goVersion: String, path: String = "", main: GoModule? = nil, deps: [GoModule] = [], settings: [(key: String, value: String)] = []) {
        self.goVersion = goVersion; self.path = path; self.main = main; self.deps = deps; self.settings = settings
    }

    public func setting(_ key: String) -> String? { settings.first { $0.key == key }?.value }

    public static func == (a: GoBuildInfo, b: GoBuildInfo) -> Bool {
        a.goVersion == b.goVersion && a.path == b.path && a.main == b.main && a.deps == b.deps
            && a.settings.elementsEqual(b.settings) { $0.key == $1.key && $0.value == $1.value }
    }
}

public enum GoModInfoError: Error, CustomStringConvertible, Equatable {
    case columns(line: Int, kind: String, found: Int)
    case replacementWithoutModule(line: Int)
    case buildSetting(line: Int, reason: String)

    public var description: String {
        switch self {
        case .columns(let line, let kind, let found): return "Go module info line \(line): '\(kind)' line has \(found) columns"
        case .replacementWithoutModule(let line): return "Go module info line \(line): replacement with no module on the previous line"
        case .buildSetting(let line, let reason): return "Go module info line \(line): build setting \(reason)"
        }
    }
}

/// Parses the module info text the way Go's `debug.ParseBuildInfo` does, so a binary reads the same
/// here as with `go version -m`. Lines are tab-separated; the last line counts only when newline-terminated.
public enum GoModInfoParser {
    public static func parse(_ text: String, goVersion: String) throws -> GoBuildInfo {
        var info = GoBuildInfo(goVersion: goVersion)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if !text.hasSuffix("\n") { lines.removeLast() }  // Go drops an unterminated final line
        // Which module a following `=>` line replaces: main, a dep index, or nothing.
        enum Last { case none, main, dep(Int) }
        var last = Last.none
        for (i, line) in lines.enumerated() {
            let number = i + 1
            if let rest = line.dropPrefix("path\t") {
                info.path = String(rest)
            } else if let rest = line.dropPrefix("mod\t") {
                info.main = GoModule(try module(rest, kind: "mod", line: number))
                last = .main
            } else if let rest = line.dropPrefix("dep\t") {
                info.deps.append(GoModule(try module(rest, kind: "dep", line: number)))
                last = .dep(info.deps.count - 1)
            } else if let rest = line.dropPrefix("=>\t") {
                let replacement = try module(rest, kind: "=>", line: number)
                switch last {
                case .none: throw GoModInfoError.replacementWithoutModule(line: number)
                case .main: info.main?.replacement = replacement
                case .dep(let d): info.deps[d].replacement = replacement
                }
                last = .none
            } else if let rest = line.dropPrefix("build\t") {
                info.settings.append(try setting(rest, line: number))
            }
        }
        return info
    }

    private static func module(_ rest: Substring, kind: String, line: Int) throws -> GoModuleVersion {
        let columns = rest.split(separator: "\t", omittingEmptySubsequences: false)
        guard columns.count == 2 || columns.count == 3 else {
            throw GoModInfoError.columns(line: line, kind: kind, found: columns.count)
        }
        return GoModuleVersion(path: String(columns[0]), version: String(columns[1]), sum: columns.count == 3 ? String(columns[2]) : "")
    }

    /// `key=value`, where either side may be a Go-quoted string (`-ldflags="-s -w"`).
    private static func setting(_ kv: Substring, line: Int) throws -> (key: String, value: String) {
        guard let first = kv.first else { throw GoModInfoError.buildSetting(line: line, reason: "missing '='") }
        let key: String
        var rawValue: Substring
        switch first {
        case "=":
            throw GoModInfoError.buildSetting(line: line, reason: "has no key")
        case "\"", "`":
            guard let (unquoted, rest) = GoQuoted.prefix(kv), rest.first == "=" else {
                throw GoModInfoError.buildSetting(line: line, reason: "has a malformed quoted key")
            }
            key = unquoted
            rawValue = rest.dropFirst()
        default:
            guard let eq = kv.firstIndex(of: "=") else { throw GoModInfoError.buildSetting(line: line, reason: "missing '='") }
            key = String(kv[..<eq])
            rawValue = kv[kv.index(after: eq)...]
        }
        if let q = rawValue.first, q == "\"" || q == "`" {
            guard let (unquoted, rest) = GoQuoted.prefix(rawValue), rest.isEmpty else {
                throw GoModInfoError.buildSetting(line: line, reason: "'\(key)' has a malformed quoted value")
            }
            rawValue = Substring(unquoted)
        }
        return (key, String(rawValue))
    }
}

/// Go string literals as `strconv.Quote` writes them: "…" with backslash escapes, or `…` raw.
enum GoQuoted {
    /// The unquoted text of the literal at the start of `s`, and what follows it; nil when malformed.
    static func prefix(_ s: Substring) -> (String, Substring)? {
        let bytes = Array(s.utf8)
        guard let quote = bytes.first else { return nil }
        if quote == UInt8(ascii: "`") {
            guard let end = bytes.dropFirst().firstIndex(of: quote) else { return nil }
            return (String(decoding: bytes[1..<end], as: UTF8.self), suffix(s, afterUTF8: end + 1))
        }
        guard quote == UInt8(ascii: "\"") else { return nil }
        var out: [UInt8] = []
        var i = 1
        while i < bytes.count {
            let b = bytes[i]
            if b == quote { return (String(decoding: out, as: UTF8.self), suffix(s, afterUTF8: i + 1)) }
            if b == UInt8(ascii: "\n") { return nil }
            guard b == UInt8(ascii: "\\") else { out.append(b); i += 1; continue }
            guard i + 1 < bytes.count else { return nil }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "a"): out.append(0x07)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0c)
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "v"): out.append(0x0b)
            case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"): out.append(e)
            case UInt8(ascii: "x"):
                guard let v = hex(bytes, i, 2) else { return nil }
                out.append(UInt8(v)); i += 2
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                guard i + 1 < bytes.count, let v = UInt32(String(decoding: bytes[(i - 1)...(i + 1)], as: UTF8.self), radix: 8), v <= 255 else { return nil }
                out.append(UInt8(v)); i += 2
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                let n = e == UInt8(ascii: "u") ? 4 : 8
                guard let v = hex(bytes, i, n), let scalar = Unicode.Scalar(v) else { return nil }
                out.append(contentsOf: Array(String(Character(scalar)).utf8)); i += n
            default: return nil
            }
        }
        return nil
    }

    private static func hex(_ bytes: [UInt8], _ at: Int, _ count: Int) -> UInt32? {
        guard at + count <= bytes.count else { return nil }
        return UInt32(String(decoding: bytes[at..<(at + count)], as: UTF8.self), radix: 16)
    }

    private static func suffix(_ s: Substring, afterUTF8 n: Int) -> Substring {
        let idx = s.utf8.index(s.utf8.startIndex, offsetBy: n)
        return s[idx...]
    }
}

extension Substring {
    fileprivate func dropPrefix(_ p: String) -> Substring? { hasPrefix(p) ? dropFirst(p.count) : nil }
}
