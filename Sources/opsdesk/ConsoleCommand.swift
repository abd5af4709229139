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
        abstract: "Open the console (the default when no subcommand is given).")

    @OptionGroup var options: DeskOptions

    func run() throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            let stream = isatty(STDIN_FILENO) == 1 ? "standard output" : "standard input"
            FileHandle.standardError.write(Data((TerminalError.notATerminal(stream: stream).description + "\n").utf8))
            throw ExitCode(1)
        }
        let session = Session(options: options)
        try Self.runConsole(session: session, actAs: options.actAs)
    }

    /// The console on `session`'s store; `opsdesk demo` runs it too. With a store that opens,
    /// the incident queue is the start view.
    static func runConsole(session: Session, actAs: String?) throws {
        let screen = CursesScreen()
        let loader = session.themeLoader
        let config = session.config
        let environment = session.environment
        let storePath = session.storePath
        // The incident queue, when the store opens (DeskLink does all store work off this thread).
        var panes: [any Pane] = [AboutPane(), KeysPane(), MessagesPane()]
        var link: DeskLink?
        var openStore: EventStore?
        var actingUser: String?
        var storeWarning: String?
        if FileManager.default.fileExists(atPath: storePath) {
            do {
                let real = try Desk.open(at: storePath, user: ActingUser(user: try ActingUser.realUserName()))
                let user = try ActingUser.resolve(as: actAs, isDeskAdmin: { name in (try? real.directory.agents[name]?.has(.admin)) == true })
                let desk = user == real.user ? real : try Desk(store: real.store, user: user)
                link = DeskLink(client: DeskClient(desk: desk))
                openStore = desk.store
                actingUser = user.user
                // The start view when the desk has incidents; after About otherwise.
                let hasIncidents = ((try? desk.snapshot.incidents.count) ?? 0) > 0
                panes.insert(IncidentQueuePane(user: user.user, link: link, bell: config.bell), at: hasIncidents ? 0 : 1)
            } catch {
                storeWarning = "Cannot open the store: \(error)"
            }
        }
        // Counted from the desk's own store when it is open: the store is opened once.
        var info = session.info(terminal: screen.capabilities.description, store: openStore)
        if let actingUser { info.user = actingUser }
        if let storeWarning { info.warnings.append(storeWarning) }
        let deskStore = openStore
        let state = AppState(size: Size(width: 80, height: 24), info: info,
                             theme: session.theme.theme, keyMap: session.keyMap, clock: Clock.text(),
                             themeNames: loader.availableThemes(), panes: panes)
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
            scanStore: { Session.overview(of: storePath, openStore: deskStore) },
            reloadConfig: {
                let fresh = ConfigFile.load(path: config.path)
                let map = KeyMap(config: fresh)
                return (map, fresh.warnings.map(\.description) + map.warnings.map(\.description))
            },
            environment: environment)
        let shell = try Shell(state: state, screen: screen, services: services)
        link?.attach(shell.mailbox)
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
