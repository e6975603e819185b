import Digest
import Foundation
import JSON
import XCTest
@testable import VEX

/// Validates documents against the official OpenVEX 0.2.0 JSON schema
/// (shared/data/schemas/openvex/openvex_json_schema.json) with python-jsonschema and its format checker,
/// in one process; one verdict line per document (`VALID` or `INVALID path: message`).
enum OpenVEXSchema {
    static func validate(_ documents: [Data]) throws -> [String] {
        try JSONSchemaCheck.validate(documents, schema: "schemas/openvex/openvex_json_schema.json", suffix: ".openvex.json")
    }
}

/// The statements of the OpenVEX spec's own example (Spring Boot and log4shell, OPENVEX-SPEC.md "Example")
/// and of vexctl's samples, as the model holds them.
enum OpenVEXWriterFixture {
    static let issued = Date(timeIntervalSince1970: 1_673_917_636)  // 2023-01-17T01:07:16Z, the spec example's time in UTC
    static func origin(_ i: Int) -> VEXOrigin { VEXOrigin(format: .openVEX, location: "fixture", statementIndex: i) }

    static let springBoot = VEXComponent(
        id: "pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3", purl: "pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3",
        hashes: ["sha-256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        subcomponents: [VEXComponent(id: "pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1", purl: "pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1")])
    static let nginx = VEXComponent(id: "pkg:oci/nginx@sha256:13d22ec63300e16014d4a42aed735207a8b33c223cff19627dd3042e5a10a3a0",
                                    hashes: ["sha-256": "13d22ec63300e16014d4a42aed735207a8b33c223cff19627dd3042e5a10a3a0"])

    static var log4shell: VEXStatement {
        VEXStatement(vulnerability: "CVE-2021-44228", aliases: ["GHSA-jfh8-c2jp-5v3q"], products: [springBoot], status: .notAffected,
                     justification: .vulnerableCodeNotInExecutePath,
                     impactStatement: "Spring Boot users are only affected by this vulnerability if they have switched the default logging system to Log4J2.",
                     origin: origin(0))
    }
    static var libde265: VEXStatement {
        VEXStatement(vulnerability: "CVE-2023-27103", aliases: ["SNYK-DEBIAN12-LIBDE265-3361563"], products: [nginx], status: .notAffected,
                     justification: .componentNotPresent, timestamp: Date(timeIntervalSince1970: 1_692_150_922), origin: origin(1))
    }
    static var underInvestigation: VEXStatement {
        VEXStatement(vulnerability: "CVE-2007-5686", products: [nginx], status: .underInvestigation, statusNotes: "Triage pending.", origin: origin(2))
    }
    static var affected: VEXStatement {
        VEXStatement(vulnerability: "CVE-2023-4911", products: [VEXComponent(id: "pkg:deb/ubuntu/libc6@2.35-0ubuntu3.1?arch=amd64&distro=ubuntu-22.04")],
                     status: .affected, actionStatement: "Update libc6 to 2.35-0ubuntu3.4", origin: origin(3))
    }
    static var fixed: VEXStatement {
        VEXStatement(vulnerability: "CVE-2023-45288", products: [VEXComponent(cpe: "cpe:2.3:a:golang:net:0.17.0:*:*:*:*:*:*:*")], status: .fixed, origin: origin(4))
    }

    static func document(_ statements: [VEXStatement], id: String? = nil) -> VEXDocument {
        VEXDocument(format: .openVEX, location: "fixture", id: id, author: "Spring Builds <spring-builds@users.noreply.github.com>",
                    statements: statements)
    }
    static var all: VEXDocument { document([log4shell, libde265, underInvestigation, affected, fixed]) }
}

final class VEXOutputWriterTests: XCTestCase {
    typealias F = OpenVEXWriterFixture

    func testWritesOpenVEX020() throws {
        let writer = OpenVEXWriter(role: "Project Release Bot")
        let json = try JSON.parse(writer.write(F.all, timestamp: F.issued))
        XCTAssertEqual(json.object?.keys, ["@context", "@id", "author", "role", "timestamp", "version", "tooling", "statements"])
        XCTAssertEqual(json.string("@context"), "https://openvex.dev/ns/v0.2.0")
        XCTAssertEqual(json.string("author"), "Spring Builds <spring-builds@users.noreply.github.com>")
        XCTAssertEqual(json.string("role"), "Project Release Bot")
        XCTAssertEqual(json.string("timestamp"), "2023-01-17T01:07:16Z")
        XCTAssertEqual(json["version"]?.int, 1)
        XCTAssertEqual(json.string("tooling"), "vouch")

        let statements = json.array("statements")
        XCTAssertEqual(statements.compactMap { $0["vulnerability"]?.string("name") },
                       ["CVE-2007-5686", "CVE-2021-44228", "CVE-2023-27103", "CVE-2023-45288", "CVE-2023-4911"], "sorted by vulnerability")
        let spring = statements[1]
        XCTAssertEqual(spring["vulnerability"]?.array("aliases"), ["GHSA-jfh8-c2jp-5v3q"])
        let product = try XCTUnwrap(spring.array("products").first)
        XCTAssertEqual(product.string("@id"), "pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3")
        XCTAssertEqual(product["identifiers"]?.string("purl"), "pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3")
        XCTAssertEqual(product["hashes"]?.string("sha-256"), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(product.array("subcomponents").first?["identifiers"]?.string("purl"), "pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1")
        XCTAssertEqual(spring.string("status"), "not_affected")
        XCTAssertEqual(spring.string("justification"), "vulnerable_code_not_in_execute_path")
        XCTAssertTrue(spring.string("impact_statement")?.hasPrefix("Spring Boot users") ?? false)
        XCTAssertNil(spring["timestamp"], "a statement without its own time inherits the document's")
        XCTAssertEqual(statements[2].string("timestamp"), "2023-08-16T01:55:22Z")
        XCTAssertEqual(statements[0].string("status_notes"), "Triage pending.")
        XCTAssertEqual(statements[4].string("action_statement"), "Update libc6 to 2.35-0ubuntu3.4")
        XCTAssertEqual(statements[3].array("products").first?["identifiers"]?.string("cpe23"), "cpe:2.3:a:golang:net:0.17.0:*:*:*:*:*:*:*")
        XCTAssertNil(statements[3].array("products").first?["@id"], "a product named only by a CPE has identifiers, no @id")
    }

    /// Without an id, the document is named by the hash of its canonical form (as go-vex names them); an
    /// id it has is kept; anything the id covers changes it.
    func testDocumentIDIsAContentHash() throws {
        let writer = OpenVEXWriter()
        let json = try writer.json(F.all, timestamp: F.issued)
        let id = try XCTUnwrap(json.string("@id"))
        XCTAssertTrue(id.hasPrefix("https://openvex.dev/docs/public/vex-"), id)
        var rest = json.object ?? [:]
        rest["@id"] = nil
        XCTAssertEqual(id, "https://openvex.dev/docs/public/vex-" + Hasher.sha256Hex(JSON.object(rest).serialized([.sortedKeys])))

        var changed = F.all
        changed.statements[0].impactStatement = "Another reason."
        XCTAssertNotEqual(try writer.json(changed, timestamp: F.issued).string("@id"), id)
        XCTAssertNotEqual(try writer.json(F.all, timestamp: F.issued.addingTimeInterval(1)).string("@id"), id)
        XCTAssertEqual(try writer.json(F.document([F.log4shell], id: "https://example.com/vex/1"), timestamp: F.issued).string("@id"),
                       "https://example.com/vex/1")
    }

    func testSameDocumentSameBytes() throws {
        let writer = OpenVEXWriter()
        let a = try writer.write(F.all, timestamp: F.issued)
        var shuffled = F.all
        shuffled.statements.reverse()
        for i in shuffled.statements.indices { shuffled.statements[i].products.reverse() }
        XCTAssertEqual(try writer.write(shuffled, timestamp: F.issued), a, "statement and product order do not change the bytes")
        XCTAssertEqual(try writer.write(F.all, timestamp: F.issued), a)
        // Two statements on one product at one time keep their order: the later one is the one that counts.
        var history = F.document([F.libde265, F.libde265])
        history.statements[1].status = .underInvestigation
        history.statements[1].justification = nil
        let written = try JSON.parse(writer.write(history, timestamp: F.issued)).array("statements")
        XCTAssertEqual(written.compactMap { $0.string("status") }, ["not_affected", "under_investigation"])
        // An exact repeat is written once (the schema wants unique statements).
        XCTAssertEqual(try JSON.parse(writer.write(F.document([F.log4shell, F.log4shell]), timestamp: F.issued)).array("statements").count, 1)
    }

    func testRefusesWhatOpenVEXForbids() {
        let writer = OpenVEXWriter()
        func error(_ s: VEXStatement) -> OpenVEXWriteError? {
            do { _ = try writer.write(F.document([s]), timestamp: F.issued); return nil } catch { return error as? OpenVEXWriteError }
        }
        var bare = F.log4shell
        bare.justification = nil
        bare.impactStatement = "  "
        XCTAssertEqual(error(bare), .notAffectedWithoutReason(statement: "fixture statement 1 (CVE-2021-44228)"),
                       "not_affected needs a justification or a (non-blank) impact statement")
        var onlyImpact = bare
        onlyImpact.impactStatement = "Not reachable."
        XCTAssertNil(error(onlyImpact))

        var noAction = F.affected
        noAction.actionStatement = nil
        XCTAssertEqual(error(noAction), .affectedWithoutAction(statement: "fixture statement 4 (CVE-2023-4911)"))
        var justified = F.affected
        justified.justification = .componentNotPresent
        XCTAssertEqual(error(justified), .notAllowed(field: "justification", status: .affected, statement: "fixture statement 4 (CVE-2023-4911)"))
        var fixedWithImpact = F.fixed
        fixedWithImpact.impactStatement = "Patched."
        XCTAssertEqual(error(fixedWithImpact), .notAllowed(field: "impact_statement", status: .fixed, statement: "fixture statement 5 (CVE-2023-45288)"))
        var onlyHashes = F.fixed
        onlyHashes.products = [VEXComponent(hashes: ["sha-256": "13d22ec63300e16014d4a42aed735207a8b33c223cff19627dd3042e5a10a3a0"])]
        XCTAssertEqual(error(onlyHashes), .unnamedComponent(statement: "fixture statement 5 (CVE-2023-45288)",
                                                            component: "sha-256:13d22ec63300e16014d4a42aed735207a8b33c223cff19627dd3042e5a10a3a0"))

        var anonymous = F.all
        anonymous.author = nil
        XCTAssertThrowsError(try writer.write(anonymous, timestamp: F.issued)) { XCTAssertEqual($0 as? OpenVEXWriteError, .missingAuthor) }
        XCTAssertThrowsError(try writer.write(F.document([]), timestamp: F.issued)) { XCTAssertEqual($0 as? OpenVEXWriteError, .noStatements) }
        XCTAssertNoThrow(try OpenVEXWriter(allowsEmpty: true).write(F.document([]), timestamp: F.issued))
        var zero = F.all
        zero.version = 0
        XCTAssertThrowsError(try writer.write(zero, timestamp: F.issued)) { XCTAssertEqual($0 as? OpenVEXWriteError, .invalidVersion(0)) }
    }

    func testIssueTimeHonoursSourceDateEpoch() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        XCTAssertEqual(try OpenVEXWriter.issueTime(environment: ["SOURCE_DATE_EPOCH": "1700000000"], now: now), Date(timeIntervalSince1970: 1_700_000_000))
        XCTAssertEqual(try OpenVEXWriter.issueTime(environment: [:], now: now), now)
        XCTAssertThrowsError(try OpenVEXWriter.issueTime(environment: ["SOURCE_DATE_EPOCH": "yesterday"], now: now)) {
            XCTAssertEqual($0 as? OpenVEXWriteError, .badSourceDateEpoch("yesterday"))
        }
        // A document with a time of its own keeps it.
        var dated = F.all
        dated.timestamp = Date(timeIntervalSince1970: 0)
        XCTAssertEqual(try OpenVEXWriter().json(dated, timestamp: now).string("timestamp"), "1970-01-01T00:00:00Z")
    }

    func testValidAgainstOfficialSchema() throws {
        let writer = OpenVEXWriter(role: "Project Release Bot")
        var documents = try [F.all, F.document([F.fixed]), F.document([F.affected], id: "https://example.com/vex/1")].map {
            try writer.write($0, timestamp: F.issued)
        }
        // The validator must be able to say no: affected without an action statement (what the writer refuses).
        let good = try JSON.parse(writer.write(F.document([F.affected]), timestamp: F.issued))
        documents.append(Data(good.serializedString().replacingOccurrences(of: "\"action_statement\"", with: "\"status_notes\"").utf8))
        let verdicts = try OpenVEXSchema.validate(documents)
        for (i, verdict) in verdicts.dropLast().enumerated() { XCTAssertEqual(verdict, "VALID", "document \(i)") }
        XCTAssertTrue(verdicts.last?.hasPrefix("INVALID ") ?? false, "affected without action_statement must fail: \(verdicts.last ?? "")")
    }

    /// Written, then read back by the OpenVEX reader: the same statements.
    func testRoundTripsThroughTheReader() throws {
        let data = try OpenVEXWriter().write(F.all, timestamp: F.issued)
        let read = try OpenVEXReader.read(JSON.parse(data), location: "written.json")
        XCTAssertEqual(read.problems, [])
        XCTAssertEqual(read.author, F.all.author)
        XCTAssertEqual(read.timestamp, F.issued)
        XCTAssertEqual(read.version, 1)
        XCTAssertTrue(read.id?.hasPrefix(OpenVEXWriter.idPrefix) ?? false)
        func key(_ s: VEXStatement) -> String { s.vulnerability }
        let expected = F.all.statements.sorted { key($0) < key($1) }
        XCTAssertEqual(read.statements.count, expected.count)
        for (r, e) in zip(read.statements, expected) {
            XCTAssertEqual(r.vulnerability, e.vulnerability)
            XCTAssertEqual(r.aliases, e.aliases, e.vulnerability)
            XCTAssertEqual(r.status, e.status, e.vulnerability)
            XCTAssertEqual(r.justification, e.justification, e.vulnerability)
            XCTAssertEqual(r.impactStatement, e.impactStatement, e.vulnerability)
            XCTAssertEqual(r.actionStatement, e.actionStatement, e.vulnerability)
            XCTAssertEqual(r.statusNotes, e.statusNotes, e.vulnerability)
            XCTAssertEqual(r.timestamp, e.timestamp, e.vulnerability)
            // The writer's @id is the id, else the purl; a CPE-only product has identifiers alone.
            XCTAssertEqual(r.products.map { $0.id ?? $0.cpe }, e.products.map { $0.id ?? $0.purl ?? $0.cpe }, e.vulnerability)
            XCTAssertEqual(r.products.map(\.hashes), e.products.map(\.hashes), e.vulnerability)
            XCTAssertEqual(r.products.map { $0.subcomponents.compactMap(\.purl) }, e.products.map { $0.subcomponents.compactMap(\.purl) }, e.vulnerability)
        }
    }
}
