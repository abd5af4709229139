@testable import Console
import Terminal

/// A theme built in code, for tests only: distinct styles per role so the style maps of the
/// goldens show which role each cell has.
enum Fixtures {
    static let theme: Theme = {
        var styles: [ThemeRole: Style] = [:]
        styles[.text] = Style()
        styles[.muted] = Style(foreground: .indexed(244))
        styles[.accent] = Style(foreground: .indexed(39))
        styles[.title] = Style(foreground: .indexed(39), attributes: .bold)
        styles[.header] = Style(foreground: .indexed(231), background: .indexed(24))
        styles[.footer] = Style(foreground: .indexed(250), background: .indexed(236))
        styles[.footerKey] = Style(foreground: .indexed(214), background: .indexed(236), attributes: .bold)
        styles[.selection] = Style(attributes: .reverse)
        styles[.selectionInactive] = Style(attributes: .underline)
        styles[.error] = Style(foreground: .indexed(196), attributes: .bold)
        styles[.warning] = Style(foreground: .indexed(214))
        styles[.notice] = Style(foreground: .indexed(114))
        styles[.input] = Style(foreground: .indexed(231), background: .indexed(238))
        styles[.dialog] = Style(background: .indexed(235))
        styles[.dialogBorder] = Style(foreground: .indexed(39), background: .indexed(235))
        styles[.columnHeader] = Style(foreground: .indexed(39), attributes: [.bold, .underline])
        return Theme(name: "test", styles: styles)
    }()

    static func info(storeExists: Bool = false, warnings: [String] = []) -> SessionInfo {
        let store = storeExists
            ? StoreOverview(path: "/srv/opsdesk/store", exists: true,
                            files: [.init(name: "events.log", bytes: 123_456), .init(name: "snapshot.bin", bytes: 2_048)])
            : StoreOverview(path: "/home/alice/.local/share/opsdesk", exists: false)
        return SessionInfo(version: "0.1.0", store: store, user: "alice", configPath: "/home/alice/.config/opsdesk/config.toml",
                           configExists: false, themeName: "test", themePath: nil, terminal: "xterm-256color, 256 colours, mouse",
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
