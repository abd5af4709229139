import Console
import DeskStore
import Foundation
import Terminal

/// Everything read at start: store path, config, theme, key map, and what went wrong.
/// Shared by the console and `opsdesk info`.
struct Session {
    let environment: [String: String]
    let storePath: String
    let config: ConfigFile
    let themeLoader: ThemeLoader
    let theme: LoadedTheme
    let keyMap: KeyMap
    /// The real uid's name (the console may act as another: `--as`).
    let realUser: String
    /// The themes the picker offers.
    let themeNames: [String]

    init(options: DeskOptions, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(store: options.store, theme: options.theme, environment: environment)
    }

    init(store: String?, theme themeOption: String?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        storePath = StoreLocation.resolve(explicit: store, environment: environment)
        config = ConfigFile.load(environment: environment)
        themeLoader = ThemeLoader(environment: environment)
        theme = themeLoader.load(option: themeOption, config: config)
        keyMap = KeyMap(config: config)
        // Read here, while the console's first look runs on the other core.
        realUser = actingUser()
        themeNames = themeLoader.availableThemes()
    }

    /// Every problem found at start, `file:line: key: message`, in the order: config, theme, keys.
    var warnings: [String] {
        config.warnings.map(\.description) + theme.warnings.map(\.description) + keyMap.warnings.map(\.description)
    }

    var themePath: String? {
        if case let .file(path) = theme.origin { return path }
        return nil
    }

    /// `store`: the store the console already has open, so counting does not open it again.
    /// `counting: false`: the folder's files only, no record counts. `listing: false`: not even
    /// the files (the console's first frame drawn from the rows image, which shows neither:
    /// the full overview follows once the store is open).
    func info(terminal: String?, store: EventStore? = nil, counting: Bool = true, listing: Bool = true) -> SessionInfo {
        let overview = listing ? Session.overview(of: storePath, openStore: store, counting: counting)
                               : StoreOverview(path: storePath, exists: true)
        return SessionInfo(version: OpsDeskVersion.current, store: overview, user: realUser,
                    configPath: config.path, configExists: config.exists,
                    themeName: theme.theme.name + (theme.noColor ? " (NO_COLOR)" : ""), themePath: themePath,
                    terminal: terminal, warnings: warnings)
    }

    /// The store folder as scanned, plus its record counts per kind: from `openStore` when the
    /// caller has one, else from the store opened read-only (never taking the write lock,
    /// cutting a torn tail or changing a file).
    static func overview(of path: String, openStore: EventStore? = nil, counting: Bool = true) -> StoreOverview {
        var overview = StoreOverview.scan(path: path)
        guard overview.exists, overview.problem == nil, !overview.files.isEmpty else { return overview }
        guard counting || openStore != nil else { return overview }
        do {
            let store = try openStore ?? EventStore.open(at: path, readOnly: true)
            overview.recordCounts = store.view.counts.sorted { $0.key < $1.key }
                .map { RecordCount(kind: $0.key.rawValue, count: $0.value) }
        } catch StoreError.notAStore {
            // A folder of other files: the scan already shows what is there; no counts to give.
        } catch {
            overview.problem = "\(error)"
        }
        return overview
    }
}
