import ArgumentParser
import Console
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
        let screen = CursesScreen()
        let loader = session.themeLoader
        let config = session.config
        let environment = session.environment
        let storePath = session.storePath
        let state = AppState(size: Size(width: 80, height: 24), info: session.info(terminal: screen.capabilities.description),
                             theme: session.theme.theme, keyMap: session.keyMap, clock: Clock.text(),
                             themeNames: loader.availableThemes())
        let services = ShellServices(
            clock: { Clock.text() },
            secondsToNextTick: { Clock.secondsToNextMinute() },
            copy: { text in ClipboardCopy.copy(text, environment: environment) },
            loadTheme: { name in
                let loaded = loader.load(option: name, config: nil)
                if let problem = loaded.warnings.first { return .failure(problem) }
                if case let .file(path) = loaded.origin { return .success((loaded.theme, path)) }
                return .success((loaded.theme, nil))
            },
            scanStore: { StoreOverview.scan(path: storePath) },
            reloadConfig: {
                let fresh = ConfigFile.load(path: config.path)
                let map = KeyMap(config: fresh)
                return (map, fresh.warnings.map(\.description) + map.warnings.map(\.description))
            },
            environment: environment)
        let shell = try Shell(state: state, screen: screen, services: services)
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
