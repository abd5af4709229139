import ArgumentParser
import Testing
@testable import opsdesk

/// The console's own option reader (`ConsoleArguments.read`, the start's fast path) against
/// ArgumentParser's parse of `ConsoleCommand`: whatever the fast reader accepts, ArgumentParser
/// reads the same way; what it declines falls through to ArgumentParser (help and errors).
@Suite struct ConsoleArgumentsTests {
    static func viaArgumentParser(_ arguments: [String]) -> ConsoleArguments? {
        var own = arguments
        if own.first == "console" { own.removeFirst() }
        guard let c = try? ConsoleCommand.parse(own) else { return nil }
        return ConsoleArguments(store: c.options.store, theme: c.options.theme, actAs: c.options.actAs,
                                queue: c.queue, printFrame: c.printFrame)
    }

    static let accepted: [[String]] = [
        [],
        ["console"],
        ["--store", "/srv/desk"],
        ["--store=/srv/desk"],
        ["--store", "/srv/desk", "--theme", "light"],
        ["console", "--print-frame", "132x40", "--queue", "open", "--store", "/tmp/s"],
        ["--queue=breaching", "--as", "alice", "--theme=/etc/opsdesk/t.toml"],
        ["--print-frame", "80X24"],
        ["--store", "a b", "--queue", "mine"],
        ["--store=--odd"],
    ]

    static let declined: [[String]] = [
        ["--help"], ["-h"], ["--version"], ["help"],
        ["--store"],                                   // no value
        ["--store=", "--theme", "light"],              // empty value
        ["--store", "--theme", "x"],                   // value looks like an option
        ["--queue", "nonsense"],                       // not a saved queue
        ["--print-frame", "10x10"], ["--print-frame", "wide"],
        ["--store", "a", "--store", "b"],              // repeated
        ["--bogus", "1"], ["-s", "x"], ["stray"],
        ["console", "console"],
        ["incident", "list"], ["store", "info"], ["--store", "/s", "incident", "list"],  // other subcommands
        ["--generate-completion-script", "bash"],
    ]

    @Test(arguments: accepted) func acceptedArgumentsReadAsArgumentParserReadsThem(_ arguments: [String]) throws {
        let fast = try #require(ConsoleArguments.read(arguments), "declined: \(arguments)")
        #expect(fast == Self.viaArgumentParser(arguments))
    }

    @Test(arguments: declined) func anythingElseIsLeftToArgumentParser(_ arguments: [String]) {
        #expect(ConsoleArguments.read(arguments) == nil)
    }

    @Test func everyLongOptionOfTheConsoleIsKnownToTheFastReader() {
        let help = ConsoleCommand.helpMessage(columns: 200)
        let declared = Set(help.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," || $0 == "<" })
            .filter { $0.hasPrefix("--") }.map { String($0.dropFirst(2)) })
            .subtracting(["help", "version"])
        #expect(declared == Set(ConsoleArguments.names))
    }
}
