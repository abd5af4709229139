import ArgumentParser
import Console
import DeskStore
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

    /// `arguments` without the program name, with or without a leading `console`.
    static func read(_ arguments: [String]) -> ConsoleArguments? {
        var rest = arguments[...]
        if rest.first == ConsoleCommand.configuration.commandName { rest = rest.dropFirst() }
        var read = ConsoleArguments()
        while let argument = rest.popFirst() {
            guard argument.hasPrefix("--") else { return nil }
            let body = argument.dropFirst(2)
            let name: Substring, value: String
            if let equals = body.firstIndex(of: "=") {
                name = body[..<equals]
                value = String(body[body.index(after: equals)...])
            } else {
                // A value that looks like an option is ArgumentParser's to judge.
                guard let next = rest.popFirst(), !next.hasPrefix("-") else { return nil }
                name = body
                value = next
            }
            // (A switch over the five, not a dictionary: its generic instantiation alone cost
            // a tenth of a millisecond before anything else could start.)
            func fill(_ slot: inout String?) -> Bool {
                guard slot == nil, !value.isEmpty else { return false }  // once each, never empty
                slot = value
                return true
            }
            let filled: Bool
            switch name {
            case "store": filled = fill(&read.store)
            case "theme": filled = fill(&read.theme)
            case "as": filled = fill(&read.actAs)
            case "queue": filled = fill(&read.queue)
            case "print-frame": filled = fill(&read.printFrame)
            default: filled = false
            }
            guard filled else { return nil }
        }
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
        let savedQueue = queue.flatMap(SavedQueue.init(named:))
        // The first look at the store (rows image, acting user, the queue's first page) on a
        // second core while this one reads config.toml, the theme and the key map; started
        // before anything else, the store's path read with getenv.
        let storePath = StoreLocation.resolve(explicit: store) { getenv($0).map { String(cString: $0) } }
        let actAs = actAs
        let firstLook = OtherThread { ConsoleStart.FirstLook(storePath: storePath, actAs: actAs, queue: savedQueue) }
        let environment = Self.environment()
        let session = Session(store: store, theme: theme, environment: environment)
        let look = firstLook.join()
        if let printFrame {
            let size = try ConsoleCommand.size(printFrame)
            let start = ConsoleStart(session: session, actAs: actAs, terminal: nil, queue: savedQueue, firstLook: look)
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
        try ConsoleCommand.runConsole(session: session, actAs: actAs, queue: savedQueue, firstLook: look)
    }

    /// The process's environment, read straight from `environ`: setting up Foundation's
    /// `ProcessInfo` costs 0.3 ms at its first use, before the first look could start.
    /// (The first `=` splits name from value, as `ProcessInfo` does; a later duplicate wins.)
    static func environment() -> [String: String] {
        var out: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                out[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        return out
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
