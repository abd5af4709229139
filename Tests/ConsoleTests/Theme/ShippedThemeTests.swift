import Foundation
import Testing
import Terminal
@testable import Console

/// The theme files in Themes/ as they ship.
struct ShippedThemeTests {
    static func read(_ name: String) throws -> (ThemeFile, [ConfigError]) {
        let file = try TOMLFile(contentsOf: repositoryThemesDirectory() + "/\(name).toml")
        return ThemeFile.read(file)
    }

    @Test(arguments: shippedThemeNames)
    func shippedThemeReadsWithoutMistakesAndStylesEveryRole(name: String) throws {
        let (theme, errors) = try Self.read(name)
        #expect(errors.isEmpty, "\(errors.map(\.description))")
        #expect(theme.inherits == nil, "shipped themes stand alone so each can be read on its own")
        let missing = ThemeRole.allCases.filter { theme.styles[$0] == nil }.map(\.rawValue)
        #expect(missing.isEmpty, "\(name) leaves out \(missing)")
    }

    @Test(arguments: shippedThemeNames)
    func shippedThemeLoadsThroughTheLoaderWithoutWarnings(name: String) {
        let scratch = ThemeScratch()
        defer { scratch.remove() }
        let loader = ThemeLoader(searchPaths: ThemeSearchPaths(userDirectory: scratch.path("none"),
                                                               bundledDirectories: [repositoryThemesDirectory()]),
                                 environment: [:])
        let loaded = loader.load(option: name, config: nil)
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings.map(\.description))")
        #expect(loaded.theme.name == name)
        #expect(loaded.origin == .file(repositoryThemesDirectory() + "/\(name).toml"))
        #expect(Set(loaded.theme.styles.keys) == Set(ThemeRole.allCases))
    }

    @Test(arguments: shippedThemeNames)
    func shippedThemeShowsSelectionAndSeparatesExtremePriorities(name: String) throws {
        let styles = try Self.read(name).0.styles
        #expect(styles[.selection] != styles[.text])
        #expect(styles[.selection] != styles[.selectionInactive])
        #expect(styles[.priorityP1] != styles[.priorityP5])
        #expect(styles[.slaBreached] != styles[.slaOK])
        #expect(styles[.error] != styles[.text])
    }

    /// The key locator, run over real theme files: each role's line is the line that names it.
    @Test(arguments: shippedThemeNames)
    func everyRoleOfAShippedThemeIsLocatedOnTheLineThatNamesIt(name: String) throws {
        let file = try TOMLFile(contentsOf: repositoryThemesDirectory() + "/\(name).toml")
        let lines = file.source.split(separator: "\n", omittingEmptySubsequences: false)
        for role in ThemeRole.allCases {
            let line = try #require(file.line(of: ["styles", role.rawValue]), "\(role.rawValue) not located")
            let text = lines[line - 1]
            #expect(text.hasPrefix(role.rawValue + " ") || text.hasPrefix("\"\(role.rawValue)\""), "line \(line): \(text)")
        }
    }

    @Test func monochromeThemeHasAttributesButNoColour() throws {
        let styles = try Self.read("monochrome").0.styles
        for (role, style) in styles {
            #expect(style.foreground == .default && style.background == .default, "\(role.rawValue) has a colour")
        }
        #expect(styles.values.contains { !$0.attributes.isEmpty })
        #expect(styles[.priorityP1]?.attributes != styles[.priorityP3]?.attributes)
        #expect(styles[.slaBreached]?.attributes != styles[.slaOK]?.attributes)
    }

    /// Red-green safe: no priority, SLA band or status role leans on a red or a green hue.
    @Test func colorblindThemeAvoidsRedAndGreenForUrgencyAndStatus() throws {
        let styles = try Self.read("colorblind").0.styles
        let roles: [ThemeRole] = [.priorityP1, .priorityP2, .priorityP3, .priorityP4, .priorityP5,
                                  .slaOK, .slaWarning, .slaBreached, .slaPaused, .error, .warning, .success,
                                  .stateNew, .stateActive, .stateOnHold, .stateResolved, .stateClosed]
        for role in roles {
            let style = try #require(styles[role])
            for color in [style.foreground, style.background] {
                #expect(!Self.isRedOrGreen(color), "\(role.rawValue) uses \(color)")
            }
        }
        // Bands stay apart: each priority and each SLA band looks different from its neighbours.
        let priorities = [ThemeRole.priorityP1, .priorityP2, .priorityP3, .priorityP4, .priorityP5].map { styles[$0] }
        #expect(Set(priorities.compactMap { $0 }).count == 5)
        let bands = [ThemeRole.slaOK, .slaWarning, .slaBreached, .slaPaused].map { styles[$0] }
        #expect(Set(bands.compactMap { $0 }).count == 4)
        // The most urgent are marked by more than colour.
        #expect(styles[.priorityP1]?.attributes.contains(.bold) == true)
        #expect(styles[.slaBreached]?.attributes.contains(.bold) == true)
    }

    /// Red: hue below 25° or above 335°; green: 75°–165°; only for clearly saturated colours.
    static func isRedOrGreen(_ color: Color) -> Bool {
        switch color {
        case .default: return false
        case .indexed(let index): return [1, 2, 9, 10].contains(index)
        case .rgb(let r, let g, let b):
            let (r, g, b) = (Double(r) / 255, Double(g) / 255, Double(b) / 255)
            let high = max(r, g, b), low = min(r, g, b), chroma = high - low
            guard high > 0, chroma / high > 0.25 else { return false }
            var hue: Double
            if high == r { hue = 60 * ((g - b) / chroma) } else if high == g { hue = 60 * ((b - r) / chroma + 2) } else { hue = 60 * ((r - g) / chroma + 4) }
            if hue < 0 { hue += 360 }
            return hue < 25 || hue > 335 || (75...165).contains(hue)
        }
    }

    @Test func redGreenCheckCatchesRedAndGreenButNotOrangeOrBlue() {
        #expect(Self.isRedOrGreen(.rgb(0xff, 0x5f, 0x5f)))
        #expect(Self.isRedOrGreen(.rgb(0x5f, 0xd7, 0x5f)))
        #expect(Self.isRedOrGreen(.indexed(9)))
        #expect(!Self.isRedOrGreen(.rgb(0xe6, 0x9f, 0x00)))
        #expect(!Self.isRedOrGreen(.rgb(0x56, 0xb4, 0xe9)))
        #expect(!Self.isRedOrGreen(.rgb(0x8a, 0x8a, 0x8a)))
    }

    @Test func defaultThemeShowsTheFormatInItsHeader() throws {
        let text = try String(contentsOfFile: repositoryThemesDirectory() + "/default.toml", encoding: .utf8)
        for word in ["inherits", "fg", "bg", "bold", "underline", "reverse", "dim", "italic", "#rrggbb", "0 to 255", "NO_COLOR"] {
            #expect(text.contains(word), "default.toml's header does not mention \(word)")
        }
        for role in ThemeRole.allCases {
            #expect(text.contains(role.rawValue), "default.toml does not mention role \(role.rawValue)")
        }
    }
}

struct BuiltInThemeTests {
    @Test(arguments: ["default", "monochrome"])
    func builtInCopyIsByteIdenticalToItsThemeFile(name: String) throws {
        let data = try #require(FileManager.default.contents(atPath: repositoryThemesDirectory() + "/\(name).toml"))
        let copy = try #require(BuiltInThemes.sources[name])
        let identical = Array(copy.utf8) == Array(data)
        let fileLines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let copyLines = copy.split(separator: "\n", omittingEmptySubsequences: false)
        let firstDifference = zip(fileLines, copyLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(fileLines.count, copyLines.count)
        #expect(identical, "Themes/\(name).toml and its built-in copy differ from line \(firstDifference + 1): run Themes/update-builtin.sh")
    }

    @Test func builtInCopiesAreExactlyDefaultAndMonochrome() {
        #expect(Set(BuiltInThemes.sources.keys) == ["default", "monochrome"])
    }

    @Test func builtInDefaultStylesEveryRole() {
        let theme = ThemeLoader.builtIn("default")
        #expect(Set(theme.styles.keys) == Set(ThemeRole.allCases))
    }
}
