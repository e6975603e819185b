import Foundation
import SBOM
import XCTest
@testable import Evaluation
@testable import VEX

/// The resolver's rules on the report fixtures' real-shaped findings: latest statement wins whatever
/// the file order, products must name this image, subcomponents match by OpenVEX purl rules, and
/// every statement that does not apply says why.
final class VEXResolverTests: XCTestCase {
    let digest = ReportFixture.digest
    var identity: ImageIdentity { ImageIdentity(digests: [digest], repository: "ghcr.io/acme/app", tag: "1.4", architecture: "amd64", os: "linux") }
    var findings: [Finding] { [ReportFixture.glibc(ReportFixture.libc6), ReportFixture.coreutilsFinding, ReportFixture.requestsFinding] }

    func date(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }

    func document(_ location: String, timestamp: String? = nil, version: Int? = nil, author: String? = "security@example.com",
                  _ statements: [(String, VEXStatus, [VEXComponent], String?)]) -> VEXDocument {
        let origin = { (i: Int) in VEXOrigin(format: .openVEX, location: location, author: author, documentTimestamp: timestamp.map(self.date),
                                             documentVersion: version, statementIndex: i) }
        return VEXDocument(format: .openVEX, location: location, author: author, statements: statements.enumerated().map { i, s in
            VEXStatement(vulnerability: s.0, products: s.2, status: s.1,
                         justification: s.1 == .notAffected ? .vulnerableCodeNotInExecutePath : nil,
                         timestamp: s.3.map(date), origin: origin(i))
        })
    }

    var image: VEXComponent { VEXComponent(id: "pkg:oci/app@\(digest.replacingOccurrences(of: ":", with: "%3A"))?repository_url=ghcr.io/acme/app") }
    func image(sub: String) -> VEXComponent { var c = image; c.subcomponents = [VEXComponent(purl: sub)]; return c }

    func testTheNewerStatementWinsWhicheverOrderTheFilesComeIn() {
        let old = document("old.vex.json", [("CVE-2023-4911", .notAffected, [image(sub: "pkg:deb/ubuntu/libc6")], "2024-01-01T00:00:00Z")])
        let new = document("new.vex.json", [("CVE-2023-4911", .affected, [image(sub: "pkg:deb/ubuntu/libc6")], "2024-06-01T00:00:00Z")])
        for order in [[old, new], [new, old]] {
            let r = VEXResolver(identity: identity).resolve(findings, sources: order.map { VEXSource(document: $0) })
            XCTAssertEqual(r.suppressed.count, 0, "the newer affected statement keeps the finding")
            let glibc = r.findings.first { $0.id == "CVE-2023-4911" }
            XCTAssertEqual(glibc?.vex?.status, "affected")
            XCTAssertEqual(glibc?.vex?.source, "new.vex.json")
            let oldExplanation = r.explanations.first { $0.statement.origin.location == "old.vex.json" }
            XCTAssertEqual(oldExplanation?.applied, false)
            XCTAssertTrue(oldExplanation?.reason?.contains("overridden by a later statement") == true, oldExplanation?.reason ?? "")
            XCTAssertTrue(oldExplanation?.reason?.contains("new.vex.json statement 1") == true)
        }
    }

    func testAStatementWithoutTimestampTakesItsDocumentsAndTiesGoToTheHigherVersion() {
        let a = document("a.json", timestamp: "2024-03-01T00:00:00Z", version: 2, [("CVE-2023-4911", .notAffected, [image], nil)])
        let b = document("b.json", timestamp: "2024-03-01T00:00:00Z", version: 1, [("CVE-2023-4911", .underInvestigation, [image], nil)])
        let c = document("c.json", timestamp: "2024-02-01T00:00:00Z", version: 9, [("CVE-2023-4911", .affected, [image], nil)])
        let r = VEXResolver(identity: identity).resolve(findings, sources: [a, b, c].map { VEXSource(document: $0) })
        XCTAssertEqual(r.suppressed.map(\.id), ["CVE-2023-4911"])
        XCTAssertEqual(r.suppressed.first?.vex?.source, "a.json")
        XCTAssertEqual(r.suppressed.first?.vex?.justification, "vulnerable_code_not_in_execute_path")
    }

    func testAStatementForAnotherDigestDoesNotApplyAndSaysWhatThisImageIs() {
        let other = VEXComponent(id: "pkg:oci/app@sha256%3A" + String(repeating: "a", count: 64))
        let r = VEXResolver(identity: identity).resolve(findings, sources: [VEXSource(document: document("x.json", [("CVE-2023-4911", .notAffected, [other], nil)]))])
        XCTAssertTrue(r.suppressed.isEmpty)
        let reason = r.explanations.first?.reason ?? ""
        XCTAssertTrue(reason.hasPrefix("product did not match"), reason)
        XCTAssertTrue(reason.contains("is not this image's"), reason)
        XCTAssertTrue(reason.contains(digest), "names the image's own identities: \(reason)")
    }

    func testEveryImageNameADocumentMayUseMatches() {
        let hex = String(digest.dropFirst("sha256:".count))
        for name in ["pkg:oci/app@sha256%3A\(hex)", "pkg:oci/app@sha256%3A\(hex)?repository_url=ghcr.io/acme/app&arch=amd64",
                     "pkg:docker/acme/app@sha256%3A\(hex)", "pkg:docker/acme/app@1.4", "ghcr.io/acme/app@\(digest)", digest, hex,
                     "pkg:oci/app?repository_url=ghcr.io/acme/app", "ghcr.io/acme/app:1.4"] {
            XCTAssertEqual(identity.match(VEXComponent(id: name)), .matches, name)
        }
        XCTAssertEqual(identity.match(VEXComponent(hashes: ["sha-256": hex])), .matches)
        for name in ["pkg:docker/acme/app@1.3", "pkg:oci/app@sha256%3A\(hex)?arch=arm64", "pkg:oci/other?repository_url=ghcr.io/acme/other",
                     "pkg:oci/app?repository_url=quay.io/evil/app", "ghcr.io/acme/app:1.3"] {
            guard case .otherImage = identity.match(VEXComponent(id: name)) else { return XCTFail("\(name) must not match") }
        }
        XCTAssertEqual(identity.match(VEXComponent(id: "pkg:deb/ubuntu/libc6")), .notAnImage)
    }

    func testSubcomponentsMatchByOpenVEXPurlRulesAndMissesSayHow() {
        let cases: [(String, Bool, String?)] = [
            ("pkg:deb/ubuntu/libc6", true, nil),                                   // no version: every version
            ("pkg:deb/ubuntu/libc6@2.35-0ubuntu3.1", true, nil),
            ("pkg:deb/ubuntu/libc6?arch=amd64", true, nil),                        // qualifier present and equal
            ("pkg:deb/ubuntu/libc6@2.35-0ubuntu3.4", false, "version differs (statement 2.35-0ubuntu3.4, package 2.35-0ubuntu3.1)"),
            ("pkg:deb/ubuntu/libc6?arch=arm64", false, "qualifier arch differs (statement arm64, package amd64)"),
            ("pkg:deb/debian/libc6", false, "is not a package with this vulnerability"),
        ]
        for (purl, applies, why) in cases {
            let r = VEXResolver(identity: identity, packages: [ReportFixture.libc6])
                .resolve(findings, sources: [VEXSource(document: document("s.json", [("CVE-2023-4911", .notAffected, [image(sub: purl)], nil)]))])
            XCTAssertEqual(r.suppressed.count, applies ? 1 : 0, purl)
            if let why { XCTAssertTrue(r.explanations[0].reason?.contains(why) == true, "\(purl): \(r.explanations[0].reason ?? "applied")") }
        }
    }

    func testAliasesMatchAndFixedSuppressesWhileAffectedAnnotates() {
        let doc = document("s.json", [
            ("GHSA-j8r2-6x86-q33q", .fixed, [image(sub: "pkg:pypi/requests")], nil),
            ("CVE-2016-2781", .underInvestigation, [image], nil),
        ])
        let r = VEXResolver(identity: identity).resolve(findings, sources: [VEXSource(document: doc)])
        XCTAssertEqual(r.suppressed.map(\.id), ["CVE-2023-32681"])
        XCTAssertEqual(r.findings.first { $0.id == "CVE-2016-2781" }?.vex?.status, "under_investigation")
        XCTAssertNil(r.findings.first { $0.id == "CVE-2023-4911" }?.vex)
        XCTAssertEqual(r.findings.count + r.suppressed.count, findings.count, "nothing dropped")
    }

    func testUntrustedSourcesAuthorsAndUnknownVulnerabilitiesExplainThemselves() throws {
        let doc = document("att", author: "mallory@evil.example", [("CVE-2023-4911", .notAffected, [image], nil)])
        let rejected = VEXResolver(identity: identity).resolve(findings, sources: [VEXSource(document: doc, rejection: "signature invalid: no key verifies it")])
        XCTAssertTrue(rejected.suppressed.isEmpty)
        XCTAssertEqual(rejected.explanations[0].reason, "signature invalid: no key verifies it")

        let filter = try VEXAuthorFilter(patterns: [".*@example\\.com"])
        let untrusted = VEXResolver(identity: identity, authors: filter).resolve(findings, sources: [VEXSource(document: doc)])
        XCTAssertTrue(untrusted.suppressed.isEmpty)
        XCTAssertTrue(untrusted.explanations[0].reason?.hasPrefix("author not trusted: 'mallory@evil.example'") == true)
        XCTAssertThrowsError(try VEXAuthorFilter(patterns: ["("]))

        let unknown = VEXResolver(identity: identity).resolve(findings, sources: [VEXSource(document: document("u.json", [("CVE-1999-0001", .notAffected, [image], nil)]))])
        XCTAssertEqual(unknown.explanations[0].reason, "vulnerability id unknown: no finding in this scan is CVE-1999-0001")
    }

    func testStatementsWithoutProductsApplyOnlyThroughAnAttestationSubject() {
        let doc = document("d", [("CVE-2023-4911", .notAffected, [], nil)])
        let fromFile = VEXResolver(identity: identity).resolve(findings, sources: [VEXSource(document: doc)])
        XCTAssertTrue(fromFile.suppressed.isEmpty)
        XCTAssertTrue(fromFile.explanations[0].reason?.contains("names no product") == true)
        let attested = VEXResolver(identity: identity).resolve(findings, sources: [VEXSource(document: doc, kind: .attestation(subjects: [digest]))])
        XCTAssertEqual(attested.suppressed.map(\.id), ["CVE-2023-4911"])
        let elsewhere = VEXResolver(identity: identity).resolve(findings, sources: [VEXSource(document: doc, kind: .attestation(subjects: ["sha256:" + String(repeating: "b", count: 64)]))])
        XCTAssertTrue(elsewhere.suppressed.isEmpty, "an attestation about another image does not apply here")
    }

    func testAPackageNamedAsTheProductAppliesToThatPackage() {
        let doc = document("p.json", [("CVE-2023-32681", .notAffected, [VEXComponent(id: "pkg:pypi/requests@2.25.1")], nil)])
        let r = VEXResolver(identity: identity).resolve(findings, sources: [VEXSource(document: doc)])
        XCTAssertEqual(r.suppressed.map(\.package.name), ["requests"])
        XCTAssertEqual(r.explanations[0].appliedTo, ["requests 2.25.1 CVE-2023-32681"])
    }
}
