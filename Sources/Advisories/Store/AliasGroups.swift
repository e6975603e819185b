import GRDB

/// Which ids name the same vulnerability.
///
/// Ids are linked through advisories: an advisory joins its own id with its aliases (OSV
/// `aliases` and `upstream`), and groups are followed transitively, so GO-2020-0001 →
/// CVE-2020-36567 → GHSA-6vm3-jj99-7229 → PYSEC-… all land in one group.
///
/// Some advisories bundle several vulnerabilities: a USN or DSA lists every CVE it fixes. Following
/// those transitively would merge unrelated CVEs into one, so a "bundle" (an advisory with two or
/// more aliases in the same namespace, e.g. two `CVE-` ids) links one hop only: asking for the
/// bundle's id gives its listed ids, asking for one of them gives the bundle's id, and nothing is
/// followed further through it.
enum AliasGroups {
    /// Stops a pathological alias web from turning one lookup into a walk of the whole database.
    static let maxGroupSize = 2_000

    static func isBundle(_ aliases: [String]) -> Bool {
        var namespaces = Set<Substring>()
        for alias in aliases where !namespaces.insert(namespace(of: alias)).inserted { return true }
        return false
    }

    /// The part of an id before its number: `CVE`, `UBUNTU-CVE`, `GHSA`, `RUSTSEC`.
    static func namespace(of id: String) -> Substring {
        var end = id.endIndex
        var index = id.startIndex
        while index < id.endIndex {
            let next = id[index...].firstIndex(of: "-") ?? id.endIndex
            if id[index].isNumber { end = index; break }
            index = next < id.endIndex ? id.index(after: next) : id.endIndex
        }
        var prefix = id[..<end]
        while prefix.hasSuffix("-") { prefix = prefix.dropLast() }
        return prefix
    }

    static func group(of id: String, in db: Database) throws -> Set<String> {
        let holders = try db.cachedStatement(sql: "SELECT a.rowid, a.id, a.bundle FROM aliases al JOIN advisories a ON a.rowid = al.advisory WHERE al.alias = ?")
        let names = try db.cachedStatement(sql: "SELECT alias FROM aliases WHERE advisory = ?")
        var group: Set<String> = [id]
        var frontier = [id]
        var visited = Set<Int64>()
        while let current = frontier.popLast(), group.count < maxGroupSize {
            let rows = try Row.fetchAll(holders, arguments: [current])
            for row in rows {
                let rowid: Int64 = try row.decode(atIndex: 0)
                guard visited.insert(rowid).inserted else { continue }
                let advisoryID: String = try row.decode(atIndex: 1)
                let bundle: Bool = try row.decode(atIndex: 2)
                group.insert(advisoryID)
                if bundle && advisoryID != id { continue }
                for name in try String.fetchAll(names, arguments: [rowid]) where group.insert(name).inserted {
                    if !bundle { frontier.append(name) }
                }
            }
        }
        return group
    }
}
