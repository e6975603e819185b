import Foundation
@testable import OCI
import XCTest

/// Basic auth against an htpasswd-protected local registry; Bearer challenges and token answers
/// parsed from the Distribution token spec shipped with Debian's docker-registry; docker config lookup.
final class RegistryAuthTests: XCTestCase {
    private var registry: LocalRegistry?
    private var tokenServer: TokenServer?
    private let user = "alice"
    private let password = "s3cret-Pa55"
    private let repository = "test/bookworm"

    override func tearDown() {
        registry?.stop()
        registry = nil
        tokenServer?.stop()
        tokenServer = nil
    }

    /// Starts an htpasswd registry holding the bookworm image. Only the tests that need it pay for it.
    private func protectedRegistry() throws -> LocalRegistry {
        let layout = try SharedData.image("oci")
        let registry = try LocalRegistry(htpasswd: (user, password))
        self.registry = registry
        try registry.push(layout: layout, tag: "bookworm", to: repository, as: "1", credentials: "\(user):\(password)")
        return registry
    }

    /// A registry that accepts only Bearer tokens from a local token service, holding the bookworm image.
    private func tokenProtectedRegistry() throws -> (LocalRegistry, TokenServer) {
        let layout = try SharedData.image("oci")
        let tokens = try TokenServer(user: user, password: password)
        tokenServer = tokens
        let registry = try LocalRegistry(token: tokens)
        self.registry = registry
        try registry.push(layout: layout, tag: "bookworm", to: repository, as: "1", credentials: "\(user):\(password)")
        return (registry, tokens)
    }

    private func expectedDigest() throws -> String? {
        try String(contentsOfFile: try SharedData.image("images.tsv"), encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("bookworm\t") }?.split(separator: "\t")[1].description
    }

    private func noConfig(_ registry: LocalRegistry) -> String {
        registry.directory.appendingPathComponent("no-config.json").path
    }

    func testBasicAuthFromOptionsEnvironmentAndDockerConfig() throws {
        let registry = try protectedRegistry()
        let ref = try RegistryReference.parse("\(registry.address)/\(repository):1")
        let expected = try String(contentsOfFile: try SharedData.image("images.tsv"), encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("bookworm\t") }?.split(separator: "\t")[1]

        let explicit = RegistryOptions(insecure: true, username: user, password: password, dockerConfigPath: noConfig(registry))
        XCTAssertEqual(try RegistryClient(options: explicit, environment: [:]).image(ref, platform: nil).manifestDigest?.description,
                       expected.map(String.init))

        let fromEnvironment = RegistryClient(options: RegistryOptions(insecure: true, dockerConfigPath: noConfig(registry)),
                                             environment: ["VOUCH_REGISTRY_USERNAME": user, "VOUCH_REGISTRY_PASSWORD": password])
        let image = try fromEnvironment.image(ref, platform: nil)
        let layer = try XCTUnwrap(image.layers.first)
        let source = VerifyingSource(try image.store.open(layer), expected: layer.digest, size: layer.size)
        try source.finish()

        // docker login writes `auth` (base64 user:password) under the registry's address.
        let config = registry.directory.appendingPathComponent("config.json")
        let auth = Data("\(user):\(password)".utf8).base64EncodedString()
        try Data(#"{"auths":{"http://\#(registry.address)":{"auth":"\#(auth)"}}}"#.utf8).write(to: config)
        let fromConfig = RegistryClient(options: RegistryOptions(insecure: true, dockerConfigPath: config.path), environment: [:])
        XCTAssertEqual(try fromConfig.image(ref, platform: nil).manifestDigest?.description, expected.map(String.init))
    }

    func testRefusalsSayWhatWasTriedWithoutShowingSecrets() throws {
        let registry = try protectedRegistry()
        let ref = try RegistryReference.parse("\(registry.address)/\(repository):1")
        let anonymous = RegistryClient(options: RegistryOptions(insecure: true, dockerConfigPath: noConfig(registry)), environment: [:])
        XCTAssertThrowsError(try anonymous.image(ref, platform: nil)) { error in
            guard case RegistryError.unauthorized(let host, let repo, _, let status, let errors, let hint) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(host, registry.address)
            XCTAssertEqual(repo, repository)
            XCTAssertEqual(status, 401)
            XCTAssertEqual(errors.first?.code, "UNAUTHORIZED")
            XCTAssertTrue(hint.contains("no credentials"), hint)
        }
        let wrong = "not-\(password)"
        let rejected = RegistryClient(options: RegistryOptions(insecure: true, username: user, password: wrong,
                                                               dockerConfigPath: noConfig(registry)), environment: [:])
        XCTAssertThrowsError(try rejected.image(ref, platform: nil)) { error in
            let text = "\(error)"
            XCTAssertEqual((error as? RegistryError)?.statusCode, 401, text)
            XCTAssertTrue(text.contains("username '\(user)'") && text.contains("not accepted"), text)
            XCTAssertFalse(text.contains(wrong), text)
            XCTAssertFalse(text.contains(Data("\(user):\(wrong)".utf8).base64EncodedString()), text)
        }
    }

    /// The challenge a real htpasswd-protected Distribution registry sends.
    func testLiveBasicChallengeParses() throws {
        let registry = try protectedRegistry()
        let http = try RegistryHTTP(registry: registry.address, options: RegistryOptions(insecure: true, dockerConfigPath: noConfig(registry)),
                                    environment: [:])
        let response = try http.send(RegistryHTTP.Request(path: "/v2/", what: "version check"))
        XCTAssertEqual(response.status, 401)
        let header = try XCTUnwrap(response.head.header("WWW-Authenticate"))
        XCTAssertEqual(AuthChallenge.parse(header), [AuthChallenge(scheme: "basic", parameters: ["realm": "vouch-test"])])
    }

    func testBearerTokenFlowWithBasicCredentialsAtTheTokenService() throws {
        let (registry, tokens) = try tokenProtectedRegistry()
        let ref = try RegistryReference.parse("\(registry.address)/\(repository):1")
        let anonymous = RegistryClient(options: RegistryOptions(insecure: true, dockerConfigPath: noConfig(registry)), environment: [:])
        XCTAssertThrowsError(try anonymous.image(ref, platform: nil)) { error in
            guard case RegistryError.unauthorized(_, _, let what, let status, let errors, let hint) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(what.hasPrefix("token request to 127.0.0.1:\(tokens.port)"), what)
            XCTAssertEqual(status, 401)
            XCTAssertEqual(errors.first?.message, "incorrect username or password")
            XCTAssertTrue(hint.contains("no credentials"), hint)
        }

        let before = try tokens.requests().count
        let client = RegistryClient(options: RegistryOptions(insecure: true, username: user, password: password,
                                                             dockerConfigPath: noConfig(registry)), environment: [:])
        let image = try client.image(ref, platform: nil)
        XCTAssertEqual(image.manifestDigest?.description, try expectedDigest())
        let layer = try XCTUnwrap(image.layers.first)
        let source = VerifyingSource(try image.store.open(layer), expected: layer.digest, size: layer.size)
        try source.finish()

        // One token, fetched with Basic credentials for the challenge's scope, serves manifest, config and layer.
        let issued = Array(try tokens.requests().dropFirst(before))
        XCTAssertEqual(issued.count, 1)
        XCTAssertEqual(issued.first?.basic, true)
        XCTAssertEqual(issued.first?.service, [tokens.service])
        XCTAssertEqual(issued.first?.scope, ["repository:\(repository):pull"])
    }

    func testReadyBearerTokenFromTheEnvironment() throws {
        let (registry, tokens) = try tokenProtectedRegistry()
        let http = try RegistryHTTP(registry: registry.address, options: RegistryOptions(insecure: true, dockerConfigPath: noConfig(registry)),
                                    environment: [:])
        let url = try XCTUnwrap(URL(string: "\(tokens.realm)?service=\(tokens.service)&scope=repository:\(repository):pull"))
        let basic = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        let answer = try http.send(RegistryHTTP.Request(path: "", url: url, headers: ["Authorization": basic], what: "token"))
        XCTAssertEqual(answer.status, 200)
        let token = try BearerTokenResponse(json: answer.body).token

        let before = try tokens.requests().count
        let client = RegistryClient(options: RegistryOptions(insecure: true, dockerConfigPath: noConfig(registry)),
                                    environment: ["VOUCH_REGISTRY_TOKEN": token])
        let ref = try RegistryReference.parse("\(registry.address)/\(repository):1")
        XCTAssertEqual(try client.image(ref, platform: nil).manifestDigest?.description, try expectedDigest())
        XCTAssertEqual(try tokens.requests().count, before, "a ready token is used as is")
    }

    /// Lines of the Distribution token spec (docs/spec/auth/token.md) as Debian installs it.
    private func tokenSpec() throws -> [String] {
        let path = "/usr/share/doc/docker-registry/spec/auth/token.md.gz"
        guard FileManager.default.fileExists(atPath: path), let gzip = LocalRegistry.tool("gzip") else {
            throw XCTSkip("\(path) is absent (apt-get install docker-registry)")
        }
        return try LocalRegistry.run(gzip, ["-dc", path]).split(separator: "\n").map(String.init)
    }

    func testBearerChallengesFromTheTokenSpec() throws {
        let headers = try tokenSpec().filter { $0.lowercased().hasPrefix("www-authenticate: bearer") }
        XCTAssertFalse(headers.isEmpty)
        for line in headers {
            let value = String(line.drop { $0 != ":" }.dropFirst())
            let challenges = AuthChallenge.parse(value)
            XCTAssertEqual(challenges.count, 1, line)
            let c = try XCTUnwrap(challenges.first)
            XCTAssertEqual(c.scheme, "bearer")
            XCTAssertEqual(c.realm, "https://auth.docker.io/token")
            XCTAssertEqual(c.service, "registry.docker.io")
            // The comma inside the quoted scope must not split it.
            XCTAssertEqual(c.scope, "repository:samalba/my-app:pull,push")
        }
    }

    func testTokenAnswerFromTheTokenSpec() throws {
        let line = try XCTUnwrap(try tokenSpec().first { $0.hasPrefix("{\"token\":") })
        let answer = try BearerTokenResponse(json: Data(line.utf8))
        XCTAssertTrue(answer.token.hasPrefix("eyJ0eXAiOiJKV1Qi"))
        XCTAssertEqual(answer.token.split(separator: ".").count, 3)
        XCTAssertEqual(answer.expiresIn, 3600)
        XCTAssertThrowsError(try BearerTokenResponse(json: Data(#"{"expires_in":60}"#.utf8)))
        XCTAssertThrowsError(try BearerTokenResponse(json: Data(#"{"token":"a b"}"#.utf8)))
    }

    /// Edge cases the spec lacks (synthetic on purpose): several challenges in one header (HTTP joins
    /// repeated headers with commas), odd spacing, escapes, and garbage that must not hang or crash.
    func testChallengeEdgeCases() {
        let both = AuthChallenge.parse(#"Basic realm="Registry Realm", Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:o/i:pull""#)
        XCTAssertEqual(both.map(\.scheme), ["basic", "bearer"])
        XCTAssertEqual(both.first?.realm, "Registry Realm")
        XCTAssertEqual(both.last?.scope, "repository:o/i:pull")
        let spaced = AuthChallenge.parse(#"Bearer  realm = "https://quay.io/v2/auth" , service=quay.io"#)
        XCTAssertEqual(spaced.first?.realm, "https://quay.io/v2/auth")
        XCTAssertEqual(spaced.first?.service, "quay.io")
        XCTAssertEqual(AuthChallenge.parse(#"Bearer realm="a\"b""#).first?.realm, #"a"b"#)
        for garbage in ["", "=", "\"", ",,,", "Bearer realm=\"unterminated", "= = =\"x"] {
            _ = AuthChallenge.parse(garbage)
        }
    }

    /// docker's config.json format (synthetic: there is no real docker config in shared data, and a
    /// real one would hold real secrets). Covers the three ways `docker login` and helpers write entries.
    func testDockerConfigEntriesAndHostMatching() throws {
        let json = #"""
        {"auths": {
          "https://index.docker.io/v1/": {"auth": "\#(Data("hubuser:hubpass".utf8).base64EncodedString())"},
          "ghcr.io": {"username": "octo", "password": "pat"},
          "registry.example.com:5000": {"auth": "\#(Data("u:p".utf8).base64EncodedString())", "identitytoken": "refresh"},
          "broken.example.com": {"auth": "!!!not base64"}
        }, "credsStore": "desktop"}
        """#
        let config = try DockerConfig(data: Data(json.utf8), path: "config.json")
        XCTAssertEqual(config.credential(for: "docker.io"), .basic(username: "hubuser", password: "hubpass"))
        XCTAssertEqual(config.credential(for: "registry-1.docker.io"), .basic(username: "hubuser", password: "hubpass"))
        XCTAssertEqual(config.credential(for: "ghcr.io"), .basic(username: "octo", password: "pat"))
        XCTAssertEqual(config.credential(for: "registry.example.com:5000"), .identityToken(username: "u", token: "refresh"))
        XCTAssertNil(config.credential(for: "registry.example.com"))
        XCTAssertNil(config.credential(for: "broken.example.com"))
        XCTAssertThrowsError(try DockerConfig(data: Data("[1,".utf8), path: "bad.json")) { error in
            XCTAssertTrue("\(error)".hasPrefix("bad.json: "), "\(error)")
        }
        XCTAssertEqual(RegistryCredential.basic(username: "octo", password: "pat").description, "username 'octo' with a password")
    }

    func testCredentialOrder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vouch-auth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(#"{"auths":{"ghcr.io":{"username":"cfg","password":"cfgpass"}}}"#.utf8).write(to: dir.appendingPathComponent("config.json"))
        let env = ["DOCKER_CONFIG": dir.path, "HOME": "/nonexistent"]
        let viaConfig = try CredentialResolver.resolve(registry: "ghcr.io", options: RegistryOptions(), environment: env)
        XCTAssertEqual(viaConfig?.credential, .basic(username: "cfg", password: "cfgpass"))
        XCTAssertNil(try CredentialResolver.resolve(registry: "quay.io", options: RegistryOptions(), environment: env))
        let viaEnv = try CredentialResolver.resolve(registry: "ghcr.io", options: RegistryOptions(),
                                                    environment: env.merging(["VOUCH_REGISTRY_USERNAME": "e", "VOUCH_REGISTRY_PASSWORD": "p"]) { $1 })
        XCTAssertEqual(viaEnv?.credential, .basic(username: "e", password: "p"))
        let viaToken = try CredentialResolver.resolve(registry: "ghcr.io", options: RegistryOptions(),
                                                      environment: env.merging(["VOUCH_REGISTRY_TOKEN": "t"]) { $1 })
        XCTAssertEqual(viaToken?.credential, .bearer(token: "t"))
        let explicit = try CredentialResolver.resolve(registry: "ghcr.io", options: RegistryOptions(username: "o", password: "q"),
                                                      environment: env.merging(["VOUCH_REGISTRY_TOKEN": "t"]) { $1 })
        XCTAssertEqual(explicit?.credential, .basic(username: "o", password: "q"))
    }
}
