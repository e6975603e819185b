import Foundation
import JSON

/// Reads CSAF 2.0 VEX: per vulnerability and per `product_status` key, one statement for the products
/// listed there, named through the `product_tree`.
///
/// - Category: `csaf_vex`, and `csaf_security_advisory`, whose profile also requires `product_status`
///   with the same meaning (Red Hat publishes both; the Red Hat document in the test data is csaf_vex).
///   `csaf_base` and informational advisories carry no status to read and are refused.
/// - A relationship's product id means "component X as part of product Y" (`default_component_of`,
///   `installed_on`, `installed_with`, …): it becomes product Y with subcomponent X, which is what an
///   OpenVEX product with subcomponents says.
/// - Justification (`flags[].label`), impact (`threats[]` of category `impact`) and action
///   (`remediations[]`) are given per product id; a status group whose products differ in them is split
///   so each statement says exactly what the document says for its products. Threats and remediations
///   naming no products apply to all of the vulnerability's.
/// - Statements are numbered in the order they are formed (vulnerability, then status group), so
///   "statement N" in a problem is stable for a document; the message also names the vulnerability.
public enum CSAFVEXReader {
    static let categories: Set<String> = ["csaf_vex", "csaf_security_advisory"]

    public static func read(_ root: JSON, location: String) throws -> VEXDocument {
        func fail(_ message: String) -> VEXReadError { VEXReadError(location: location, message: message) }
        guard let meta = root["document"], meta.object != nil else { throw fail("is not a CSAF document (no document object)") }
        guard meta["csaf_version"]?.string == "2.0" else {
            throw fail("csaf_version \(VEXText.describe(meta["csaf_version"])) is not 2.0, the CSAF version this reader knows")
        }
        guard let category = meta["category"]?.string, categories.contains(category) else {
            throw fail("CSAF category \(VEXText.describe(meta["category"])) carries no VEX product status (read: \(categories.sorted().joined(separator: ", ")))")
        }
        guard let vulnerabilities = root["vulnerabilities"]?.array else {
            throw fail("vulnerabilities is \(VEXText.describe(root["vulnerabilities"])), not an array")
        }
        let tracking = meta["tracking"]
        var document = VEXDocument(format: .csaf, location: location, id: VEXText.text(tracking?["id"]),
                                   author: VEXText.text(meta["publisher"]?["name"]), version: VEXText.integer(tracking?["version"]))
        do { document.timestamp = try VEXText.time(tracking?["current_release_date"], "tracking.current_release_date") } catch let p as VEXStatementProblem {
            document.problems.append(VEXProblem(location: location, statementIndex: nil, message: p.message + "; the document has no time"))
        }
        var reader = Reader(tree: ProductTree(root["product_tree"]),
                            origin: VEXOrigin(format: .csaf, location: location, documentID: document.id, author: document.author,
                                              documentTimestamp: document.timestamp, documentVersion: document.version, statementIndex: 0))
        for (index, vulnerability) in vulnerabilities.enumerated() {
            reader.read(vulnerability, at: index, into: &document)
        }
        return document
    }

    /// What the document says about one product for one vulnerability, besides its status.
    struct Detail: Hashable {
        var justification: String?
        var impact: String?
        var action: String?
    }

    /// Product ids a flag, threat or remediation covers; nil when it names none (it covers all).
    struct Coverage {
        let text: String
        let ids: Set<String>?
        func covers(_ id: String) -> Bool { ids?.contains(id) ?? true }
    }

    struct Reader {
        let tree: ProductTree
        var origin: VEXOrigin
        var purls = VEXPurlCheck()

        mutating func read(_ v: JSON, at index: Int, into document: inout VEXDocument) {
            let ids = v.array("ids").compactMap { VEXText.text($0["text"]) }
            let name = VEXText.text(v["cve"]) ?? ids.first
            var seen = Set([name].compactMap { $0 })
            let aliases = ids.filter { seen.insert($0).inserted }
            let label = "vulnerabilities[\(index)] (\(name.map { VEXText.clip($0) } ?? "no id"))"
            guard let status = v["product_status"]?.object else {
                document.problems.append(VEXProblem(location: origin.location, statementIndex: nil,
                                                    message: "\(label): product_status is \(VEXText.describe(v["product_status"])); nothing to read"))
                return
            }
            let flags = coverage(v.array("flags"), text: { VEXText.text($0["label"]) })
            let threats = coverage(v.array("threats").filter { $0["category"]?.string == "impact" }, text: { VEXText.text($0["details"]) })
            let remediations = coverage(v.array("remediations"), text: { r in
                VEXText.text(r["details"]).map { details in
                    (VEXText.text(r["category"]).map { "\($0): " } ?? "") + details + (VEXText.text(r["url"]).map { " (\($0))" } ?? "")
                }
            })
            for (key, value) in status {
                // `recommended` names products to use, not a state: not a statement, so it takes no number.
                if key == "recommended" { continue }
                guard let vexStatus = VEXStatus(csafProductStatus: key) else {
                    problem(label + ": unknown product_status \"\(VEXText.clip(key))\"", into: &document)
                    origin.statementIndex += 1
                    continue
                }
                guard let productIDs = value.array?.compactMap(\.string), productIDs.count == value.array?.count else {
                    problem("\(label) \(key): is \(VEXText.describe(value)), not a list of product ids", into: &document)
                    origin.statementIndex += 1
                    continue
                }
                // Split the group where its products differ in justification, impact or action (order kept).
                var order: [Detail] = []
                var byDetail: [Detail: [String]] = [:]
                for id in productIDs {
                    let detail = Detail(justification: flags.first { $0.covers(id) }?.text,
                                        impact: joined(threats.filter { $0.covers(id) }),
                                        action: joined(remediations.filter { $0.covers(id) }))
                    if byDetail[detail] == nil { order.append(detail) }
                    byDetail[detail, default: []].append(id)
                }
                for detail in order {
                    var notes: [String] = []
                    do {
                        guard let name else { throw VEXStatementProblem("missing vulnerability id (no cve and no ids)") }
                        document.statements.append(try make(name, aliases, vexStatus, detail, byDetail[detail] ?? [], notes: &notes))
                    } catch let p as VEXStatementProblem {
                        notes.append(p.message)
                    } catch {
                        notes.append("\(error)")
                    }
                    for note in notes { problem("\(label) \(key): \(note)", into: &document) }
                    origin.statementIndex += 1
                }
            }
        }

        private mutating func make(_ name: String, _ aliases: [String], _ status: VEXStatus, _ detail: Detail, _ ids: [String],
                                   notes: inout [String]) throws -> VEXStatement {
            let justification = try OpenVEXReader.justification(detail.justification.map(JSON.string))
            try VEXText.requireReason(status, justification, detail.impact, "impact threat")
            var products: [VEXComponent] = []
            for id in ids {
                if let product = try tree.component(id, purls: &purls) { products.append(product) } else {
                    notes.append("product id \"\(VEXText.clip(id))\" is not defined in product_tree; left out")
                }
            }
            // A statement without products would apply to an attestation's whole subject: never from here.
            guard !products.isEmpty else { throw VEXStatementProblem("none of its products is defined in product_tree, so the statement is not used") }
            return VEXStatement(vulnerability: name, aliases: aliases, products: products, status: status, justification: justification,
                                impactStatement: detail.impact, actionStatement: detail.action, origin: origin)
        }

        private mutating func problem(_ message: String, into document: inout VEXDocument) {
            document.problems.append(VEXProblem(location: origin.location, statementIndex: origin.statementIndex, message: message))
        }

        private func coverage(_ items: [JSON], text: (JSON) -> String?) -> [Coverage] {
            items.compactMap { item in
                guard let t = text(item) else { return nil }
                var ids = Set(item.array("product_ids").compactMap(\.string))
                for group in item.array("group_ids").compactMap(\.string) { ids.formUnion(tree.groups[group] ?? []) }
                let named = item["product_ids"] != nil || item["group_ids"] != nil
                return Coverage(text: t, ids: named ? ids : nil)
            }
        }

        private func joined(_ items: [Coverage]) -> String? {
            items.isEmpty ? nil : items.map(\.text).joined(separator: "\n")
        }
    }

    /// The product tree flattened: every product id with its names, every relationship, every group.
    struct ProductTree {
        private(set) var products: [String: VEXComponent] = [:]
        /// Relationship product id → (component X, product Y).
        private(set) var relationships: [String: (component: String, product: String)] = [:]
        private(set) var groups: [String: [String]] = [:]

        init(_ tree: JSON?) {
            guard let tree else { return }
            // Branches are walked with a stack: nesting is bounded only by the JSON parser.
            var stack = tree.array("branches")
            var named = tree.array("full_product_names")
            while let branch = stack.popLast() {
                if let product = branch["product"] { named.append(product) }
                stack += branch.array("branches")
            }
            for product in named { add(product) }
            for r in tree.array("relationships") {
                guard let id = VEXText.text(r["full_product_name"]?["product_id"]),
                      let x = VEXText.text(r["product_reference"]), let y = VEXText.text(r["relates_to_product_reference"]),
                      relationships[id] == nil else { continue }
                relationships[id] = (x, y)
            }
            for g in tree.array("product_groups") {
                if let id = VEXText.text(g["group_id"]) { groups[id] = g.array("product_ids").compactMap(\.string) }
            }
        }

        private mutating func add(_ product: JSON) {
            guard let id = VEXText.text(product["product_id"]), products[id] == nil else { return }
            let helper = product["product_identification_helper"]
            var hashes: [String: String] = [:]
            for file in helper?.array("hashes") ?? [] {
                for h in file.array("file_hashes") {
                    if let alg = VEXText.text(h["algorithm"]), let value = VEXText.text(h["value"]) {
                        hashes[ProductTree.hashName(alg)] = value.lowercased()
                    }
                }
            }
            products[id] = VEXComponent(id: id, purl: VEXText.text(helper?["purl"]), cpe: VEXText.text(helper?["cpe"]), hashes: hashes)
        }

        /// CSAF writes OpenSSL's names (`sha256`); OpenVEX's table says `sha-256`.
        static func hashName(_ alg: String) -> String {
            let lower = alg.lowercased()
            switch lower {
            case "sha224", "sha256", "sha384", "sha512": return "sha-" + lower.dropFirst(3)
            default: return lower
            }
        }

        /// The product an id names, purls checked; nil when the id is defined nowhere. Relationship
        /// chains are followed four levels deep (real ones have one), so a cycle ends as "not defined"
        /// after at most 2^4 look-ups.
        func component(_ id: String, purls: inout VEXPurlCheck, depth: Int = 0) throws -> VEXComponent? {
            if var product = products[id] {
                if let purl = product.purl { product.purl = try purls.check(purl, "product \"\(VEXText.clip(id))\" purl") }
                return product
            }
            guard depth < 4, let relation = relationships[id],
                  var product = try component(relation.product, purls: &purls, depth: depth + 1),
                  let part = try component(relation.component, purls: &purls, depth: depth + 1) else { return nil }
            product.subcomponents.append(part)
            return product
        }
    }
}
