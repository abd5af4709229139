import Testing
import Terminal
@testable import Console

/// Every kind of mistake in a theme file is reported with file, line and key.
struct ThemeFileErrorTests {
    static func errors(_ source: String, path: String = "Themes/mine.toml") -> [ConfigError] {
        ThemeFile.read(source: source, path: path).1
    }

    static func onlyError(_ source: String) throws -> ConfigError {
        let errors = Self.errors(source)
        #expect(errors.count == 1, "\(errors.map(\.description))")
        return try #require(errors.first)
    }

    @Test func unknownColourNamesFileLineKeyAndWhatIsExpected() throws {
        let source = """
            # mine
            [styles]
            text = { fg = "white" }
            "priority.p1" = { fg = "redd", bold = true }
            """
        let error = try Self.onlyError(source)
        #expect(error.description
            == "Themes/mine.toml:4: styles.priority.p1.fg: unknown colour 'redd' (expected a name, 0–255, #rrggbb or default)")
    }

    @Test func colourIndexOutOfRangeIsReported() throws {
        let error = try Self.onlyError("[styles]\n\ntext = { bg = 300 }\n")
        #expect(error.line == 3)
        #expect(error.key == "styles.text.bg")
        #expect(error.message.contains("300 is out of range"))
    }

    @Test func colourOfWrongTypeIsReported() throws {
        let error = try Self.onlyError("[styles]\ntext = { fg = true }\n")
        #expect(error.line == 2)
        #expect(error.key == "styles.text.fg")
        #expect(error.message == "expected a colour (a name, 0–255, #rrggbb or default), got true or false")
    }

    @Test func unknownRoleIsReportedWithASuggestion() throws {
        let error = try Self.onlyError("[styles]\ntext = {}\n\"priorty.p1\" = { fg = \"red\" }\n")
        #expect(error.line == 3)
        #expect(error.key == "styles.priorty.p1")
        #expect(error.message == "unknown role 'priorty.p1' (did you mean 'priority.p1'?)")
    }

    @Test func unknownRoleFarFromAnyNameHasNoSuggestion() throws {
        let error = try Self.onlyError("[styles]\nsparkles = {}\n")
        #expect(error.message == "unknown role 'sparkles'")
    }

    @Test func attributeWithNonBooleanValueIsReported() throws {
        let error = try Self.onlyError("[styles]\nheader = { fg = \"cyan\", bold = \"yes\" }\n")
        #expect(error.description == "Themes/mine.toml:2: styles.header.bold: expected true or false, got the string 'yes'")
    }

    @Test func unknownAttributeIsReportedWithTheKnownFields() throws {
        let error = try Self.onlyError("[styles]\nheader = { blink = true }\n")
        #expect(error.line == 2)
        #expect(error.key == "styles.header.blink")
        #expect(error.message == "unknown field 'blink' (expected fg, bg, bold, underline, reverse, dim, italic)")
    }

    @Test func roleGivenAStringInsteadOfATableIsReported() throws {
        let error = try Self.onlyError("[styles]\ntext = \"red\"\n")
        #expect(error.line == 2)
        #expect(error.key == "styles.text")
        #expect(error.message.hasPrefix("expected a style table"))
    }

    @Test func stylesThatIsNotATableIsReported() throws {
        let error = try Self.onlyError("styles = 3\n")
        #expect(error.description == "Themes/mine.toml:1: styles: expected a table of roles, got an integer")
    }

    @Test func unknownTopLevelKeyIsReported() throws {
        let error = try Self.onlyError("colours = {}\n[styles]\ntext = {}\n")
        #expect(error.line == 1)
        #expect(error.key == "colours")
        #expect(error.message == "unknown key 'colours' (expected inherits or styles)")
    }

    @Test func inheritsThatIsNotAStringIsReported() throws {
        let error = try Self.onlyError("inherits = 1\n")
        #expect(error.line == 1)
        #expect(error.key == "inherits")
    }

    @Test func syntaxErrorNamesFileLineAndColumn() throws {
        let error = try Self.onlyError("[styles]\ntext = { fg = \"red\" \nmuted = {}\n")
        #expect(error.file == "Themes/mine.toml")
        #expect(error.line == 2)
        #expect(error.column != nil)
        #expect(error.key == nil)
        #expect(error.description.hasPrefix("Themes/mine.toml:2:"))
        #expect(error.message.hasPrefix("TOML syntax error"))
    }

    @Test func mistakeInATableHeaderFormIsPlacedOnItsOwnLine() throws {
        let source = """
            [styles."priority.p1"]
            bold = true
            fg = "redd"
            """
        let error = try Self.onlyError(source)
        #expect(error.line == 3)
        #expect(error.key == "styles.priority.p1.fg")
    }

    @Test func everyMistakeIsReportedInLineOrder() {
        let source = """
            [styles]
            text = { fg = "nope" }
            muted = { dim = 1 }
            "sla.ok" = { fg = 999 }
            zzz = {}
            """
        let lines = Self.errors(source).map(\.line)
        #expect(lines == [2, 3, 4, 5])
    }

    @Test func rolesWrittenAsBareDottedKeysOrSubTablesAreTheSameRoles() {
        let source = """
            [styles]
            priority.p1 = { fg = "red", bold = true }
            selection = { reverse = true, inactive = { underline = true } }
            [styles.sla]
            ok = { fg = 2 }
            [styles."state.new"]
            italic = true
            """
        let (theme, errors) = ThemeFile.read(source: source, path: "t.toml")
        #expect(errors.isEmpty, "\(errors.map(\.description))")
        #expect(theme?.styles[.priorityP1] == Style(foreground: .indexed(1), attributes: .bold))
        #expect(theme?.styles[.selection] == Style(attributes: .reverse))
        #expect(theme?.styles[.selectionInactive] == Style(attributes: .underline))
        #expect(theme?.styles[.slaOK] == Style(foreground: .indexed(2)))
        #expect(theme?.styles[.stateNew] == Style(attributes: .italic))
    }

    @Test func roleGivenTwiceInDifferentSpellingsIsReported() throws {
        let source = """
            [styles]
            "priority.p1" = { bold = true }
            priority.p1 = { dim = true }
            """
        let error = try Self.onlyError(source)
        #expect(error.line == 3)
        #expect(error.key == "styles.priority.p1")
        #expect(error.message == "role 'priority.p1' is already given as styles.priority.p1 on line 2")
    }

    @Test func allStyleFieldsAreRead() {
        let source = """
            [styles]
            text = { fg = "#102030", bg = 17, bold = true, underline = true, reverse = true, dim = true, italic = true }
            muted = { bold = false }
            """
        let styles = ThemeFile.read(source: source, path: "t.toml").0?.styles
        #expect(styles?[.text] == Style(foreground: .rgb(0x10, 0x20, 0x30), background: .indexed(17),
                                        attributes: [.bold, .underline, .reverse, .dim, .italic]))
        #expect(styles?[.muted] == Style())
    }
}
