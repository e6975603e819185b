import Foundation
import XCTest
@testable import Advisories

/// OSV ecosystem strings and purl types map to the right ordering.
final class VersionSchemesTests: XCTestCase {
    func testOSVEcosystems() {
        let expected: [String: String] = [
            "Debian": "dpkg", "Debian:12": "dpkg", "Debian:sid": "dpkg", "Ubuntu:22.04:LTS": "dpkg", "Ubuntu:Pro:18.04:LTS": "dpkg",
            "Ubuntu:24.10": "dpkg",
            "Alpine:v3.18": "apk", "Alpine": "apk", "Wolfi": "apk", "Chainguard": "apk", "MinimOS": "apk", "Alpaquita:23": "apk",
            "AlmaLinux:9": "rpm", "Rocky Linux:9": "rpm", "Red Hat:rhel_aus:8.4::appstream": "rpm", "Red Hat": "rpm",
            "SUSE:Linux Enterprise Server 15 SP5": "rpm", "openSUSE:Tumbleweed": "rpm", "Azure Linux:3": "rpm",
            "Mageia:9": "rpm", "openEuler:24.03-LTS": "rpm", "Photon OS:5.0": "rpm",
            "PyPI": "pypi", "npm": "semver", "crates.io": "semver", "Go": "go", "Maven": "maven",
            "Maven:https://maven.google.com": "maven", "RubyGems": "rubygems", "Packagist": "composer",
            "Packagist:https://packages.drupal.org/8": "composer", "NuGet": "nuget", "Hex": "semver", "Pub": "pub",
            "CRAN": "cran", "Bioconductor": "cran", "Hackage": "hackage", "GHC": "hackage", "Bitnami": "semver",
            "SwiftURL": "semver", "Root:Alpine:3.18": "apk", "Root:Debian:12": "dpkg", "Root:PyPI": "pypi",
        ]
        for (ecosystem, scheme) in expected {
            XCTAssertEqual(VersionSchemes.scheme(forOSVEcosystem: ecosystem)?.name, scheme, ecosystem)
        }
        for unknown in ["", "GIT", "Android", "Linux", "OSS-Fuzz", "GitHub Actions", "debian", "pypi", "Root", ":Debian"] {
            XCTAssertNil(VersionSchemes.scheme(forOSVEcosystem: unknown), "\(unknown) has no ecosystem ordering")
        }
    }

    /// Every base name we map is one the OSV schema lists.
    func testMappedNamesAreOSVEcosystems() throws {
        let data = try SharedData.data("schemas/osv/ecosystems.json")
        let listed = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any]).keys
        for name in VersionSchemes.byEcosystem.keys {
            XCTAssertTrue(listed.contains(name), "\(name) is not in the OSV schema's ecosystem list")
        }
        for required in ["Debian", "Ubuntu", "Alpine", "AlmaLinux", "Rocky Linux", "Red Hat", "SUSE", "openSUSE", "PyPI", "npm",
                         "crates.io", "Go", "Maven", "RubyGems", "Packagist", "NuGet", "Hex", "Pub", "CRAN", "Hackage", "Bitnami"] {
            XCTAssertTrue(listed.contains(required), required)
            XCTAssertNotNil(VersionSchemes.byEcosystem[required], required)
        }
    }

    func testPurlTypes() {
        let expected = ["deb": "dpkg", "apk": "apk", "rpm": "rpm", "alpm": "alpm", "pypi": "pypi", "npm": "semver",
                        "cargo": "semver", "golang": "go", "maven": "maven", "gem": "rubygems", "composer": "composer",
                        "nuget": "nuget", "hex": "semver", "pub": "pub", "cran": "cran", "hackage": "hackage", "DEB": "dpkg"]
        for (type, scheme) in expected {
            XCTAssertEqual(VersionSchemes.scheme(forPurlType: type)?.name, scheme, type)
        }
        XCTAssertNil(VersionSchemes.scheme(forPurlType: "generic"))
        XCTAssertNil(VersionSchemes.scheme(forPurlType: "github"))
    }

    /// The mapped scheme really orders by its ecosystem: one telling pair each.
    func testMappedSchemesOrderTheirEcosystem() throws {
        let pairs: [(String, String, String)] = [
            ("Debian:12", "2.36-9+deb12u4", "2.36-9+deb12u10"), ("Ubuntu:22.04:LTS", "1.0~rc1", "1.0"),
            ("Alpine:v3.18", "1.2_rc1-r0", "1.2-r0"), ("Red Hat", "1.0-1.el8", "1:0.5-1.el8"),
            ("PyPI", "1.0rc1", "1.0"), ("npm", "1.0.0-beta.11", "1.0.0-rc.1"), ("Go", "1.2.3", "v1.2.4-0.20191109021931-daa7c04131f5"),
            ("Maven", "1.0-SNAPSHOT", "1.0"), ("RubyGems", "1.0.b1", "1.0"), ("Packagist", "1.0-RC1", "1.0"),
            ("NuGet", "1.0.0-beta", "1.0.0"), ("Pub", "1.0.0", "1.0.0+1"), ("CRAN", "1.0-9", "1.0-10"), ("Hackage", "1.0", "1.0.0"),
        ]
        for (ecosystem, lower, higher) in pairs {
            let scheme = try XCTUnwrap(VersionSchemes.scheme(forOSVEcosystem: ecosystem))
            XCTAssertLessThan(try scheme.compare(lower, higher), 0, "\(ecosystem): \(lower) < \(higher)")
            XCTAssertGreaterThan(try scheme.compare(higher, lower), 0, "\(ecosystem): \(higher) > \(lower)")
            XCTAssertLessThan(try scheme.parse(lower), try scheme.parse(higher), ecosystem)
        }
    }
}
