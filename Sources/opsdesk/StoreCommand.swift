import ArgumentParser

/// `opsdesk store …`: owned by the DeskStore work (init, info, verify, compact, repair).
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "store", abstract: "Manage the desk's store.")
}
