import Testing
@testable import Console
import Terminal

@Suite struct FilterMatcherTests {
    @Test func emptyQueryMatchesEverything() {
        #expect(FilterMatcher("").matches("anything"))
        #expect(FilterMatcher("   ").isEmpty)
    }

    @Test func lowercaseQueryIgnoresCase() {
        let m = FilterMatcher("disk")
        #expect(m.matches("Disk full on DB01"))
        #expect(m.matches("DISK"))
        #expect(!m.matches("dsk"))
    }

    @Test func aCapitalMakesItCaseSensitive() {
        let m = FilterMatcher("Disk")
        #expect(m.caseSensitive)
        #expect(m.matches("Disk full"))
        #expect(!m.matches("disk full"))
    }

    @Test func termsAreAndedInAnyOrder() {
        let m = FilterMatcher("db01 full")
        #expect(m.matches("Disk full on DB01"))
        #expect(!m.matches("Disk full on db02"))
        #expect(m.matches(fields: ["DB01", "disk full"]))
    }

    @Test func wideCharactersMatch() {
        #expect(FilterMatcher("東京").matches("サーバー 東京 01"))
    }
}

@Suite struct TextInputTests {
    @Test func typingInsertsAtTheCursor() {
        var input = TextInput("ac")
        input.handle(.left)
        input.handle(.char("b"))
        #expect(input.text == "abc")
        #expect(input.cursor == 2)
    }

    @Test func homeEndAndCtrlAE() {
        var input = TextInput("hello")
        input.handle(.home)
        #expect(input.cursor == 0)
        input.handle(.end)
        #expect(input.cursor == 5)
        input.handle(.ctrl("a"))
        #expect(input.cursor == 0)
        input.handle(.ctrl("e"))
        #expect(input.cursor == 5)
        input.handle(.right)
        #expect(input.cursor == 5)
    }

    @Test func backspaceAndDeleteRemoveWholeWideGraphemes() {
        var input = TextInput("a東京b")
        input.handle(.left)
        input.handle(.backspace)
        #expect(input.text == "a東b")
        input.handle(.home)
        input.handle(.right)
        input.handle(.delete)
        #expect(input.text == "ab")
        var emoji = TextInput("x👍🏽")
        emoji.handle(.backspace)
        #expect(emoji.text == "x")
    }

    @Test func cursorColumnCountsDisplayWidth() {
        var input = TextInput("東京x")
        #expect(input.cursorColumn == 5)
        input.handle(.left)
        #expect(input.cursorColumn == 4)
        input.handle(.left)
        #expect(input.cursorColumn == 2)
    }

    @Test func ctrlUKAndW() {
        var input = TextInput("view keys now")
        input.handle(.ctrl("w"))
        #expect(input.text == "view keys ")
        input.handle(.ctrl("w"))
        #expect(input.text == "view ")
        input.handle(.home)
        input.handle(.right)
        input.handle(.ctrl("k"))
        #expect(input.text == "v")
        input.text = "abc"
        input.handle(.left)
        input.handle(.ctrl("u"))
        #expect(input.text == "c")
        #expect(input.cursor == 0)
    }

    @Test func nonEditingKeysAreLeftToTheCaller() {
        var input = TextInput()
        for key in [Key.enter, .tab, .up, .escape] {
            let handled = input.handle(key)
            #expect(!handled, "\(key)")
        }
    }

    @Test func renderScrollsToKeepTheCursorVisible() {
        let input = TextInput("0123456789東京")
        var canvas = Canvas(size: Size(width: 8, height: 1))
        let x = input.render(into: &canvas, x: 0, y: 0, width: 8, style: .plain)
        let backend = TestBackend(size: Size(width: 8, height: 1))
        backend.present(canvas, cursor: nil)
        #expect(backend.lines == ["789東京 "])
        #expect(x == 7)
    }
}

@Suite struct TableTests {
    let columns = [TableColumn("ID", minWidth: 4, priority: 3), TableColumn("Title", minWidth: 8, priority: 2),
                   TableColumn("Owner", minWidth: 5, priority: 0)]
    let rows = [["INC-1", "Disk full on db01", "alice"], ["INC-2", "VPN down for 東京 office", "bob"]]

    @Test func naturalWidthsWhenTheyFitAndTheLastColumnTakesTheRest() {
        #expect(TableLayout.widths(columns: columns, rows: rows, available: 60) == [5, 24, 27])
    }

    @Test func lowestPriorityShrinksFirstThenIsDropped() {
        #expect(TableLayout.widths(columns: columns, rows: rows, available: 38) == [5, 24, 5])
        #expect(TableLayout.widths(columns: columns, rows: rows, available: 30) == [5, 16, 5])
        #expect(TableLayout.widths(columns: columns, rows: rows, available: 20) == [5, 13, nil])
        #expect(TableLayout.widths(columns: columns, rows: rows, available: 12) == [12, nil, nil])
    }

    @Test func selectionFollowsTheFilterAndStaysInRange() {
        var table = TableState(columns: columns, rows: rows.enumerated().map { TableRow(id: "INC-\($0.offset + 1)", cells: $0.element) })
        table.move(by: 5)
        #expect(table.selectedRow?.id == "INC-2")
        for c in "vpn" { _ = table.editFilter(.char(c)) }
        #expect(table.visibleRows.map(\.id) == ["INC-2"])
        #expect(table.selectedRow?.id == "INC-2")
        _ = table.editFilter(.char("x"))
        #expect(table.selectedRow == nil)
        table.clearFilter()
        #expect(table.visibleRows.count == 2)
    }

    @Test func setRowsKeepsTheSelectedID() {
        var table = TableState(columns: columns, rows: [TableRow(id: "a", cells: ["a"]), TableRow(id: "b", cells: ["b"])])
        table.move(by: 1)
        table.setRows([TableRow(id: "z", cells: ["z"]), TableRow(id: "a", cells: ["a"]), TableRow(id: "b", cells: ["b"])])
        #expect(table.selectedRow?.id == "b")
    }

    @Test func scrollOffsetKeepsTheSelectionOnScreen() {
        #expect(TableState.offset(selected: 10, offset: 0, page: 5, count: 20) == 6)
        #expect(TableState.offset(selected: 2, offset: 6, page: 5, count: 20) == 2)
        #expect(TableState.offset(selected: 19, offset: 0, page: 5, count: 20) == 15)
    }
}

@Suite struct CommandLineTests {
    let vocabulary = CommandLineState.Vocabulary(views: ["about", "keys", "messages"], themes: ["default", "dark", "light"])

    func line(_ text: String) -> CommandLineState {
        var line = CommandLineState()
        line.input.insert(text)
        return line
    }

    @Test func uniqueCommandCompletesWithASpaceWhenItTakesAnArgument() {
        var l = line("vi")
        l.complete(vocabulary)
        #expect(l.input.text == "view ")
        var q = line("qu")
        q.complete(vocabulary)
        #expect(q.input.text == "quit")
    }

    @Test func argumentsCompleteFromTheirKind() {
        var l = line("view m")
        l.complete(vocabulary)
        #expect(l.input.text == "view messages")
        var t = line("theme l")
        t.complete(vocabulary)
        #expect(t.input.text == "theme light")
    }

    @Test func severalCandidatesCompleteTheCommonPrefixThenCycle() {
        var l = line("theme d")
        l.complete(vocabulary)
        #expect(l.candidates == ["default", "dark"])
        #expect(l.input.text == "theme default")
        l.complete(vocabulary)
        #expect(l.input.text == "theme dark")
        l.complete(vocabulary)
        #expect(l.input.text == "theme default")
        var e = line("")
        e.complete(vocabulary)
        #expect(e.candidates == CommandSpec.all.map(\.name))
        #expect(e.candidates.prefix(4) == ["view", "help", "theme", "quit"])
        var common = CommandLineState()
        common.input.insert("theme de")
        common.complete(CommandLineState.Vocabulary(views: [], themes: ["deuteranopia", "deuteranopia-dark"]))
        #expect(common.input.text == "theme deuteranopia")
    }

    @Test func historyRecallsWithUpAndDownKeepingTheDraft() {
        var l = CommandLineState()
        l.input.insert("view keys")
        _ = l.submit()
        l.input.insert("help")
        _ = l.submit()
        l.input.insert("help")
        _ = l.submit()
        #expect(l.history == ["view keys", "help"])
        l.input.insert("dra")
        l.historyUp()
        #expect(l.input.text == "help")
        l.historyUp()
        #expect(l.input.text == "view keys")
        l.historyUp()
        #expect(l.input.text == "view keys")
        l.historyDown()
        #expect(l.input.text == "help")
        l.historyDown()
        #expect(l.input.text == "dra")
    }

    @Test func parsingGivesPlainWordErrors() {
        #expect(CommandLineState.parse("q") == .success(.quit))
        #expect(CommandLineState.parse("view keys") == .success(.view("keys")))
        #expect(CommandLineState.parse("theme /tmp/my theme.toml") == .success(.theme("/tmp/my theme.toml")))
        #expect(CommandLineState.parse("foo bar").map { _ in "" } == .failure(.unknown("foo")))
        #expect(CommandError.unknown("foo").description == "Unknown command ':foo' — type : then Tab to see commands")
        #expect(CommandLineState.parse("view") == .failure(.missingArgument(CommandSpec.all[0])))
        #expect(CommandLineState.parse("help me") == .failure(.unexpectedArgument(CommandSpec.all[1])))
    }
}
