/// Every cataloguer vouch runs by default, one per ecosystem. Each lives in its own folder
/// beside this file; add a new one here.
public enum DefaultCataloguers {
    public static var all: [Cataloguer] {
        [
            DpkgCataloguer(),
            APKCataloguer(),
            RPMCataloguer(),
            ALPMCataloguer(),
            PythonInstalledCataloguer(),
            GoBinaryCataloguer(),
            CargoAuditableCataloguer(),
            NPMCataloguer(),
            RubyGemCataloguer(),
            ComposerCataloguer(),
            DotNetDepsCataloguer(),
            JavaArchiveCataloguer(),
        ]
    }

    public struct UnknownCataloguer: Error, CustomStringConvertible {
        public let name: String
        public var description: String {
            "unknown cataloguer '\(name)' (known: \(DefaultCataloguers.all.map(\.name).joined(separator: ", ")))"
        }
    }

    /// The cataloguers named in a comma-separated list, or all of them for nil.
    public static func select(_ list: String?) throws -> [Cataloguer] {
        guard let list else { return all }
        let wanted = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return try wanted.map { name in
            guard let c = all.first(where: { $0.name == name }) else { throw UnknownCataloguer(name: name) }
            return c
        }
    }
}
