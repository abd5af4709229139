import Testing
@testable import Console

struct ConfigFileTests {
    static let path = "/home/ann/.config/opsdesk/config.toml"

    @Test func missingConfigFileGivesDefaultsAndNoWarnings() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let config = ConfigFile.load(environment: ["XDG_CONFIG_HOME": scratch.root])
        #expect(config.path == scratch.path("opsdesk/config.toml"))
        #expect(!config.exists)
        #expect(config.theme == nil)
        #expect(config.bell)
        #expect(config.keys.isEmpty)
        #expect(config.warnings.isEmpty)
    }

    @Test func configFileIsFoundUnderXDGConfigHomeElseHomeDotConfig() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        scratch.write("xdg/opsdesk/config.toml", "theme = \"light\"\n")
        scratch.write("home/.config/opsdesk/config.toml", "theme = \"colorblind\"\n")
        let viaXDG = ConfigFile.load(environment: ["XDG_CONFIG_HOME": scratch.path("xdg"), "HOME": scratch.path("home")])
        #expect(viaXDG.exists)
        #expect(viaXDG.theme == "light")
        let viaHome = ConfigFile.load(environment: ["HOME": scratch.path("home")])
        #expect(viaHome.theme == "colorblind")
        #expect(viaHome.path == scratch.path("home/.config/opsdesk/config.toml"))
    }

    @Test func fieldsAreRead() {
        let config = ConfigFile.parse(source: "theme = \"high-contrast\"\nbell = false\n", path: Self.path)
        #expect(config.theme == "high-contrast")
        #expect(config.themeLine == 1)
        #expect(!config.bell)
        #expect(config.warnings.isEmpty)
    }

    @Test func keyRemapsCarryTheirLinesInFileOrder() {
        let source = """
            # my keys
            theme = "light"

            [keys]
            take = "T"
            assign = ["a", "ctrl-a"]
            "view.incidents" = "1"
            view.changes = "2"
            """
        let config = ConfigFile.parse(source: source, path: Self.path)
        #expect(config.warnings.isEmpty, "\(config.warnings.map(\.description))")
        #expect(config.keys == [
            KeyRemap(action: "take", key: "T", file: Self.path, line: 5),
            KeyRemap(action: "assign", key: "a", file: Self.path, line: 6),
            KeyRemap(action: "assign", key: "ctrl-a", file: Self.path, line: 6),
            KeyRemap(action: "view.incidents", key: "1", file: Self.path, line: 7),
            KeyRemap(action: "view.changes", key: "2", file: Self.path, line: 8),
        ])
    }

    @Test func keyRemapMakesErrorsOnItsLine() {
        let remap = KeyRemap(action: "take", key: "T", file: "config.toml", line: 7)
        #expect(remap.error("unknown action 'take'").description == "config.toml:7: keys.take: unknown action 'take'")
    }

    @Test func unknownTopLevelKeyIsAWarningWithLineAndSuggestion() throws {
        let config = ConfigFile.parse(source: "theme = \"light\"\nbel = false\n[colours]\nx = 1\n", path: Self.path)
        #expect(config.theme == "light")
        #expect(config.bell)
        #expect(config.warnings.map(\.line) == [2, 3])
        let first = try #require(config.warnings.first)
        #expect(first.description == "\(Self.path):2: bel: unknown key 'bel' (did you mean 'bell'?) — known keys: theme, bell, keys")
        #expect(config.warnings.last?.key == "colours")
    }

    @Test func wrongTypesAreWarningsAndKeepTheDefaults() {
        let source = """
            theme = 3
            bell = "no"
            [keys]
            take = 5
            assign = ["a", 2]
            """
        let config = ConfigFile.parse(source: source, path: Self.path)
        #expect(config.theme == nil)
        #expect(config.bell)
        #expect(config.keys == [KeyRemap(action: "assign", key: "a", file: Self.path, line: 5)])
        #expect(config.warnings.map(\.description) == [
            "\(Self.path):1: theme: expected a theme name or path, got an integer",
            "\(Self.path):2: bell: expected true or false, got the string 'no'",
            "\(Self.path):4: keys.take: expected a key like \"t\" or [\"t\", \"ctrl-t\"], got an integer",
            "\(Self.path):5: keys.assign: expected keys as strings, got an integer",
        ])
    }

    @Test func keysThatIsNotATableIsAWarning() {
        let config = ConfigFile.parse(source: "keys = \"t\"\n", path: Self.path)
        #expect(config.keys.isEmpty)
        #expect(config.warnings.map(\.key) == ["keys"])
    }

    @Test func syntaxErrorIsAWarningWithLineAndAllDefaults() throws {
        let config = ConfigFile.parse(source: "theme = \"light\"\n\nbell = \n", path: Self.path)
        #expect(config.theme == nil)
        #expect(config.bell)
        let warning = try #require(config.warnings.first)
        #expect(config.warnings.count == 1)
        #expect(warning.line == 3)
        #expect(warning.file == Self.path)
    }

    @Test func unreadableConfigIsAWarning() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        scratch.write("opsdesk/config.toml/oops", "")   // config.toml is a folder
        let config = ConfigFile.load(environment: ["XDG_CONFIG_HOME": scratch.root])
        #expect(config.exists)
        #expect(config.warnings.map(\.message) == ["is a directory"])
    }
}
