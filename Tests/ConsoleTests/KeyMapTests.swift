import Foundation
import Testing
@testable import Console
import Terminal

@Suite struct KeyMapTests {
    @Test func declaredBindingsHaveNoClashes() {
        let clashes = KeyMap().clashes.map { "\($0.0.action.rawValue) and \($0.1.action.rawValue) on \(KeyName.display($0.2))" }
        #expect(clashes.isEmpty)
    }

    @Test func everyActionIsDeclaredExactlyOnce() {
        let actions = DeclaredBindings.all.map(\.action)
        #expect(Set(actions).count == actions.count)
        #expect(Set(actions) == Set(Action.allCases))
    }

    @Test func keyNamesRoundTrip() {
        let keys: [Key] = [.char("q"), .char("?"), .char(" "), .ctrl("c"), .function(1), .function(12), .up, .down, .left, .right,
                           .home, .end, .pageUp, .pageDown, .tab, .backTab, .enter, .escape, .backspace, .delete, .insert]
        for key in keys { #expect(KeyName.parse(KeyName.display(key)) == key, "\(key)") }
        #expect(KeyName.parse("ctrl-x") == .ctrl("x"))
        #expect(KeyName.parse("C-x") == .ctrl("x"))
        #expect(KeyName.parse("pagedown") == .pageDown)
        #expect(KeyName.parse("F13") == nil)
        #expect(KeyName.parse("Hyper-x") == nil)
    }

    @Test func lookupPrefersTheViewThenListThenGlobal() {
        let map = KeyMap()
        #expect(map.binding(for: .char("e"), in: [.about, .list, .global])?.action == .editConfig)
        #expect(map.binding(for: .char("e"), in: [.keys, .list, .global]) == nil)
        #expect(map.binding(for: .char("j"), in: [.about, .list, .global])?.action == .cursorDown)
        #expect(map.binding(for: .down, in: [.about, .list, .global])?.action == .cursorDown)
        #expect(map.binding(for: .char("q"), in: [.about, .list, .global])?.action == .quit)
        #expect(map.binding(for: .function(2), in: [.global])?.action == .viewKeys)
    }

    @Test func footerComesFromTheBindings() {
        let hints = KeyMap().footerHints(for: [.about, .list, .global])
        #expect(hints.map(\.label) == ["edit config", "rescan", "filter", "copy", "help", "command", "quit"])
        #expect(hints.first?.key == "e")
    }

    @Test func remapReplacesAnActionsKeysEverywhere() {
        let map = KeyMap(remaps: [KeyRemapRequest(action: "cursor.down", keys: ["b", "Down"], line: 3)], file: "config.toml")
        #expect(map.warnings.isEmpty)
        #expect(map.binding(for: .char("b"), in: [.list])?.action == .cursorDown)
        #expect(map.binding(for: .char("j"), in: [.list]) == nil)
        #expect(map.footerHints(for: [.global]).count == KeyMap().footerHints(for: [.global]).count)
        #expect(map.markdownTable().contains("`b`, `Down`"))
        // Help and the Keys view show the remap too.
        let help = HelpOverlay.lines(keyMap: map, scopes: [.about, .list, .global], filter: "down")
        #expect(help.contains { $0.text.first == "b, Down" })
    }

    @Test func swappingTwoActionsKeysIsNotAClash() {
        let map = KeyMap(remaps: [KeyRemapRequest(action: "cursor.down", keys: ["k"], line: 2),
                                  KeyRemapRequest(action: "cursor.up", keys: ["j"], line: 3)], file: "c.toml")
        #expect(map.warnings.isEmpty)
        #expect(map.binding(for: .char("k"), in: [.list])?.action == .cursorDown)
        #expect(map.binding(for: .char("j"), in: [.list])?.action == .cursorUp)
    }

    @Test func clashIsReportedWithFileAndLineAndTheRestStillWorks() {
        let map = KeyMap(remaps: [KeyRemapRequest(action: "filter", keys: ["q"], line: 7),
                                  KeyRemapRequest(action: "copy", keys: ["b"], line: 8)], file: "/h/.config/opsdesk/config.toml")
        #expect(map.warnings.count == 1)
        let warning = map.warnings[0]
        #expect(warning.line == 7)
        #expect(warning.description.hasPrefix("/h/.config/opsdesk/config.toml:7: keys.filter: 'q' is already bound to quit"))
        #expect(warning.description.contains("keeping /"))
        // The refused remap left filter on "/"; the other remap applied.
        #expect(map.binding(for: .char("/"), in: [.list])?.action == .filter)
        #expect(map.binding(for: .char("q"), in: [.list, .global])?.action == .quit)
        #expect(map.binding(for: .char("b"), in: [.list])?.action == .copy)
        #expect(map.clashes.isEmpty)
    }

    @Test func viewKeysMayRepeatAcrossViewsButNotHideGlobalOnes() {
        #expect(!KeyMap.overlap(.about, .messages))
        #expect(KeyMap.overlap(.about, .global))
        #expect(KeyMap.overlap(.list, .messages))
        let map = KeyMap(remaps: [KeyRemapRequest(action: "messages.clear", keys: ["e"], line: 4)], file: "c.toml")
        #expect(map.warnings.isEmpty)
        let hiding = KeyMap(remaps: [KeyRemapRequest(action: "messages.clear", keys: ["?"], line: 5)], file: "c.toml")
        #expect(hiding.warnings.map(\.line) == [5])
    }

    @Test func unknownActionAndKeyNameAreReportedWithLine() {
        let map = KeyMap(remaps: [KeyRemapRequest(action: "cursor.dwon", keys: ["n"], line: 12),
                                  KeyRemapRequest(action: "quit", keys: ["Hyper-q"], line: 13)], file: "config.toml")
        #expect(map.warnings.map(\.description) == [
            "config.toml:12: keys.cursor.dwon: unknown action (did you mean cursor.up, cursor.down, cursor.top, cursor.bottom?)",
            "config.toml:13: keys.quit: unknown key name 'Hyper-q'",
        ])
        #expect(map.binding(for: .char("q"), in: [.global])?.action == .quit)
    }

    @Test func readmeKeyTableIsGeneratedFromTheKeyMap() throws {
        let table = ReadmeKeyTable.markdown()
        for binding in DeclaredBindings.all { #expect(table.contains("`\(binding.action.rawValue)`")) }
        #expect(table.contains("| `?` | `help` |"))
        #expect(table.contains("(asks first)"))
        let readme = "intro\n<!-- keys:begin (generated) -->\nold\n<!-- keys:end -->\nrest\n"
        let replaced = try #require(ReadmeKeyTable.replacing(in: readme, with: "NEW\n"))
        #expect(replaced == "intro\n<!-- keys:begin (generated) -->\nNEW\n\n<!-- keys:end -->\nrest\n")
        #expect(ReadmeKeyTable.replacing(in: "no markers", with: "x") == nil)
    }

    /// README.md's key table must be what the key map generates. To update it:
    /// `OPSDESK_UPDATE_README=1 swift test --filter readmeMatchesTheKeyMap` (or `opsdesk keys --markdown`).
    @Test func readmeMatchesTheKeyMap() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let readme = String(decoding: try #require(FileManager.default.contents(atPath: url.path)), as: UTF8.self)
        let expected = try #require(ReadmeKeyTable.replacing(in: readme), "README.md lacks the keys:begin/keys:end markers")
        if ProcessInfo.processInfo.environment["OPSDESK_UPDATE_README"] == "1" {
            try Data(expected.utf8).write(to: url)
            return
        }
        #expect(readme == expected, "README.md's key table is stale: run OPSDESK_UPDATE_README=1 swift test --filter readmeMatchesTheKeyMap")
    }
}
