import Foundation
import SBOM

/// Turns one binary's build info into packages the way syft does: one per dependency (replacements
/// win), the main module when a real version can be found for it, and the Go standard library.
struct GoPackageBuilder {
    let info: GoBuildInfo
    let layer: String?
    let location: Location
    let foundBy: String

    static let devel = "(devel)"

    func packages() -> [Package] {
        var out = info.deps.compactMap { package(for: $0) }
        if let main = mainPackage() { out.append(main) }
        if let std = stdlibPackage() { out.append(std) }
        return out
    }

    /// The toolchain version without experiment tags (`go1.22.0 X:boringcrypto` → `go1.22.0`).
    var goVersion: String { String(info.goVersion.split(separator: " ").first ?? "") }

    private func package(for dep: GoModule, version override: String? = nil) -> Package? {
        var properties = ["vouch:go.version": goVersion]
        var module = dep.effective
        if let r = dep.replacement {
            properties["vouch:go.replaces"] = dep.module.version.isEmpty ? dep.module.path : "\(dep.module.path)@\(dep.module.version)"
            if GoPackageBuilder.isDirectory(r.path) {
                // A replacement by a local directory has no module identity of its own; the module it stands
                // in for keeps the name, and the version says the code is not a published one.
                properties["vouch:go.replaced-by-directory"] = r.path
                module = GoModuleVersion(path: dep.module.path, version: GoPackageBuilder.devel)
            }
        }
        if let override { module.version = override }
        guard !module.path.isEmpty, !module.version.isEmpty else { return nil }
        if !module.sum.isEmpty { properties["vouch:go.sum"] = module.sum }
        if let main = info.main?.module.path ?? (info.path.isEmpty ? nil : info.path) { properties["vouch:go.main-module"] = main }
        return Package(name: module.path, version: module.version, type: .golang,
                       purl: GoPackageBuilder.purl(module.path, version: module.version),
                       architecture: info.setting("GOARCH"), layer: layer, locations: [location],
                       foundBy: foundBy, properties: properties)
    }

    /// The main module, unless its version stays `(devel)` after looking at the ldflags and VCS stamps:
    /// such a version names no release and would only add noise (syft reports it as `(devel)`).
    private func mainPackage() -> Package? {
        let main = info.main ?? (info.path.isEmpty ? nil : GoModule(GoModuleVersion(path: info.path, version: GoPackageBuilder.devel)))
        guard let main else { return nil }
        let version = main.effective.version
        if !version.isEmpty, version != GoPackageBuilder.devel { return package(for: main) }
        guard let found = GoMainModuleVersion.resolve(ldflags: info.setting("-ldflags"), revision: info.setting("vcs.revision"),
                                                      time: info.setting("vcs.time")) else { return nil }
        return package(for: GoModule(main.module), version: found)
    }

    /// The standard library the binary was linked with, as syft reports it: name `stdlib`, version
    /// `go1.x.y`, purl version without the `go` prefix.
    private func stdlibPackage() -> Package? {
        let v = goVersion
        guard v.hasPrefix("go"), v.dropFirst(2).first?.isNumber == true else { return nil }
        let bare = String(v.dropFirst(2))
        return Package(name: "stdlib", version: v, type: .golang, purl: GoPackageBuilder.purl("stdlib", version: bare),
                       licenses: ["BSD-3-Clause"], architecture: info.setting("GOARCH"),
                       cpes: GoPackageBuilder.stdlibCPE(bare).map { [$0] } ?? [], layer: layer, locations: [location], foundBy: foundBy,
                       properties: ["vouch:go.version": v])
    }

    /// `pkg:golang/<all segments but the last>/<last>@version`, as the purl spec reads a module path.
    static func purl(_ path: String, version: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let name = segments.last ?? path
        let namespace = segments.dropLast().joined(separator: "/")
        return PackageURL(type: "golang", namespace: namespace, name: name, version: version).description
    }

    /// `cpe:2.3:a:golang:go:<version>:<candidate or ->:…`, from `1.22.3`, `1.23rc1`, `1.21.0+build`.
    static func stdlibCPE(_ bare: String) -> String? {
        let core = bare.split(separator: "+", maxSplits: 1).first.map(String.init) ?? bare
        var version = ""
        var rest = Substring(core)
        var dots = 0
        while let c = rest.first {
            if c.isASCII, c.isNumber { version.append(c); rest = rest.dropFirst(); continue }
            if c == ".", dots < 2, let next = rest.dropFirst().first, next.isASCII, next.isNumber {
                version.append(c); rest = rest.dropFirst(); dots += 1; continue
            }
            break
        }
        guard !version.isEmpty else { return nil }
        let candidate = rest.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        return "cpe:2.3:a:golang:go:\(version):\(candidate.isEmpty ? "-" : String(candidate)):*:*:*:*:*:*"
    }

    static func isDirectory(_ path: String) -> Bool {
        path.hasPrefix("./") || path.hasPrefix("../") || path.hasPrefix("/") || path == "." || path == ".."
    }
}

/// How syft names a main module built as `(devel)`: a semantic version passed in `-ldflags -X`
/// (`main.version=1.2.3`), else a Go pseudo-version from the VCS stamp (`v0.0.0-20240102150405-abcdef123456`).
enum GoMainModuleVersion {
    // syft's two patterns, with Go's ASCII `\w`.
    static let ldflagPatterns: [NSRegularExpression] = [
        #"\.([gG]it)?([bB]uild)?[vV]er(sion)?=(\S+/)*(?<version>v?\d+.\d+.\d+[-0-9A-Za-z_]*)"#,
        #"\.([tT]ag)=(\S+/)*(?<version>v?\d+.\d+.\d+[-0-9A-Za-z_]*)"#,
    ].compactMap { try? NSRegularExpression(pattern: $0) }

    static func resolve(ldflags: String?, revision: String?, time: String?) -> String? {
        if let ldflags, let v = fromLDFlags(ldflags) { return v }
        guard let revision, !revision.isEmpty, let time else { return nil }
        return pseudoVersion(revision: revision, time: time)
    }

    static func fromLDFlags(_ flags: String) -> String? {
        let range = NSRange(flags.startIndex..., in: flags)
        for pattern in ldflagPatterns {
            guard let m = pattern.firstMatch(in: flags, range: range),
                  let r = Range(m.range(withName: "version"), in: flags) else { continue }
            let v = String(flags[r])
            return v.hasPrefix("v") ? v : "v" + v
        }
        return nil
    }

    /// `v0.0.0-<UTC yyyymmddhhmmss>-<first 12 of the revision>`; an unparsable time gives Go's zero time.
    static func pseudoVersion(revision: String, time: String) -> String {
        let stamp: String
        if let date = ISO8601DateFormatter().date(from: time) ?? fractionalFormatter().date(from: time) {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "UTC")
            f.dateFormat = "yyyyMMddHHmmss"
            stamp = f.string(from: date)
        } else {
            stamp = "00010101000000"
        }
        return "v0.0.0-\(stamp)-\(revision.prefix(12))"
    }

    private static func fractionalFormatter() -> ISO8601DateFormatter {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }
}
