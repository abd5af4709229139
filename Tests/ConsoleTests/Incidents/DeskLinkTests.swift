import Foundation
import Testing
import ITSM
import DeskStore
import Terminal
@testable import Console

/// The pane with a real desk behind it: store work off the UI thread, results through the
/// shell's mailbox, other agents' commits arriving without a key press.
@Suite struct DeskLinkTests {
    /// A console wired as `opsdesk` wires it, minus the terminal.
    struct Live {
        var state: AppState
        let mailbox: Mailbox
        let link: DeskLink

        init(_ fixture: IncidentFixture, user: String = "alice") throws {
            let desk = try fixture.desk(as: user)
            link = DeskLink(client: DeskClient(desk: desk))
            mailbox = try Mailbox()
            let pane = IncidentQueuePane(user: user, link: link, clock: { IncidentFixture.now })
            state = IncidentFixture.state(pane)
            link.attach(mailbox)
        }

        /// Runs what the store side posted, as the shell's loop does, until `done` holds or
        /// two seconds pass; returns the effects for the shell.
        @discardableResult
        mutating func pump(until done: (AppState) -> Bool) -> [Effect] {
            var effects: [Effect] = []
            let deadline = Date().addingTimeInterval(2)
            while !done(state), Date() < deadline {
                var p = pollfd(fd: mailbox.descriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(&p, 1, 20)
                for message in mailbox.drain() {
                    switch message {
                    case let .act(change): effects += change(&state)
                    case let .update(change): change(&state)
                    default: break
                    }
                }
            }
            return effects
        }
    }

    @Test func firstSnapshotArrivesOffTheUIThread() throws {
        let fixture = try IncidentFixture()
        var live = try Live(fixture)
        #expect(live.state.incidentPane.snapshot == nil)
        live.pump { $0.incidentPane.snapshot != nil }
        #expect(live.state.incidentPane.rows.count == 8)
    }

    @Test func anotherAgentsCommitAppearsWithoutAKeyPress() throws {
        let fixture = try IncidentFixture()
        var live = try Live(fixture)
        live.pump { $0.incidentPane.snapshot != nil }
        Fixtures.press("j", into: &live.state)
        let selected = live.state.incidentPane.selectedID
        let started = Date()
        try fixture.desk(as: "bob").perform(.openIncident(NewIncident(title: "Core switch down", caller: "Zoe", impact: .enterprise,
                                                                      urgency: .high, group: "Network")))
        live.pump { $0.incidentPane.rows.count == 9 }
        #expect(live.state.incidentPane.rows.count == 9)
        #expect(Date().timeIntervalSince(started) < 1.0)
        #expect(live.state.incidentPane.selectedID == selected)
    }

    @Test func takeCommitsAndSaysSo() throws {
        let fixture = try IncidentFixture()
        var live = try Live(fixture)
        live.pump { $0.incidentPane.snapshot != nil }
        _ = live.state.apply(live.state.run("open INC-8"))
        Fixtures.press("t", into: &live.state)
        live.pump { $0.message != nil }
        #expect(live.state.message == MessageLine("Took INC-8", kind: .notice))
        live.pump { $0.incidentPane.selectedRow?.assignee == "alice" }
        #expect(try fixture.desk.incident(RecordID(.incident, 8))?.assignee == "alice")
    }

    @Test func refusalIsShownInTheDomainsWords() throws {
        let fixture = try IncidentFixture()
        var live = try Live(fixture)
        live.pump { $0.incidentPane.snapshot != nil }
        _ = live.state.apply(live.state.run("open INC-1"))       // already alice's
        _ = live.state.apply(live.state.run("take"))
        live.pump { $0.message != nil }
        #expect(live.state.message?.kind == .error)
        let words = try #require(live.state.message?.text)
        do {
            try fixture.desk.perform(.takeIncident(RecordID(.incident, 1)))
            Issue.record("the domain took it twice")
        } catch {
            #expect(words == "\(error)")     // the store's own sentence, unchanged
        }
    }

    @Test func staleEditNamesTheOtherAgent() throws {
        let fixture = try IncidentFixture()
        var live = try Live(fixture)
        live.pump { $0.incidentPane.snapshot != nil }
        _ = live.state.apply(live.state.run("open INC-7"))
        Fixtures.press("w", into: &live.state)
        Fixtures.type("Rebooted fs-02", into: &live.state)
        // Bob changes the incident while alice types.
        try fixture.desk(as: "bob").perform(.addWorkNote(RecordID(.incident, 7), "Looking at fs-02 too"))
        live.pump { $0.incidentPane.selectedRow?.version != nil && $0.incidentPane.snapshot!.generation > 0 }
        Fixtures.press("Enter", into: &live.state)
        live.pump { $0.message?.kind == .error }
        let text = live.state.message?.text ?? ""
        #expect(text.contains("INC-7 was changed by bob"), "message was: \(text)")
        #expect(try fixture.desk.incident(RecordID(.incident, 7))?.workNotes.map(\.text) == ["Looking at fs-02 too"])
    }

    @Test func quickSuccessiveActionsOnOneIncidentAreNotStaleAgainstMyself() throws {
        let fixture = try IncidentFixture()
        var live = try Live(fixture)
        live.pump { $0.incidentPane.snapshot != nil }
        _ = live.state.apply(live.state.run("open INC-8"))
        // Take, then a note before the take's answer came back.
        Fixtures.press("t", "w", into: &live.state)
        Fixtures.type("On my way", into: &live.state)
        Fixtures.press("Enter", into: &live.state)
        live.pump { $0.messageLog.count >= 2 }
        #expect(live.state.messageLog.map(\.line.text) == ["Took INC-8", "Work note added to INC-8"])
        let incident = try #require(try fixture.desk.incident(RecordID(.incident, 8)))
        #expect(incident.assignee == "alice")
        #expect(incident.workNotes.map(\.text) == ["On my way"])
    }

    @Test func detailLoadsOffTheUIThread() throws {
        let fixture = try IncidentFixture()
        var live = try Live(fixture)
        live.pump { $0.incidentPane.snapshot != nil }
        _ = live.state.apply(live.state.run("open INC-1"))
        live.pump { $0.incidentPane.detail != nil }
        #expect(live.state.incidentPane.detail?.incident.workNotes.count == 1)
        #expect(live.state.incidentPane.detail?.history.isEmpty == false)
    }
}
