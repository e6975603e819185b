import Foundation
import SBOM
import XCTest
@testable import Catalog

final class RubyGemCataloguerTests: XCTestCase {
    static let testdata = "fixtures/syft/syft/pkg/cataloger/ruby/testdata"
    static let specifications = "usr/local/lib/ruby/gems/3.3.0/specifications"

    func tree(_ files: [(fixture: String, path: String)]) throws -> FileTree {
        let tree = FileTree()
        tree.layerIDs = ["sha256:base", "sha256:gems"]
        for f in files {
            let data = try SharedData.data("\(Self.testdata)/\(f.fixture)")
            tree.insert(f.path, FileNode(kind: .regular, size: Int64(data.count), layer: 1, content: data))
        }
        return tree
    }

    func testInterest() {
        let c = RubyGemCataloguer()
        XCTAssertEqual(c.interest(path: "\(Self.specifications)/rake-13.0.6.gemspec", size: 9, mode: 0o644), .keep(maxBytes: 1 << 20))
        XCTAssertEqual(c.interest(path: "\(Self.specifications)/default/json-2.7.2.gemspec", size: 9, mode: 0o644), .keep(maxBytes: 1 << 20))
        // A gem's own source gemspec (inside gems/) is Ruby code, not the installed record.
        XCTAssertEqual(c.interest(path: "usr/local/lib/ruby/gems/3.3.0/gems/rake-13.0.6/rake.gemspec", size: 9, mode: 0o644), .none)
        XCTAssertEqual(c.interest(path: "\(Self.specifications)/rake-13.0.6.gemspec.orig", size: 9, mode: 0o644), .none)
    }

    /// syft's bundler fixture; the expected values are those of syft's TestParseGemspec.
    func testBundler() throws {
        let path = "\(Self.specifications)/bundler-2.1.4.gemspec"
        let pkgs = try RubyGemCataloguer().catalogue(try tree([("bundler.gemspec", path)]), context: CatalogueContext(operatingSystem: nil))
        XCTAssertEqual(pkgs.count, 1)
        let bundler = try XCTUnwrap(pkgs.first)
        XCTAssertEqual(bundler.name, "bundler")
        XCTAssertEqual(bundler.version, "2.1.4")
        XCTAssertEqual(bundler.type, .gem)
        XCTAssertEqual(bundler.purl, "pkg:gem/bundler@2.1.4")
        XCTAssertEqual(bundler.licenses, ["MIT"])
        // Fifteen authors and one address: the first author, `\u00E9` decoded, without a guessed e-mail.
        XCTAssertEqual(bundler.supplier, "Person: André Arko")
        XCTAssertEqual(bundler.homepage, "https://bundler.io")
        XCTAssertEqual(bundler.description, "The best way to manage your application's dependencies")
        XCTAssertEqual(bundler.layer, "sha256:gems")
        XCTAssertEqual(bundler.locations, [Location(path: "/" + path, layer: "sha256:gems")])
        XCTAssertEqual(bundler.foundBy, "ruby-installed-gemspec")

        let spec = try Gemspec(try SharedData.data("\(Self.testdata)/bundler.gemspec"), path: path)
        XCTAssertEqual(spec.authors.count, 15)
        XCTAssertEqual(spec.authors[4], "David Rodríguez")
        XCTAssertEqual(spec.emails, ["team@bundler.io"])
    }

    /// syft's formatador fixture: `.freeze` everywhere and a `#{s.name}` interpolation in the homepage.
    func testFormatador() throws {
        let spec = try Gemspec(try SharedData.data("\(Self.testdata)/formatador.gemspec"), path: "x")
        XCTAssertEqual(spec.name, "formatador")
        XCTAssertEqual(spec.version, "1.1.0")
        XCTAssertEqual(spec.homepage, "https://github.com/geemus/formatador")
        XCTAssertEqual(spec.licenses, ["MIT"])
        XCTAssertEqual(spec.summary, "Ruby STDOUT text progress bar library")

        let pkgs = try RubyGemCataloguer().catalogue(
            try tree([("formatador.gemspec", "\(Self.specifications)/formatador-1.1.0.gemspec")]),
            context: CatalogueContext(operatingSystem: nil))
        XCTAssertEqual(pkgs.map(\.purl), ["pkg:gem/formatador@1.1.0"])
        // One author and one address belong together.
        XCTAssertEqual(pkgs.first?.supplier, "Person: geemus (Wesley Beary) (geemus@gmail.com)")
    }

    /// syft's glob-path fixtures are the text `bogus`: matched by path, skipped as content.
    func testBogusGemspecsAreSkipped() throws {
        let data = try SharedData.data("\(Self.testdata)/glob-paths/specifications/root.gemspec")
        XCTAssertThrowsError(try Gemspec(data, path: "specifications/root.gemspec")) { error in
            XCTAssertEqual(error as? GemspecError, .missingField(path: "specifications/root.gemspec", field: "name"))
        }
        XCTAssertThrowsError(try Gemspec(Data([0xFF, 0xFE, 0x00]), path: "bin.gemspec")) { error in
            XCTAssertEqual(error as? GemspecError, .notText(path: "bin.gemspec"))
        }
        let t = try tree([
            ("glob-paths/specifications/root.gemspec", "specifications/root.gemspec"),
            ("glob-paths/specifications/pkg/nested.gemspec", "specifications/pkg/nested.gemspec"),
            ("bundler.gemspec", "specifications/bundler-2.1.4.gemspec"),
        ])
        let pkgs = try RubyGemCataloguer().catalogue(t, context: CatalogueContext(operatingSystem: nil))
        XCTAssertEqual(pkgs.map(\.purl), ["pkg:gem/bundler@2.1.4"])
    }

    /// Synthetic: RubyGems 1.x wrote `%q{}` literals and the fixtures have none; an unresolvable
    /// interpolation, an unterminated string and an `==` comparison must not be misread either.
    func testOlderAndOddLiteralForms() throws {
        let text = """
        Gem::Specification.new do |s|
          s.name = %q{rake}
          s.version = "0.8.7"
          s.homepage = %q{http://rake.rubyforge.org/#{s.rubyforge_project}}
          s.authors = ["Jim Weirich"]
          s.email = %q{jim@weirichhouse.org}
          s.license = 'MIT'
          s.summary = "unterminated
          s.description == "not an assignment"
        end
        """
        let spec = try Gemspec(Data(text.utf8), path: "rake.gemspec")
        XCTAssertEqual(spec.name, "rake")
        XCTAssertEqual(spec.version, "0.8.7")
        XCTAssertNil(spec.homepage)
        XCTAssertEqual(spec.licenses, ["MIT"])
        XCTAssertNil(spec.summary)
        XCTAssertNil(spec.description)
        XCTAssertEqual(RubyGemCataloguer.supplier(spec), "Person: Jim Weirich (jim@weirichhouse.org)")
    }
}
