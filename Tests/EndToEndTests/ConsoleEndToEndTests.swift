import Foundation
import Testing

/// The built `opsdesk` in a real terminal (tmux): what an agent sees and does.
@Suite(.serialized) struct ConsoleEndToEndTests {
    /// Starts the console and waits for its first frame.
    func started(width: Int = 80, height: Int = 24, arguments: [String] = [], config: String? = nil) throws -> TmuxSession {
        let session = try TmuxSession()
        if let config {
            try config.write(toFile: session.configHome + "/opsdesk/config.toml", atomically: true, encoding: .utf8)
        }
        do {
            try session.start(width: width, height: height, arguments: arguments)
            try session.waitFor("q quit")
        } catch {
            session.close()
            throw error
        }
        return session
    }

    @Test func startShowsHeaderAboutViewAndFooter() throws {
        let session = try started()
        defer { session.close() }
        let lines = session.lines()
        #expect(lines.count == 24)
        #expect(lines[0].hasPrefix(" OpsDesk · About"))
        #expect(lines[0].contains(session.dataHome + "/opsdesk"))
        #expect(lines[0].range(of: #"\d\d:\d\d$"#, options: .regularExpression) != nil)
        #expect(lines[23].contains("? help") && lines[23].contains(": command"))
        #expect(lines.contains { $0.contains("No store at \(session.dataHome)/opsdesk yet") })
        #expect(session.display("#{alternate_on}") == "1")
        // The header is drawn in the theme's header colours, not plain.
        let styled = session.capture(escapes: true).components(separatedBy: "\n")[0]
        #expect(styled.contains("\u{1B}["))
    }

    @Test func storeAndThemeOptionsAreUsed() throws {
        let session = try TmuxSession()
        defer { session.close() }
        let store = session.directory + "/my-store"
        try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
        try Data(count: 3000).write(to: URL(fileURLWithPath: store + "/events.log"))
        try session.start(arguments: ["--store", store, "--theme", "light"])
        let screen = try session.waitFor("q quit")
        #expect(screen.contains(store))
        #expect(screen.contains("exists · 1 file · 2.9 KiB"))
        #expect(screen.contains("events.log"))
        #expect(screen.contains("light (") && screen.contains("Themes/light.toml"))
        #expect(!screen.contains("No store at"))
    }

    @Test func editingTheConfigSuspendsRunsTheEditorAndResumes() throws {
        let session = try TmuxSession()
        defer { session.close() }
        // The "editor" turns on a remap in the starter config; a real one would wait for the user.
        session.extraEnvironment = ["EDITOR": "sed -i 's/^# \"cursor.down\"/\"cursor.down\"/'", "VISUAL": ""]
        try session.start()
        try session.waitFor("q quit")
        session.sendKeys("e")
        try session.waitFor("keys reloaded")
        let config = try String(contentsOfFile: session.configHome + "/opsdesk/config.toml", encoding: .utf8)
        #expect(config.contains("\n\"cursor.down\" = [\"j\", \"Down\"]"))
        let screen = session.capture()
        #expect(screen.hasPrefix(" OpsDesk · About"))
        #expect(screen.contains("(none; defaults in effect)") == false)
        #expect(session.display("#{alternate_on}") == "1")
        // A failing editor is reported, and the console carries on.
        session.sendKeys("q")
        #expect(try session.exitStatus() == 0)
    }

    @Test func helpOverlayListsTheBindingsAndFilters() throws {
        let session = try started()
        defer { session.close() }
        session.sendKeys("?")
        let help = try session.waitFor("Keys — type to filter")
        for text in ["Edit config.toml", "Open the command line", "Move the selection down", "Switch to the Keys view"] {
            #expect(help.contains(text), "help lacks \(text)")
        }
        session.type("quit")
        try session.waitUntil("only quit bindings") { !$0.contains("Move the selection down") && $0.contains("Quit OpsDesk") }
        session.sendKeys("Escape", "Escape")
        try session.waitUntil("help closed") { !$0.contains("Keys — type to filter") && $0.contains("About this store") }
    }

    @Test func commandLineSwitchesViewWithCompletion() throws {
        let session = try started()
        defer { session.close() }
        session.type(":view k")
        session.sendKeys("Tab")
        try session.waitFor(":view keys")
        session.sendKeys("Enter")
        try session.waitFor("OpsDesk · Keys")
        session.type(":foo")
        session.sendKeys("Enter")
        try session.waitFor("Unknown command ':foo' — type : then Tab to see commands")
        session.sendKeys("1")
        try session.waitFor("OpsDesk · About")
    }

    @Test func resizeTo60x20AndBackRelaysOut() throws {
        let session = try started()
        defer { session.close() }
        session.resize(width: 60, height: 20)
        var lines: [String] = []
        try session.waitUntil("a 60×20 frame") { _ in
            lines = session.lines()
            return lines.count == 20 && lines[0].hasPrefix(" OpsDesk · About") && lines[19].contains("q quit")
        }
        #expect(lines.allSatisfy { $0.count <= 60 })
        #expect(lines[0].range(of: #"\d\d:\d\d$"#, options: .regularExpression) != nil, "clock at the right edge: \(lines[0])")
        session.resize(width: 80, height: 24)
        try session.waitUntil("an 80×24 frame") { _ in
            lines = session.lines()
            return lines.count == 24 && lines[23].contains("q quit") && lines[0].range(of: #"\d\d:\d\d$"#, options: .regularExpression) != nil
        }
        #expect(lines[0].hasPrefix(" OpsDesk · About"))
        #expect(lines.filter { $0.contains("OpsDesk · About") }.count == 1, "no leftovers of the small frame")
        #expect(lines.filter { $0.contains("q quit") }.count == 1)
    }

    @Test func qExitsZeroAndRestoresTheTerminal() throws {
        let session = try started()
        defer { session.close() }
        #expect(!session.capture().contains("PRE-START"))
        session.sendKeys("q")
        #expect(try session.exitStatus() == 0)
        #expect(session.display("#{alternate_on}") == "0")
        #expect(session.capture(history: true).contains("PRE-START"))
        #expect(!session.capture(history: true).contains("OpsDesk · About"))
    }

    @Test func colonQExitsZero() throws {
        let session = try started()
        defer { session.close() }
        session.type(":q")
        session.sendKeys("Enter")
        #expect(try session.exitStatus() == 0)
        #expect(session.display("#{alternate_on}") == "0")
    }

    @Test func ctrlCExits130AndRestoresTheTerminal() throws {
        let session = try started()
        defer { session.close() }
        session.sendKeys("C-c")
        #expect(try session.exitStatus() == 130)
        #expect(session.display("#{alternate_on}") == "0")
        #expect(session.capture(history: true).contains("PRE-START"))
    }

    @Test(arguments: [SIGTERM, SIGHUP])
    func aSignalEndsTheConsoleWithTheTerminalRestored(signal: Int32) throws {
        let session = try started()
        defer { session.close() }
        let pid = try #require(Int32(session.display("#{pane_pid}")))
        kill(pid, signal)
        let status = try session.exitStatus()
        #expect(status != 0, "killed by signal \(signal): status \(status)")
        #expect(session.display("#{alternate_on}") == "0")
        #expect(session.capture(history: true).contains("PRE-START"))
    }

    @Test func keyClashInConfigIsReportedAtStartWithFileAndLine() throws {
        let config = """
            [keys]
            filter = "q"
            copy = "b"
            """
        let session = try started(config: config)
        defer { session.close() }
        let path = session.configHome + "/opsdesk/config.toml"
        let screen = try session.waitFor("keys.filter")
        #expect(screen.contains("\(path):2: keys.filter") || screen.contains("…"))
        let info = Spawn.run([Binary.path, "info"], environment: session.environment, outputFile: session.directory + "/info.out")
        #expect(info.status == 0)
        #expect(info.output.contains("\(path):2: keys.filter: 'q' is already bound to quit"))
        // The rest of the map works: b copies (inside tmux, to its buffer).
        session.sendKeys("b")
        try session.waitFor("Copied to the tmux buffer: \(session.dataHome)/opsdesk")
        let buffer = session.tmux(["show-buffer"]).output
        #expect(buffer == session.dataHome + "/opsdesk")
    }
}

/// `opsdesk` without a terminal, and its plain subcommands.
@Suite struct CommandLineEndToEndTests {
    func run(_ args: [String], environment extra: [String: String] = [:]) throws -> Spawn.Result {
        let session = try TmuxSession()
        defer { session.close() }
        return Spawn.run([Binary.path] + args, environment: session.environment.merging(extra) { $1 },
                         outputFile: session.directory + "/out")
    }

    @Test func consoleWithoutATerminalFailsClearlyInsteadOfHanging() throws {
        let result = try run([])
        #expect(result.status == 1)
        #expect(result.output.contains("opsdesk needs a terminal: standard input is not a tty"))
    }

    @Test func versionAndHelp() throws {
        #expect(try run(["--version"]).output == "0.1.0\n")
        let help = try run(["--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("--generate-completion-script bash|zsh|fish"))
        #expect(help.output.contains("info"))
    }

    @Test func infoShowsPathsAndHonoursStoreOptionAndEnvironment() throws {
        let info = try run(["info", "--store", "/srv/desk"])
        #expect(info.status == 0)
        #expect(info.output.contains("store         /srv/desk (not created yet"))
        #expect(info.output.contains("config        "))
        #expect(info.output.contains("terminal      "))
        let fromEnv = try run(["info"], environment: ["OPSDESK_STORE": "/srv/from-env"])
        #expect(fromEnv.output.contains("/srv/from-env"))
        let json = try run(["info", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        #expect(object?["version"] as? String == "0.1.0")
    }

    @Test func completionScriptsAreGenerated() throws {
        for shell in ["bash", "zsh", "fish"] {
            let script = try run(["--generate-completion-script", shell])
            #expect(script.status == 0)
            #expect(script.output.contains("opsdesk"))
        }
    }

    @Test func keysMarkdownIsTheReadmeTable() throws {
        let out = try run(["keys", "--markdown"])
        #expect(out.output.contains("| `?` | `help` |"))
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        #expect(try String(contentsOf: readme, encoding: .utf8).contains(out.output))
    }
}
