import Foundation
import Terminal

/// Where a loaded theme came from, for `opsdesk info` and for messages.
public enum ThemeOrigin: Hashable, Sendable, CustomStringConvertible {
    /// A theme file (the path as found).
    case file(String)
    /// The copy compiled into the binary (`default` and `monochrome`).
    case builtIn(String)

    public var description: String {
        switch self {
        case .file(let path): path
        case .builtIn(let name): "built-in \(name).toml"
        }
    }
}

/// The theme the console will use, and everything worth telling the user about how it got it.
public struct LoadedTheme: Sendable {
    public var theme: Theme
    public var origin: ThemeOrigin
    /// Mistakes met on the way (a broken or missing theme, a bad `inherits`), in the order met.
    /// Non-empty means the requested theme was not (fully) used; `theme` is still usable.
    public var warnings: [ConfigError]
    /// True when `NO_COLOR` replaced the requested theme with monochrome.
    public var noColor: Bool
}

/// Where theme files are looked for, in order: the user's folder, then the bundled ones.
public struct ThemeSearchPaths: Hashable, Sendable {
    /// `$XDG_CONFIG_HOME/opsdesk/themes` (or `~/.config/opsdesk/themes`).
    public var userDirectory: String
    /// The bundled `Themes/` folders found from the executable (see `bundledDirectories(forExecutable:)`).
    public var bundledDirectories: [String]

    public init(userDirectory: String, bundledDirectories: [String]) {
        self.userDirectory = userDirectory
        self.bundledDirectories = bundledDirectories
    }

    /// The search paths for this environment and executable.
    public init(environment: [String: String], executablePath: String?) {
        self.init(userDirectory: ConfigFile.directory(environment: environment) + "/themes",
                  bundledDirectories: executablePath.map(Self.bundledDirectories(forExecutable:)) ?? [])
    }

    /// Bundled theme folders for an executable at `path` (symlinks resolved): an installed layout's
    /// `<bin>/../share/opsdesk/themes/`, then the first `Themes/` holding `default.toml` found by
    /// walking up from the executable's folder (so `.build/debug/opsdesk` and `swift run` find the
    /// repository's `Themes/`).
    public static func bundledDirectories(forExecutable path: String) -> [String] {
        // realpath and plain string steps rather than URL's: this runs at every start.
        guard let resolved = realpath(path, nil) else { return [] }
        let executable = String(cString: resolved)
        free(resolved)
        func parent(_ p: String) -> String {
            guard let slash = p.lastIndex(of: "/") else { return p }
            return slash == p.startIndex ? "/" : String(p[..<slash])
        }
        func join(_ a: String, _ b: String) -> String { a == "/" ? "/" + b : a + "/" + b }
        func hasDefault(_ folder: String) -> Bool { access(folder + "/default.toml", F_OK) == 0 }
        let binDirectory = parent(executable)
        var found: [String] = []
        let installed = join(parent(binDirectory), "share/opsdesk/themes")
        if hasDefault(installed) { found.append(installed) }
        var directory = binDirectory
        while true {
            let candidate = join(directory, "Themes")
            if hasDefault(candidate) {
                if !found.contains(candidate) { found.append(candidate) }
                break
            }
            let up = parent(directory)
            if up == directory { break }
            directory = up
        }
        return found
    }
}

/// Chooses and loads the theme.
///
/// Precedence, first that applies wins:
/// 1. `NO_COLOR` set and non-empty → `monochrome` (attributes only), whatever else was asked for;
///    any colour left in it is removed.
/// 2. `--theme NAME|PATH`.
/// 3. `theme = "NAME|PATH"` in config.toml (a relative PATH is relative to config.toml's folder).
/// 4. `default`.
///
/// A PATH contains a `/` or ends in `.toml` (`~/` is the home folder); anything else is a NAME,
/// looked up as `NAME.toml` in the user's themes folder, then in the bundled folders, then among
/// the built-in copies (`default`, `monochrome`). A theme that is missing or has any mistake is
/// not used: the loader falls back to `default` (by the same lookup, and finally the built-in
/// copy) and returns the mistakes as warnings, so the console always starts.
public struct ThemeLoader: Sendable {
    public var searchPaths: ThemeSearchPaths
    public var environment: [String: String]

    public init(searchPaths: ThemeSearchPaths, environment: [String: String]) {
        self.searchPaths = searchPaths
        self.environment = environment
    }

    /// A loader for this environment, finding bundled themes from the running executable.
    public init(environment: [String: String], executablePath: String? = ThemeLoader.currentExecutablePath()) {
        self.init(searchPaths: ThemeSearchPaths(environment: environment, executablePath: executablePath),
                  environment: environment)
    }

    /// The running executable (`/proc/self/exe`, else `argv[0]`).
    public static func currentExecutablePath() -> String? {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        guard let first = CommandLine.arguments.first, !first.isEmpty else { return nil }
        return URL(fileURLWithPath: first).path
    }

    /// True when `NO_COLOR` asks for no colour (set and non-empty, per no-color.org).
    public var noColorRequested: Bool {
        !(environment["NO_COLOR"] ?? "").isEmpty
    }

    /// The theme for a `--theme` value (nil when not given) and a read config file (nil when none).
    public func load(option: String?, config: ConfigFile?) -> LoadedTheme {
        var warnings: [ConfigError] = []
        let request: ThemeRequest
        if noColorRequested {
            request = ThemeRequest(text: "monochrome", base: nil, origin: "NO_COLOR")
        } else if let option, !option.isEmpty {
            request = ThemeRequest(text: option, base: nil, origin: "--theme")
        } else if let config, let name = config.theme {
            request = ThemeRequest(text: name, base: (config.path as NSString).deletingLastPathComponent,
                                   origin: config.path, originLine: config.themeLine)
        } else {
            request = ThemeRequest(text: "default", base: nil, origin: "opsdesk")
        }

        var (loaded, errors) = resolve(request)
        warnings += errors
        if loaded == nil, request.text != "default" {
            (loaded, errors) = resolve(ThemeRequest(text: "default", base: nil, origin: "opsdesk"))
            warnings += errors
        }
        var (theme, origin) = loaded ?? (Self.builtIn("default"), .builtIn("default"))
        if !warnings.isEmpty {
            warnings.append(ConfigError(file: request.origin, line: request.originLine,
                                        message: "theme '\(request.text)' not used; using '\(theme.name)' from \(origin)"))
        }
        if noColorRequested { theme = theme.withoutColors() }
        return LoadedTheme(theme: theme, origin: origin, warnings: warnings, noColor: noColorRequested)
    }

    /// Where a NAME or PATH would be loaded from, or nil if nowhere (for `opsdesk info`).
    public func locate(_ nameOrPath: String) -> ThemeOrigin? {
        try? locate(ThemeRequest(text: nameOrPath, base: nil, origin: "--theme"), excluding: []).get()
    }

    /// Every mistake in the theme a NAME or PATH names, its `inherits` chain included; empty when
    /// it would load cleanly (for a `theme check` command, or a theme picker that refuses broken files).
    public func check(_ nameOrPath: String) -> [ConfigError] {
        resolve(ThemeRequest(text: nameOrPath, base: nil, origin: "--theme")).errors
    }

    /// Names of every theme that can be chosen by name (user folder, bundled folders, built-in), sorted.
    public func availableThemes() -> [String] {
        var names = Set(BuiltInThemes.sources.keys)
        for directory in [searchPaths.userDirectory] + searchPaths.bundledDirectories {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for entry in entries where entry.hasSuffix(".toml") {
                let name = String(entry.dropLast(".toml".count))
                if Self.isValidName(name) { names.insert(name) }
            }
        }
        return names.sorted()
    }

    // MARK: Resolution

    /// What was asked for and where the asking was written (for "not found" messages).
    struct ThemeRequest {
        var text: String
        /// Folder a relative PATH is taken from (nil: the working directory).
        var base: String?
        /// `--theme`, `NO_COLOR`, the config file's path, or the inheriting theme file.
        var origin: String
        var originLine: Int? = nil
        var originKey: String? = nil
    }

    static func isPath(_ text: String) -> Bool {
        text.contains("/") || text.hasSuffix(".toml")
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }
    }

    private func expandedPath(_ request: ThemeRequest) -> String {
        var path = request.text
        if path == "~" || path.hasPrefix("~/") {
            path = (environment["HOME"] ?? "") + path.dropFirst()
        } else if !path.hasPrefix("/"), let base = request.base {
            path = base + "/" + path
        }
        return path
    }

    private func locate(_ request: ThemeRequest, excluding: Set<ThemeOrigin>) -> Result<ThemeOrigin, ConfigError> {
        let files = FileManager.default
        if Self.isPath(request.text) {
            let path = expandedPath(request)
            guard files.fileExists(atPath: path) else {
                return .failure(requestError(request, "theme file '\(path)' not found"))
            }
            return .success(.file(path))
        }
        guard Self.isValidName(request.text) else {
            return .failure(requestError(request, "'\(request.text)' is neither a theme name nor a path to a .toml file"))
        }
        let directories = [searchPaths.userDirectory] + searchPaths.bundledDirectories
        for directory in directories {
            let candidate = ThemeOrigin.file(directory + "/" + request.text + ".toml")
            if case .file(let path) = candidate, !excluding.contains(candidate), files.fileExists(atPath: path) {
                return .success(candidate)
            }
        }
        let builtIn = ThemeOrigin.builtIn(request.text)
        if BuiltInThemes.sources[request.text] != nil, !excluding.contains(builtIn) { return .success(builtIn) }
        let places = directories.map { $0 + "/" } + (BuiltInThemes.sources.isEmpty ? [] : ["built-in themes"])
        let known = availableThemes()
        return .failure(requestError(request, "no theme named '\(request.text)'\(KeySuggestion.hint(for: request.text, among: known)) (looked in \(places.joined(separator: ", ")); available: \(known.joined(separator: ", ")))"))
    }

    private func requestError(_ request: ThemeRequest, _ message: String) -> ConfigError {
        ConfigError(file: request.origin, line: request.originLine, key: request.originKey, message: message)
    }

    /// Finds, reads and applies inheritance; any mistake anywhere in the chain fails the whole
    /// theme (nil, with the mistakes).
    private func resolve(_ request: ThemeRequest) -> (found: (Theme, ThemeOrigin)?, errors: [ConfigError]) {
        switch locate(request, excluding: []) {
        case .failure(let error):
            return (nil, [error])
        case .success(let origin):
            let (styles, errors) = loadChain(origin, chain: [])
            guard let styles else { return (nil, errors) }
            return ((Theme(name: Self.themeName(of: origin), styles: styles), origin), [])
        }
    }

    private func loadChain(_ origin: ThemeOrigin, chain: [ThemeOrigin]) -> (styles: [ThemeRole: Style]?, errors: [ConfigError]) {
        let toml: TOMLFile
        do {
            switch origin {
            case .file(let path): toml = try TOMLFile(contentsOf: path)
            case .builtIn(let name): toml = try TOMLFile(source: BuiltInThemes.sources[name] ?? "", path: origin.description)
            }
        } catch {
            return (nil, [error])
        }
        let (file, errors) = ThemeFile.read(toml)
        guard errors.isEmpty else { return (nil, errors) }
        guard let parentText = file.inherits else { return (file.styles, []) }

        let parentRequest = ThemeRequest(text: parentText, base: (toml.path as NSString).deletingLastPathComponent,
                                         origin: toml.path, originLine: file.inheritsLine, originKey: "inherits")
        // A user's themes/default.toml may inherit "default": that means the next one down the
        // search order, never itself.
        let parent: ThemeOrigin
        switch locate(parentRequest, excluding: Set(chain + [origin])) {
        case .success(let found) where !chain.contains(found) && found != origin:
            parent = found
        case .success(let found):
            return (nil, [inheritanceLoop(parentRequest, chain + [origin, found])])
        case .failure(let error):
            // Only found among the themes already in the chain: that is a loop, not a missing theme.
            if case .success(let found) = locate(parentRequest, excluding: []), (chain + [origin]).contains(found) {
                return (nil, [inheritanceLoop(parentRequest, chain + [origin, found])])
            }
            return (nil, [error])
        }
        let (inherited, parentErrors) = loadChain(parent, chain: chain + [origin])
        guard let inherited else { return (nil, parentErrors) }
        return (inherited.merging(file.styles) { _, own in own }, [])
    }

    private func inheritanceLoop(_ request: ThemeRequest, _ chain: [ThemeOrigin]) -> ConfigError {
        requestError(request, "inheritance loop: \(chain.map(\.description).joined(separator: " → "))")
    }

    static func themeName(of origin: ThemeOrigin) -> String {
        switch origin {
        case .builtIn(let name): name
        case .file(let path): ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        }
    }

    /// A built-in theme, read from its compiled-in copy (tested to have no mistakes).
    static func builtIn(_ name: String) -> Theme {
        let toml = try? TOMLFile(source: BuiltInThemes.sources[name] ?? "", path: "built-in \(name).toml")
        let styles = toml.map { ThemeFile.read($0).0.styles } ?? [:]
        return Theme(name: name, styles: styles)
    }
}

extension Theme {
    /// The same theme with every colour replaced by the terminal's own, keeping attributes
    /// (what `NO_COLOR` asks for).
    public func withoutColors() -> Theme {
        Theme(name: name, styles: styles.mapValues { Style(attributes: $0.attributes) })
    }
}
