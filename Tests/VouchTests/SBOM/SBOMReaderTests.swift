import Foundation
import JSON
import XCTest
@testable import SBOM

/// Reads real SBOMs written by syft, trivy, Kubernetes' bom and tern (shared/data/sboms), the official
/// CycloneDX conformance documents and the SPDX specification examples.
final class SBOMReaderTests: XCTestCase {
    let reader = SBOMReader()

    static let ubuntuSPDX = "sboms/guac-data/top-dh-sboms/ubuntu.json"
    static let debianSPDX = "sboms/guac-data/top-dh-sboms/debian.json"
    static let ubuntuCDX = "sboms/guac-data/docs/cyclonedx/syft-cyclonedx-docker.io-library-ubuntu.latest.json"
    static let debianCDX = "sboms/guac-data/docs/cyclonedx/syft-cyclonedx-docker.io-library-debian.latest.json"
    static let shelter = "sboms/bom-shelter/"
    static let bitnami = "bitnami_nginx/spdx-%@-bitnami_nginx-sha256_e274a107bb0e054014d53d3b35376d924e07ec70bc72d5313cf82074ff9c2238.json"
    static let kasmweb = "kasmweb_nginx/spdx-%@-kasmweb_nginx-sha256_03957e8cace460d39b1e5709cb5282ce68e36a50dcef6c289d12924cff5685bb.json"

    func read(_ relative: String) throws -> Inventory { try reader.read(contentsOf: SharedData.path(relative)) }
    func shelter(_ pattern: String, tool: String) throws -> Inventory {
        try read(Self.shelter + pattern.replacingOccurrences(of: "%@", with: tool))
    }

    /// Every SPDX and CycloneDX JSON under sboms/ parses, and yields no more packages than the document lists.
    func testReadsEveryRealSBOM() throws {
        let root = try SharedData.path("sboms")
        let files = try jsonFiles(under: root)
        XCTAssertGreaterThanOrEqual(files.count, 46, "46 SPDX/CycloneDX JSON files when written")
        var total = 0
        for file in files {
            let inventory = try reader.read(contentsOf: file)
            let raw = try JSON.parse(XCTUnwrap(FileManager.default.contents(atPath: file)))
            let listed = raw.array("packages").count + raw.array("components").count
            XCTAssertLessThanOrEqual(inventory.packages.count, listed, file)
            for p in inventory.packages {
                XCTAssertFalse(p.name.isEmpty, "\(file): nameless package \(p.externalRef ?? "?")")
                XCTAssertNotNil(p.externalRef, "\(file): \(p.name) lost its SPDXID/bom-ref")
            }
            XCTAssertFalse(inventory.tools.isEmpty, "\(file): tools not recovered")
            total += inventory.packages.count
        }
        XCTAssertGreaterThan(total, 4000)
    }

    /// Counts verified independently with jq (the expression is given per case).
    func testExactPackageCounts() throws {
        let cases: [(String, Int, String)] = [
            (Self.ubuntuSPDX, 101, "jq '.packages|length' (syft 0.57 SPDX lists neither subject nor OS as a package)"),
            (Self.debianSPDX, 96, "jq '.packages|length'"),
            ("sboms/guac-data/top-dh-sboms/hello-world.json", 0, "jq '.packages|length'"),
            ("sboms/guac-data/some-sboms/kube-controller-manager-v1.9.9.sha256-933df6c025b5670911cd3c45e6dbf99fa082ae4b46bc0b25531bfa6fe2e1067a.syft.0.58.0.spdx.json",
             0, "files only: jq '.packages|length'"),
            (Self.ubuntuCDX, 101, "jq '[.components[]|select(.type!=\"operating-system\")]|length'"),
            (Self.debianCDX, 96, "jq '[.components[]|select(.type!=\"operating-system\")]|length'"),
            ("sboms/guac-data/docs/cyclonedx/syft-cyclonedx-docker.io-library-python.latest.json", 430,
             "jq '[.components[]|select(.type!=\"operating-system\")]|length'"),
            (Self.shelter + Self.kasmweb.replacingOccurrences(of: "%@", with: "syft"), 45, "jq '.packages|length'"),
            (Self.shelter + Self.kasmweb.replacingOccurrences(of: "%@", with: "trivy"), 44,
             "jq '[.packages[]|select(.SPDXID|startswith(\"SPDXRef-Package-\"))]|length' (not ContainerImage/OperatingSystem)"),
            (Self.shelter + Self.bitnami.replacingOccurrences(of: "%@", with: "trivy"), 106,
             "jq '[.packages[]|select(.SPDXID|startswith(\"SPDXRef-Package-\"))]|length' (not Application groups)"),
            (Self.shelter + Self.bitnami.replacingOccurrences(of: "%@", with: "tern"), 100,
             "versioned packages minus distinct GENERATED_FROM targets: 172 - 72 (image and layers carry no version)"),
            (Self.shelter + Self.kasmweb.replacingOccurrences(of: "%@", with: "bom"), 0,
             "jq '[.packages[]|select(.name|startswith(\"sha256:\")|not)]|length' (bom lists only the image and its layers)"),
        ]
        for (file, expected, how) in cases {
            let count = try read(file).packages.count  // outside the assertion, so absent data skips
            XCTAssertEqual(count, expected, "\(file) — verified with \(how)")
        }
    }

    func testDistroIdentityOfUbuntuAndDebianSBOMs() throws {
        // syft's SPDX has no OS package: the distro comes from the purls' distro= qualifiers.
        let ubuntuSPDX = try read(Self.ubuntuSPDX), debianSPDX = try read(Self.debianSPDX)
        let ubuntuCDXInventory = try read(Self.ubuntuCDX), debianCDXInventory = try read(Self.debianCDX)
        let bitnami = try shelter(Self.bitnami, tool: "trivy")
        let ubuntu = try XCTUnwrap(ubuntuSPDX.operatingSystem)
        XCTAssertEqual([ubuntu.id, ubuntu.versionID], ["ubuntu", "22.04"])
        let debian = try XCTUnwrap(debianSPDX.operatingSystem)
        XCTAssertEqual([debian.id, debian.versionID], ["debian", "11"])
        // syft's CycloneDX has an operating-system component with syft:distro properties.
        let ubuntuCDX = try XCTUnwrap(ubuntuCDXInventory.operatingSystem)
        XCTAssertEqual([ubuntuCDX.id, ubuntuCDX.versionID, ubuntuCDX.versionCodename], ["ubuntu", "22.04", "jammy"])
        XCTAssertEqual(ubuntuCDX.prettyName, "Ubuntu 22.04.1 LTS")
        XCTAssertEqual(ubuntuCDX.idLike, ["debian"])
        let debianCDX = try XCTUnwrap(debianCDXInventory.operatingSystem)
        XCTAssertEqual([debianCDX.id, debianCDX.versionID, debianCDX.versionCodename], ["debian", "11", "bullseye"])
        XCTAssertEqual(debianCDX.distroQualifier, "debian-11")
        // trivy's SPDX has an OS package; for Debian it records the point release.
        let trivyDebian = try XCTUnwrap(bitnami.operatingSystem)
        XCTAssertEqual([trivyDebian.id, trivyDebian.versionID, trivyDebian.fullVersion], ["debian", "11", "11.6"])
        let trivyAlpine = try shelter(Self.kasmweb, tool: "trivy")
        XCTAssertEqual(trivyAlpine.operatingSystem?.distroQualifier, "alpine-3.14.2")
        XCTAssertFalse(trivyAlpine.packages.contains { $0.externalRef?.hasPrefix("SPDXRef-OperatingSystem") == true })
    }

    func testSourcePackagesAreRecovered() throws {
        func source(_ inventory: Inventory, _ name: String) throws -> String {
            let p = try XCTUnwrap(inventory.packages.first { $0.name == name }, "\(name) missing")
            return "\(p.sourceName ?? "-") \(p.sourceVersion ?? "-")"
        }
        let ubuntuSPDX = try read(Self.ubuntuSPDX), ubuntuCDX = try read(Self.ubuntuCDX), debianSPDX = try read(Self.debianSPDX)
        let photon = try read("sboms/guac-data/top-dh-sboms/photon.json")
        let alpine = try read("sboms/guac-data/docs/cyclonedx/syft-cyclonedx-docker.io-library-alpine.latest.json")
        let trivy = try shelter(Self.bitnami, tool: "trivy"), tern = try shelter(Self.bitnami, tool: "tern")
        let centos = try read("examples/trivy/integration/testdata/fixtures/sbom/centos-7-cyclonedx.json")

        // syft: purl upstream= (name only, name@version, or a source RPM).
        XCTAssertEqual(try source(ubuntuSPDX, "libc6"), "glibc 2.35-0ubuntu3.1")
        XCTAssertEqual(ubuntuSPDX.packages.filter { $0.sourceName != $0.name || $0.sourceVersion != $0.version }.count, 73,
                       "jq: purls carrying upstream= in ubuntu.json")
        XCTAssertEqual(try source(ubuntuCDX, "libc6"), "glibc 2.35-0ubuntu3.1")
        XCTAssertEqual(try source(debianSPDX, "bsdutils"), "util-linux 2.36.1-8+deb11u1")
        XCTAssertEqual(try source(photon, "openssl"), "openssl 3.0.3-3.ph4")
        XCTAssertEqual(try source(alpine, "libcrypto1.1"), "openssl 1.1.1q-r0")
        // trivy SPDX: sourceInfo "built package from: glibc 2.31-13+deb11u5".
        XCTAssertEqual(try source(trivy, "libc6"), "glibc 2.31-13+deb11u5")
        // tern: GENERATED_FROM a -src package, which is not installed and so not an inventory package.
        XCTAssertEqual(try source(tern, "bsdutils"), "util-linux 2.36.1-8+deb11u1")
        XCTAssertFalse(tern.packages.contains { $0.externalRef?.hasSuffix("-src") == true })
        // trivy CycloneDX: SrcName / SrcEpoch:SrcVersion-SrcRelease properties.
        XCTAssertEqual(try source(centos, "openssl-libs"), "openssl 1:1.0.2k-16.el7")
    }

    func testPackageFactsFromSyftCycloneDX() throws {
        let inventory = try read(Self.ubuntuCDX)
        let libc = try XCTUnwrap(inventory.packages.first { $0.name == "libc6" })
        XCTAssertEqual(libc.type, .deb)
        XCTAssertEqual(libc.version, "2.35-0ubuntu3.1")
        XCTAssertEqual(libc.purl, "pkg:deb/ubuntu/libc6@2.35-0ubuntu3.1?arch=amd64&distro=ubuntu-22.04&upstream=glibc")
        XCTAssertEqual(libc.architecture, "amd64")
        // syft wrote the deprecated id GFDL-1.3; it is read as its current spelling.
        XCTAssertEqual(libc.licenses, ["GFDL-1.3-only", "GPL-2.0-only", "LGPL-2.1-only"])
        XCTAssertEqual(libc.cpes, ["cpe:2.3:a:libc6:libc6:2.35-0ubuntu3.1:*:*:*:*:*:*:*"])
        XCTAssertEqual(libc.supplier, "Person: Ubuntu Developers (ubuntu-devel-discuss@lists.ubuntu.com)")
        XCTAssertEqual(libc.layer, "sha256:17f623af01e277c5ffe6779af8164907de02d9af7a0e161662fc735dd64f117b")
        XCTAssertTrue(libc.locations.contains(Location(path: "/var/lib/dpkg/status", layer: libc.layer)))
        XCTAssertEqual(libc.foundBy, "dpkgdb-cataloger")
        XCTAssertEqual(libc.externalRef, "pkg:deb/ubuntu/libc6@2.35-0ubuntu3.1?arch=amd64&upstream=glibc&distro=ubuntu-22.04&package-id=b8b1f7a980e41a27")
        // The same package from syft's SPDX of the same image reads the same where both formats carry it.
        let spdxInventory = try read(Self.ubuntuSPDX)
        let spdx = try XCTUnwrap(spdxInventory.packages.first { $0.name == "libc6" })
        XCTAssertEqual([spdx.purl, spdx.licenses.joined(separator: " "), spdx.supplier ?? ""],
                       [libc.purl, libc.licenses.joined(separator: " "), libc.supplier ?? ""])
        XCTAssertEqual(spdx.externalRef, "SPDXRef-b8b1f7a980e41a27")
    }

    func testSubjectsAndTools() throws {
        let syft = try read(Self.ubuntuCDX)
        XCTAssertEqual(syft.subject.kind, .image)
        XCTAssertEqual(syft.subject.name, "docker.io/library/ubuntu:latest")
        XCTAssertEqual(syft.subject.repository, "docker.io/library/ubuntu")
        XCTAssertEqual(syft.subject.tag, "latest")
        XCTAssertEqual(syft.subject.manifestDigest, "sha256:a8fe6fd30333dc60fc5306982a7c51385c2091af1e0ee887166b40a905691fd0")
        XCTAssertEqual(syft.tools, ["syft-0.57.0"])

        let trivy = try shelter(Self.kasmweb, tool: "trivy")
        XCTAssertEqual(trivy.subject.kind, .image)
        XCTAssertEqual(trivy.subject.manifestDigest, "sha256:03957e8cace460d39b1e5709cb5282ce68e36a50dcef6c289d12924cff5685bb")
        XCTAssertEqual(trivy.subject.configDigest, "sha256:95cbbc8696901047ffa5bd008c131c87a4487752625dee2e1d5e407375d69ef7")
        XCTAssertEqual(trivy.subject.diffIDs.count, 13)
        XCTAssertEqual(trivy.tools, ["trivy"])
        XCTAssertFalse(trivy.packages.contains { $0.externalRef?.hasPrefix("SPDXRef-ContainerImage") == true })

        let centos = try read("examples/trivy/integration/testdata/fixtures/sbom/centos-7-cyclonedx.json")
        XCTAssertEqual(centos.subject.configDigest, "sha256:f1cb7c7d58b73eac859c395882eec49d50651244e342cd6c68a5c7809785f427")
        XCTAssertEqual(centos.subject.diffIDs, ["sha256:89169d87dbe2b72ba42bfbb3579c957322baca28e03a1e558076542a1c1b2b4a"])
        XCTAssertEqual([centos.subject.repository, centos.subject.tag], ["ghcr.io/aquasecurity/trivy-test-images", "centos-7"])
        XCTAssertEqual(centos.operatingSystem?.distroQualifier, "centos-7.6.1810")

        // bom describes the image by an oci purl; syft 0.64 SPDX only by the document name.
        let bom = try shelter(Self.kasmweb, tool: "bom")
        XCTAssertEqual(bom.subject.manifestDigest, "sha256:03957e8cace460d39b1e5709cb5282ce68e36a50dcef6c289d12924cff5685bb")
        XCTAssertEqual(bom.subject.repository, "index.docker.io/kasmweb/nginx")
        let syftSPDX = try shelter(Self.kasmweb, tool: "syft")
        XCTAssertEqual([syftSPDX.subject.repository, syftSPDX.subject.manifestDigest],
                       ["kasmweb/nginx", "sha256:03957e8cace460d39b1e5709cb5282ce68e36a50dcef6c289d12924cff5685bb"])
        XCTAssertEqual(syftSPDX.subject.kind, .image)
    }

    /// Every valid-* document of the official CycloneDX 1.4–1.6 suites parses, to an empty inventory when it
    /// holds no components; every invalid-* one either parses or throws SBOMReadError (never anything else).
    func testCycloneDXSpecConformanceDocuments() throws {
        for version in CycloneDXReader.supportedVersions {
            let dir = try SharedData.path("examples/cyclonedx-spec-tests/\(version)")
            let files = try jsonFiles(under: dir)
            XCTAssertGreaterThan(files.count, 40, version)
            for file in files {
                let name = URL(fileURLWithPath: file).lastPathComponent
                if name.hasPrefix("valid-") {
                    let inventory = try reader.read(contentsOf: file)
                    let raw = try JSON.parse(XCTUnwrap(FileManager.default.contents(atPath: file)))
                    let named = namedComponents(raw)
                    if named.isEmpty { XCTAssertTrue(inventory.packages.isEmpty, name) }
                    for p in inventory.packages { XCTAssertTrue(named.contains(p.name), "\(name): \(p.name) invented") }
                } else {
                    do { _ = try reader.read(contentsOf: file) } catch is SBOMReadError {} catch {
                        XCTFail("\(name): untyped error \(error)")
                    }
                }
            }
        }
        let component = try read("examples/cyclonedx-spec-tests/1.6/valid-license-expression-1.6.json")
        XCTAssertFalse(component.packages.isEmpty)
    }

    func testSPDXSpecificationExamples() throws {
        for file in ["examples/spdx/spec-2.3/SPDXJSONExample-v2.3.spdx.json", "examples/spdx/spec-2.2/SPDXJSONExample-v2.2.spdx.json"] {
            let inventory = try read(file)
            XCTAssertEqual(inventory.subject.name, "glibc", file)  // the package the document DESCRIBES
            XCTAssertEqual(inventory.subject.kind, .file, "a package checksum is not an image digest")
            XCTAssertEqual(inventory.packages.map(\.name), ["Apache Commons Lang", "Jena", "Saxon"], file)
            let jena = try XCTUnwrap(inventory.packages.first { $0.name == "Jena" })
            XCTAssertEqual(jena.purl, "pkg:maven/org.apache.jena/apache-jena@3.12.0")
            XCTAssertEqual(jena.type, .java)
            XCTAssertEqual(inventory.packages.first { $0.name == "Saxon" }?.licenses, ["MPL-1.0"])
            XCTAssertEqual(inventory.packages.first { $0.name == "Apache Commons Lang" }?.licenses, [], "NOASSERTION is no licence")
            XCTAssertEqual(inventory.tools, ["LicenseFind-1.0"])
        }
    }

    func testTypedErrorsNameTheFileAndTheProblem() throws {
        func error(_ body: () throws -> Inventory) -> SBOMReadError? {
            do { _ = try body(); return nil } catch let e as SBOMReadError { return e } catch { return nil }
        }
        let tagValue = try SharedData.path("examples/spdx/spec-2.3/SPDXTagExample-v2.3.spdx")
        guard case .notJSON(let file, _)? = error({ try reader.read(contentsOf: tagValue) }) else {
            return XCTFail("SPDX tag-value should be reported as not JSON")
        }
        XCTAssertEqual(file, tagValue)
        let truncated = try SharedData.data(Self.ubuntuSPDX).prefix(20_000)
        XCTAssertEqual(error { try reader.read(truncated, source: "ubuntu.json") }.map(kind), "notJSON")

        let purlTests = try SharedData.path("fixtures/purl-spec/tests/types/deb-test.json")
        XCTAssertEqual(error { try reader.read(contentsOf: purlTests) }.map(kind), "unrecognisedFormat")
        let otherFormat = try SharedData.path("examples/cyclonedx-spec-tests/1.6/invalid-bomformat-1.6.json")
        XCTAssertEqual(error { try reader.read(contentsOf: otherFormat) }.map(kind), "unrecognisedFormat")

        let cdx17 = try SharedData.path("examples/cyclonedx-spec-tests/1.7/valid-bom-1.7.json")
        guard case .unsupportedVersion(_, "CycloneDX", "1.7", _)? = error({ try reader.read(contentsOf: cdx17) }) else {
            return XCTFail("CycloneDX 1.7 should be an unsupported version")
        }
        let cdx12 = try SharedData.path("examples/cyclonedx/bom-examples/SBOM/keycloak-10.0.2/bom.json")
        XCTAssertTrue(error({ try reader.read(contentsOf: cdx12) })?.description.contains("CycloneDX version 1.2") == true)
        let spdx3 = try SharedData.path("examples/spdx/spec-3.0/package_sbom.jsonld.json")
        guard case .unsupportedVersion(_, "SPDX", let v, _)? = error({ try reader.read(contentsOf: spdx3) }), v.hasPrefix("3") else {
            return XCTFail("SPDX 3 should be an unsupported version")
        }

        // No fixture has a field of the wrong type, so real documents are altered in exactly one place.
        let spdxData = try SharedData.data(Self.ubuntuSPDX), cdxData = try SharedData.data(Self.ubuntuCDX)
        var spdx = try XCTUnwrap(JSON.parse(spdxData).object)
        spdx["packages"] = ["not": "a list"]
        guard case .wrongType(_, "packages", "an array", "an object")? = error({ try reader.read(JSON.object(spdx).serialized([])) }) else {
            return XCTFail("packages as an object should be a wrongType error")
        }
        var cdx = try XCTUnwrap(JSON.parse(cdxData).object)
        var components = try XCTUnwrap(cdx["components"]?.array)
        components[2] = "libc6"
        cdx["components"] = .array(components)
        let e = error { try reader.read(JSON.object(cdx).serialized([]), source: "altered.json") }
        XCTAssertEqual(e, .wrongType(file: "altered.json", field: "components[2]", expected: "an object", found: "a string"))
        XCTAssertEqual(e?.description, "altered.json: field 'components[2]' should be an object but is a string")

        guard case .unreadable? = error({ try reader.read(contentsOf: "/nonexistent/sbom.json") }) else {
            return XCTFail("a missing file should be unreadable")
        }
    }

    /// vouch's own writers and these readers agree on every field both formats carry.
    func testVouchWritersRoundTrip() throws {
        let original = try read(Self.ubuntuCDX)
        for (format, data) in [("CycloneDX", CycloneDXWriter().write(original)), ("SPDX", SPDXWriter().write(original))] {
            let back = try reader.read(data, source: format)
            XCTAssertEqual(back.packages.count, original.packages.count, format)
            XCTAssertEqual(back.operatingSystem?.distroQualifier, "ubuntu-22.04", format)
            XCTAssertEqual(back.subject.manifestDigest, original.subject.manifestDigest, format)
            for (a, b) in zip(original.packages, back.packages) {
                XCTAssertEqual([a.name, a.version, a.purl, a.sourceName ?? "", a.sourceVersion ?? "", a.foundBy, a.layer ?? ""],
                               [b.name, b.version, b.purl, b.sourceName ?? "", b.sourceVersion ?? "", b.foundBy, b.layer ?? ""], format)
                XCTAssertEqual(a.licenses, b.licenses, "\(format): \(a.name)")
                XCTAssertEqual(a.locations.map(\.path), b.locations.map(\.path), "\(format): \(a.name)")
            }
        }
    }

    // MARK: - Helpers

    private func kind(_ e: SBOMReadError) -> String {
        switch e {
        case .unreadable: return "unreadable"
        case .notJSON: return "notJSON"
        case .unrecognisedFormat: return "unrecognisedFormat"
        case .unsupportedVersion: return "unsupportedVersion"
        case .wrongType: return "wrongType"
        }
    }

    private func jsonFiles(under root: String) throws -> [String] {
        guard let e = FileManager.default.enumerator(atPath: root) else { throw XCTSkip("cannot list \(root)") }
        var files: [String] = []
        while let f = e.nextObject() as? String {
            if f.hasSuffix(".json") { files.append(root + "/" + f) }
        }
        return files.sorted()
    }

    /// Names of all components, nested ones included, other than operating systems.
    private func namedComponents(_ doc: JSON) -> Set<String> {
        var names: Set<String> = []
        func walk(_ list: [JSON]) {
            for c in list {
                if c.string("type") != "operating-system", let n = c.string("name") { names.insert(n) }
                walk(c.array("components"))
            }
        }
        walk(doc.array("components"))
        walk(doc["metadata"]?["component"]?.array("components") ?? [])
        return names
    }
}
