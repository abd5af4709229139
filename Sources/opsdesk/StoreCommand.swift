import ArgumentParser
import DeskStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `opsdesk store init|info|verify|compact|repair`: set up, inspect, check and mend the desk's store.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Manage the desk's store.",
        subcommands: [Init.self, Info.self, Verify.self, Compact.self, Repair.self]
    )
}

/// `--store PATH`, else `$OPSDESK_STORE`, else the XDG data folder.
struct StoreLocationOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store folder (default: $OPSDESK_STORE, else $XDG_DATA_HOME/opsdesk).",
                                            valueName: "path"))
    var store: String?

    var path: String { StoreLocation.resolve(explicit: store, environment: ProcessInfo.processInfo.environment) }
}

/// Prints `message` to stderr and ends with status 1: every store failure says what and where.
func storeFailure(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data(("opsdesk store: " + message + "\n").utf8))
    return ExitCode(1)
}

/// Runs `body`, turning any error into a message on stderr and exit status 1.
func reportingStoreErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        throw storeFailure(String(describing: error))
    }
}

func printJSON(_ object: [String: Any]) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    print(String(decoding: data, as: UTF8.self))
}

func infoJSON(_ info: StoreInfo, notices: [StoreNotice]) -> [String: Any] {
    var counts: [String: Int] = [:]
    for (kind, n) in info.counts { counts[kind.rawValue] = n }
    return [
        "path": info.path,
        "records": info.records,
        "counts": counts,
        "transactions": info.lastSequence,
        "segments": info.segments.map { ["name": $0.name, "bytes": $0.bytes, "firstTransaction": $0.firstSequence] },
        "logBytes": info.logBytes,
        "snapshot": info.snapshotBytes.map { bytes -> [String: Any] in
            ["bytes": bytes, "transaction": info.snapshotSequence ?? 0, "ageSeconds": info.snapshotAge ?? 0]
        } as Any? ?? NSNull(),
        "lockHolder": info.lockHolder.map { holder -> [String: Any] in
            ["pid": holder.pid, "user": holder.user as Any? ?? NSNull()]
        } as Any? ?? NSNull(),
        "quarantineFiles": info.quarantineFiles,
        "permissionWarnings": info.permissionWarnings,
        "notices": notices.map(\.description),
    ]
}

extension StoreCommand {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "init",
            abstract: "Create an empty store.",
            discussion: """
                With --group, the store's folders are made setgid and owned by that group, and its files \
                group-writable (0660 in a 2770 folder), so the desk's agents can all write and nobody else \
                can read.
                """)

        @OptionGroup var location: StoreLocationOptions
        @Option(name: .long, help: ArgumentHelp("The Unix group of the desk's agents.", valueName: "name"))
        var group: String?

        func run() throws {
            let path = location.path
            if let group, getgrnam(group) == nil {
                throw storeFailure("there is no Unix group named \(group) (create it with groupadd, or leave out --group).")
            }
            try reportingStoreErrors {
                _ = try EventStore.create(at: path, group: group)
                print("Created an empty store at \(path)" + (group.map { " for group \($0)" } ?? "") + ".")
            }
        }
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "info",
            abstract: "Show counts, sizes, segments, snapshot age, permissions and who holds the lock.")

        @OptionGroup var location: StoreLocationOptions
        @Flag(name: .long, help: "Print JSON for scripts.") var json = false

        func run() throws {
            let path = location.path
            try reportingStoreErrors {
                let store = try EventStore.open(at: path, readOnly: true)
                let info = try store.info()
                if json {
                    try printJSON(infoJSON(info, notices: store.openNotices))
                    return
                }
                print(info)
                // How the store opened: a damaged log, a missing or unusable snapshot.
                for notice in store.openNotices { print("Note: \(notice)") }
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "verify",
            abstract: "Check every frame's checksum and the SHA-256 chain over the whole history.",
            discussion: "Exits with status 1 and names the first damaged or altered frame when the check fails.")

        @OptionGroup var location: StoreLocationOptions
        @Flag(name: .long, help: "Print JSON for scripts.") var json = false

        func run() throws {
            let path = location.path
            try reportingStoreErrors {
                let report = try EventStore.verify(at: path)
                if json {
                    try printJSON([
                        "intact": report.isIntact, "transactions": report.transactions, "segments": report.segments,
                        "bytes": report.bytes, "headHash": report.headHash,
                        "firstAlteredTransaction": report.firstAlteredFrame.map { Int($0.sequence) } as Any? ?? NSNull(),
                        "problems": report.problems.map(\.description),
                    ])
                } else {
                    print(report)
                }
                if !report.isIntact {
                    throw storeFailure(report.firstAlteredFrame.map { "\($0) was altered after it was written." }
                                       ?? "the log is damaged; see the problems above.")
                }
            }
        }
    }

    struct Compact: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "compact",
            abstract: "Write a fresh snapshot so the store opens fast. History is kept whole.")

        @OptionGroup var location: StoreLocationOptions

        func run() throws {
            let path = location.path
            try reportingStoreErrors {
                let store = try EventStore.open(at: path)
                // Through the Desk, so the queue-rows image is rewritten at the same sequence
                // and the next console maps it instead of rebuilding it.
                let desk = try Desk(store: store, user: ActingUser(user: try ActingUser.realUserName()))
                print(try desk.compact())
            }
        }
    }

    struct Repair: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "repair",
            abstract: "Keep the valid log before any damage; set the rest aside in quarantine/.",
            discussion: "Run it when opening refuses because the middle of the log is damaged. It reports what was set aside.")

        @OptionGroup var location: StoreLocationOptions

        func run() throws {
            let path = location.path
            try reportingStoreErrors {
                print(try EventStore.repair(at: path))
            }
        }
    }
}
