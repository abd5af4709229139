import Testing
@testable import Terminal
#if canImport(Glibc)
import Glibc
#endif

/// `CursesScreen` on a real terminal: this test binary runs itself inside a private tmux
/// server (filtered to `CursesScreenDriver`), and the tests look at the screen and at what is
/// left of the terminal afterwards.
@Suite(.serialized, .enabled(if: TmuxSession.available))
struct CursesScreenTmuxTests {
    @Test func drawsWideTextAlignedAndQuitsWithTheTerminalRestored() throws {
        let tmux = try TmuxSession(width: 100, height: 30)
        defer { tmux.close() }
        try #require(tmux.waitFor { $0.contains("DRIVER 100x30") })
        #expect(tmux.display("#{alternate_on} #{cursor_flag} #{mouse_any_flag}") == "1 0 1")

        let lines = tmux.capture()
        #expect(lines[1] == "|漢字テスト|")
        #expect(lines[2] == "|ab漢字cdef|")
        #expect(lines[3] == "|😀🎉xx|")
        #expect(lines[4] == "|e\u{301}a\u{308}xxxx|")
        // Hostile text shows as symbols; the OSC did not retitle the pane.
        #expect(lines[5] == "|evil␛[2J␛]0;pwned^G|")
        #expect(!tmux.display("#{pane_title}").contains("pwned"))
        // Right edge: the last column is used and nothing wraps.
        #expect(lines[28].hasSuffix("END") && TextLayout.width(of: lines[28]) == 100)
        #expect(lines[29].hasSuffix("…") && TextLayout.width(of: lines[29]) <= 100)

        tmux.send(["q"])
        try #require(tmux.waitForExit())
        #expect(tmux.file("rc") == "rc=0")
        #expect(tmux.file("before") == tmux.file("after"), "tty modes changed")
        #expect(tmux.display("#{alternate_on} #{cursor_flag} #{mouse_any_flag} #{keypad_cursor_flag}") == "0 1 0 0")
    }

    @Test func changedCellsOnlyStillLeaveNoHalfGlyphs() throws {
        let tmux = try TmuxSession(width: 40, height: 12)
        defer { tmux.close() }
        try #require(tmux.waitFor { $0.contains("DRIVER 40x12") })
        // Presses of `t` (the driver cycles four rows) and the row then expected: every pair of
        // rows follows each other once, wide to narrow and back, at shifted columns.
        let steps: [(Int, String)] = [
            (1, "|a漢字漢b|"), (1, "|abcdefgh|"), (1, "|😀ab🎉cd|"), (1, "|漢字漢字|"),
            (2, "|abcdefgh|"), (2, "|漢字漢字|"), (3, "|😀ab🎉cd|"), (2, "|a漢字漢b|"),
            (2, "|😀ab🎉cd|"), (3, "|abcdefgh|"), (3, "|a漢字漢b|"), (3, "|漢字漢字|"),
        ]
        for (presses, expected) in steps {
            tmux.send(Array(repeating: "t", count: presses))
            let shown = tmux.waitFor { $0.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(6).first == Substring(expected) }
            let row = tmux.capture()[6]
            #expect(shown, "row 6 is \(row.debugDescription), expected \(expected.debugDescription)")
        }
        tmux.send(["q"])
        try #require(tmux.waitForExit())
    }

    @Test func resizeRedrawsWithoutGarbage() throws {
        let tmux = try TmuxSession(width: 100, height: 30)
        defer { tmux.close() }
        try #require(tmux.waitFor { $0.contains("DRIVER 100x30") })
        tmux.command(["resize-window", "-x", "60", "-y", "20"])
        try #require(tmux.waitFor { $0.contains("DRIVER 60x20") })
        var lines = tmux.capture()
        #expect(lines.count == 20)
        #expect(lines.allSatisfy { TextLayout.width(of: $0) <= 60 })
        #expect(lines[18].hasSuffix("END") && TextLayout.width(of: lines[18]) == 60)
        tmux.command(["resize-window", "-x", "100", "-y", "30"])
        try #require(tmux.waitFor { $0.contains("DRIVER 100x30") })
        lines = tmux.capture()
        #expect(lines[19].trimmingSpaces.isEmpty, "old bottom row left behind: \(lines[19])")
        #expect(lines[18].trimmingSpaces.isEmpty, "old END left behind: \(lines[18])")
        #expect(lines[28].hasSuffix("END"))
        #expect(tmux.events().contains("resize(Terminal.Size(width: 60, height: 20))"))
        tmux.send(["q"])
        try #require(tmux.waitForExit())
    }

    /// xterm-256color reports the mouse as SGR (`\e[<b;x;yM`), tmux-256color as X10 (`\e[M` + 3 bytes).
    @Test(arguments: [
        ("xterm-256color", ["\u{1B}[<0;5;3M", "\u{1B}[<64;7;4M"]),
        ("tmux-256color", ["\u{1B}[M %#", "\u{1B}[M`'$"]),
    ])
    func keysAndMouseArriveDecoded(term: String, mouse: [String]) throws {
        // A loaded machine may split an escape sequence; a long ESCDELAY keeps the test stable
        // (and shows the variable is honoured).
        let tmux = try TmuxSession(width: 80, height: 24, term: term, environment: ["ESCDELAY=1000"])
        defer { tmux.close() }
        try #require(tmux.waitFor { $0.contains("DRIVER 80x24") })
        tmux.send(["Up", "F5", "C-a", "Tab", "BTab", "Home", "End", "PPage", "DC", "BSpace", "Enter"])
        tmux.send(["-l", "漢é"])
        for report in mouse { tmux.send(["-l", report]) }
        tmux.send(["Escape"])
        let expected = [
            "key(Terminal.Key.up)", "key(Terminal.Key.function(5))", "key(Terminal.Key.ctrl(\"a\"))",
            "key(Terminal.Key.tab)", "key(Terminal.Key.backTab)", "key(Terminal.Key.home)", "key(Terminal.Key.end)",
            "key(Terminal.Key.pageUp)", "key(Terminal.Key.delete)", "key(Terminal.Key.backspace)", "key(Terminal.Key.enter)",
            "key(Terminal.Key.char(\"漢\"))", "key(Terminal.Key.char(\"é\"))",
            "mouse(Terminal.MouseEvent(kind: Terminal.MouseEvent.Kind.press(button: 1), x: 4, y: 2))",
            "mouse(Terminal.MouseEvent(kind: Terminal.MouseEvent.Kind.wheelUp, x: 6, y: 3))",
            "key(Terminal.Key.escape)",
        ]
        let arrived = tmux.waitUntil { tmux.events().count >= expected.count }
        #expect(arrived, "\(tmux.file("stderr"))")
        #expect(tmux.events() == expected)
        tmux.send(["q"])
        try #require(tmux.waitForExit())
    }

    @Test(arguments: [SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGSEGV, SIGABRT])
    func aFatalSignalRestoresTheTerminal(signal: Int32) throws {
        let tmux = try TmuxSession(width: 80, height: 24)
        defer { tmux.close() }
        try #require(tmux.waitFor { $0.contains("DRIVER 80x24") })
        let pid = try #require(Int32(tmux.file("pid")))
        kill(pid, signal)
        try #require(tmux.waitForExit())
        #expect(tmux.file("rc") == "rc=\(128 + signal)", "the signal is re-raised, so the status names it")
        #expect(tmux.file("before") == tmux.file("after"), "tty modes changed")
        #expect(tmux.display("#{alternate_on} #{cursor_flag} #{mouse_any_flag}") == "0 1 0")
    }

    @Test func aCrashRestoresTheTerminalAndItsMessageIsShownAfterwards() throws {
        let tmux = try TmuxSession(width: 100, height: 30, stderrToFile: false)
        defer { tmux.close() }
        try #require(tmux.waitFor { $0.contains("DRIVER 100x30") })
        tmux.send(["x"])
        try #require(tmux.waitForExit())
        #expect([132, 133].map { "rc=\($0)" }.contains(tmux.file("rc")), "SIGILL or SIGTRAP: \(tmux.file("rc"))")
        #expect(tmux.file("before") == tmux.file("after"), "tty modes changed")
        #expect(tmux.display("#{alternate_on} #{cursor_flag} #{mouse_any_flag}") == "0 1 0")
        #expect(tmux.waitFor { $0.contains("Fatal error") && $0.contains("driver crash on purpose") })
    }

    @Test func anInterruptWhileSuspendedIsLeftToTheEditor() throws {
        let tmux = try TmuxSession(width: 80, height: 24)
        defer { tmux.close() }
        try #require(tmux.waitFor { $0.contains("DRIVER 80x24") })
        let pid = try #require(Int32(tmux.file("pid")))
        tmux.send(["S"])
        try #require(tmux.waitFor { $0.contains("SUSPENDED IN PROCESS") })
        kill(pid, SIGINT)
        kill(pid, SIGQUIT)
        try #require(tmux.waitFor { $0.contains("DRIVER 80x24") })
        #expect(kill(pid, 0) == 0, "the driver survived")
        tmux.send(["q"])
        try #require(tmux.waitForExit())
        #expect(tmux.file("rc") == "rc=0")
    }

    @Test func aTerminalThatCannotAddressTheCursorIsRefusedCleanly() throws {
        let tmux = try TmuxSession(width: 80, height: 24, term: "dumb")
        defer { tmux.close() }
        try #require(tmux.waitForExit())
        #expect(tmux.file("rc") != "rc=0")
        let report = tmux.file("stderr")   // the test runner reports the thrown error there
        #expect(report.contains("dumb"), "\(report)")
        #expect(tmux.file("before") == tmux.file("after"))
    }

    @Test func suspendLeavesCursesAndComesBackRepainted() throws {
        let tmux = try TmuxSession(width: 80, height: 24)
        defer { tmux.close() }
        try #require(tmux.waitFor { $0.contains("DRIVER 80x24") })
        tmux.send(["s"])   // the driver suspends and runs `echo SUSPENDED; sleep 0.5`
        try #require(tmux.waitFor { $0.contains("SUSPENDED") })
        #expect(tmux.display("#{alternate_on}") == "0")
        try #require(tmux.waitFor { $0.contains("DRIVER 80x24") })
        #expect(tmux.display("#{alternate_on}") == "1")
        #expect(tmux.capture()[1] == "|漢字テスト|")
        tmux.send(["q"])
        try #require(tmux.waitForExit())
    }
}

@Suite struct CursesScreenWithoutATerminal {
    @Test(.enabled(if: isatty(STDIN_FILENO) == 0 || isatty(STDOUT_FILENO) == 0))
    func startRefusesWithAClearError() {
        let screen = CursesScreen()
        #expect(throws: TerminalError.self) { try screen.start() }
        #expect(!screen.isActive)
        screen.stop()   // harmless when never started
        #expect(screen.size == Size(width: 0, height: 0))
        #expect(screen.readEvents().isEmpty)
    }

    @Test func notATerminalSaysWhatToDo() {
        #expect(TerminalError.notATerminal(stream: "standard input").description.contains("standard input is not a tty"))
    }
}

/// The program the tmux tests run: only enabled when the test binary is started by them.
@Suite struct CursesScreenDriver {
    @Test(.enabled(if: getenv("OPSDESK_SCREEN_DRIVER") != nil))
    func drive() throws {
        let dir = String(cString: getenv("OPSDESK_SCREEN_DRIVER"))
        let screen = CursesScreen()
        try screen.start()
        writeFile(dir + "/pid", "\(getpid())")
        // Row 6 cycles through texts whose wide glyphs sit at other columns each time, so a frame
        // that only writes changed cells must still leave no half glyph behind.
        let phases = ["|漢字漢字|", "|a漢字漢b|", "|abcdefgh|", "|😀ab🎉cd|"]
        var phase = 0
        func render() {
            let size = screen.size
            var canvas = Canvas(size: size)
            canvas.draw("DRIVER \(size.width)x\(size.height)", x: 0, y: 0,
                        style: Style(foreground: .indexed(15), background: .rgb(0, 0, 128), attributes: .bold))
            canvas.draw("|漢字テスト|", x: 0, y: 1)
            canvas.draw("|ab漢字cdef|", x: 0, y: 2)
            canvas.draw("|😀🎉xx|", x: 0, y: 3)
            canvas.draw("|e\u{301}a\u{308}xxxx|", x: 0, y: 4)
            canvas.draw("|evil\u{1B}[2J\u{1B}]0;pwned\u{07}|", x: 0, y: 5)
            canvas.draw(phases[phase % phases.count], x: 0, y: 6)
            canvas.draw("END", x: size.width - 3, y: size.height - 2)
            canvas.draw(String(repeating: "漢", count: 200), x: 0, y: size.height - 1)
            screen.present(canvas, cursor: nil)
        }
        render()
        while true {
            var pfd = pollfd(fd: screen.inputDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&pfd, 1, 1000)
            for event in screen.readEvents() {
                if event == .key(.char("q")) {
                    screen.stop()
                    exit(0)
                }
                if event == .key(.char("t")) {
                    phase += 1
                    continue
                }
                if event == .key(.char("x")) {
                    fatalError("driver crash on purpose")
                }
                if event == .key(.char("S")) {
                    // In-process body: a Ctrl-C meant for the "editor" must not end us.
                    screen.suspend {
                        _ = "SUSPENDED IN PROCESS\n".withCString { write(STDOUT_FILENO, $0, strlen($0)) }
                        var pause = timespec(tv_sec: 1, tv_nsec: 0), left = timespec()
                        while nanosleep(&pause, &left) != 0 { pause = left }
                    }
                    continue
                }
                if event == .key(.char("s")) {
                    screen.suspend { _ = system("echo SUSPENDED; sleep 0.5") }
                    continue
                }
                appendFile(dir + "/events", "\(event)\n")
            }
            render()
        }
    }

    private func writeFile(_ path: String, _ text: String) {
        guard let f = fopen(path, "w") else { return }
        fputs(text, f)
        fclose(f)
    }

    private func appendFile(_ path: String, _ text: String) {
        guard let f = fopen(path, "a") else { return }
        fputs(text, f)
        fclose(f)
    }
}

/// A private tmux server running this test binary as the screen driver.
struct TmuxSession {
    static var available: Bool { access("/usr/bin/tmux", X_OK) == 0 }

    let dir: String
    var socket: String { dir + "/sock" }
    let environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]

    /// `term`: set inside the pane (tmux's `-e TERM=` is overridden by its default-terminal).
    /// `stderrToFile`: false leaves the driver's stderr on the pane (the terminal).
    init(width: Int, height: Int, term: String = "xterm-256color", environment extra: [String] = [],
         stderrToFile: Bool = true) throws {
        var template = Array("/tmp/opsdesk-screen-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TerminalError.cannotInitialize(term: "mkdtemp") }
        dir = String(cString: made)
        var exe = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &exe, exe.count - 1)
        let binary = n > 0 ? String(decoding: exe[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        // The driver's stdout must be the pane (curses writes there); the test runner's own
        // chatter before and after is harmless. The wrapper records status and tty modes, then
        // stays (a dead pane reports no cursor state).
        let command = """
            ulimit -c 0; export TERM=\(term); stty -g > \(dir)/before; \
            "\(binary)" --testing-library swift-testing --filter CursesScreenDriver \(stderrToFile ? "2>\(dir)/stderr" : ""); \
            echo "rc=$?" > \(dir)/rc; stty -g > \(dir)/after; exec sleep 60
            """
        let status = try Spawn.run([
            "tmux", "-S", socket, "-f", "/dev/null", "new-session", "-d", "-x", "\(width)", "-y", "\(height)",
            "-e", "LANG=C.UTF-8", "-e", "OPSDESK_SCREEN_DRIVER=\(dir)",
        ] + extra.flatMap { ["-e", $0] } + [
            "sh", "-c", command, ";", "set", "-g", "remain-on-exit", "on",
        ], environment: environment).get()
        guard status == 0 else { throw TerminalError.cannotInitialize(term: "tmux new-session: \(status)") }
    }

    @discardableResult
    func command(_ arguments: [String]) -> String {
        let result = try? Spawn.run(["tmux", "-S", socket] + arguments, environment: environment, captureOutput: true).get()
        return result.map { String(decoding: $0.output, as: UTF8.self) } ?? ""
    }

    func send(_ keys: [String]) { command(["send-keys", "-t", "0"] + keys) }

    func display(_ format: String) -> String {
        command(["display", "-p", "-t", "0", format]).trimmingNewline
    }

    /// The screen's rows, without trailing blanks.
    func capture() -> [String] {
        command(["capture-pane", "-p", "-t", "0"]).trimmingNewline
            .split(separator: "\n", omittingEmptySubsequences: false).map { String($0).trimmingTrailingSpaces }
    }

    func file(_ name: String) -> String {
        guard let f = fopen(dir + "/" + name, "r") else { return "" }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return String(decoding: out, as: UTF8.self).trimmingNewline
    }

    func events() -> [String] {
        file("events").split(separator: "\n").map(String.init)
    }

    func waitUntil(timeout: Double = 10, _ condition: () -> Bool) -> Bool {
        var waited = 0.0
        while waited < timeout {
            if condition() { return true }
            usleep(50_000)
            waited += 0.05
        }
        return condition()
    }

    func waitFor(_ predicate: (String) -> Bool) -> Bool {
        waitUntil { predicate(capture().joined(separator: "\n")) }
    }

    /// Waits until the wrapper shell has written the driver's status and the tty modes.
    func waitForExit() -> Bool {
        waitUntil { !file("after").isEmpty }
    }

    func close() {
        command(["kill-server"])
        for name in ["sock", "before", "after", "rc", "pid", "events", "stderr"] { unlink(dir + "/" + name) }
        rmdir(dir)
    }
}

extension String {
    fileprivate var trimmingNewline: String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }

    fileprivate var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while s.hasSuffix(" ") { s = s.dropLast() }
        return String(s)
    }

    fileprivate var trimmingSpaces: String {
        String(trimmingTrailingSpaces.drop { $0 == " " })
    }

}

