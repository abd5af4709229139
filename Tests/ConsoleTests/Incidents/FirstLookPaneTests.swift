import Foundation
import Testing
import ITSM
import DeskStore
import Terminal
@testable import Console

/// The console's first frame drawn from the `queue-rows` image alone, while the store opens in
/// the background (`Desk.firstLook`, `OpeningDeskClient`).
@Suite struct FirstLookPaneTests {
    /// A pane over the image's rows, as `opsdesk` builds it before the store is open.
    static func lookPane(_ fixture: IncidentFixture, link: DeskLink? = nil) throws -> IncidentQueuePane {
        try fixture.desk.writeRowsImage()
        let look = try #require(Desk.firstLook(at: fixture.desk.store.path))
        return IncidentQueuePane(user: "alice", link: link,
                                 snapshot: QueueSnapshot(table: look.incidents, directory: look.directory, generation: look.lastSequence),
                                 clock: { IncidentFixture.now })
    }

    @Test(arguments: [80, 132])
    func firstFrameFromTheImageEqualsTheFrameAfterTheFullOpen(width: Int) throws {
        let fixture = try IncidentFixture()
        let height = width == 80 ? 24 : 40
        let fromImage = IncidentFixture.state(try Self.lookPane(fixture), width: width, height: height)
        let opened = IncidentFixture.state(try fixture.pane(), width: width, height: height)
        #expect(Fixtures.lines(fromImage).joined().contains("INC-"))
        #expect(Fixtures.golden(fromImage) == Fixtures.golden(opened))
    }

    @Test func actionsWaitForTheOpenAndTheSelectionStays() throws {
        let fixture = try IncidentFixture()
        let desk = try fixture.desk(as: "alice")
        let gate = DispatchSemaphore(value: 0)
        let client = OpeningDeskClient(user: "alice") {
            gate.wait()
            return desk
        }
        let link = DeskLink(client: client)
        var state = IncidentFixture.state(try Self.lookPane(fixture, link: link))
        let mailbox = try Mailbox()
        link.attach(mailbox)
        client.start()
        // An unassigned incident, not the first row: the selection must survive the switch.
        _ = Fixtures.press("j", into: &state)
        while state.incidentPane.selectedRow?.assignee != nil { _ = Fixtures.press("j", into: &state) }
        let selected = try #require(state.incidentPane.selectedID)
        let version = desk.version(of: selected)
        #expect(!client.isOpen)
        _ = Fixtures.press("t", into: &state)
        Self.pump(mailbox, &state) { $0.message != nil }
        #expect(state.message == MessageLine("Opening the store… the change is made once it is open", kind: .notice))
        #expect(desk.version(of: selected) == version, "nothing committed before the store is open")
        gate.signal()
        Self.pump(mailbox, &state) { $0.message?.text.hasPrefix("Took") == true }
        #expect(state.message == MessageLine("Took \(selected)", kind: .notice))
        #expect(client.isOpen)
        #expect(try desk.incident(selected)?.assignee == "alice")
        Self.pump(mailbox, &state) { $0.incidentPane.selectedRow?.assignee == "alice" }
        #expect(state.incidentPane.selectedID == selected)
    }

    @Test func aFailedOpenIsReportedAndActionsFail() throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "the store is broken" } }
        let client = OpeningDeskClient(user: "alice") { throw Broken() }
        client.start()
        final class Seen: @unchecked Sendable { var text: String? }  // written before `done` is signalled
        let done = DispatchSemaphore(value: 0)
        let seen = Seen()
        client.whenOpen { result in
            if case let .failure(error) = result { seen.text = "\(error)" }
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 5) == .success)
        #expect(seen.text == "the store is broken")
        #expect(throws: (any Error).self) { try client.snapshot() }
    }

    /// Runs what the store side posted, as the shell's loop does, until `done` holds (5 s at most).
    static func pump(_ mailbox: Mailbox, _ state: inout AppState, until done: (AppState) -> Bool) {
        let deadline = Date().addingTimeInterval(5)
        while !done(state), Date() < deadline {
            var p = pollfd(fd: mailbox.descriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&p, 1, 20)
            for message in mailbox.drain() {
                switch message {
                case let .act(change): _ = state.apply(change(&state))
                case let .update(change): change(&state)
                case let .notice(text): state.say(text, kind: .notice)
                case let .error(text): state.say(text, kind: .error)
                default: break
                }
            }
        }
    }
}
