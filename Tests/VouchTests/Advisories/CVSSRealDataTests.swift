import Foundation
import JSON
import XCTest
@testable import Advisories

/// Every CVSS vector in the shared real data, read at run time: OSV records (Bitnami, RustSec) must all
/// score, and vectors published with a score must get that score, except where the publisher's own
/// record is inconsistent (listed below, each checked against the formula by hand and by Red Hat's
/// `cvss` library).
final class CVSSRealDataTests: XCTestCase {
    /// nodejs security-wg advisories whose `cvss_score` does not belong to their `cvss_vector`
    /// (the score of another vector, typed by hand), and 504.json, whose vector has `I:U`.
    static let nodejsPublisherErrors: Set<String> = [
        "363", "364", "365", "366", "367", "368", "373", "381", "383", "384", "385", "386", "389", "420",
        "439", "467", "468", "485", "493", "494", "504", "515", "516",
    ]

    func testNodejsSecurityWGPublishedScores() throws {
        let root = try extract("osv/npm-nodejs-security-wg.tar.gz", member: "nodejs-security-wg/vuln")
        defer { try? FileManager.default.removeItem(at: root) }
        var agreed = 0
        var disagreed = Set<String>()
        for file in try jsonFiles(under: root) {
            guard let record = try? JSON.parse(Data(contentsOf: file)), let vector = record.string("cvss_vector"),
                  let published = record["cvss_score"]?.double else { continue }
            let name = file.deletingPathExtension().lastPathComponent
            do {
                let score = try CVSS.parse(vector)
                if score.baseScore == published { agreed += 1 } else { disagreed.insert(name) }
            } catch let error as CVSSError {
                disagreed.insert(name)
                XCTAssertEqual(error.description, "CVSS:3.0 vector: unknown value U for I", name)
            }
        }
        XCTAssertEqual(agreed, 435)
        XCTAssertEqual(disagreed, Self.nodejsPublisherErrors)
    }

    func testEveryOSVSeverityVectorScores() throws {
        var counts: [CVSSVersion: Int] = [:]
        var preferredV4 = 0
        for (archive, member) in [("osv/Bitnami.tar.gz", "bitnami-vulndb/data"),
                                  ("osv/crates.io-rustsec-osv.tar.gz", "rustsec-advisory-db-osv/crates")] {
            let root = try extract(archive, member: member)
            defer { try? FileManager.default.removeItem(at: root) }
            for file in try jsonFiles(under: root) {
                guard let record = try? JSON.parse(Data(contentsOf: file)) else { continue }
                let severities = record.array("severity") + record.array("affected").flatMap { $0.array("severity") }
                let vectors = severities.compactMap { entry -> String? in
                    guard let type = entry.string("type"), type.hasPrefix("CVSS_") else { return nil }
                    return entry.string("score")
                }
                for vector in vectors {
                    do {
                        let score = try CVSS.parse(vector)
                        XCTAssertTrue((0...10).contains(score.baseScore), vector)
                        counts[score.version, default: 0] += 1
                    } catch {
                        XCTFail("\(file.lastPathComponent): \(error)")
                    }
                }
                if vectors.contains(where: { $0.hasPrefix("CVSS:4.0/") }) {
                    XCTAssertEqual(CVSS.preferred(vectors)?.version, .v4_0, file.lastPathComponent)
                    preferredV4 += 1
                }
            }
        }
        XCTAssertGreaterThan(counts[.v3_1, default: 0], 6_000)
        XCTAssertGreaterThan(counts[.v3_0, default: 0], 100)
        XCTAssertGreaterThan(counts[.v4_0, default: 0], 700)
        XCTAssertGreaterThan(preferredV4, 500)
    }

    /// trivy's and grype's fixtures carry NVD and vendor scores next to their vectors (`V3Vector`/`V3Score`,
    /// `V2Vector`/`V2Score`, grype's `vector`/`metrics.baseScore`).
    func testScannerFixtureScores() throws {
        // trivy amazonlinux2-gp2-x86-vm.json.golden pairs CVE-2022-38177's score, 7.5, with a vector that
        // scores 6.0: the fixture's vector and score do not belong together.
        let knownWrong = ["CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:C/C:H/I:N/A:N 7.5"]
        var checked = 0
        for folder in ["examples/trivy", "examples/grype"] {
            let root = URL(fileURLWithPath: try SharedData.path(folder))
            for file in try jsonFiles(under: root, suffixes: [".json", ".golden"]) {
                guard let document = try? JSON.parse(Data(contentsOf: file)) else { continue }
                for (vector, published) in Self.scoredVectors(in: document) {
                    if knownWrong.contains("\(vector) \(published)") { continue }
                    XCTAssertEqual(try CVSS.parse(vector).baseScore, published, "\(vector) in \(file.lastPathComponent)")
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 100)
    }

    private static func scoredVectors(in json: JSON) -> [(String, Double)] {
        var found: [(String, Double)] = []
        switch json {
        case .object(let object):
            for version in ["V2", "V3", "V40"] {
                if let vector = object["\(version)Vector"]?.string, !vector.isEmpty,
                   let score = object["\(version)Score"]?.double {
                    found.append((vector, score))
                }
            }
            if let vector = object["vector"]?.string, vector.hasPrefix("CVSS:") || vector.hasPrefix("AV:"),
               let score = object["metrics"]?["baseScore"]?.double {
                found.append((vector, score))
            }
            for (_, value) in object { found += scoredVectors(in: value) }
        case .array(let array):
            for value in array { found += scoredVectors(in: value) }
        default:
            break
        }
        return found
    }

    // MARK: helpers

    private func extract(_ archive: String, member: String) throws -> URL {
        let path = try SharedData.path(archive)
        let dir = try OutsideTool.temporaryDirectory()
        let (status, output) = try OutsideTool.run("/usr/bin/env", ["tar", "-xzf", path, "-C", dir.path, member])
        guard status == 0 else {
            try? FileManager.default.removeItem(at: dir)
            throw XCTSkip("cannot unpack \(archive): \(output.prefix(300))")
        }
        return dir
    }

    private func jsonFiles(under root: URL, suffixes: [String] = [".json"]) throws -> [URL] {
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return []
        }
        var files: [URL] = []
        for case let url as URL in walker where suffixes.contains(where: { url.lastPathComponent.hasSuffix($0) }) {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { files.append(url) }
        }
        return files.sorted { $0.path < $1.path }
    }
}
