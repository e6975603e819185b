import Foundation
import JSON
import SBOM

/// Reads a VEX document in any supported format: sniffs JSON or YAML from the bytes, recognises the
/// format from the parsed tree and hands it to that format's reader. It holds no state; it is a value
/// so callers can write `VEXDocumentReader().read(…)`.
public struct VEXDocumentReader: Sendable {
    public init() {}

    /// Real VEX documents are kilobytes to megabytes (the largest in the test data, Red Hat's
    /// RHSA-2020:1358, is 1.2 MB); anything past this is refused before it is read, so a mistaken path cannot exhaust memory.
    public static let maximumBytes = 256 << 20

    public func read(contentsOf path: String) throws -> VEXDocument {
        try read(VEXFile.contents(of: path), location: path)
    }

    /// `location` names the document in problems and explanations (a path, `attestation …`).
    public func read(_ data: Data, location: String) throws -> VEXDocument {
        try read(json: VEXDocumentReader.tree(data, location: location), location: location)
    }

    /// For a document already parsed, such as an attestation's predicate.
    public func read(json: JSON, location: String) throws -> VEXDocument {
        switch VEXDocumentReader.classify(json) {
        case .notVEX(let why): throw VEXReadError(location: location, message: why)
        case .vex(.openVEX): return try OpenVEXReader.read(json, location: location)
        case .vex(.cycloneDX): return try CycloneDXVEXReader.read(json, location: location)
        case .vex(.csaf): return try CSAFVEXReader.read(json, location: location)
        }
    }

    /// The format of a parsed document, or nil when it is not a VEX document at all.
    public static func format(of json: JSON) -> VEXFormat? {
        if case .vex(let format) = classify(json) { return format }
        return nil
    }

    enum Classification: Equatable {
        case vex(VEXFormat)
        case notVEX(String)
    }

    /// Recognition looks only at markers each format requires, so a document is never read as the wrong
    /// format; the message for anything else says what the document looks like instead.
    static func classify(_ json: JSON) -> Classification {
        guard json.object != nil else { return .notVEX("is not a VEX document (the top level is not an object)") }
        if let bomFormat = json["bomFormat"] {
            guard bomFormat.string == "CycloneDX" else { return .notVEX("is not a VEX document (bomFormat is not \"CycloneDX\")") }
            // A BOM without `vulnerabilities` is a plain SBOM; one with them, but none analysed, reads as empty VEX.
            guard json["vulnerabilities"] != nil else { return .notVEX("is a CycloneDX SBOM without vulnerabilities, not VEX") }
            return .vex(.cycloneDX)
        }
        if let document = json["document"], document["csaf_version"] != nil {
            let category = document.string("category") ?? "(none)"
            guard CSAFVEXReader.categories.contains(category) else {
                return .notVEX("is a CSAF document of category \"\(VEXText.clip(category))\", which carries no VEX product status (read: \(CSAFVEXReader.categories.sorted().joined(separator: ", ")))")
            }
            return .vex(.csaf)
        }
        if OpenVEXReader.isOpenVEX(json) { return .vex(.openVEX) }
        if json["spdxVersion"] != nil || json["SPDXID"] != nil { return .notVEX("is an SPDX document, not VEX") }
        if json["_type"] != nil || json["payloadType"] != nil { return .notVEX("is an in-toto statement or DSSE envelope, not a bare VEX document") }
        return .notVEX("is not a VEX document (no OpenVEX @context or statements, no CycloneDX bomFormat, no CSAF document.csaf_version)")
    }

    /// JSON when the first meaningful byte opens an object or array, YAML otherwise.
    static func tree(_ data: Data, location: String) throws -> JSON {
        guard data.count <= maximumBytes else { throw VEXFile.tooLarge(location, bytes: data.count) }
        // A UTF-8 byte order mark is dropped: some Windows tools write one, and jansson refuses it.
        let body = data.starts(with: [0xEF, 0xBB, 0xBF]) ? Data(data.dropFirst(3)) : data
        let first = body.first { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }
        guard let first else { throw VEXReadError(location: location, message: "is empty") }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            do { return try JSON.parse(body) } catch {
                throw VEXReadError(location: location, message: "is not valid JSON: \(error)")
            }
        }
        return try VEXYAML.tree(body, location: location)
    }
}

/// `--vex-location` values: files and folders, read in the order given (folders in path order).
public enum VEXLocations {
    static let folderExtensions: Set<String> = ["json", "yaml", "yml"]

    /// A file named directly must be VEX; in a folder, JSON or YAML that is clearly something else
    /// (an SBOM, a SARIF report, a repository index) is passed over quietly, but a file that does not
    /// parse, or a VEX document that cannot be read, is still an error.
    public static func load(_ paths: [String]) -> (documents: [VEXDocument], errors: [VEXReadError]) {
        var documents: [VEXDocument] = [], errors: [VEXReadError] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                errors.append(VEXReadError(location: path, message: "no such file or folder"))
                continue
            }
            if !isDirectory.boolValue {
                do { documents.append(try VEXDocumentReader().read(contentsOf: path)) } catch { errors.append(readError(error, path)) }
                continue
            }
            for file in files(in: path) {
                do {
                    let tree = try VEXDocumentReader.tree(VEXFile.contents(of: file), location: file)
                    if case .notVEX = VEXDocumentReader.classify(tree) { continue }
                    documents.append(try VEXDocumentReader().read(json: tree, location: file))
                } catch {
                    errors.append(readError(error, file))
                }
            }
        }
        return (documents, errors)
    }

    /// Regular `*.json`, `*.yaml`, `*.yml` files below a folder, sorted so runs are repeatable. Hidden
    /// files and folders are skipped; symbolic links to folders are not followed (no cycles).
    static func files(in folder: String) -> [String] {
        let root = URL(fileURLWithPath: folder)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                          options: [.skipsHiddenFiles]) else { return [] }
        var found: [String] = []
        for case let url as URL in walker where folderExtensions.contains(url.pathExtension.lowercased()) {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            found.append(url.path)
        }
        return found.sorted()
    }

    private static func readError(_ error: Error, _ path: String) -> VEXReadError {
        (error as? VEXReadError) ?? VEXReadError(location: path, message: "\(error)")
    }
}

/// Reading a file without trusting what the path names: only regular files, opened without blocking
/// (a FIFO would otherwise hang the read), and never more than `maximumBytes`.
enum VEXFile {
    static func contents(of path: String) throws -> Data {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw VEXReadError(location: path, message: "cannot be opened: \(String(cString: strerror(errno)))") }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw VEXReadError(location: path, message: "cannot be examined: \(String(cString: strerror(errno)))") }
        guard info.st_mode & S_IFMT == S_IFREG else { throw VEXReadError(location: path, message: "is not a regular file") }
        guard Int(info.st_size) <= VEXDocumentReader.maximumBytes else { throw tooLarge(path, bytes: Int(info.st_size)) }
        let data: Data
        do { data = try handle.read(upToCount: VEXDocumentReader.maximumBytes + 1) ?? Data() } catch {
            throw VEXReadError(location: path, message: "cannot be read: \(error.localizedDescription)")
        }
        guard data.count <= VEXDocumentReader.maximumBytes else { throw tooLarge(path, bytes: data.count) }
        return data
    }

    static func tooLarge(_ location: String, bytes: Int) -> VEXReadError {
        VEXReadError(location: location, message: "is \(bytes / (1 << 20)) MB; VEX documents over \(VEXDocumentReader.maximumBytes >> 20) MB are refused")
    }
}

/// A statement the reader cannot use; caught per statement and recorded as a `VEXProblem`.
struct VEXStatementProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Field access shared by the three readers: wrong types count as absent only where absence is allowed.
enum VEXText {
    /// A non-empty string, else nil (absent, null, empty, or another type).
    static func text(_ json: JSON?) -> String? {
        guard let s = json?.string, !s.isEmpty else { return nil }
        return s
    }

    /// Integers, and strings that start with one (`"1"`, CSAF's `"2.1.0"`): the integer part.
    static func integer(_ json: JSON?) -> Int? {
        if let i = json?.int { return Int(exactly: i) }
        guard let s = json?.string else { return nil }
        let digits = s.prefix { $0.isASCII && $0.isNumber }.prefix(18)
        return digits.isEmpty ? nil : Int(digits)
    }

    /// Strings quoted in messages are cut, so a hostile value cannot flood a report.
    static func clip(_ s: String, _ limit: Int = 80) -> String {
        s.count <= limit ? s : String(s.prefix(limit)) + "…"
    }

    /// An RFC 3339 timestamp member: nil when absent; a problem when present but not a time.
    static func time(_ json: JSON?, _ field: String) throws -> Date? {
        guard let json, !json.isNull else { return nil }
        guard let s = json.string, let date = RFC3339.parse(s) else {
            throw VEXStatementProblem("\(field) \(describe(json)) is not an RFC 3339 time")
        }
        return date
    }

    /// How a value is quoted in a message: strings in quotes, anything else by its kind.
    static func describe(_ json: JSON?) -> String {
        switch json {
        case .string(let s)?: return "\"\(clip(s))\""
        case nil, .null?: return "(missing)"
        case .bool?: return "(a boolean)"
        case .int?, .double?: return "(a number)"
        case .array?: return "(an array)"
        case .object?: return "(an object)"
        }
    }

    /// The OpenVEX minimum-elements rule, applied to every format: `not_affected` must say why.
    static func requireReason(_ status: VEXStatus, _ justification: VEXJustification?, _ impact: String?, _ what: String) throws {
        if status == .notAffected, justification == nil, impact == nil {
            throw VEXStatementProblem("not_affected without a justification or \(what)")
        }
    }
}

/// Purl checks with a cache: large documents name the same purl hundreds of times (Red Hat, Ubuntu).
struct VEXPurlCheck {
    private var verdicts: [String: String?] = [:]

    /// The purl as written when it parses; a statement problem naming it when not. Type rules are not
    /// enforced: purls bending them (a Maven purl without a group) still name a package, and deciding
    /// whether they match is the matcher's job.
    mutating func check(_ purl: String, _ field: String) throws -> String {
        let verdict: String?
        if let known = verdicts[purl] { verdict = known } else {
            do { _ = try PackageURL(parsing: purl, enforcingTypeRules: false); verdict = nil } catch { verdict = "\(error)" }
            if verdicts.count < 100_000 { verdicts[purl] = verdict }
        }
        if let verdict { throw VEXStatementProblem("\(field) \"\(VEXText.clip(purl))\" is not a valid purl: \(verdict)") }
        return purl
    }
}
