import Foundation
import Testing
@testable import Console

/// The key locator finds the line each key is written on, whatever TOML form it takes.
struct TOMLFileTests {
    static let sample = #"""
        # comment with "quotes" and = signs and [brackets]
        title = "a # not a comment"
        'literal key' = 'x = y'

        [styles]
        text = { fg = "red" } # trailing
        "priority.p1" = { fg = "#ff5f5f", bold = true }
        notes = """
        several
        lines = here
        [not.a.table]
        """
        after = 1
        raw = '''
        also
        '''
        list = [
          "a", # comment
          { inner = 2 },
        ]
        dotted.key.path = 3

        [styles."state.new"]
        italic = true

        [[servers]]
        name = "one"

        [[servers]]
        name = "two"
        """#

    static func file() throws -> TOMLFile { try TOMLFile(source: sample, path: "sample.toml") }

    @Test(arguments: [
        (["title"], 2), (["literal key"], 3), (["styles"], 5), (["styles", "text"], 6), (["styles", "text", "fg"], 6),
        (["styles", "priority.p1"], 7), (["styles", "priority.p1", "fg"], 7), (["styles", "priority.p1", "bold"], 7),
        (["styles", "notes"], 8), (["styles", "after"], 13), (["styles", "raw"], 14), (["styles", "list"], 17),
        (["styles", "dotted"], 21), (["styles", "dotted", "key", "path"], 21),
        (["styles", "state.new"], 23), (["styles", "state.new", "italic"], 24),
        (["servers"], 26), (["servers", "name"], 27),
    ])
    func keyIsFoundOnItsLine(path: [String], line: Int) throws {
        #expect(try Self.file().line(of: path) == line)
    }

    @Test func keysThatAreNotWrittenHaveNoLine() throws {
        let file = try Self.file()
        #expect(file.line(of: ["not", "a", "table"]) == nil)
        #expect(file.line(of: ["styles", "lines"]) == nil)
        #expect(file.line(of: ["nothing"]) == nil)
    }

    @Test func nearestLineFallsBackToTheClosestWrittenParent() throws {
        let file = try Self.file()
        #expect(file.nearestLine(of: ["styles", "text", "bg"]) == 6)
        #expect(file.nearestLine(of: ["styles", "missing", "x"]) == 5)
        #expect(file.nearestLine(of: ["nothing"]) == nil)
    }

    @Test func parsedTableIsTOMLKits() throws {
        let file = try Self.file()
        #expect(file.table["styles"]?["after"]?.int == 1)
        #expect(file.table["title"]?.string == "a # not a comment")
    }

    @Test func errorAtAKeyIsPlacedAndNamed() throws {
        let error = try Self.file().error(at: ["styles", "priority.p1", "bold"], "no")
        #expect(error.description == "sample.toml:7: styles.priority.p1.bold: no")
    }

    @Test func escapedQuotesAndUnicodeInQuotedKeysAreUnderstood() throws {
        let file = try TOMLFile(source: "\"a\\\"b\" = 1\n\"caf\\u00e9\" = 2\n\"x\\ny\" = 3\n", path: "k.toml")
        #expect(file.line(of: ["a\"b"]) == 1)
        #expect(file.line(of: ["café"]) == 2)
        #expect(file.line(of: ["x\ny"]) == 3)
    }

    @Test func crlfLineEndingsCountLinesTheSame() throws {
        let file = try TOMLFile(source: "a = 1\r\n\r\n[t]\r\nb = \"x\"\r\n", path: "crlf.toml")
        #expect(file.line(of: ["t", "b"]) == 4)
    }

    @Test func missingFileIsAnErrorNamingTheFile() {
        #expect(throws: ConfigError(file: "/nonexistent/opsdesk/x.toml", message: "no such file")) {
            try TOMLFile(contentsOf: "/nonexistent/opsdesk/x.toml")
        }
    }

    @Test func nonUTF8FileIsAnErrorNamingTheFile() throws {
        let scratch = ThemeScratch(); defer { scratch.remove() }
        let path = scratch.path("bad.toml")
        try Data([0x61, 0x20, 0x3d, 0x20, 0x22, 0xff, 0xfe, 0x22]).write(to: URL(fileURLWithPath: path))
        #expect(throws: ConfigError(file: path, message: "not valid UTF-8 text")) { try TOMLFile(contentsOf: path) }
    }

    @Test func syntaxErrorCarriesLineAndColumn() {
        do {
            _ = try TOMLFile(source: "a = 1\nb = = 2\n", path: "s.toml")
            Issue.record("a syntax error was accepted")
        } catch {
            #expect(error.line == 2)
            #expect(error.column != nil)
            #expect(error.description.hasPrefix("s.toml:2:\(error.column ?? 0): TOML syntax error"))
        }
    }
}

struct ConfigErrorTests {
    @Test func descriptionLeavesOutWhatIsUnknown() {
        #expect(ConfigError(file: "f.toml", line: 7, key: "keys.take", message: "m").description == "f.toml:7: keys.take: m")
        #expect(ConfigError(file: "f.toml", line: 7, column: 3, message: "m").description == "f.toml:7:3: m")
        #expect(ConfigError(file: "f.toml", key: "k", message: "m").description == "f.toml: k: m")
        #expect(ConfigError(file: "f.toml", message: "m").description == "f.toml: m")
    }
}
