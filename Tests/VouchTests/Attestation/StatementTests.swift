import Attestation
import Foundation
import JSON
import XCTest

/// in-toto Statement reading, validation and writing (spec/v1/statement.md, resource_descriptor.md,
/// digest_set.md), and BuildKit-style image subject names.
final class StatementTests: XCTestCase {
    let sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"  // sha256("test")

    func statement(_ body: String) throws -> InTotoStatement { try InTotoStatement(data: Data(body.utf8)) }

    func assertRejects(_ body: String, field: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try statement(body), file: file, line: line) { error in
            guard let e = error as? InTotoError else { return XCTFail("not an InTotoError: \(error)", file: file, line: line) }
            XCTAssertEqual(e.field, field, "\(e)", file: file, line: line)
            XCTAssertTrue(e.description.contains(field) || field == "statement", "\(e) does not name \(field)", file: file, line: line)
            XCTAssertFalse(e.description.contains("\n"), file: file, line: line)
        }
    }

    func testReadsV1AndV01Statements() throws {
        for type in [StatementType.v1, StatementType.v01] {
            let s = try statement("""
            {"_type":"\(type)","subject":[{"name":"app","digest":{"sha256":"\(sha256)"}}],
             "predicateType":"https://example.com/p","predicate":{"a":[1,{"b":null}]},"unknown":{"ignored":true}}
            """)
            XCTAssertEqual(s.type, type)
            XCTAssertEqual(s.subjects, [ResourceDescriptor(name: "app", digest: ["sha256": sha256])])
            XCTAssertEqual(s.predicateType, "https://example.com/p")
            XCTAssertEqual(s.predicate, ["a": [1, ["b": nil]]])
        }
    }

    /// cosign 2.5 still writes Statement v0.1: its own test bundle, payload only base64-decoded.
    func testReadsCosignV01Statement() throws {
        let bundle = try JSON.parse(try SharedData.data("examples/provenance/cosign/pkg/cosign/testdata/oci-attestation.sigstore.json"))
        let payload = try XCTUnwrap(bundle["dsseEnvelope"]?.string("payload").flatMap { FlexibleBase64.decode($0) })
        let s = try InTotoStatement(data: payload)
        XCTAssertEqual(s.type, StatementType.v01)
        XCTAssertEqual(s.predicateType, PredicateType.resolve("custom"))
        XCTAssertEqual(s.subjects.map(\.name), ["127.0.0.1:60943/repo"])
        XCTAssertTrue(s.matchesSubject(digest: "sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4"))
        XCTAssertEqual(s.predicate["Timestamp"], "2025-02-28T19:18:11Z")
    }

    func testAbsentOrNullPredicateReadsAsEmptyObject() throws {
        let base = #"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha1":"a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"}}],"predicateType":"x""#
        XCTAssertEqual(try statement(base + "}").predicate, .object(JSONObject()))
        XCTAssertEqual(try statement(base + #","predicate":null}"#).predicate, .object(JSONObject()))
        assertRejects(base + #","predicate":[1]}"#, field: "predicate")
    }

    func testStatementTypeMustBeKnown() {
        assertRejects(#"{"_type":"https://in-toto.io/StatementA/v0.1","subject":[{"digest":{"sha256":"\#(sha256)"}}],"predicateType":"x"}"#, field: "_type")
        assertRejects(#"{"subject":[{"digest":{"sha256":"\#(sha256)"}}],"predicateType":"x"}"#, field: "_type")
        assertRejects(#"{"_type":7,"subject":[{"digest":{"sha256":"\#(sha256)"}}],"predicateType":"x"}"#, field: "_type")
    }

    func testSubjectsAreRequiredAndNeedDigests() {
        let head = #"{"_type":"https://in-toto.io/Statement/v1","predicateType":"x","subject":"#
        assertRejects(head + "[]}", field: "subject")
        assertRejects(head + "null}", field: "subject")
        assertRejects(head + #"{"digest":{}}}"#, field: "subject")
        assertRejects(head + "[7]}", field: "subject[0]")
        assertRejects(head + #"[{"name":"a"}]}"#, field: "subject[0].digest")
        assertRejects(head + #"[{"name":"a","digest":{}}]}"#, field: "subject[0].digest")
        assertRejects(head + #"[{"name":"a","digest":"\#(sha256)"}]}"#, field: "subject[0].digest")
        assertRejects(head + #"[{"digest":{"sha256":"\#(sha256)"}},{"digest":{"sha256":5}}]}"#, field: "subject[1].digest.sha256")
        assertRejects(head + #"[{"digest":{"sha256":"\#(sha256)"},"name":9}]}"#, field: "subject[0].name")
    }

    func testDigestValuesAreChecked() throws {
        let head = #"{"_type":"https://in-toto.io/Statement/v1","predicateType":"x","subject":[{"digest":"#
        assertRejects(head + #"{"sha256":"\#(sha256.dropLast())"}}]}"#, field: "subject[0].digest.sha256")
        assertRejects(head + #"{"sha256":"\#(sha256.uppercased())"}}]}"#, field: "subject[0].digest.sha256")
        assertRejects(head + #"{"sha512":"\#(sha256)"}}]}"#, field: "subject[0].digest.sha512")
        assertRejects(head + #"{"sha1":"\#(sha256)"}}]}"#, field: "subject[0].digest.sha1")
        assertRejects(head + #"{"gitCommit":"zz"}}]}"#, field: "subject[0].digest.gitCommit")
        assertRejects(head + #"{"whirlpool":"not hex"}}]}"#, field: "subject[0].digest.whirlpool")
        assertRejects(head + #"{"sha256":""}}]}"#, field: "subject[0].digest.sha256")
        let sha512 = String(repeating: "ab", count: 64)
        let ok = try statement(head + #"{"sha512":"\#(sha512)","sha1":"a94a8fe5ccb19ba61c4c0873d391e987982fbbd3","whirlpool":"ABCDEF01"}}]}"#)
        XCTAssertEqual(ok.subjects[0].digest.count, 3)
    }

    func testPredicateTypeIsRequired() {
        let head = #"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"\#(sha256)"}}]"#
        assertRejects(head + "}", field: "predicateType")
        assertRejects(head + #","predicateType":""}"#, field: "predicateType")
        assertRejects(head + #","predicateType":["x"]}"#, field: "predicateType")
    }

    func testHostileDocumentsGiveTypedErrors() {
        assertRejects("", field: "statement")
        assertRejects("[1,2]", field: "statement")
        assertRejects("null", field: "statement")
        assertRejects(#"{"_type":"https://in-toto.io/Statement/v1""#, field: "statement")
        assertRejects(String(repeating: "[", count: 10_000), field: "statement")
        let longType = String(repeating: "x", count: 100_000)
        XCTAssertThrowsError(try statement(#"{"_type":"\#(longType)"}"#)) { error in
            XCTAssertLessThan("\(error)".count, 400, "hostile values are clipped in messages")
        }
    }

    func testSerializationIsCompactOrderedAndRoundTrips() throws {
        let s = InTotoStatement(subjects: [ResourceDescriptor(name: "pkg:docker/app@1?platform=linux%2Famd64",
                                                              digest: ["sha512": String(repeating: "0", count: 128), "sha256": sha256])],
                                predicateType: "https://slsa.dev/provenance/v1", predicate: ["z": 1, "a": "é\n"])
        let text = String(decoding: s.serialized(), as: UTF8.self)
        XCTAssertEqual(text, #"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"pkg:docker/app@1?platform=linux%2Famd64","digest":{"sha256":"\#(sha256)","sha512":"\#(String(repeating: "0", count: 128))"}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{"z":1,"a":"é\n"}}"#)
        XCTAssertEqual(s.serialized(), s.serialized())
        XCTAssertEqual(try InTotoStatement(data: s.serialized()), s)
    }

    func testMatchesSubjectByDigestOnly() throws {
        let s = InTotoStatement(subjects: [ResourceDescriptor(name: "a", digest: ["sha256": sha256]),
                                           ResourceDescriptor(digest: ["sha1": "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"])],
                                predicateType: "x")
        XCTAssertTrue(s.matchesSubject(digest: "sha256", hex: sha256.uppercased()))
        XCTAssertTrue(s.matchesSubject(digest: "sha256:\(sha256)"))
        XCTAssertTrue(s.matchesSubject(digest: "sha1", hex: "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"))
        XCTAssertFalse(s.matchesSubject(digest: "sha512", hex: sha256))
        XCTAssertFalse(s.matchesSubject(digest: "sha256", hex: String(sha256.dropFirst()) + "0"))
        XCTAssertFalse(s.matchesSubject(digest: sha256))
    }

    func testResourceDescriptorFields() throws {
        let json = try JSON.parse(#"{"name":"n","uri":"git+https://h/r","digest":{"sha1":"ab"},"content":"aGVsbG8","downloadLocation":"https://d","mediaType":"text/plain","annotations":{"k":[true]}}"#)
        let d = try ResourceDescriptor(json: json)
        XCTAssertEqual(d.content, Data("hello".utf8))
        XCTAssertEqual(d.annotations, ["k": [true]])
        XCTAssertEqual(try ResourceDescriptor(json: d.json), d)
        XCTAssertThrowsError(try ResourceDescriptor(json: ["content": "!!"], path: "x")) { XCTAssertEqual(($0 as? InTotoError)?.field, "x.content") }
        XCTAssertThrowsError(try ResourceDescriptor(json: ["annotations": "k"], path: "x")) { XCTAssertEqual(($0 as? InTotoError)?.field, "x.annotations") }
        XCTAssertThrowsError(try ResourceDescriptor(json: ["digest": ["sha1": 1]], path: "x")) { XCTAssertEqual(($0 as? InTotoError)?.field, "x.digest.sha1") }
    }

    func testForImageBuildsOneSubjectPerManifest() throws {
        let name = try ImageSubjectName.purl(reference: "registry.example:5000/team/app:1.4", platform: "linux/arm64/v8")
        XCTAssertEqual(name, "pkg:docker/registry.example:5000/team/app@1.4?platform=linux%2Farm64%2Fv8")
        let s = try InTotoStatement.forImage(manifestDigest: "sha256:\(sha256)", name: name,
                                             predicateType: PredicateType.spdx, predicate: ["spdxVersion": "SPDX-2.3"])
        XCTAssertEqual(s.subjects, [ResourceDescriptor(name: name, digest: ["sha256": sha256])])
        XCTAssertEqual(s.type, StatementType.v1)
        XCTAssertTrue(s.matchesSubject(digest: "sha256:\(sha256)"))
        for bad in ["sha256:\(sha256.dropLast())", sha256, "sha256:", "SHA256:\(sha256)x"] {
            XCTAssertThrowsError(try InTotoStatement.forImage(manifestDigest: bad, name: "n", predicateType: "x", predicate: [:])) {
                XCTAssertTrue(($0 as? InTotoError)?.field.hasPrefix("subject[0].digest") == true, "\($0)")
            }
        }
        XCTAssertThrowsError(try InTotoStatement.forImage(manifestDigest: "sha256:\(sha256)", name: "n", predicateType: "x", predicate: "text"))
    }

    /// The cases of BuildKit's util/purl/image_test.go TestRefToPURL.
    func testImageSubjectNamesFollowBuildKit() throws {
        let d = "sha256:\(sha256)"
        let platform = "linux/amd64"
        let cases: [(String, String?, String)] = [
            ("alpine", nil, "pkg:docker/alpine@latest"),
            ("library/alpine:3.15", nil, "pkg:docker/alpine@3.15"),
            ("docker.io/library/alpine:latest", nil, "pkg:docker/alpine@latest"),
            ("docker.io/library/alpine:latest@\(d)", nil, "pkg:docker/alpine@latest?digest=\(d)"),
            ("docker.io/library/alpine@\(d)", nil, "pkg:docker/alpine?digest=\(d)"),
            ("user/test:v2", nil, "pkg:docker/user/test@v2"),
            ("ghcr.io/foo/bar:v2", nil, "pkg:docker/ghcr.io/foo/bar@v2"),
            ("ghcr.io/foo/bar", nil, "pkg:docker/ghcr.io/foo/bar@latest"),
            ("busybox", platform, "pkg:docker/busybox@latest?platform=linux%2Famd64"),
            ("busybox@\(d)", platform, "pkg:docker/busybox?digest=\(d)&platform=linux%2Famd64"),
        ]
        for (ref, p, want) in cases { XCTAssertEqual(try ImageSubjectName.purl(reference: ref, platform: p), want, ref) }
        for bad in ["inv:al:id", "", "a//b", "app:", "app@sha256:zz", "app@nodigest", "UPPER case/x"] {
            XCTAssertThrowsError(try ImageSubjectName.purl(reference: bad), bad)
        }
    }
}
