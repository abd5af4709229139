import Testing
@testable import Console
import Terminal

@Suite struct KeyMapConfigTests {
    @Test func configKeysTableRemapsAndReportsWithLines() {
        let source = """
            theme = "default"

            [keys]
            "cursor.down" = ["b", "Down"]
            help = "F1"
            "cursor.dwon" = "x"
            """
        let config = ConfigFile.parse(source: source, path: "/home/a/.config/opsdesk/config.toml")
        let map = KeyMap(config: config)
        #expect(map.binding(for: .char("b"), in: [.list])?.action == .cursorDown)
        #expect(map.binding(for: .down, in: [.list])?.action == .cursorDown)
        // F1 is view.about's: a clash, reported on help's line; help keeps `?`.
        #expect(map.warnings.map(\.description) == [
            "/home/a/.config/opsdesk/config.toml:5: keys.help: 'F1' is already bound to view.about (everywhere); keeping ?",
            "/home/a/.config/opsdesk/config.toml:6: keys.cursor.dwon: unknown action (did you mean cursor.up, cursor.down, cursor.top, cursor.bottom?)",
        ])
        #expect(map.binding(for: .char("?"), in: [.global])?.action == .help)
        #expect(map.clashes.isEmpty)
    }
}
