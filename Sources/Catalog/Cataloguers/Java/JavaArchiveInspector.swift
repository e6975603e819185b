import Foundation

/// Reduces a Java archive in memory to `JavaArchiveEvidence`, opening nested archives too. Limits
/// keep a hostile archive (zip bomb, deep nesting, millions of entries) from costing more than a
/// bounded amount of time and memory; what a limit cut short is recorded in `problems`.
struct JavaArchiveInspector {
    struct Limits {
        /// Nesting levels opened below the outer archive (syft's fixtures nest at most three).
        var maxDepth = 4
        /// Bytes inflated in total for one outer archive, nested archives and metadata files together.
        var maxInflatedBytes = 256 << 20
        var maxMetadataFileBytes = 1 << 20
        var maxEntriesPerArchive = 1_000_000
        /// pom.properties and nested archives kept for one outer archive, so the evidence stays small.
        var maxRecords = 5_000
        /// Problems listed per archive.
        var maxProblems = 20
        /// Entry names longer than this are no metadata file or library a build tool writes.
        var maxNameBytes = 1024
    }

    static let archiveExtensions: Set<String> = ["jar", "war", "ear", "par", "sar", "nar", "jpi", "hpi", "kar"]

    static func isJavaArchive(_ path: String) -> Bool {
        let base = CatalogSupport.basename(path)
        guard let dot = base.lastIndex(of: "."), dot > base.startIndex else { return false }
        return archiveExtensions.contains(base[base.index(after: dot)...].lowercased())
    }

    let limits: Limits
    private(set) var remainingBytes: Int
    private var remainingRecords: Int

    init(limits: Limits = Limits()) {
        self.limits = limits
        remainingBytes = limits.maxInflatedBytes
        remainingRecords = limits.maxRecords
    }

    /// The evidence for an archive's bytes; an unreadable archive yields evidence holding only the problem.
    mutating func inspect(_ data: Data) -> JavaArchiveEvidence {
        inspect(data, depth: 0)
    }

    private mutating func inspect(_ data: Data, depth: Int) -> JavaArchiveEvidence {
        var evidence = JavaArchiveEvidence()
        let zip: ZipArchiveReader
        do { zip = try ZipArchiveReader(data, maxEntries: limits.maxEntriesPerArchive) } catch {
            note(String(describing: error), in: &evidence)
            return evidence
        }
        for entry in zip.entries where !entry.isDirectory && entry.name.utf8.count <= limits.maxNameBytes {
            guard remainingRecords > 0 else {
                note("more than \(limits.maxRecords) pom.properties and nested archives; the rest not read", in: &evidence)
                break
            }
            if entry.name.uppercased() == "META-INF/MANIFEST.MF", evidence.manifest == nil {
                if let bytes = read(entry, from: zip, limit: limits.maxMetadataFileBytes, into: &evidence) {
                    evidence.manifest = JavaManifest.mainAttributes(bytes)
                }
            } else if entry.name.hasPrefix("META-INF/maven/"), entry.name.hasSuffix("/pom.properties") {
                if let bytes = read(entry, from: zip, limit: limits.maxMetadataFileBytes, into: &evidence),
                   let pom = Self.pomProperties(bytes, path: entry.name) {
                    evidence.poms.append(pom)
                    remainingRecords -= 1
                }
            } else if Self.isJavaArchive(entry.name) {
                guard depth < limits.maxDepth else {
                    note("\(entry.name): nested deeper than \(limits.maxDepth) archives; not opened", in: &evidence)
                    continue
                }
                guard let bytes = read(entry, from: zip, limit: remainingBytes, into: &evidence) else { continue }
                remainingRecords -= 1
                evidence.nested.append(JavaNestedArchive(path: entry.name, archive: inspect(bytes, depth: depth + 1)))
            }
        }
        return evidence
    }

    /// An entry's bytes, charged to the inflation budget; nil (with the reason noted) when unreadable.
    private mutating func read(_ entry: ZipEntry, from zip: ZipArchiveReader, limit: Int,
                               into evidence: inout JavaArchiveEvidence) -> Data? {
        let cap = min(limit, remainingBytes)
        guard cap > 0 else {
            note("\(entry.name): the \(limits.maxInflatedBytes)-byte inflation budget is spent; not read", in: &evidence)
            return nil
        }
        do {
            let bytes = try zip.contents(of: entry, limit: cap)
            remainingBytes -= bytes.count
            return bytes
        } catch {
            // Inflation that failed still did work: all of `cap` when the output overflowed it, and at
            // most DEFLATE's 1032:1 ratio times the input when the data broke off. Charging it keeps an
            // archive of many small bombs within the budget.
            switch error as? ZipArchiveError {
            case .tooLarge?: remainingBytes -= cap
            case .corruptDeflate?:
                let bound = entry.compressedSize > UInt64(cap / 1032) ? cap : Int(entry.compressedSize) * 1032
                remainingBytes -= bound
            default: break
            }
            note(String(describing: error), in: &evidence)
            return nil
        }
    }

    /// Lists the first problems of an archive and says when there were more.
    private func note(_ problem: String, in evidence: inout JavaArchiveEvidence) {
        if evidence.problems.count < limits.maxProblems {
            evidence.problems.append(problem)
        } else if evidence.problems.count == limits.maxProblems {
            evidence.problems.append("further problems not listed")
        }
    }

    static func pomProperties(_ data: Data, path: String) -> JavaPomProperties? {
        let p = JavaProperties.parse(data)
        guard let g = p["groupId"], let a = p["artifactId"], let v = p["version"], !a.isEmpty, !v.isEmpty else { return nil }
        func short(_ s: String) -> String { String(s.prefix(256)) }
        return JavaPomProperties(path: path, groupID: short(g), artifactID: short(a), version: short(v),
                                 name: p["name"].flatMap { $0.isEmpty ? nil : short($0) })
    }
}
