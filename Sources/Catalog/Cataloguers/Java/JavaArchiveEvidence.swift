import Foundation
import JSON

/// One `META-INF/maven/<group>/<artifact>/pom.properties` found in an archive.
struct JavaPomProperties: Equatable {
    var path: String
    var groupID: String
    var artifactID: String
    var version: String
    /// `name` (the POM's display name), when Maven recorded one.
    var name: String?
}

/// What the walker keeps of a Java archive: its identifying metadata and that of the archives nested
/// in it, instead of the (possibly huge) archive itself.
struct JavaArchiveEvidence: Equatable {
    /// Identifying main attributes of `META-INF/MANIFEST.MF`; nil when the archive has no manifest.
    var manifest: [String: String]?
    var poms: [JavaPomProperties] = []
    var nested: [JavaNestedArchive] = []
    /// Why parts of the archive were not read (corrupt entries, limits reached).
    var problems: [String] = []

    var json: JSON {
        var o = JSONObject()
        if let manifest {
            o["manifest"] = .object(JSONObject(manifest.sorted { $0.key < $1.key }.map { ($0.key, JSON.string($0.value)) }))
        }
        if !poms.isEmpty {
            o["poms"] = .array(poms.map { p in
                var m: JSONObject = ["path": .string(p.path), "groupId": .string(p.groupID),
                                     "artifactId": .string(p.artifactID), "version": .string(p.version)]
                if let n = p.name { m["name"] = .string(n) }
                return .object(m)
            })
        }
        if !nested.isEmpty {
            o["nested"] = .array(nested.map { .object(["path": .string($0.path), "archive": $0.archive.json]) })
        }
        if !problems.isEmpty { o["problems"] = .array(problems.map(JSON.string)) }
        return .object(o)
    }

    init(manifest: [String: String]? = nil, poms: [JavaPomProperties] = [], nested: [JavaNestedArchive] = [],
         problems: [String] = []) {
        self.manifest = manifest; self.poms = poms; self.nested = nested; self.problems = problems
    }

    /// Reads evidence written by `json`; members of the wrong type are ignored.
    init(json: JSON) {
        if let m = json["manifest"]?.object {
            var attributes: [String: String] = [:]
            for (k, v) in m { if let s = v.string { attributes[k] = s } }
            manifest = attributes
        }
        poms = json.array("poms").compactMap { p in
            guard let path = p.string("path"), let g = p.string("groupId"), let a = p.string("artifactId"),
                  let v = p.string("version") else { return nil }
            return JavaPomProperties(path: path, groupID: g, artifactID: a, version: v, name: p.string("name"))
        }
        nested = json.array("nested").compactMap { n in
            guard let path = n.string("path"), let archive = n["archive"] else { return nil }
            return JavaNestedArchive(path: path, archive: JavaArchiveEvidence(json: archive))
        }
        problems = json.array("problems").compactMap(\.string)
    }

    /// Every archive in the tree, this one first, with its path below the outer archive (empty for this one).
    func flattened(prefix: [String] = []) -> [(nesting: [String], archive: JavaArchiveEvidence)] {
        var out = [(prefix, self)]
        for n in nested { out += n.archive.flattened(prefix: prefix + [n.path]) }
        return out
    }
}

/// An archive stored inside another (`WEB-INF/lib/x.jar`, `BOOT-INF/lib/y.jar`, a war in an ear).
struct JavaNestedArchive: Equatable {
    var path: String
    var archive: JavaArchiveEvidence
}
