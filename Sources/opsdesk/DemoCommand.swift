import ArgumentParser
import DemoDesk
import DeskStore
import Foundation

/// `opsdesk demo`: the built-in demo desk under `$XDG_DATA_HOME/opsdesk/demo/`, generated on
/// first use, then the console on it.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Open the built-in demo desk (generated on first use).",
        discussion: """
            The demo desk lives in $XDG_DATA_HOME/opsdesk/demo (else ~/.local/share/opsdesk/demo). It is generated \
            from a seed: the same seed gives the same desk, with incidents over the 90 days before the moment it \
            was generated. You (the Unix user running it) are an agent, manager and admin in every group.
            """)

    @Flag(help: "Delete the demo desk and generate it again.") var reset = false
    @Option(help: "How many incidents to generate (first use or --reset).") var incidents: Int = 3_000
    @Option(help: "The generator's seed.") var seed: UInt64 = 2026
    @Flag(help: "Generate (if needed) and print where; do not open the console.") var generateOnly = false
    @Option(help: ArgumentHelp("A theme name or a .toml theme file.", valueName: "name|path")) var theme: String?

    func validate() throws {
        guard incidents >= 1, incidents <= 20_000_000 else { throw ValidationError("--incidents must be between 1 and 20,000,000.") }
    }

    static func path(environment: [String: String]) -> String {
        StoreLocation.dataHome(environment: environment) + "/opsdesk/demo"
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let path = Self.path(environment: environment)
        try runCLI {
            if reset, FileManager.default.fileExists(atPath: path) {
                try FileManager.default.removeItem(atPath: path)
            }
            if !FileManager.default.fileExists(atPath: path + "/lock") {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                let user = try? ActingUser.realUserName()
                let options = DemoOptions(incidents: incidents, seed: seed, now: Date(), operatorUser: user)
                let bar = ProgressBar()
                let summary: DemoSummary
                do {
                    summary = try DemoDesk.generate(at: path, options: options) { bar.show($0) }
                } catch {
                    bar.finish()
                    // A half-made demo is no use: the next run starts again.
                    try? FileManager.default.removeItem(atPath: path)
                    throw error
                }
                bar.finish()
                FileHandle.standardError.write(Data((summary.description + "\n").utf8))
            }
            if generateOnly {
                say(path)
                return
            }
        }
        if generateOnly { return }
        var console: any ParsableCommand = try ConsoleCommand.parse(["--store", path] + (theme.map { ["--theme", $0] } ?? []))
        try console.run()
    }
}

/// A one-line progress bar on stderr (plain lines when stderr is not a terminal).
final class ProgressBar {
    private let tty = isatty(STDERR_FILENO) == 1
    private var lastPhase = ""
    private var lastDrawn = Date.distantPast

    func show(_ p: DemoProgress) {
        if !tty {
            if p.phase != lastPhase && p.phase != "done" { FileHandle.standardError.write(Data("Generating the demo desk: \(p.phase)…\n".utf8)) }
            lastPhase = p.phase
            return
        }
        let now = Date()
        guard p.phase != lastPhase || now.timeIntervalSince(lastDrawn) > 0.1 else { return }
        lastPhase = p.phase
        lastDrawn = now
        let width = 30
        let fraction = p.total > 0 ? Double(p.done) / Double(p.total) : 1
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = "\rGenerating the demo desk [\(bar)] \(Int(fraction * 100))%  \(p.done.formatted()) / \(p.total.formatted()) incidents  (\(p.phase))\u{1B}[K"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if tty { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
