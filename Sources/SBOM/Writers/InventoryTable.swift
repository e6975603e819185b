import Foundation

/// A human-readable listing: one package a line, aligned columns, then a count.
public enum InventoryTable {
    public static func render(_ inventory: Inventory) -> String {
        var rows: [[String]] = [["NAME", "VERSION", "TYPE", "LAYER"]]
        let layers = inventory.subject.diffIDs
        for p in inventory.packages {
            let layer = p.layer.flatMap { l in layers.firstIndex(of: l).map { "\($0 + 1)" } } ?? ""
            rows.append([p.name, p.version, p.type.rawValue, layer])
        }
        let widths = (0..<4).map { c in rows.map { $0[c].count }.max() ?? 0 }
        var out = ""
        let s = inventory.subject
        out += "Subject: \(s.name)" + (s.manifestDigest.map { " (\($0))" } ?? "") + "\n"
        if let os = inventory.operatingSystem { out += "OS:      \(os.prettyName ?? os.distroQualifier)\n" }
        out += "\n"
        for r in rows {
            out += zip(r, widths).map { $0.0.padding(toLength: $0.1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces) + "\n"
        }
        let byType = Dictionary(grouping: inventory.packages, by: \.type).sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value.count) \($0.key.rawValue)" }
        out += "\n\(inventory.packages.count) packages" + (byType.isEmpty ? "" : " (" + byType.joined(separator: ", ") + ")") + "\n"
        return out
    }
}
