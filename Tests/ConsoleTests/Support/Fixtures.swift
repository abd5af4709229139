@testable import Console
import Terminal

/// Sessions, states and frames for the console's tests.
enum Fixtures {
    /// The shipped default theme (its built-in copy), so goldens show the real styles.
    static let theme: Theme = ThemeLoader.builtIn("default")

    static func info(storeExists: Bool = false, warnings: [String] = []) -> SessionInfo {
        let store = storeExists
            ? StoreOverview(path: "/srv/opsdesk/store", exists: true,
                            files: [.init(name: "events.log", bytes: 123_456), .init(name: "snapshot.bin", bytes: 2_048)])
            : StoreOverview(path: "/home/alice/.local/share/opsdesk", exists: false)
        return SessionInfo(version: "0.1.0", store: store, user: "alice", configPath: "/home/alice/.config/opsdesk/config.toml",
                           configExists: false, themeName: "default", themePath: nil, terminal: "xterm-256color, 256 colours, mouse",
                           warnings: warnings)
    }

    static func state(width: Int = 80, height: Int = 24, storeExists: Bool = false, warnings: [String] = []) -> AppState {
        AppState(size: Size(width: width, height: height), info: info(storeExists: storeExists, warnings: warnings),
                 theme: theme, keyMap: KeyMap(), clock: "09:41", themeNames: ["default", "high-contrast", "light", "monochrome"])
    }

    /// The frame of `state` as a golden (text and styles).
    static func golden(_ state: AppState) -> String {
        let backend = TestBackend(size: state.size)
        let (canvas, cursor) = Render.frame(state)
        backend.present(canvas, cursor: cursor)
        return backend.golden + (cursor.map { "── cursor \($0.x),\($0.y)\n" } ?? "── cursor hidden\n")
    }

    static func lines(_ state: AppState) -> [String] {
        let backend = TestBackend(size: state.size)
        backend.present(Render.frame(state).canvas, cursor: nil)
        return backend.lines
    }

    /// Feeds keys named as in config.toml (`"j"`, `"Enter"`) or text, one grapheme each.
    static func type(_ text: String, into state: inout AppState) {
        for c in text { _ = state.handle(.key(.char(c))) }
    }

    @discardableResult
    static func press(_ names: String..., into state: inout AppState) -> [Effect] {
        var out: [Effect] = []
        for name in names { out += state.handle(.key(KeyName.parse(name)!)) }
        return out
    }
}
