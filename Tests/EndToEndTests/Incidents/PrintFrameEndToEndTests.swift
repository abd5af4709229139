import Foundation
import Testing

/// `opsdesk console --print-frame`: the console's first screen as text, from the rows image
/// when it is current and from the opened store when it is not; the same screen the console
/// shows in a terminal.
@Suite(.serialized) struct PrintFrameEndToEndTests {
    typealias E2E = IncidentEndToEndTests

    static func printFrame(_ session: TmuxSession, store: String, size: String = "100x30", _ more: [String] = []) -> Spawn.Result {
        E2E.cli(session, ["console", "--print-frame", size, "--store", store] + more)
    }

    /// What must not change between two draws a few seconds apart: each line with its digits
    /// masked (SLA time left and ages tick), and the incident ID leading each row, exactly.
    static func comparable(_ lines: [String]) -> [String] {
        lines.dropFirst().map { line in
            var l = Substring(line)
            while l.last == " " { l = l.dropLast() }
            let id = l.split(separator: " ").first { $0.hasPrefix("INC-") }.map(String.init) ?? ""
            return id + "|" + String(l).map { $0.isNumber ? "#" : $0 }.map(String.init).joined()
        }
    }

    @Test func printedFrameIsTheConsolesFirstScreenWithAndWithoutACurrentImage() throws {
        let session = try TmuxSession()
        defer { session.close() }
        let store = try E2E.demo(session)
        #expect(E2E.cli(session, ["store", "compact", "--store", store]).status == 0)
        let fromImage = Self.printFrame(session, store: store)
        #expect(fromImage.status == 0, "\(fromImage.output)")
        let lines = fromImage.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(lines.count == 30)
        #expect(lines.first?.contains("Incidents · All open") == true)
        #expect(lines.contains { $0.contains("INC-") })
        // One commit after the image: the console opens the store first; same screen.
        let first = try #require(lines.lazy.compactMap { $0.split(separator: " ").first { $0.hasPrefix("INC-") } }.first)
        #expect(E2E.cli(session, ["incident", "note", String(first), "Checked the logs.", "--store", store]).status == 0)
        let opened = Self.printFrame(session, store: store)
        #expect(opened.status == 0)
        let openedLines = opened.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(Self.comparable(openedLines) == Self.comparable(lines))
        // And the console in a terminal of the same size shows that screen.
        try session.start(width: 100, height: 30, arguments: ["--store", store])
        try E2E.waitForQueue(session)
        #expect(Self.comparable(session.lines()) == Self.comparable(openedLines))
    }

    /// With a current image the console draws from it and opens the store behind it: a take
    /// then commits, and another process's new incident reaches the pane.
    @Test func consoleStartedFromTheImageActsAndFollowsOnceTheStoreIsOpen() throws {
        let session = try TmuxSession()
        defer { session.close() }
        let store = try E2E.demo(session)
        let id = try E2E.addIncident(session, store: store, title: "Badge reader at door 3 rejects every card")
        #expect(E2E.cli(session, ["store", "compact", "--store", store]).status == 0)
        try session.start(width: 120, height: 32, arguments: ["--store", store])
        try E2E.waitForQueue(session)
        session.sendKeys(":")
        session.type("open \(id)")
        session.sendKeys("Enter")
        try session.waitFor("─ \(id) · P3 · New")
        session.sendKeys("t")
        try session.waitFor("Took \(id)")
        let other = try E2E.addIncident(session, store: store, title: "Projector in room 4 shows no signal")
        // The other process's commit reaches the pane through the follower (a few ms): until
        // then `:open` says there is no such incident, so ask again.
        var shown = false
        for _ in 0..<20 where !shown {
            session.sendKeys(":")
            session.type("open \(other)")
            session.sendKeys("Enter")
            shown = (try? session.waitFor("Projector in room 4 shows no signal", timeout: 0.5)) != nil
        }
        #expect(shown)
        session.sendKeys("q")
        #expect(try session.exitStatus() == 0)
        #expect(try E2E.show(session, store: store, id)["assignee"] as? String == "root")
    }

    @Test func badSizeOrQueueIsAClearError() throws {
        let session = try TmuxSession()
        defer { session.close() }
        let store = try E2E.demo(session)
        for size in ["100", "x30", "5x30", "100x2", "wide"] {
            let out = Self.printFrame(session, store: store, size: size)
            #expect(out.status != 0 && out.output.contains("WIDTHxHEIGHT"), "\(size): \(out.output)")
        }
        let out = Self.printFrame(session, store: store, ["--queue", "everything"])
        #expect(out.status != 0 && out.output.contains("No queue named 'everything'"), "\(out.output)")
        let resolved = Self.printFrame(session, store: store, size: "80x24", ["--queue", "resolved"])
        #expect(resolved.status == 0 && resolved.output.contains("Recently resolved"), "\(resolved.output)")
    }
}
