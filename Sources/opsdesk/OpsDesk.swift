import ArgumentParser

@main
struct OpsDesk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "opsdesk",
        abstract: "A keyboard-driven IT service management console.",
        subcommands: [StoreCommand.self]
    )
}
