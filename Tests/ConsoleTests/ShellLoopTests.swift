import Foundation
import Testing
@testable import Console
import Terminal

/// A screen whose keyboard is a pipe: each byte written is one key.
final class PipeScreen: InteractiveScreen {
    let backend: TestBackend
    let readEnd: Int32
    let writeEnd: Int32
    var started = false, stopped = false, suspended = 0, redraws = 0

    init(size: Size) {
        backend = TestBackend(size: size)
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        readEnd = fds[0]
        writeEnd = fds[1]
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
    }

    var size: Size { backend.size }
    func present(_ canvas: Canvas, cursor: (x: Int, y: Int)?) { backend.present(canvas, cursor: cursor) }
    func start() throws { started = true }
    func stop() { stopped = true }
    var inputDescriptor: Int32 { readEnd }
    func readEvents() -> [InputEvent] {
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = read(readEnd, &buffer, buffer.count)
        guard n > 0 else { return [] }
        return String(decoding: buffer[..<n], as: UTF8.self).map { c in
            switch c {
            case "\r", "\n": .key(.enter)
            case "\t": .key(.tab)
            case "\u{1B}": .key(.escape)
            default: .key(.char(c))
            }
        }
    }
    func suspend<T>(_ body: () throws -> T) rethrows -> T { suspended += 1; return try body() }
    func bell() {}
    func forceFullRedraw() { redraws += 1 }
}

struct CopyFailed: Error, CustomStringConvertible { var description: String { "no clipboard here" } }

func services(copy: @escaping @Sendable (String) -> Result<String, any Error> = { _ in .success("copied to the terminal clipboard (OSC 52)") },
              environment: [String: String] = [:], configPath: String = "/nonexistent/config.toml") -> ShellServices {
    ShellServices(
        clock: { "09:41" }, secondsToNextTick: { 60 }, copy: copy,
        loadTheme: { name in name == "default" ? .success((Fixtures.theme, nil)) : .failure(CopyFailed()) },
        scanStore: { StoreOverview(path: "/srv/store", exists: true, files: [.init(name: "log", bytes: 10)]) },
        reloadConfig: { (KeyMap(remaps: [KeyRemapRequest(action: "nope", keys: ["x"], line: 2)], file: configPath),
                         ["\(configPath):2: keys.nope: unknown action"]) },
        environment: environment)
}

@Suite struct ShellLoopTests {
    @Test func keysThroughThePollLoopRedrawOncePerBatchAndQuitWithStatusZero() throws {
        let screen = PipeScreen(size: Size(width: 80, height: 24))
        let shell = try Shell(state: Fixtures.state(), screen: screen, services: services())
        screen.send("2")
        #expect(try shell.step(timeoutMilliseconds: 1000) == nil)
        #expect(shell.state.pane.name == "keys")
        #expect(screen.backend.lines[0].hasPrefix(" OpsDesk · Keys"))
        let frames = screen.backend.framesPresented
        screen.send(":view about\r")
        #expect(try shell.step(timeoutMilliseconds: 1000) == nil)
        #expect(screen.backend.framesPresented == frames + 1)
        #expect(shell.state.pane.name == "about")
        screen.send("q")
        #expect(try shell.step(timeoutMilliseconds: 1000) == 0)
    }

    @Test func runStartsAndStopsTheScreen() throws {
        let screen = PipeScreen(size: Size(width: 80, height: 24))
        let shell = try Shell(state: Fixtures.state(), screen: screen, services: services())
        screen.send(":q\r")
        #expect(try shell.run() == 0)
        #expect(screen.started && screen.stopped)
    }

    @Test func aMessagePostedFromAnotherThreadWakesTheLoop() async throws {
        let screen = PipeScreen(size: Size(width: 80, height: 24))
        let shell = try Shell(state: Fixtures.state(), screen: screen, services: services())
        let mailbox = shell.mailbox
        let thread = Thread { mailbox.post(.store(StoreOverview(path: "/srv/other", exists: true))); mailbox.post(.notice("3 new incidents")) }
        thread.start()
        let start = Date()
        while shell.state.message?.text != "3 new incidents" && Date().timeIntervalSince(start) < 5 {
            _ = try shell.step(timeoutMilliseconds: 5000)
        }
        #expect(Date().timeIntervalSince(start) < 4)
        #expect(shell.state.info.store.path == "/srv/other")
        #expect(screen.backend.lines[22].hasPrefix("3 new incidents"))
    }

    @Test func theTimerTicksTheClockWithoutInput() throws {
        let screen = PipeScreen(size: Size(width: 80, height: 24))
        let shell = try Shell(state: Fixtures.state(), screen: screen, services: services())
        shell.state.clock = "00:00"
        #expect(try shell.step(timeoutMilliseconds: 10) == nil)
        #expect(screen.backend.lines[0].hasSuffix("09:41 "))
    }

    @Test func copyReportsSuccessOrFailureInTheMessageLine() throws {
        let screen = PipeScreen(size: Size(width: 80, height: 24))
        let shell = try Shell(state: Fixtures.state(), screen: screen, services: services())
        screen.send("y")
        _ = try shell.step(timeoutMilliseconds: 1000)
        #expect(shell.state.message == MessageLine("Copied to the terminal clipboard (OSC 52): /home/alice/.local/share/opsdesk", kind: .notice))
        let failing = try Shell(state: Fixtures.state(), screen: screen, services: services(copy: { _ in .failure(CopyFailed()) }))
        screen.send("y")
        _ = try failing.step(timeoutMilliseconds: 1000)
        #expect(failing.state.message == MessageLine("Could not copy: no clipboard here", kind: .error))
    }

    @Test func themeCommandLoadsOrReportsTheError() throws {
        let screen = PipeScreen(size: Size(width: 80, height: 24))
        let shell = try Shell(state: Fixtures.state(), screen: screen, services: services())
        screen.send(":theme nope\r")
        _ = try shell.step(timeoutMilliseconds: 1000)
        #expect(shell.state.message?.kind == .error)
        screen.send(":theme default\r")
        _ = try shell.step(timeoutMilliseconds: 1000)
        #expect(shell.state.message == MessageLine("Theme default (built in)", kind: .notice))
    }

    @Test func editingTheConfigSavesItReloadsKeysAndReportsWarnings() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opsdesk-config-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("opsdesk/config.toml").path
        let screen = PipeScreen(size: Size(width: 80, height: 24))
        var state = Fixtures.state()
        state.info.configPath = config
        let shell = try Shell(state: state, screen: screen,
                              services: services(environment: ["EDITOR": "sed -i 's/^# theme/theme/'", "PATH": "/usr/bin:/bin"], configPath: config))
        #expect(ConfigFile.parse(source: Shell.configTemplate, path: "t").warnings.isEmpty)
        screen.send("e")
        _ = try shell.step(timeoutMilliseconds: 1000)
        #expect(screen.suspended == 1)
        let saved = try String(contentsOfFile: config, encoding: .utf8)
        #expect(saved.contains("\ntheme = \"default\""))
        #expect(shell.state.message == MessageLine("\(config):2: keys.nope: unknown action", kind: .warning))
        #expect(shell.state.info.configExists)
    }

    @Test func aFailingEditorIsReportedAndNothingIsSaved() throws {
        let screen = PipeScreen(size: Size(width: 80, height: 24))
        let shell = try Shell(state: Fixtures.state(), screen: screen,
                              services: services(environment: ["VISUAL": "false", "EDITOR": "sed -i s/a/b/", "PATH": "/usr/bin:/bin"]))
        screen.send("e")
        _ = try shell.step(timeoutMilliseconds: 1000)
        #expect(shell.state.message == MessageLine("Editor 'false' exited with status 1; nothing was changed", kind: .error))
    }
}

@Suite struct ExternalEditorTests {
    @Test func visualThenEditorThenVi() {
        #expect(ExternalEditor(environment: ["VISUAL": "nano", "EDITOR": "vim"]).command == "nano")
        #expect(ExternalEditor(environment: ["VISUAL": " ", "EDITOR": "vim"]).command == "vim")
        #expect(ExternalEditor(environment: [:]).command == "vi")
    }

    @Test func editsTextThroughATemporaryFileAndRemovesIt() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("opsdesk-editor-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let editor = ExternalEditor(environment: ["EDITOR": "sed -i 's/old/new/'", "PATH": "/usr/bin:/bin", "TMPDIR": tmp])
        let edited = try editor.edit("old text with 東京\n").get()
        #expect(edited == "new text with 東京\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty)
    }

    @Test func missingEditorSaysSo() {
        let editor = ExternalEditor(environment: ["EDITOR": "/nonexistent/editor", "PATH": "/usr/bin:/bin"])
        #expect(throws: ExternalEditor.Failure.exited(command: "/nonexistent/editor", status: 127)) { try editor.edit("x").get() }
        #expect(ExternalEditor.Failure.exited(command: "/nonexistent/editor", status: 127).description
            == "Editor '/nonexistent/editor' not found (set $VISUAL or $EDITOR)")
    }
}

@Suite struct StoreOverviewTests {
    @Test func missingFolderIsNotAnError() {
        let o = StoreOverview.scan(path: "/nonexistent/opsdesk-\(UUID().uuidString)")
        #expect(!o.exists && o.problem == nil && o.recordCounts == nil)
        #expect(AboutPane.emptyState(o) == "No store at \(o.path) yet — run `opsdesk store init` to create one")
    }

    @Test func listsFilesWithSizes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opsdesk-scan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("snap"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(count: 2048).write(to: dir.appendingPathComponent("events.log"))
        try Data(count: 10).write(to: dir.appendingPathComponent("snap/0001.bin"))
        let o = StoreOverview.scan(path: dir.path)
        #expect(o.exists)
        #expect(o.files == [.init(name: "events.log", bytes: 2048), .init(name: "snap/0001.bin", bytes: 10)])
        #expect(humanBytes(o.totalBytes) == "2.0 KiB")
        #expect(humanBytes(512) == "512 B")
        #expect(humanBytes(5 * 1024 * 1024 + 300 * 1024) == "5.3 MiB")
    }

    @Test func actingUserComesFromTheRealUid() {
        let user = actingUser()
        #expect(!user.isEmpty)
        #expect(user == (getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "uid \(getuid())"))
    }
}
