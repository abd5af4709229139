import ArgumentParser
import Console
import Foundation
import Terminal
import DeskStore

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
        let environment = ProcessInfo.processInfo.environment
        let savedQueue = queue.flatMap(SavedQueue.init(named:))
        // The first look at the store (rows image, acting user, the queue's first page) on a
        // second core while this one reads config.toml, the theme and the key map.
        let storePath = StoreLocation.resolve(explicit: store, environment: environment)
        let actAs = actAs
        let firstLook = OtherThread { ConsoleStart.FirstLook(storePath: storePath, actAs: actAs, queue: savedQueue) }
        let session = Session(store: store, theme: theme, environment: environment)
        let look = firstLook.join()
        if let printFrame {
            let size = try ConsoleCommand.size(printFrame)
            let start = ConsoleStart(session: session, actAs: actAs, terminal: nil, queue: savedQueue, firstLook: .some(look))
            let text = ConsoleStart.text(of: start.firstFrame(size: size))
            guard Self.writeAll(text, to: STDOUT_FILENO) else { throw ExitCode(1) }
            // The first screen is all that was asked for; the store is never opened. Exit now:
            // unmapping the rows image and freeing the queue one value at a time would be
            // work the kernel does at exit anyway (a tenth of the whole run at a million rows),
            // and the output went out by write(2): no buffers to flush, no exit handlers needed.
            _exit(0)
        }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            let stream = isatty(STDIN_FILENO) == 1 ? "standard output" : "standard input"
            FileHandle.standardError.write(Data((TerminalError.notATerminal(stream: stream).description + "\n").utf8))
            throw ExitCode(1)
        }
        try ConsoleCommand.runConsole(session: session, actAs: actAs, queue: savedQueue, firstLook: .some(look))
    }

    /// Writes all of `bytes` (short writes and EINTR resumed); false on an error (e.g. EPIPE).
    static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let n = write(fd, buffer.baseAddress! + done, buffer.count - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                done += n
            }
            return true
        }
    }
}
