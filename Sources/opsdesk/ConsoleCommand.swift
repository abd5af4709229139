import ArgumentParser
import Console
import DeskStore
import Foundation
import Terminal

extension CursesScreen: InteractiveScreen {}

/// `opsdesk` (the default): the console.
struct ConsoleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Open the console (the default when no subcommand is given).",
        discussion: """
            --print-frame WIDTHxHEIGHT draws the console's first screen at that size into an \
            in-memory cell buffer (as the golden tests do), prints it as plain text and exits: \
            for docs, screenshots and timing the console's start (opsdesk-bench queue).
            """)

    @OptionGroup var options: DeskOptions

    @Option(name: .long, help: ArgumentHelp("The saved queue to start on: " + SavedQueue.allCases.map(\.commandName).joined(separator: ", ") + ".",
                                            valueName: "queue"))
    var queue: String?

    @Option(name: .customLong("print-frame"), help: ArgumentHelp("Print the first screen at this size as text and exit (no terminal needed).",
                                                                 valueName: "WIDTHxHEIGHT"))
    var printFrame: String?

    func validate() throws {
        if let queue, SavedQueue(named: queue) == nil {
            throw ValidationError("No queue named '\(queue)' — queues: " + SavedQueue.allCases.map(\.commandName).joined(separator: ", "))
        }
        if let printFrame { _ = try Self.size(printFrame) }
    }

    /// "132x40" → 132 × 40, within what a terminal can be.
    static func size(_ text: String) throws -> Size {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), (20...1000).contains(w), (5...500).contains(h) else {
            throw ValidationError("--print-frame takes WIDTHxHEIGHT, e.g. 132x40 (width 20–1000, height 5–500), not '\(text)'")
        }
        return Size(width: w, height: h)
    }

    func run() throws {
        try ConsoleArguments(store: options.store, theme: options.theme, actAs: options.actAs,
                             queue: queue, printFrame: printFrame).run()
    }

    /// The console on `session`'s store; `opsdesk demo` runs it too. With a store that opens,
    /// the incident queue is the start view.
    static func runConsole(session: Session, actAs: String?, queue: SavedQueue?, firstLook: ConsoleStart.FirstLook?) throws {
        let screen = CursesScreen()
        let loader = session.themeLoader
        let config = session.config
        let environment = session.environment
        let storePath = session.storePath
        let start = ConsoleStart(session: session, actAs: actAs, terminal: screen.capabilities.description, queue: queue, firstLook: firstLook)
        let box = start.store
        let services = ShellServices(
            clock: { Clock.text() },
            secondsToNextTick: { Clock.secondsToNextMinute() },
            copy: { text in Clipboard.copy(text, environment: environment) },  // tmux buffer or OSC 52
            loadTheme: { name in
                let loaded = loader.load(option: name, config: nil)
                if let problem = loaded.warnings.first { return .failure(problem) }
                if case let .file(path) = loaded.origin { return .success((loaded.theme, path)) }
                return .success((loaded.theme, nil))
            },
            // From the desk's open store; before it is open, the folder without counts (never
            // a second open on the UI thread).
            scanStore: { Session.overview(of: storePath, openStore: box.store, counting: false) },
            reloadConfig: {
                let fresh = ConfigFile.load(path: config.path)
                let map = KeyMap(config: fresh)
                return (map, fresh.warnings.map(\.description) + map.warnings.map(\.description))
            },
            environment: environment)
        let shell = try Shell(state: start.state, screen: screen, services: services)
        start.link?.attach(shell.mailbox)
        let mailbox = shell.mailbox
        start.opening?.start()
        start.opening?.whenOpen { result in
            switch result {
            case let .success(desk): mailbox.post(.store(Session.overview(of: storePath, openStore: desk.store)))
            case let .failure(error): mailbox.post(.error("Cannot open the store: \(error)"))
            }
        }
        let status: Int32
        do {
            status = try shell.run()
        } catch let error as TerminalError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
        if status != 0 { throw ExitCode(status) }
    }
}

/// The header clock: local time, hours and minutes.
enum Clock {
    static func now() -> tm {
        var t = time(nil)
        var parts = tm()
        localtime_r(&t, &parts)
        return parts
    }

    static func text() -> String {
        let parts = now()
        return (parts.tm_hour < 10 ? "0" : "") + "\(parts.tm_hour):" + (parts.tm_min < 10 ? "0" : "") + "\(parts.tm_min)"
    }

    static func secondsToNextMinute() -> Double {
        Double(60 - now().tm_sec)
    }
}
