/// Every cataloguer vouch runs by default, one per ecosystem. Each lives in its own folder
/// beside this file; add a new one here.
public enum DefaultCataloguers {
    public static var all: [Cataloguer] {
        [
            DpkgCataloguer(),
            PythonInstalledCataloguer(),
        ]
    }
}
