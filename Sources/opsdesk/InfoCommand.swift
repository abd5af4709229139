import ArgumentParser
import Console
import Foundation
import Terminal

/// `opsdesk info`: what the console would use, without opening it.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show version, store, config and theme paths, terminal capabilities and key-map warnings.")

    @OptionGroup var options: DeskOptions

    @Flag(help: "Print JSON (for scripts).")
    var json = false

    func run() throws {
        let session = Session(options: options)
        let terminal = CursesScreen().capabilities
        let info = session.info(terminal: terminal.description)
        let store = info.store
        let storeState = store.problem ?? (store.exists
            ? "exists, \(store.files.count) file\(store.files.count == 1 ? "" : "s"), \(humanBytes(store.totalBytes))"
            : "not created yet — run `opsdesk store init`")
        let themes = session.themeLoader
        if json {
            let object: [String: Any] = [
                "version": info.version,
                "store": ["path": store.path, "exists": store.exists, "files": store.files.count, "bytes": store.totalBytes,
                          "records": Dictionary(uniqueKeysWithValues: (store.recordCounts ?? []).map { ($0.kind, $0.count) })] as [String: Any],
                "user": info.user,
                "config": ["path": info.configPath, "exists": info.configExists] as [String: Any],
                "theme": ["name": session.theme.theme.name, "origin": session.theme.origin.description, "noColor": session.theme.noColor] as [String: Any],
                "themeDirectories": [themes.searchPaths.userDirectory] + themes.searchPaths.bundledDirectories,
                "themes": themes.availableThemes(),
                "terminal": ["name": terminal.name, "colors": terminal.colors, "truecolor": terminal.truecolor, "mouse": terminal.mouse] as [String: Any],
                "warnings": info.warnings,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        let rows: [(String, String)] = [
            ("version", "opsdesk \(info.version)"),
            ("store", "\(store.path) (\(storeState))"),
            ("records", store.recordCounts.map { $0.map { "\($0.kind) \($0.count)" }.joined(separator: ", ") } ?? "—"),
            ("user", info.user),
            ("config", "\(info.configPath) (\(info.configExists ? "found" : "not found; defaults in effect"))"),
            ("theme", "\(session.theme.theme.name) (\(session.theme.origin))" + (session.theme.noColor ? " — NO_COLOR is set" : "")),
            ("theme folders", ([themes.searchPaths.userDirectory] + themes.searchPaths.bundledDirectories).joined(separator: ", ")),
            ("themes", themes.availableThemes().joined(separator: ", ")),
            ("terminal", terminal.description),
            ("key map", session.keyMap.warnings.isEmpty ? "\(session.keyMap.bindings.count) bindings, no problems" : "\(session.keyMap.warnings.count) remap(s) refused (below)"),
        ]
        for (name, value) in rows {
            print(name.padding(toLength: 14, withPad: " ", startingAt: 0) + value)
        }
        if !info.warnings.isEmpty {
            print("\nwarnings:")
            for warning in info.warnings { print("  " + Sanitizer.visible(warning)) }
        }
    }
}

/// `opsdesk keys`: the key bindings in force.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "List the key bindings in force (with your config.toml remaps).",
        discussion: "--markdown prints the README key table, generated from the declared bindings.")

    @Flag(help: "Print the README key table (declared bindings, no remaps) as Markdown.")
    var markdown = false

    func run() throws {
        if markdown {
            print(ReadmeKeyTable.markdown(), terminator: "")
            return
        }
        let config = ConfigFile.load(environment: ProcessInfo.processInfo.environment)
        let map = KeyMap(config: config)
        for scope in KeyScope.allCases {
            let bindings = map.bindings(in: [scope])
            guard !bindings.isEmpty else { continue }
            print(scope.title)
            for b in bindings {
                print("  " + b.keyNames.padding(toLength: 14, withPad: " ", startingAt: 0) + b.action.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)
                      + b.description + (b.dangerous ? " (asks first)" : ""))
            }
        }
        for warning in config.warnings.map(\.description) + map.warnings.map(\.description) {
            FileHandle.standardError.write(Data(("warning: " + Sanitizer.visible(warning) + "\n").utf8))
        }
    }
}
