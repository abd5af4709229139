import Testing
@testable import Console
import Terminal

/// Golden screens of the shell, text and styles, at 80×24 and 132×40
/// (OPSDESK_RECORD_GOLDENS=1 rewrites Tests/ConsoleTests/Goldens/).
@Suite struct ScreenTests {
    static let sizes = [Size(width: 80, height: 24), Size(width: 132, height: 40)]

    func check(_ name: String, _ build: (inout AppState) -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
        for size in Self.sizes {
            var state = Fixtures.state(width: size.width, height: size.height)
            build(&state)
            Golden.check(Fixtures.golden(state), named: "\(name)-\(size.width)x\(size.height)", sourceLocation: sourceLocation)
        }
    }

    @Test func aboutViewWithoutAStore() {
        check("about-no-store") { _ in }
    }

    @Test func aboutViewWithAStore() {
        check("about-store") { state in
            state.info.store = Fixtures.info(storeExists: true).store
            state.syncPanes()
        }
    }

    @Test func helpOverlay() {
        check("help") { Fixtures.press("?", into: &$0) }
    }

    @Test func helpOverlayFiltered() {
        check("help-filtered") { state in
            Fixtures.press("?", into: &state)
            Fixtures.type("view", into: &state)
        }
    }

    @Test func commandLineWithCompletion() {
        check("command-completion") { state in
            Fixtures.press(":", into: &state)
            Fixtures.type("theme ", into: &state)
            Fixtures.press("Tab", into: &state)
        }
    }

    @Test func confirmDialog() {
        check("confirm") { state in
            Fixtures.press("3", "X", into: &state)
        }
    }

    @Test func messageLineError() {
        check("message-error") { state in
            Fixtures.press(":", into: &state)
            Fixtures.type("foo", into: &state)
            Fixtures.press("Enter", into: &state)
        }
    }

    @Test func tableWithSelectionAndFilter() {
        check("table-filter") { state in
            Fixtures.press("2", into: &state)
            Fixtures.press("/", into: &state)
            Fixtures.type("view", into: &state)
            Fixtures.press("Enter", "j", into: &state)
        }
    }

    @Test func startupWarningsShowInTheMessageLine() {
        check("warnings") { state in
            state = Fixtures.state(width: state.size.width, height: state.size.height, warnings: [
                "/home/alice/.config/opsdesk/config.toml:7: keys.filter: 'q' is already bound to quit (lists and tables and everywhere); keeping /",
                "/home/alice/.config/opsdesk/config.toml:9: keys.cursor.dwon: unknown action",
            ])
        }
    }
}

/// The layout at sizes the goldens do not cover: always sane, never out of bounds.
@Suite struct LayoutTests {
    @Test func smallScreenTruncatesWithEllipsisAndKeepsHeaderAndFooter() {
        let lines = Fixtures.lines(Fixtures.state(width: 60, height: 20))
        #expect(lines.count == 20)
        #expect(lines[0].hasPrefix(" OpsDesk · About"))
        #expect(lines[0].hasSuffix("alice  09:41 "))
        #expect(lines[0].contains("…"))
        #expect(lines[19].contains("? help"))
        #expect(lines[19].contains("q quit"))
        #expect(lines.contains { $0.contains("No store at") })
        #expect(lines.contains { $0.contains("Config") && $0.contains("…") })
        #expect(lines.allSatisfy { TextLayout.width(of: $0) == 60 })
    }

    @Test func everySizeFromTinyToHugeRendersWithoutCrashing() {
        for width in [0, 1, 2, 5, 10, 20, 40, 59, 80, 200] {
            for height in [0, 1, 2, 3, 4, 6, 10, 24, 60] {
                var state = Fixtures.state(width: width, height: height)
                _ = Render.frame(state)
                Fixtures.press("?", into: &state)
                _ = Render.frame(state)
                Fixtures.press("Esc", "3", "X", into: &state)
                _ = Render.frame(state)
                Fixtures.press("n", ":", into: &state)
                Fixtures.type("view k", into: &state)
                Fixtures.press("Tab", into: &state)
                _ = Render.frame(state)
            }
        }
    }

    @Test func resizeRelaysOutTheHeader() {
        var state = Fixtures.state(width: 80, height: 24)
        _ = state.handle(.resize(Size(width: 132, height: 40)))
        let lines = Fixtures.lines(state)
        #expect(lines.count == 40)
        #expect(lines[0].count == 132)
        #expect(lines[0].contains("/home/alice/.local/share/opsdesk"))
    }
}

@Suite struct AppStateTests {
    @Test func quitKeysGiveTheirExitStatus() {
        var state = Fixtures.state()
        #expect(Fixtures.press("q", into: &state) == [.quit(status: 0)])
        #expect(Fixtures.press("Ctrl-C", into: &state) == [.quit(status: 130)])
        Fixtures.press(":", into: &state)
        Fixtures.type("q", into: &state)
        #expect(Fixtures.press("Enter", into: &state) == [.quit(status: 0)])
        // Ctrl-C quits from inside overlays, inputs and dialogs too.
        for opener in [["?"], [":"], ["2", "/"], ["3", "X"]] {
            var s = Fixtures.state()
            for key in opener { Fixtures.press(key, into: &s) }
            #expect(Fixtures.press("Ctrl-C", into: &s) == [.quit(status: 130)], "\(opener)")
        }
    }

    @Test func digitsFKeysAndTheCommandLineSwitchViews() {
        var state = Fixtures.state()
        Fixtures.press("2", into: &state)
        #expect(state.pane.name == "keys")
        Fixtures.press("F3", into: &state)
        #expect(state.pane.name == "messages")
        Fixtures.press(":", into: &state)
        Fixtures.type("view about", into: &state)
        Fixtures.press("Enter", into: &state)
        #expect(state.pane.name == "about")
        Fixtures.press(":", into: &state)
        Fixtures.type("view nope", into: &state)
        Fixtures.press("Enter", into: &state)
        #expect(state.message?.kind == .error)
        #expect(state.message?.text == "No view named 'nope' — views: about, keys, messages")
    }

    @Test func unknownCommandSaysWhatToDo() {
        var state = Fixtures.state()
        Fixtures.press(":", into: &state)
        Fixtures.type("foo", into: &state)
        Fixtures.press("Enter", into: &state)
        #expect(state.message == MessageLine("Unknown command ':foo' — type : then Tab to see commands", kind: .error))
        #expect(!state.commandActive)
        // Up recalls it.
        Fixtures.press(":", "Up", into: &state)
        #expect(state.commandLine.input.text == "foo")
    }

    @Test func dangerousActionsAskFirst() {
        var state = Fixtures.state()
        state.say("something", kind: .notice)
        Fixtures.press("3", "X", into: &state)
        #expect(state.confirm?.action == .clearMessages)
        Fixtures.press("n", into: &state)
        #expect(state.confirm == nil)
        #expect(state.messageLog.contains { $0.line.text == "something" })
        Fixtures.press("X", "y", into: &state)
        #expect(state.messageLog.isEmpty)
    }

    @Test func helpFiltersAsYouTypeAndEscBacksOut() {
        var state = Fixtures.state()
        Fixtures.press("?", into: &state)
        Fixtures.type("quit", into: &state)
        #expect(state.help?.filter.text == "quit")
        #expect(HelpOverlay.lines(keyMap: state.keyMap, scopes: state.scopes, filter: "quit").filter { !$0.section }.count == 3)
        Fixtures.press("Esc", into: &state)
        #expect(state.help?.filter.text == "")
        Fixtures.press("Esc", into: &state)
        #expect(state.help == nil)
    }

    @Test func typingInTheFilterDoesNotTriggerBindings() {
        var state = Fixtures.state()
        Fixtures.press("2", "/", into: &state)
        Fixtures.type("q", into: &state)
        #expect(state.pane.table?.filter.text == "q")
        Fixtures.type("uit opsdesk", into: &state)
        Fixtures.press("Enter", into: &state)
        #expect(state.pane.table?.visibleRows.map(\.id) == ["quit"])
        #expect(Fixtures.press("y", into: &state) == [.copy("quit")])
        Fixtures.press("Esc", into: &state)
        #expect(state.pane.table?.filter.text == "")
    }

    @Test func startupWarningsGoToTheMessageLineAndLog() {
        let state = Fixtures.state(warnings: ["c.toml:3: keys.x: unknown action", "c.toml:4: keys.y: unknown action"])
        #expect(state.message == MessageLine("c.toml:3: keys.x: unknown action  (+1 more: press 3)", kind: .warning))
        #expect(state.messageLog.count == 2)
    }
}

@Suite struct MouseTests {
    @Test func clickingARowSelectsItAndTheWheelMovesTheSelection() {
        var state = Fixtures.state()
        let lines = Fixtures.lines(state)
        let y = lines.firstIndex { $0.contains("Acting user") }!
        _ = state.handle(.mouse(MouseEvent(kind: .press(button: 1), x: 5, y: y)))
        #expect(state.pane.table?.selectedRow?.cells.first == "Acting user")
        _ = state.handle(.mouse(MouseEvent(kind: .press(button: 1), x: 5, y: 0)))
        #expect(state.pane.table?.selectedRow?.cells.first == "Acting user")
        Fixtures.press("2", into: &state)
        _ = state.handle(.mouse(MouseEvent(kind: .wheelDown, x: 5, y: 5)))
        #expect(state.pane.table?.selected == 3)
        let keysLines = Fixtures.lines(state)
        let quitY = keysLines.firstIndex { $0.contains("Quit OpsDesk") }!
        _ = state.handle(.mouse(MouseEvent(kind: .press(button: 1), x: 3, y: quitY)))
        #expect(state.pane.table?.selectedRow?.id == "quit")
    }
}

@Suite struct ScrollTests {
    @Test func pagingAndJumpingKeepTheSelectionOnScreen() {
        var state = Fixtures.state(width: 80, height: 12)
        Fixtures.press("2", "PgDn", into: &state)
        let page = state.pane.table!.pageSize(height: state.tableHeight) - 1
        #expect(state.pane.table?.selected == page)
        Fixtures.press("G", into: &state)
        let last = state.pane.table!.visibleRows.last!
        #expect(state.pane.table?.selectedRow == last)
        #expect(Fixtures.lines(state).contains { $0.contains(last.cells[1]) })
        Fixtures.press("g", into: &state)
        #expect(Fixtures.lines(state).contains { $0.contains("Show all keys") })
        Fixtures.press("PgUp", into: &state)
        #expect(state.pane.table?.selected == 0)
    }
}
