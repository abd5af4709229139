import ArgumentParser

@main
struct OpsDesk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "opsdesk",
        abstract: "A keyboard-driven IT service management console.",
        discussion: """
            With no subcommand, opens the console on the store (--store PATH, else $OPSDESK_STORE, \
            else $XDG_DATA_HOME/opsdesk, else ~/.local/share/opsdesk). Press ? inside for every key.

            Exit status: 0 after q or :q, 130 after Ctrl-C, 1 on an error (e.g. no terminal).

            Configuration: $XDG_CONFIG_HOME/opsdesk/config.toml (else ~/.config/opsdesk/config.toml); \
            themes in $XDG_CONFIG_HOME/opsdesk/themes/ and the bundled Themes/.

            Shell completions: opsdesk --generate-completion-script bash|zsh|fish
            """,
        version: OpsDeskVersion.current,
        subcommands: [ConsoleCommand.self, InfoCommand.self, KeysCommand.self, StoreCommand.self, IncidentCommand.self, DemoCommand.self],
        defaultSubcommand: ConsoleCommand.self
    )

    /// The console — what a person waits for — reads its own options (`ConsoleArguments`):
    /// building the whole command tree reflects over every subcommand's options, a cost its
    /// start should not pay. Anything the console's reader does not accept (another
    /// subcommand, help, --version, completions, a usage error) goes through the full tree,
    /// so everything else reads as always.
    static func main() {
        guard let command = ConsoleArguments.read(Array(CommandLine.arguments.dropFirst())) else { return main(nil) }
        do {
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}

enum OpsDeskVersion {
    static let current = "0.1.0"
}

/// Options every command that opens the desk understands.
struct DeskOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store folder (default: $OPSDESK_STORE, else $XDG_DATA_HOME/opsdesk).", valueName: "path"),
            completion: .directory)
    var store: String?

    @Option(name: .long, help: ArgumentHelp("A theme name (from the themes folders) or a path to a .toml theme file.", valueName: "name|path"),
            completion: .file(extensions: ["toml"]))
    var theme: String?

    @Option(name: .customLong("as"), help: ArgumentHelp("Act as this user (root and desk admins only; the real user is recorded too).", valueName: "user"))
    var actAs: String?
}
