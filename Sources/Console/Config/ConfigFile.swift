import DeskStore
import Foundation
import TOMLKit

/// One `action = "key"` line of config.toml's `[keys]` table, kept with its line so the key map can
/// report a clash or an unknown action as `config.toml:7: keys.take: …`.
public struct KeyRemap: Hashable, Sendable {
    /// The action's name as written (`take`, or `view.incidents` for a dotted or nested key).
    public var action: String
    /// The key as written (`"t"`, `"ctrl-t"`, `"F5"`); the key map parses it.
    public var key: String
    public var file: String
    public var line: Int?

    public init(action: String, key: String, file: String, line: Int?) {
        self.action = action
        self.key = key
        self.file = file
        self.line = line
    }

    /// An error about this remap, placed on its line: `config.toml:7: keys.take: <message>`.
    public func error(_ message: String) -> ConfigError {
        ConfigError(file: file, line: line, key: "keys.\(action)", message: message)
    }
}

/// `$XDG_CONFIG_HOME/opsdesk/config.toml` (else `~/.config/opsdesk/config.toml`), read into plain
/// values. A missing file is not an error: every field has a default. Anything wrong in the file
/// becomes a `ConfigError` in `warnings` and the field keeps its default; printing is the
/// caller's job.
///
/// ```toml
/// theme = "light"          # a name (themes/NAME.toml) or a path (relative to this file)
/// bell = false             # ring the bell on a new P1 in my groups (default true)
///
/// [keys]                   # remap actions: action = "key" or action = ["key", "key"]
/// take = "T"
/// ```
public struct ConfigFile: Sendable {
    /// The file this was read from (or would have been, if it does not exist).
    public var path: String
    /// Whether the file exists; a missing file gives all defaults and no warnings.
    public var exists: Bool
    /// `theme = "NAME|PATH"`; nil when not set (the console then uses `default`).
    public var theme: String?
    /// The line of `theme = …`, for "theme not found" messages.
    public var themeLine: Int?
    /// Ring the terminal bell on a new P1 in the user's groups.
    public var bell: Bool
    /// `[keys]` remaps in file order (an action given as an array yields one remap per key).
    public var keys: [KeyRemap]
    /// Mistakes found, in line order: syntax errors, wrong types, unknown keys.
    public var warnings: [ConfigError]

    static let knownKeys = ["theme", "bell", "keys"]

    /// A configuration with every default, as if no file existed at `path`.
    public init(path: String) {
        self.path = path
        exists = false
        theme = nil
        themeLine = nil
        bell = true
        keys = []
        warnings = []
    }

    /// Where config.toml lives for this environment.
    public static func defaultPath(environment: [String: String]) -> String {
        StoreLocation.configHome(environment: environment) + "/opsdesk/config.toml"
    }

    /// The folder that holds config.toml and `themes/` for this environment.
    public static func directory(environment: [String: String]) -> String {
        StoreLocation.configHome(environment: environment) + "/opsdesk"
    }

    /// Reads the config file for `environment` (`XDG_CONFIG_HOME`, else `HOME`).
    public static func load(environment: [String: String]) -> ConfigFile {
        load(path: defaultPath(environment: environment))
    }

    /// Reads the config file at `path`; missing → defaults, unreadable or broken → defaults plus warnings.
    public static func load(path: String) -> ConfigFile {
        guard FileManager.default.fileExists(atPath: path) else { return ConfigFile(path: path) }
        var config = ConfigFile(path: path)
        config.exists = true
        do {
            config.read(try TOMLFile(contentsOf: path))
        } catch {
            config.warnings = [error]
        }
        return config
    }

    /// Reads config text as if from `path` (for tests and for `opsdesk` checking a file).
    public static func parse(source: String, path: String) -> ConfigFile {
        var config = ConfigFile(path: path)
        config.exists = true
        do {
            config.read(try TOMLFile(source: source, path: path))
        } catch {
            config.warnings = [error]
        }
        return config
    }

    private mutating func read(_ file: TOMLFile) {
        var found: [ConfigError] = []
        for key in file.table.keys {
            guard let value = file.table[key] else { continue }
            switch key {
            case "theme":
                if let name = value.string, !name.isEmpty {
                    theme = name
                    themeLine = file.line(of: [key])
                } else {
                    found.append(file.error(at: [key], "expected a theme name or path, got \(Self.describe(value))"))
                }
            case "bell":
                if let on = value.bool {
                    bell = on
                } else {
                    found.append(file.error(at: [key], "expected true or false, got \(Self.describe(value))"))
                }
            case "keys":
                if let table = value.table {
                    readKeys(table, path: [key], file: file, warnings: &found)
                } else {
                    found.append(file.error(at: [key], "expected a table of action = \"key\", got \(Self.describe(value))"))
                }
            default:
                let hint = KeySuggestion.hint(for: key, among: Self.knownKeys)
                found.append(file.error(at: [key], "unknown key '\(key)'\(hint) — known keys: \(Self.knownKeys.joined(separator: ", "))"))
            }
        }
        keys.sort { ($0.line ?? 0, $0.action, $0.key) < ($1.line ?? 0, $1.action, $1.key) }
        warnings = found.sorted { ($0.line ?? 0, $0.key ?? "") < ($1.line ?? 0, $1.key ?? "") }
    }

    /// `[keys]`: `action = "key"` or `action = ["key", …]`; nested tables (from dotted action
    /// names written bare, `view.incidents = "1"`) are joined back into `view.incidents`.
    private mutating func readKeys(_ table: TOMLTable, path: [String], file: TOMLFile, warnings: inout [ConfigError]) {
        for name in table.keys {
            guard let value = table[name] else { continue }
            let keyPath = path + [name]
            let action = keyPath.dropFirst().joined(separator: ".")
            if let key = value.string {
                keys.append(KeyRemap(action: action, key: key, file: file.path, line: file.nearestLine(of: keyPath)))
            } else if let array = value.array {
                for element in array {
                    if let key = element.string {
                        keys.append(KeyRemap(action: action, key: key, file: file.path, line: file.nearestLine(of: keyPath)))
                    } else {
                        warnings.append(file.error(at: keyPath, "expected keys as strings, got \(Self.describe(element))"))
                    }
                }
            } else if let nested = value.table {
                readKeys(nested, path: keyPath, file: file, warnings: &warnings)
            } else {
                warnings.append(file.error(at: keyPath, "expected a key like \"t\" or [\"t\", \"ctrl-t\"], got \(Self.describe(value))"))
            }
        }
    }

    private static func describe(_ value: any TOMLValueConvertible) -> String {
        if let text = value.string { return "the string '\(text)'" }
        return value.type.spokenName
    }
}
