import Testing
@testable import Terminal

@Suite struct TerminalCapabilitiesTests {
    @Test func descriptionSaysWhatTheTerminalCanDo() {
        let caps = TerminalCapabilities(name: "xterm-256color", colors: 256, colorPairs: 65536, truecolor: true, mouse: true)
        #expect(caps.description == "xterm-256color: 256 colours, 65536 pairs, truecolor, mouse")
        let plain = TerminalCapabilities(name: "vt100", colors: 0, colorPairs: 0, truecolor: false, mouse: false)
        #expect(plain.description == "vt100: no colour, no mouse")
        let unknown = TerminalCapabilities(name: "nonexist", colors: 0, colorPairs: 0, truecolor: false, mouse: false, known: false)
        #expect(unknown.description == "nonexist: not in terminfo")
    }

    @Test func colortermPromisesTruecolor() {
        #expect(TerminalCapabilities.truecolorFromEnvironment(["COLORTERM": "truecolor"]))
        #expect(TerminalCapabilities.truecolorFromEnvironment(["COLORTERM": "24bit"]))
        #expect(!TerminalCapabilities.truecolorFromEnvironment(["COLORTERM": "yes"]))
        #expect(!TerminalCapabilities.truecolorFromEnvironment([:]))
    }

    @Test func capabilitiesWorkBeforeStart() {
        // `opsdesk info` asks without taking the terminal: terminfo only, nothing drawn.
        let caps = CursesScreen().capabilities
        #expect(!caps.name.isEmpty)
        #expect(caps.colors >= 0 && caps.colorPairs >= 0)
    }
}
