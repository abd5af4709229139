import Terminal

/// What a command's argument names, for completion.
public enum CommandArgument: Hashable, Sendable {
    case view, theme
    /// A saved incident queue's name; free text that may be left out; a record ID; a queue
    /// column (may be left out).
    case queue, optionalText, record, column

    /// The command also runs without it.
    var isOptional: Bool { self == .optionalText || self == .column }

    var placeholder: String {
        switch self {
        case .view: "VIEW"
        case .theme: "THEME"
        case .queue: "QUEUE"
        case .optionalText: "[TEXT]"
        case .record: "ID"
        case .column: "[COLUMN]"
        }
    }
}

/// A `:` command, declared once: it feeds parsing, completion and the help overlay.
public struct CommandSpec: Hashable, Sendable {
    public var name: String
    public var aliases: [String]
    public var argument: CommandArgument?
    public var summary: String
    /// The pane that runs it (nil: the shell).
    public var scope: KeyScope? = nil

    public var usage: String {
        ":" + name + (argument.map { " " + $0.placeholder } ?? "")
    }

    /// The console's commands.
    public static let all: [CommandSpec] = shell + IncidentQueuePane.commands

    /// The pane whose command `name` is (nil for the shell's own).
    static func scope(of name: String) -> KeyScope? { CommandLineState.spec(named: name)?.scope }

    static let shell: [CommandSpec] = [
        CommandSpec(name: "view", aliases: [], argument: .view, summary: "Switch to a view by name"),
        CommandSpec(name: "help", aliases: [], argument: nil, summary: "Show all keys"),
        CommandSpec(name: "theme", aliases: [], argument: .theme, summary: "Switch to a theme by name or path"),
        CommandSpec(name: "quit", aliases: ["q"], argument: nil, summary: "Quit OpsDesk"),
    ]
}

/// A command line the user finished, checked against the declared commands.
public enum ParsedCommand: Hashable, Sendable {
    case view(String), help, quit, theme(String)
    /// A pane's own command (`:queue mine`), run by the pane that declares it.
    case pane(String, argument: String)
}

/// The `:` line: editing, Tab completion of commands and arguments, and history.
public struct CommandLineState: Hashable, Sendable {
    public var input = TextInput()
    public private(set) var history: [String] = []
    /// Position while browsing history with Up/Down (nil: editing the draft).
    private var historyIndex: Int?
    private var draft = ""
    /// Candidates of the last Tab, and which one is shown.
    public private(set) var candidates: [String] = []
    public private(set) var candidateIndex: Int?

    public init(history: [String] = []) { self.history = history }

    /// Words the line may complete to, for the command or argument under the cursor.
    public struct Vocabulary: Sendable {
        public var views: [String]
        public var themes: [String]
        public init(views: [String], themes: [String]) {
            self.views = views
            self.themes = themes
        }
    }

    /// Tab: completes the word being typed. One candidate: completed (plus a space when the
    /// command takes an argument). Several: the common prefix, then each Tab cycles through.
    public mutating func complete(_ vocabulary: Vocabulary) {
        if let i = candidateIndex, !candidates.isEmpty {
            let next = (i + 1) % candidates.count
            candidateIndex = next
            replaceLastWord(with: candidates[next])
            return
        }
        let text = input.text
        let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let options: [String]
        let partial = words.last ?? ""
        if words.count <= 1 {
            options = CommandSpec.all.map(\.name)
        } else if words.count == 2, let spec = Self.spec(named: words[0]), let argument = spec.argument {
            switch argument {
            case .view: options = vocabulary.views
            case .theme: options = vocabulary.themes
            case .queue: options = SavedQueue.allCases.map(\.commandName)
            case .column: options = QueueColumn.allCases.map(\.rawValue)
            case .optionalText, .record: options = []
            }
        } else {
            options = []
        }
        let matches = options.filter { $0.hasPrefix(partial) }
        candidates = matches
        candidateIndex = nil
        guard !matches.isEmpty else { return }
        if matches.count == 1 {
            var completed = matches[0]
            if words.count <= 1, Self.spec(named: completed)?.argument != nil { completed += " " }
            replaceLastWord(with: completed)
            candidates = []
            return
        }
        let prefix = matches.dropFirst().reduce(matches[0]) { common($0, $1) }
        if prefix.count > partial.count {
            replaceLastWord(with: prefix)
        } else {
            candidateIndex = 0
            replaceLastWord(with: matches[0])
        }
    }

    private func common(_ a: String, _ b: String) -> String {
        String(zip(a, b).prefix { $0 == $1 }.map(\.0))
    }

    private mutating func replaceLastWord(with word: String) {
        var text = input.text
        if let space = text.lastIndex(of: " ") { text = String(text[...space]) + word } else { text = word }
        input.text = text
    }

    /// Any key other than Tab ends a completion cycle.
    public mutating func resetCompletion() {
        candidates = []
        candidateIndex = nil
    }

    public mutating func historyUp() {
        guard !history.isEmpty else { return }
        if historyIndex == nil { draft = input.text; historyIndex = history.count }
        historyIndex = max(0, historyIndex! - 1)
        input.text = history[historyIndex!]
    }

    public mutating func historyDown() {
        guard let i = historyIndex else { return }
        if i + 1 >= history.count {
            historyIndex = nil
            input.text = draft
        } else {
            historyIndex = i + 1
            input.text = history[i + 1]
        }
    }

    /// Enter: the line is added to history (not twice in a row) and cleared.
    public mutating func submit() -> String {
        let line = input.text.trimmingSpaces
        if !line.isEmpty, history.last != line { history.append(line) }
        input = TextInput()
        historyIndex = nil
        draft = ""
        resetCompletion()
        return line
    }

    static func spec(named name: String) -> CommandSpec? {
        CommandSpec.all.first { $0.name == name || $0.aliases.contains(name) }
    }

    /// Parses a finished line, or says in plain words what is wrong with it.
    public static func parse(_ line: String) -> Result<ParsedCommand, CommandError> {
        let words = line.split(separator: " ").map(String.init)
        guard let first = words.first else { return .failure(.empty) }
        guard let spec = spec(named: first) else { return .failure(.unknown(first)) }
        let rest = words.dropFirst().joined(separator: " ")
        if let argument = spec.argument, !argument.isOptional, rest.isEmpty { return .failure(.missingArgument(spec)) }
        if spec.argument == nil, !rest.isEmpty { return .failure(.unexpectedArgument(spec)) }
        switch spec.name {
        case "view": return .success(.view(rest))
        case "theme": return .success(.theme(rest))
        case "help": return .success(.help)
        case "quit": return .success(.quit)
        default: return .success(.pane(spec.name, argument: rest))
        }
    }
}

public enum CommandError: Error, Hashable, Sendable, CustomStringConvertible {
    case empty
    case unknown(String)
    case missingArgument(CommandSpec)
    case unexpectedArgument(CommandSpec)

    public var description: String {
        switch self {
        case .empty: "Type a command, or Tab to see them"
        case let .unknown(word): "Unknown command ':\(word)' — type : then Tab to see commands"
        case let .missingArgument(spec): "\(spec.usage) needs an argument — press Tab after ':\(spec.name) ' to see them"
        case let .unexpectedArgument(spec): ":\(spec.name) takes no argument"
        }
    }
}
