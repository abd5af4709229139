import Foundation
import Testing
import Terminal
@testable import Console

/// Which theme is chosen and where it is found, with temp folders as XDG_CONFIG_HOME.
struct ThemeResolutionTests {
    static let bundled = repositoryThemesDirectory()

    /// A loader whose user folder is `<scratch>/config/opsdesk/themes` and whose bundled folders
    /// are as given (the repository's Themes/ unless told otherwise).
    static func loader(_ scratch: ThemeScratch, bundled: [String] = [bundled],
                       extra environment: [String: String] = [:]) -> ThemeLoader {
        let env = ["XDG_CONFIG_HOME": scratch.path("config"), "HOME": scratch.path("home")].merging(environment) { $1 }
        let paths = ThemeSearchPaths(userDirectory: ConfigFile.directory(environment: env) + "/themes",
                                     bundledDirectories: bundled)
        return ThemeLoader(searchPaths: paths, environment: env)
    }

    static func bundledTheme(_ name: String) -> Theme {
        let file = try! TOMLFile(contentsOf: bundled + "/\(name).toml")
        return Theme(name: name, styles: ThemeFile.read(file).0.styles)
    }

    static let tinyTheme = "[styles]\ntext = { fg = \"magenta\" }\n"

    @Test func nothingChosenGivesTheBundledDefault() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let loaded = Self.loader(scratch).load(option: nil, config: nil)
        #expect(loaded.origin == .file(Self.bundled + "/default.toml"))
        #expect(loaded.theme.name == "default")
        #expect(loaded.warnings.isEmpty)
        #expect(!loaded.noColor)
    }

    @Test func themeOptionAsPathLoadsThatFile() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let path = scratch.write("elsewhere/mine.toml", Self.tinyTheme)
        let loaded = Self.loader(scratch).load(option: path, config: nil)
        #expect(loaded.origin == .file(path))
        #expect(loaded.theme.name == "mine")
        #expect(loaded.theme.style(.text) == Style(foreground: .indexed(5)))
        #expect(loaded.warnings.isEmpty)
    }

    @Test func themeNameInUserFolderShadowsTheBundledOne() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let path = scratch.write("config/opsdesk/themes/light.toml", Self.tinyTheme)
        let loaded = Self.loader(scratch).load(option: "light", config: nil)
        #expect(loaded.origin == .file(path))
        #expect(loaded.theme.style(.text) == Style(foreground: .indexed(5)))
    }

    @Test func themeNameNotInUserFolderComesFromBundledFolder() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        scratch.write("config/opsdesk/themes/other.toml", Self.tinyTheme)
        let loaded = Self.loader(scratch).load(option: "light", config: nil)
        #expect(loaded.origin == .file(Self.bundled + "/light.toml"))
        #expect(loaded.theme.styles == Self.bundledTheme("light").styles)
    }

    @Test func userFolderFallsBackToHomeDotConfigWithoutXDG() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let path = scratch.write("home/.config/opsdesk/themes/mine.toml", Self.tinyTheme)
        let loader = ThemeLoader(environment: ["HOME": scratch.path("home")], executablePath: nil)
        #expect(loader.searchPaths.userDirectory == scratch.path("home/.config/opsdesk/themes"))
        #expect(loader.load(option: "mine", config: nil).origin == .file(path))
    }

    @Test func withNoThemeFilesAnywhereTheBuiltInDefaultIsUsed() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let loaded = Self.loader(scratch, bundled: []).load(option: nil, config: nil)
        #expect(loaded.origin == .builtIn("default"))
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.theme.styles == Self.bundledTheme("default").styles)
    }

    @Test func configThemeIsUsedWhenNoOptionIsGiven() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let config = ConfigFile.parse(source: "theme = \"light\"\n", path: scratch.path("config/opsdesk/config.toml"))
        let loaded = Self.loader(scratch).load(option: nil, config: config)
        #expect(loaded.origin == .file(Self.bundled + "/light.toml"))
    }

    @Test func themeOptionBeatsConfigTheme() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let config = ConfigFile.parse(source: "theme = \"light\"\n", path: scratch.path("config/opsdesk/config.toml"))
        let loaded = Self.loader(scratch).load(option: "colorblind", config: config)
        #expect(loaded.origin == .file(Self.bundled + "/colorblind.toml"))
    }

    @Test func relativePathInConfigIsTakenFromTheConfigFolder() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let path = scratch.write("config/opsdesk/my/own.toml", Self.tinyTheme)
        let config = ConfigFile.parse(source: "theme = \"my/own.toml\"\n", path: scratch.path("config/opsdesk/config.toml"))
        let loaded = Self.loader(scratch).load(option: nil, config: config)
        #expect(loaded.origin == .file(path))
        #expect(loaded.warnings.isEmpty)
    }

    @Test func tildePathIsTakenFromHome() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let path = scratch.write("home/t.toml", Self.tinyTheme)
        let loaded = Self.loader(scratch).load(option: "~/t.toml", config: nil)
        #expect(loaded.origin == .file(path))
    }

    @Test func unknownThemeNameFallsBackToDefaultWithAWarningNamingTheOption() throws {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let loaded = Self.loader(scratch).load(option: "lihgt", config: nil)
        #expect(loaded.theme.name == "default")
        #expect(loaded.origin == .file(Self.bundled + "/default.toml"))
        let first = try #require(loaded.warnings.first)
        #expect(first.file == "--theme")
        #expect(first.message.hasPrefix("no theme named 'lihgt' (did you mean 'light'?)"))
        #expect(first.message.contains("colorblind, default, high-contrast, light, monochrome"))
        #expect(loaded.warnings.last?.message.contains("using 'default'") == true)
    }

    @Test func unknownThemeInConfigIsReportedAtItsLine() throws {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let configPath = scratch.path("config/opsdesk/config.toml")
        let config = ConfigFile.parse(source: "bell = true\n\ntheme = \"nosuch\"\n", path: configPath)
        let first = try #require(Self.loader(scratch).load(option: nil, config: config).warnings.first)
        #expect(first.file == configPath)
        #expect(first.line == 3)
    }

    @Test func missingThemePathIsReported() throws {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let loaded = Self.loader(scratch).load(option: scratch.path("gone.toml"), config: nil)
        #expect(loaded.theme.name == "default")
        #expect(try #require(loaded.warnings.first).message == "theme file '\(scratch.path("gone.toml"))' not found")
    }

    @Test func brokenThemeGivesTheDefaultPlusItsMistakes() throws {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let path = scratch.write("config/opsdesk/themes/mine.toml", "[styles]\ntext = {}\n\"priority.p1\" = { fg = \"redd\" }\n")
        let loaded = Self.loader(scratch).load(option: "mine", config: nil)
        #expect(loaded.theme.name == "default")
        #expect(loaded.theme.styles == Self.bundledTheme("default").styles)
        let first = try #require(loaded.warnings.first)
        #expect(first.description == "\(path):3: styles.priority.p1.fg: unknown colour 'redd' (expected a name, 0–255, #rrggbb or default)")
        #expect(loaded.warnings.count == 2)
    }

    @Test func brokenUserDefaultFallsBackToTheBuiltInCopy() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        scratch.write("config/opsdesk/themes/default.toml", "[styles\n")
        let loaded = Self.loader(scratch, bundled: []).load(option: nil, config: nil)
        #expect(loaded.origin == .builtIn("default"))
        #expect(loaded.warnings.map(\.description) == [
            "\(scratch.path("config/opsdesk/themes/default.toml")):1:\(loaded.warnings.first?.column ?? 0): \(loaded.warnings.first?.message ?? "")",
            "opsdesk: theme 'default' not used; using 'default' from built-in default.toml",
        ])
    }

    // MARK: NO_COLOR

    @Test func noColorGivesMonochromeWhateverThemeIsChosen() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let config = ConfigFile.parse(source: "theme = \"light\"\n", path: scratch.path("config/opsdesk/config.toml"))
        let loaded = Self.loader(scratch, extra: ["NO_COLOR": "1"]).load(option: "colorblind", config: config)
        #expect(loaded.noColor)
        #expect(loaded.theme.name == "monochrome")
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.theme.styles == Self.bundledTheme("monochrome").styles)
        #expect(loaded.theme.styles.values.allSatisfy { $0.foreground == .default && $0.background == .default })
        #expect(loaded.theme.style(.selection).attributes.contains(.reverse))
    }

    @Test func emptyNoColorIsIgnored() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let loaded = Self.loader(scratch, extra: ["NO_COLOR": ""]).load(option: "light", config: nil)
        #expect(!loaded.noColor)
        #expect(loaded.theme.name == "light")
    }

    @Test func noColorStripsColoursEvenFromAColourfulUserMonochrome() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        scratch.write("config/opsdesk/themes/monochrome.toml", "[styles]\ntext = { fg = \"red\", bold = true }\n")
        let loaded = Self.loader(scratch, extra: ["NO_COLOR": "yes"]).load(option: nil, config: nil)
        #expect(loaded.theme.style(.text) == Style(attributes: .bold))
    }

    @Test func noColorWithoutAnyThemeFilesUsesTheBuiltInMonochrome() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let loaded = Self.loader(scratch, bundled: [], extra: ["NO_COLOR": "1"]).load(option: nil, config: nil)
        #expect(loaded.origin == .builtIn("monochrome"))
        #expect(loaded.theme.styles == Self.bundledTheme("monochrome").styles)
    }

    // MARK: inherits

    @Test func inheritingThemeOverridesOnlyTheRolesItGives() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        scratch.write("config/opsdesk/themes/mine.toml", "inherits = \"default\"\n[styles]\n\"priority.p1\" = { fg = 201 }\n")
        let loaded = Self.loader(scratch).load(option: "mine", config: nil)
        #expect(loaded.warnings.isEmpty)
        var expected = Self.bundledTheme("default").styles
        expected[.priorityP1] = Style(foreground: .indexed(201))
        #expect(loaded.theme.styles == expected)
    }

    @Test func userDefaultInheritingDefaultGetsTheBundledOneNotItself() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let path = scratch.write("config/opsdesk/themes/default.toml", "inherits = \"default\"\n[styles]\ntext = { bold = true }\n")
        let loaded = Self.loader(scratch).load(option: nil, config: nil)
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings.map(\.description))")
        #expect(loaded.origin == .file(path))
        #expect(loaded.theme.style(.text) == Style(attributes: .bold))
        #expect(loaded.theme.style(.header) == Self.bundledTheme("default").style(.header))
    }

    @Test func inheritsByRelativePathIsTakenFromTheInheritingFile() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        scratch.write("t/base.toml", "[styles]\nmuted = { dim = true }\n")
        let path = scratch.write("t/child.toml", "inherits = \"base.toml\"\n[styles]\ntext = { bold = true }\n")
        let loaded = Self.loader(scratch).load(option: path, config: nil)
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings.map(\.description))")
        #expect(loaded.theme.styles == [.muted: Style(attributes: .dim), .text: Style(attributes: .bold)])
    }

    @Test func inheritanceLoopIsReportedAndTheDefaultUsed() throws {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        scratch.write("config/opsdesk/themes/a.toml", "inherits = \"b\"\n")
        let b = scratch.write("config/opsdesk/themes/b.toml", "# b\ninherits = \"a\"\n")
        let loaded = Self.loader(scratch).load(option: "a", config: nil)
        #expect(loaded.theme.name == "default")
        let first = try #require(loaded.warnings.first)
        #expect(first.file == b)
        #expect(first.line == 2)
        #expect(first.key == "inherits")
        #expect(first.message == "inheritance loop: \(scratch.path("config/opsdesk/themes/a.toml")) → \(b) → \(scratch.path("config/opsdesk/themes/a.toml"))")
    }

    @Test func missingParentIsReportedAtTheInheritsLine() throws {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let path = scratch.write("config/opsdesk/themes/mine.toml", "\n\ninherits = \"nosuch\"\n")
        let first = try #require(Self.loader(scratch).load(option: "mine", config: nil).warnings.first)
        #expect(first.file == path)
        #expect(first.line == 3)
        #expect(first.key == "inherits")
        #expect(first.message.hasPrefix("no theme named 'nosuch'"))
    }

    @Test func brokenParentFailsTheChildToo() throws {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let parent = scratch.write("config/opsdesk/themes/base.toml", "[styles]\ntext = { fg = \"nope\" }\n")
        scratch.write("config/opsdesk/themes/mine.toml", "inherits = \"base\"\n")
        let loaded = Self.loader(scratch).load(option: "mine", config: nil)
        #expect(loaded.theme.name == "default")
        #expect(loaded.warnings.first?.file == parent)
        #expect(loaded.warnings.first?.line == 2)
    }

    @Test func notANameNorAPathIsRefused() throws {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let first = try #require(Self.loader(scratch).load(option: ".hidden", config: nil).warnings.first)
        #expect(first.message.contains("neither a theme name nor a path"))
    }

    // MARK: finding bundled themes, listing

    @Test func bundledThemesAreFoundByWalkingUpFromABuildFolder() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        scratch.write("repo/Themes/default.toml", Self.tinyTheme)
        let exe = scratch.write("repo/.build/x86_64-unknown-linux-gnu/debug/opsdesk", "")
        #expect(ThemeSearchPaths.bundledDirectories(forExecutable: exe) == [scratch.path("repo/Themes")])
    }

    @Test func bundledThemesAreFoundInAnInstalledShareFolderAndThroughSymlinks() throws {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        scratch.write("prefix/share/opsdesk/themes/default.toml", Self.tinyTheme)
        let exe = scratch.write("prefix/bin/opsdesk", "")
        #expect(ThemeSearchPaths.bundledDirectories(forExecutable: exe) == [scratch.path("prefix/share/opsdesk/themes")])
        try FileManager.default.createDirectory(atPath: scratch.path("bin"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch.path("bin/opsdesk"), withDestinationPath: exe)
        #expect(ThemeSearchPaths.bundledDirectories(forExecutable: scratch.path("bin/opsdesk"))
            == [scratch.path("prefix/share/opsdesk/themes")])
    }

    @Test func noBundledFolderIsFoundWhereThereIsNone() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let exe = scratch.write("bin/opsdesk", "")
        #expect(ThemeSearchPaths.bundledDirectories(forExecutable: exe) == [])
    }

    @Test func availableThemesListsUserBundledAndBuiltInNames() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        scratch.write("config/opsdesk/themes/zebra.toml", Self.tinyTheme)
        scratch.write("config/opsdesk/themes/notes.txt", "")
        #expect(Self.loader(scratch).availableThemes() == ["colorblind", "default", "high-contrast", "light", "monochrome", "zebra"])
        #expect(Self.loader(scratch, bundled: []).availableThemes() == ["default", "monochrome", "zebra"])
    }

    @Test func checkListsTheMistakesOfAThemeAndItsParents() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let base = scratch.write("config/opsdesk/themes/base.toml", "[styles]\ntext = { fg = \"nope\" }\n")
        scratch.write("config/opsdesk/themes/mine.toml", "inherits = \"base\"\n")
        let loader = Self.loader(scratch)
        #expect(loader.check("mine").map(\.description)
            == ["\(base):2: styles.text.fg: unknown colour 'nope' (expected a name, 0–255, #rrggbb or default)"])
        #expect(loader.check("light").isEmpty)
        #expect(loader.check("nosuch").count == 1)
    }

    @Test func locateSaysWhereANameWouldBeLoadedFrom() {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        #expect(Self.loader(scratch).locate("light") == .file(Self.bundled + "/light.toml"))
        #expect(Self.loader(scratch, bundled: []).locate("default") == .builtIn("default"))
        #expect(Self.loader(scratch, bundled: []).locate("light") == nil)
    }
}
