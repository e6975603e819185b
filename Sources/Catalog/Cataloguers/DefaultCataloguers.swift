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
}
