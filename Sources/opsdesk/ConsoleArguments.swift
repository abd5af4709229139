import ArgumentParser
import Console
import Foundation
import Terminal

/// The console's options as plain values, read without ArgumentParser when they are plainly
/// well formed.
///
/// Why: the console's start is what an agent waits for (and what `opsdesk-bench queue` times
/// against sqlite3). ArgumentParser builds its argument sets by reflection and resolves
/// generic types by mangled name on first use — 1.5–2 ms of a 10 ms start. The console has five
/// options, each `--name VALUE` or `--name=VALUE`; `read` accepts exactly those and returns
/// nil for anything else (help, --version, completions, a bad queue or size, an unknown or
/// repeated option, a missing or empty value), which then goes through `ConsoleCommand`'s full parse
/// so help and errors read as always. `ConsoleArgumentsTests` checks both readers agree.
struct ConsoleArguments: Equatable {
    var store: String?
    var theme: String?
    var actAs: String?
    var queue: String?
    var printFrame: String?

    /// The long names, as `ConsoleCommand` and `DeskOptions` declare them.
    static let names = ["store", "theme", "as", "queue", "print-frame"]

    /// `arguments` without the program name, with or without a leading `console`.
    static func read(_ arguments: [String]) -> ConsoleArguments? {
        var rest = arguments[...]
        if rest.first == ConsoleCommand.configuration.commandName { rest = rest.dropFirst() }
        var values: [String: String] = [:]
        while let argument = rest.popFirst() {
            guard argument.hasPrefix("--") else { return nil }
            let body = argument.dropFirst(2)
            let name: String, value: String
            if let equals = body.firstIndex(of: "=") {
                name = String(body[..<equals])
                value = String(body[body.index(after: equals)...])
            } else {
                // A value that looks like an option is ArgumentParser's to judge.
                guard let next = rest.popFirst(), !next.hasPrefix("-") else { return nil }
                name = String(body)
                value = next
            }
            guard names.contains(name), values[name] == nil, !value.isEmpty else { return nil }
            values[name] = value
        }
        let read = ConsoleArguments(store: values["store"], theme: values["theme"], actAs: values["as"],
                                    queue: values["queue"], printFrame: values["print-frame"])
        return read.isValid ? read : nil
    }

    /// What `ConsoleCommand.validate` accepts.
    var isValid: Bool {
        if let queue, SavedQueue(named: queue) == nil { return false }
        if let printFrame, (try? ConsoleCommand.size(printFrame)) == nil { return false }
        return true
    }

    /// Runs the console (or prints its first frame) with these options.
    func run() throws {
        let session = Session(store: store, theme: theme)
        let savedQueue = queue.flatMap(SavedQueue.init(named:))
        if let printFrame {
            let size = try ConsoleCommand.size(printFrame)
            let start = ConsoleStart(session: session, actAs: actAs, terminal: nil, queue: savedQueue)
            FileHandle.standardOutput.write(Data(ConsoleStart.text(of: start.firstFrame(size: size))))
            return  // the first screen is all that was asked for; the store is never opened
        }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            let stream = isatty(STDIN_FILENO) == 1 ? "standard output" : "standard input"
            FileHandle.standardError.write(Data((TerminalError.notATerminal(stream: stream).description + "\n").utf8))
            throw ExitCode(1)
        }
        try ConsoleCommand.runConsole(session: session, actAs: actAs, queue: savedQueue)
    }
}
