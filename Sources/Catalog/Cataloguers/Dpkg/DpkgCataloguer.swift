import Foundation
import SBOM

/// Debian packages from `var/lib/dpkg/status` and distroless `var/lib/dpkg/status.d/*`, with licences
/// from `usr/share/doc/<package>/copyright`.
public struct DpkgCataloguer: Cataloguer {
    public let name = "dpkg"
    public init() {}

    /// dpkg databases wherever a root file system keeps them (`var/lib/dpkg`, or `usr/lib/dpkg` on some
    /// images), as syft's `**/lib/dpkg/status` and `**/lib/dpkg/status.d/*` globs.
    static func isStatusFile(_ path: String) -> Bool {
        path == "var/lib/dpkg/status" || path.hasSuffix("/lib/dpkg/status")
    }
    static func isStatusDEntry(_ path: String) -> Bool {
        guard !path.hasSuffix(".md5sums"), let r = path.range(of: "lib/dpkg/status.d/") else { return false }
        return (r.lowerBound == path.startIndex || path[path.index(before: r.lowerBound)] == "/")
            && !path[r.upperBound...].isEmpty && !path[r.upperBound...].contains("/")
    }

    public func interest(path: String, size: Int64, mode: UInt32) -> FileInterest {
        if Self.isStatusFile(path) { return .keep(maxBytes: 64 << 20) }
        if Self.isStatusDEntry(path) { return .keep(maxBytes: 4 << 20) }
        if path.hasPrefix("usr/share/doc/"), path.hasSuffix("/copyright"), path.split(separator: "/").count == 5 {
            return .keep(maxBytes: 1 << 20)
        }
        return .none
    }

    public func catalogue(_ tree: FileTree, context: CatalogueContext) throws -> [Package] {
        var sources: [(String, Data)] = []
        for p in tree.paths(where: { p, n in n.content != nil && (Self.isStatusFile(p) || Self.isStatusDEntry(p)) }) {
            if let d = tree.contents(p) { sources.append((p, d)) }
        }
        let os = context.operatingSystem
        var packages: [Package] = []
        for (path, data) in sources {
            let distroless = !Self.isStatusFile(path)
            for para in Deb822.parse(data) {
                guard let name = para["Package"], let version = para["Version"], !name.isEmpty, !version.isEmpty else { continue }
                // Only installed packages: `Status: install ok installed` (status.d entries carry no Status).
                if let status = para["Status"] {
                    let words = status.split(separator: " ")
                    guard words.count == 3, words[2] == "installed" else { continue }
                } else if !distroless {
                    continue
                }
                packages.append(package(para, name: name, version: version, path: path, tree: tree, os: os))
            }
        }
        return packages
    }

    func package(_ para: Deb822Paragraph, name: String, version: String, path: String, tree: FileTree, os: OperatingSystem?) -> Package {
        let arch = para["Architecture"]
        // `Source: glibc (2.36-9+deb12u4)` — the source version differs only for binNMUs and the like.
        var sourceName = name
        var sourceVersion = version
        if let src = para["Source"], !src.isEmpty {
            let parts = src.split(separator: " ", maxSplits: 1)
            sourceName = String(parts[0])
            if parts.count == 2 {
                sourceVersion = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "() "))
            }
        }
        var qualifiers: [String: String] = [:]
        if let arch { qualifiers["arch"] = arch }
        if let os { qualifiers["distro"] = os.distroQualifier }
        if sourceName != name || sourceVersion != version {
            qualifiers["upstream"] = sourceVersion != version ? "\(sourceName)@\(sourceVersion)" : sourceName
        }
        let purl = PackageURL(type: "deb", namespace: os?.id ?? "debian", name: name, version: version, qualifiers: qualifiers)
        let copyrightPath = "usr/share/doc/\(name)/copyright"
        let licenses = tree.contents(copyrightPath).map(DebianCopyright.licenses) ?? []
        var locations = [CatalogSupport.location(path, in: tree)]
        if tree.node(copyrightPath) != nil { locations.append(CatalogSupport.location(copyrightPath, in: tree)) }
        var properties: [String: String] = [:]
        if let size = para["Installed-Size"] { properties["vouch:installed-size"] = size }
        return Package(
            name: name, version: version, type: .deb, purl: purl.description, licenses: licenses,
            supplier: para["Maintainer"].map(Supplier.fromContact), sourceName: sourceName, sourceVersion: sourceVersion,
            architecture: arch, description: para["Description"].map { String($0.split(separator: "\n").first ?? "") },
            homepage: para["Homepage"], layer: layer(of: name, arch: arch, statusPath: path, tree: tree),
            locations: locations, foundBy: self.name, properties: properties)
    }

    /// The layer that introduced a package: the one that wrote its file list in `var/lib/dpkg/info`,
    /// else (distroless) the one that wrote its status entry. The status file itself is rewritten by every
    /// layer that installs anything, so it cannot tell.
    func layer(of name: String, arch: String?, statusPath: String, tree: FileTree) -> String? {
        // Multi-arch packages name their lists `name:arch.list`.
        let stems = [name] + (arch.map { ["\(name):\($0)"] } ?? [])
        for stem in stems {
            for suffix in [".list", ".md5sums"] {
                if let l = CatalogSupport.layer("var/lib/dpkg/info/\(stem)\(suffix)", in: tree) { return l }
            }
        }
        return CatalogSupport.layer(statusPath, in: tree)
    }
}

/// Supplier strings in SPDX syntax from package metadata contacts (`Name <email>`).
public enum Supplier {
    public static func fromContact(_ raw: String) -> String {
        let text = raw.split(separator: "\n").first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? raw
        var name = text
        var email: String?
        if let lt = text.firstIndex(of: "<"), let gt = text[lt...].firstIndex(of: ">") {
            name = text[..<lt].trimmingCharacters(in: .whitespaces)
            email = String(text[text.index(after: lt)..<gt])
        }
        if name.isEmpty { name = email ?? text }
        let lower = name.lowercased()
        let organisation = ["team", "maintainers", "project", "developers", "group", "foundation", "community", "inc", "ltd", "llc"]
            .contains { lower.contains($0) }
        return (organisation ? "Organization: " : "Person: ") + name + (email.map { " (\($0))" } ?? "")
    }
}
