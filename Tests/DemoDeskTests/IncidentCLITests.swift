import Testing
import Foundation
import ITSM
@testable import DeskStore
import DemoDesk
#if canImport(Glibc)
import Glibc
#endif

/// What a finished `opsdesk` run left behind.
struct Run {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// The `opsdesk` binary SwiftPM built beside this test bundle.
func opsdeskBinary() throws -> String {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("opsdesk").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    let fallback = FileManager.default.currentDirectoryPath + "/.build/debug/opsdesk"
    guard FileManager.default.isExecutableFile(atPath: fallback) else {
        throw CLIError("the opsdesk binary was not built (swift build first)")
    }
    return fallback
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Runs opsdesk with posix_spawn; stdout and stderr go to files, read once it has exited.
func opsdesk(_ args: [String], environment extra: [String: String] = [:], in dir: Scratch) throws -> Run {
    let binary = try opsdeskBinary()
    let out = dir.sub("stdout-\(UUID().uuidString)"), err = dir.sub("stderr-\(UUID().uuidString)")
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    var env = ProcessInfo.processInfo.environment
    env["OPSDESK_STORE"] = nil
    for (k, v) in extra { env[k] = v }
    let argv = ([binary] + args).map { strdup($0) } + [nil]
    let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for p in argv + envp { free(p) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, binary, &actions, nil, argv, envp)
    guard rc == 0 else { throw CLIError("posix_spawn failed: \(rc)") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return Run(status: code,
               stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
               stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
}

func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

/// A store where the user running the tests is an agent of Service Desk.
func cliStore(_ dir: Scratch) throws -> String {
    let me = try ActingUser.realUserName()
    let path = dir.sub("store")
    let desk = try Desk.create(at: path, user: ActingUser(user: me))
    try desk.perform([
        .createAgent(user: me, displayName: "Me", roles: [.admin, .agent], groups: []),
        .defineGroup(name: "Service Desk", manager: me),
        .updateAgent(user: me, displayName: nil, roles: nil, groups: ["Service Desk"]),
        .createAgent(user: "bob", displayName: "Bob", roles: [.agent], groups: ["Service Desk"]),
        .defineService(Service(name: "Email", owner: me)),
    ])
    return path
}

@Suite struct IncidentCLITests {
    @Test func addPrintsTheIDOnceDurableAndShowJSONReadsItBack() throws {
        let dir = Scratch()
        let store = try cliStore(dir)
        let added = try opsdesk(["incident", "add", "--store", store, "--title", "Outlook asks for password", "--caller", "Zoe (HR)",
                                 "--service", "Email", "--group", "Service Desk", "--urgency", "2"], in: dir)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout == "INC-1\n")
        // Durable: another process (this one) sees it without any hand-over.
        let desk = try Desk.open(at: store, user: ActingUser(user: "bob"), readOnly: true)
        #expect(try desk.snapshot.incidents.row(RecordID(.incident, 1))?.title == "Outlook asks for password")
        let shown = try opsdesk(["incident", "show", "INC-1", "--json", "--store", store], in: dir)
        #expect(shown.status == 0)
        let object = try json(shown.stdout)
        #expect(object["title"] as? String == "Outlook asks for password")
        #expect(object["state"] as? String == "new")
        #expect(object["version"] as? Int == 1)
        #expect(object["urgency"] as? Int == 2)
        // OPSDESK_STORE works as well as --store.
        let listed = try opsdesk(["incident", "list", "--json"], environment: ["OPSDESK_STORE": store], in: dir)
        #expect(listed.status == 0, "\(listed.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["id"] as? String } == ["INC-1"])
    }

    /// The About view and `opsdesk info` show the store's record counts per kind, read from the
    /// store itself (read-only), not guessed from its files.
    @Test func infoReportsTheStoresRecordCountsPerKind() throws {
        let dir = Scratch()
        let store = try cliStore(dir)
        _ = try opsdesk(["incident", "add", "--store", store, "--title", "Printer jam", "--caller", "Ann"], in: dir)
        let info = try opsdesk(["info", "--json"], environment: ["OPSDESK_STORE": store], in: dir)
        #expect(info.status == 0, "\(info.stderr)")
        let records = try #require(try json(info.stdout)["store"] as? [String: Any])["records"] as? [String: Int]
        #expect(records == ["INC": 1, "agent": 2, "group": 1, "service": 1])
        let text = try opsdesk(["info"], environment: ["OPSDESK_STORE": store], in: dir)
        #expect(text.stdout.contains("records       INC 1, agent 2, group 1, service 1"))
    }

    /// Text from callers is inert on the CLI too: escape sequences reach stdout only as visible
    /// symbols (the console's Sanitizer), line breaks in descriptions survive, and the SLA
    /// column reads as the queue pane's does.
    @Test func showAndListPrintHostileTextInertAndTheSLAAsThePaneDoes() throws {
        let dir = Scratch()
        let store = try cliStore(dir)
        let added = try opsdesk(["incident", "add", "--store", store, "--title", "Mail \u{1B}]0;owned\u{07} down",
                                 "--caller", "Eve\u{1B}[2J", "--service", "Email", "--group", "Service Desk",
                                 "--description", "first line\nsecond \u{9B}line"], in: dir)
        #expect(added.status == 0, "\(added.stderr)")
        let shown = try opsdesk(["incident", "show", "INC-1", "--store", store], in: dir)
        #expect(shown.status == 0, "\(shown.stderr)")
        let listed = try opsdesk(["incident", "list", "--store", store], in: dir)
        for output in [shown.stdout, listed.stdout] {
            #expect(!output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || (0x80...0x9F).contains($0.value) })
            #expect(output.contains("Mail ␛]0;owned^G down"))
        }
        #expect(shown.stdout.contains("Eve␛[2J"))
        #expect(shown.stdout.contains("first line\nsecond �line"))
        // No SLA applies on this store: the pane's "-", not a duration.
        let row = try #require(listed.stdout.split(separator: "\n").first { $0.hasPrefix("INC-1 ") })
        #expect(row.split(separator: " ", omittingEmptySubsequences: true).dropFirst(3).first == "-")
    }

    @Test func triageByCommandsAndExpectVersionRefusesAStaleEdit() throws {
        let dir = Scratch()
        let store = try cliStore(dir)
        _ = try opsdesk(["incident", "add", "--store", store, "--title", "VPN drops", "--caller", "Ann", "--group", "Service Desk"], in: dir)
        #expect(try opsdesk(["incident", "take", "1", "--store", store, "--expect-version", "1"], in: dir).status == 0)
        #expect(try opsdesk(["incident", "update", "1", "--store", store, "--state", "in-progress"], in: dir).status == 0)
        #expect(try opsdesk(["incident", "note", "1", "Checked the gateway", "--store", store], in: dir).status == 0)
        // Someone else moved it on since version 2.
        let stale = try opsdesk(["incident", "reply", "1", "We are on it", "--store", store, "--expect-version", "2"], in: dir)
        #expect(stale.status == 3)
        #expect(stale.stderr.contains("INC-1 was changed by"))
        #expect(stale.stderr.contains("workNote → Checked the gateway"))
        let held = try opsdesk(["incident", "update", "1", "--store", store, "--state", "on-hold", "--hold-reason", "awaiting-caller", "--json"], in: dir)
        #expect(held.status == 0)
        #expect(try json(held.stdout)["version"] as? Int == 5)
        _ = try opsdesk(["incident", "update", "1", "--store", store, "--state", "in-progress"], in: dir)
        let resolved = try opsdesk(["incident", "resolve", "1", "--store", store, "--code", "solved-permanently", "--notes", "Reset the profile"], in: dir)
        #expect(resolved.status == 0, "\(resolved.stderr)")
        let shown = try json(try opsdesk(["incident", "show", "1", "--json", "--history", "--store", store], in: dir).stdout)
        #expect(shown["state"] as? String == "resolved")
        #expect((shown["workNotes"] as? [[String: Any]])?.first?["text"] as? String == "Checked the gateway")
        #expect((shown["history"] as? [Any])?.count == 7)
    }

    @Test func refusalsExitNonZeroWithTheirMessage() throws {
        let dir = Scratch()
        let store = try cliStore(dir)
        _ = try opsdesk(["incident", "add", "--store", store, "--title", "Printer jams", "--caller", "Ann"], in: dir)
        let close = try opsdesk(["incident", "close", "1", "--store", store], in: dir)
        #expect(close.status == 1)
        #expect(close.stderr.contains("only a resolved incident can be closed"))
        let missing = try opsdesk(["incident", "take", "INC-42", "--store", store], in: dir)
        #expect(missing.status == 4)
        #expect(missing.stderr.contains("INC-42 does not exist."))
        let badGroup = try opsdesk(["incident", "add", "--store", store, "--title", "x", "--caller", "y", "--group", "Nope"], in: dir)
        #expect(badGroup.status == 4 && badGroup.stdout.isEmpty)
        let noStore = try opsdesk(["incident", "list", "--store", dir.sub("nothing-here")], in: dir)
        #expect(noStore.status == 1 && noStore.stderr.contains("opsdesk demo"))
        let usage = try opsdesk(["incident", "add", "--store", store, "--title", "x", "--caller", "y", "--impact", "9"], in: dir)
        #expect(usage.status == 2)
    }

    @Test func demoGeneratesOnceUnderXDGDataHomeAndListsTheMajorIncident() throws {
        let dir = Scratch()
        let env = ["XDG_DATA_HOME": dir.sub("data")]
        let first = try opsdesk(["demo", "--generate-only", "--incidents", "240", "--seed", "5"], environment: env, in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == dir.sub("data") + "/opsdesk/demo\n")
        #expect(first.stderr.contains("Demo desk: 240 incidents"))
        let again = try opsdesk(["demo", "--generate-only"], environment: env, in: dir)
        #expect(again.status == 0 && !again.stderr.contains("Demo desk:"))
        let store = dir.sub("data") + "/opsdesk/demo"
        let major = try opsdesk(["incident", "list", "--queue", "major", "--json", "--store", store], in: dir)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(major.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 10)
        #expect(rows.filter { $0["majorIncident"] as? String == "accepted" }.count == 1)
        let reset = try opsdesk(["demo", "--generate-only", "--reset", "--incidents", "60"], environment: env, in: dir)
        #expect(reset.stderr.contains("Demo desk: 60 incidents"))
    }
}
