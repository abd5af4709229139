import Foundation
import Terminal

/// The real terminal as the shell needs it. `CursesScreen` (Terminal) has exactly this face;
/// tests use a `TestBackend` with a pipe for input.
public protocol InteractiveScreen: Backend {
    func start() throws
    func stop()
    /// Readable when input is waiting; the loop polls it.
    var inputDescriptor: Int32 { get }
    /// The events waiting, without blocking.
    func readEvents() -> [InputEvent]
    /// Gives the terminal back (for `$EDITOR`) while `body` runs.
    func suspend<T>(_ body: () throws -> T) rethrows -> T
    func bell()
    func forceFullRedraw()
}

/// What the shell needs from the outside world, supplied by `opsdesk` (and by tests).
public struct ShellServices: Sendable {
    /// The header clock's text now, e.g. `09:41`.
    public var clock: @Sendable () -> String
    /// Seconds until the clock's text changes (the loop's timer).
    public var secondsToNextTick: @Sendable () -> Double
    /// Copies text to the clipboard; says how (e.g. "OSC 52").
    public var copy: @Sendable (String) -> Result<String, any Error>
    /// A theme by name or path, and the file it came from (nil: built in).
    public var loadTheme: @Sendable (String) -> Result<(theme: Theme, path: String?), any Error>
    public var scanStore: @Sendable () -> StoreOverview
    /// Reads config.toml again: the key map and the warnings (`file:line: key: message`).
    public var reloadConfig: @Sendable () -> (keyMap: KeyMap, warnings: [String])
    /// For `$EDITOR` and the temporary file.
    public var environment: [String: String]

    public init(clock: @escaping @Sendable () -> String,
                secondsToNextTick: @escaping @Sendable () -> Double,
                copy: @escaping @Sendable (String) -> Result<String, any Error>,
                loadTheme: @escaping @Sendable (String) -> Result<(theme: Theme, path: String?), any Error>,
                scanStore: @escaping @Sendable () -> StoreOverview,
                reloadConfig: @escaping @Sendable () -> (keyMap: KeyMap, warnings: [String]),
                environment: [String: String]) {
        self.clock = clock
        self.secondsToNextTick = secondsToNextTick
        self.copy = copy
        self.loadTheme = loadTheme
        self.scanStore = scanStore
        self.reloadConfig = reloadConfig
        self.environment = environment
    }
}

/// The console's loop (DESIGN "The loop"): one thread owns the terminal and waits with poll on
/// the keyboard, the mailbox's wake-up pipe and the clock's timer; each wake-up becomes state
/// changes, then one redraw.
public final class Shell {
    public internal(set) var state: AppState
    let screen: any InteractiveScreen
    let services: ShellServices
    /// Other threads post here to wake the loop (the store's changes, later).
    public let mailbox: Mailbox

    public init(state: AppState, screen: any InteractiveScreen, services: ShellServices) throws {
        self.state = state
        self.screen = screen
        self.services = services
        self.mailbox = try Mailbox()
    }

    /// Runs until the user quits; returns the exit status (0 for `q`/`:q`, 130 for Ctrl-C).
    public func run() throws -> Int32 {
        try screen.start()
        defer { screen.stop() }
        state.size = screen.size
        state.clock = services.clock()
        draw()
        while true {
            if let status = try step(timeoutMilliseconds: Int32(max(50, min(60_000, services.secondsToNextTick() * 1000 + 20)))) {
                return status
            }
        }
    }

    /// One turn of the loop: wait for input, a posted message or the timer, then update and
    /// redraw once. Returns an exit status when the user quit.
    public func step(timeoutMilliseconds: Int32) throws -> Int32? {
        var fds = [pollfd(fd: screen.inputDescriptor, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: mailbox.descriptor, events: Int16(POLLIN), revents: 0)]
        let n = poll(&fds, nfds_t(fds.count), timeoutMilliseconds)
        if n < 0, errno != EINTR { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var effects: [Effect] = []
        // Read input also after EINTR: a SIGWINCH interrupts poll and queues a resize.
        if n < 0 || fds[0].revents != 0 {
            for event in screen.readEvents() { effects += state.handle(event) }
            if n > 0, fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0, fds[0].revents & Int16(POLLIN) == 0 {
                return 1 // the terminal went away
            }
        }
        if screen.size != state.size { effects += state.handle(.resize(screen.size)) }
        if n > 0, fds[1].revents != 0 {
            for message in mailbox.drain() { effects += receive(message) }
        }
        state.clock = services.clock()
        for effect in effects {
            if let status = carryOut(effect) { return status }
        }
        state.syncPanes()
        draw()
        return nil
    }

    @discardableResult
    func receive(_ message: ShellMessage) -> [Effect] {
        switch message {
        case let .notice(text): state.say(text, kind: .notice)
        case let .error(text): state.say(text, kind: .error)
        case let .store(overview): state.info.store = overview
        case let .update(change): change(&state)
        case let .act(change): return change(&state)
        }
        return []
    }

    func draw() {
        let (canvas, cursor) = Render.frame(state)
        screen.present(canvas, cursor: cursor)
    }

    /// Does what the state asked for; returns an exit status to quit.
    func carryOut(_ effect: Effect) -> Int32? {
        switch effect {
        case let .quit(status): return status
        case .redraw: screen.forceFullRedraw()
        case .bell: screen.bell()
        case let .copy(text):
            switch services.copy(text) {
            case let .success(how):
                // `how` is e.g. "copied to the tmux buffer".
                state.say(how.prefix(1).uppercased() + how.dropFirst() + ": " + text, kind: .notice)
            case let .failure(error): state.say("Could not copy: \(error)", kind: .error)
            }
        case .rescanStore:
            state.info.store = services.scanStore()
            state.say("Store folder scanned: " + (state.info.store.exists ? "\(state.info.store.files.count) files" : "not created yet"), kind: .notice)
        case let .loadTheme(name):
            switch services.loadTheme(name) {
            case let .success(loaded):
                state.theme = loaded.theme
                state.info.themeName = loaded.theme.name
                state.info.themePath = loaded.path
                state.say("Theme \(loaded.theme.name) (\(loaded.path ?? "built in"))", kind: .notice)
            case let .failure(error):
                state.say("\(error)", kind: .error)
            }
        case .editConfig:
            editConfig()
        case let .editText(text):
            let result = ExternalEditor(environment: services.environment).edit(text, suffix: ".txt") { run in
                screen.suspend { run() }
            }
            screen.forceFullRedraw()
            if case let .failure(failure) = result { state.say(failure.description, kind: .error) }
            for effect in state.deliverEdited(try? result.get()) {
                if let status = carryOut(effect) { return status }
            }
        default:
            _ = state.apply([effect])
        }
        return nil
    }

    /// `e` on the About view: config.toml in the editor, then keys and theme reloaded.
    func editConfig() {
        let path = state.info.configPath
        let existing = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
        let editor = ExternalEditor(environment: services.environment)
        let result = editor.edit(existing ?? Self.configTemplate, suffix: ".toml") { run in
            screen.suspend { run() }
        }
        screen.forceFullRedraw()
        switch result {
        case let .failure(failure):
            state.say(failure.description, kind: .error)
        case let .success(text):
            if text == (existing ?? Self.configTemplate) {
                state.say("config.toml unchanged", kind: .notice)
                return
            }
            do {
                let dir = (path as NSString).deletingLastPathComponent
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                state.say("Could not save \(path): \(error.localizedDescription)", kind: .error)
                return
            }
            let (keyMap, warnings) = services.reloadConfig()
            state.setKeyMap(keyMap)
            state.info.configExists = true
            state.info.warnings = warnings
            if let first = warnings.first {
                for w in warnings.dropFirst() { state.say(w, kind: .warning) }
                state.say(first + (warnings.count > 1 ? "  (+\(warnings.count - 1) more: press 3)" : ""), kind: .warning)
            } else {
                state.say("Saved \(path); keys reloaded", kind: .notice)
            }
        }
    }

    /// What a new config.toml starts as.
    public static let configTemplate = """
        # OpsDesk configuration (TOML). Lines starting with # are comments.

        # theme = "default"   # a theme name (`opsdesk info` lists them) or a path to a .toml file
        # bell = true         # ring the terminal bell on a new P1 in your groups

        [keys]
        # Give an action other keys: action = "key" or ["key", "key"]. `opsdesk keys` lists them.
        # "cursor.down" = ["j", "Down"]

        """
}
