import Foundation
import Testing

/// The incident queue driven by keys in the real `opsdesk`, in tmux, on a small demo desk;
/// results checked with the incident CLI. Every test uses its own server, folders and store.
@Suite(.serialized) struct IncidentEndToEndTests {
    /// Makes a 200-incident demo desk in `session`'s data folder; returns its path.
    static func demo(_ session: TmuxSession) throws -> String {
        let out = cli(session, ["demo", "--incidents", "200", "--generate-only"])
        guard out.status == 0 else { throw HarnessError(description: "demo failed (\(out.status)): \(out.output)") }
        return session.dataHome + "/opsdesk/demo"
    }

    static func cli(_ session: TmuxSession, _ args: [String]) -> Spawn.Result {
        Spawn.run([Binary.path] + args, environment: session.environment,
                  outputFile: session.directory + "/cli-\(UUID().uuidString.prefix(8)).out")
    }

    /// A fresh incident in Service Desk (so the test knows its ID and nobody has touched it).
    static func addIncident(_ session: TmuxSession, store: String, title: String) throws -> String {
        let out = cli(session, ["incident", "add", "--store", store, "--title", title, "--caller", "Zoe Martin",
                                "--impact", "2", "--urgency", "2", "--group", "Service Desk"])
        let id = out.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard out.status == 0, id.hasPrefix("INC-") else { throw HarnessError(description: "incident add failed: \(out.output)") }
        return id
    }

    static func show(_ session: TmuxSession, store: String, _ id: String) throws -> [String: Any] {
        let out = cli(session, ["incident", "show", id, "--store", store, "--json"])
        guard out.status == 0, let object = try JSONSerialization.jsonObject(with: Data(out.output.utf8)) as? [String: Any] else {
            throw HarnessError(description: "incident show failed: \(out.output)")
        }
        return object
    }

    /// Waits until the queue shows rows (the desk is read off the UI thread after start).
    @discardableResult
    static func waitForQueue(_ session: TmuxSession, timeout: Double = 10) throws -> String {
        try session.waitUntil("the queue's rows", timeout: timeout) { $0.contains(" incidents  sorted by") && $0.contains("  INC-") }
    }

    @Test func demoOpensOnTheIncidentQueue() throws {
        let session = try TmuxSession()
        defer { session.close() }
        try session.start(width: 100, height: 30, arguments: ["demo", "--incidents", "200"])
        let screen = try Self.waitForQueue(session, timeout: 60)
        #expect(screen.contains("OpsDesk · Incidents · All open"))
        #expect(screen.contains("INC-"))
        // Another saved queue by command, and back by key.
        session.sendKeys(":")
        session.type("queue major")
        session.sendKeys("Enter")
        try session.waitFor("─ Major incidents")
        session.sendKeys("[")
        try session.waitFor("─ Breaching soon")
        session.sendKeys("q")
        #expect(try session.exitStatus() == 0)
    }

    @Test func triageOneIncidentEntirelyByKeys() throws {
        let session = try TmuxSession()
        defer { session.close() }
        let store = try Self.demo(session)
        let id = try Self.addIncident(session, store: store, title: "Badge reader at door 3 rejects every card")
        try session.start(width: 120, height: 32, arguments: ["--store", store])
        try Self.waitForQueue(session)
        session.sendKeys(":")
        session.type("open \(id)")
        session.sendKeys("Enter")
        try session.waitFor("─ \(id) · P3 · New")
        session.sendKeys("t")
        try session.waitFor("Took \(id)")
        session.sendKeys("w")
        try session.waitFor("Work note on \(id)")
        session.type("Reader firmware 2.1 is known to reject cards")
        session.sendKeys("Enter")
        try session.waitFor("Work note added to \(id)")
        session.sendKeys("s")
        try session.waitFor("State of \(id)")
        session.sendKeys("Down", "Enter")
        try session.waitFor("on hold — why?")
        session.sendKeys("Enter")                       // awaiting caller
        try session.waitFor("\(id) on hold (awaiting caller)")
        session.sendKeys("R")
        try session.waitFor("resolution code")
        session.sendKeys("Enter")                       // solved permanently
        try session.waitFor("Resolution note")
        session.type("Firmware updated to 2.2; cards work")
        session.sendKeys("Enter")
        try session.waitFor("Resolved \(id)")
        session.sendKeys("q")
        #expect(try session.exitStatus() == 0)

        let incident = try Self.show(session, store: store, id)
        #expect(incident["state"] as? String == "resolved")
        #expect(incident["assignee"] as? String == "root")
        #expect(incident["resolutionCode"] as? String == "solved-permanently")
        #expect(incident["resolutionNotes"] as? String == "Firmware updated to 2.2; cards work")
        let notes = (incident["workNotes"] as? [[String: Any]])?.compactMap { $0["text"] as? String }
        #expect(notes == ["Reader firmware 2.1 is known to reject cards"])
        #expect((incident["version"] as? Int ?? 0) >= 5)   // opened, taken, note, on hold, resolved
    }

    @Test func aChangeInOneConsoleAppearsInTheOther() throws {
        let first = try TmuxSession()
        defer { first.close() }
        let second = try TmuxSession()
        defer { second.close() }
        let store = try Self.demo(first)
        let id = try Self.addIncident(first, store: store, title: "Projector in room 4.12 shows no picture")
        try first.start(width: 120, height: 32, arguments: ["--store", store])
        try second.start(width: 120, height: 32, arguments: ["--store", store, "--as", "tom"])
        for s in [first, second] {
            try Self.waitForQueue(s)
            s.sendKeys(":")
            s.type("open \(id)")
            s.sendKeys("Enter")
            try s.waitFor("─ \(id) · P3 · New")
        }
        #expect(second.capture().contains(" tom "))
        first.sendKeys("t")
        // No key is pressed in the second console: the change arrives by itself.
        let started = Date()
        try second.waitUntil("\(id) assigned to root in the second console", timeout: 5) { $0.contains("─ \(id) · P3 · Assigned") }
        #expect(Date().timeIntervalSince(started) < 2)
        first.sendKeys("q")
        second.sendKeys("q")
        #expect(try first.exitStatus() == 0)
        #expect(try second.exitStatus() == 0)
    }

    @Test func staleEditIsRefusedWithTheOtherAgentsName() throws {
        let session = try TmuxSession()
        defer { session.close() }
        let store = try Self.demo(session)
        let id = try Self.addIncident(session, store: store, title: "Label printer in goods-in prints blank labels")
        try session.start(width: 120, height: 32, arguments: ["--store", store, "--as", "tom"])
        try Self.waitForQueue(session)
        session.sendKeys(":")
        session.type("open \(id)")
        session.sendKeys("Enter")
        try session.waitFor("Work notes (0)")
        session.sendKeys("w")
        try session.waitFor("Work note on \(id)")
        session.type("Swapped the ribbon")
        // Meanwhile another agent changes the incident (the CLI, as erik).
        let other = Self.cli(session, ["incident", "note", id, "Printer replaced by vendor", "--store", store, "--as", "erik"])
        #expect(other.status == 0, "\(other.output)")
        try session.waitFor("Work notes (1)")
        session.sendKeys("Enter")
        let screen = try session.waitFor("was changed by erik")
        #expect(screen.contains(id))
        session.sendKeys("q")
        #expect(try session.exitStatus() == 0)
        let notes = (try Self.show(session, store: store, id)["workNotes"] as? [[String: Any]])?.compactMap { $0["text"] as? String }
        #expect(notes == ["Printer replaced by vendor"])
    }
}
