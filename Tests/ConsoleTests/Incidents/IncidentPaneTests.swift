import Foundation
import Testing
import ITSM
import DeskStore
import Terminal
@testable import Console

/// What the keys do on the incident queue: selection, filter, marks, the action flows and
/// the commands they hand to the store.
@Suite struct IncidentPaneTests {
    func ids(_ state: AppState) -> [Int] {
        let pane = state.incidentPane
        return pane.rows.map { pane.snapshot!.table[Int($0)].number }
    }

    @Test func incidentQueueIsTheStartViewAndFourComesBack() throws {
        var state = IncidentFixture.state(try IncidentFixture().pane())
        #expect(state.pane.name == "incidents")
        Fixtures.press("1", into: &state)
        #expect(state.pane.name == "about")
        Fixtures.press("4", into: &state)
        #expect(state.pane.name == "incidents")
    }

    @Test func listKeysMoveTheSelection() throws {
        var state = IncidentFixture.state(try IncidentFixture().pane())
        Fixtures.press("j", "j", into: &state)
        #expect(state.incidentPane.selectedID == RecordID(.incident, 2))
        Fixtures.press("G", into: &state)
        #expect(state.incidentPane.selectedID == RecordID(.incident, 5))
        Fixtures.press("g", "k", into: &state)
        #expect(state.incidentPane.selectedID == RecordID(.incident, 4))
    }

    @Test func clickSelectsARowAndTheWheelMoves() throws {
        var state = IncidentFixture.state(try IncidentFixture().pane())
        let lines = Fixtures.lines(state)
        let y = try #require(lines.firstIndex { $0.contains("INC-7 ") })
        _ = state.handle(.mouse(MouseEvent(kind: .press(button: 1), x: 10, y: y)))
        #expect(state.incidentPane.selectedID == RecordID(.incident, 7))
        _ = state.handle(.mouse(MouseEvent(kind: .press(button: 1), x: 10, y: y)))
        #expect(state.incidentPane.detailOpen)
        _ = state.handle(.mouse(MouseEvent(kind: .wheelUp, x: 10, y: 5)))
        #expect(state.incidentPane.selectedID == RecordID(.incident, 1))
    }

    @Test func filterNarrowsAsYouTypeAndTermsAreAnded() throws {
        var state = IncidentFixture.state(try IncidentFixture().pane())
        Fixtures.press("/", into: &state)
        Fixtures.type("s", into: &state)
        let broad = ids(state)
        Fixtures.type("erver", into: &state)
        #expect(ids(state) == [1])
        #expect(Set(broad).isSuperset(of: [1]))
        // Assignee, group and CI match too; two terms must both occur.
        Fixtures.press("Esc", into: &state)
        #expect(ids(state).count == 8)
        Fixtures.press("/", into: &state)
        Fixtures.type("network vpn", into: &state)
        #expect(ids(state) == [2])
        Fixtures.press("Enter", into: &state)
        #expect(!state.incidentPane.filtering)
        #expect(state.incidentPane.filter.text == "network vpn")
    }

    @Test func capitalsMakeTheFilterCaseSensitive() throws {
        var state = IncidentFixture.state(try IncidentFixture().pane())
        Fixtures.press("/", into: &state)
        Fixtures.type("mail", into: &state)
        #expect(ids(state) == [1, 5])      // INC-5's service is Email
        Fixtures.press("Ctrl-U", into: &state)
        Fixtures.type("Mail", into: &state)
        #expect(ids(state) == [])
    }

    @Test func filterByIDFindsTheIncident() throws {
        var state = IncidentFixture.state(try IncidentFixture().pane())
        Fixtures.press("/", into: &state)
        Fixtures.type("inc-7", into: &state)
        #expect(ids(state) == [7])
    }

    @Test func selectionStaysOnTheSameIncidentWhenTheQueueChanges() throws {
        let fixture = try IncidentFixture()
        var pane = try fixture.pane()
        let ctx = PaneContext(info: Fixtures.info(storeExists: true), keyMap: KeyMap(), messages: [])
        for _ in 0..<4 { _ = pane.perform(.cursorDown, context: ctx) }
        let before = pane.selectedID
        #expect(before == RecordID(.incident, 7))
        // Bob opens a P1: it sorts first and pushes every row down.
        try fixture.desk(as: "bob").perform(.openIncident(NewIncident(title: "Core switch down", caller: "Zoe", impact: .enterprise,
                                                                      urgency: .high, group: "Network")))
        pane.receive(try fixture.snapshot())
        #expect(pane.selectedID == before)
        #expect(pane.selectedRow?.id == before)
        #expect(pane.rows.count == 9)
    }

    @Test func newP1InMyGroupsGivesANoticeAndTheBell() throws {
        let fixture = try IncidentFixture()
        var pane = try fixture.pane()
        try fixture.open("Core switch down", .enterprise, .high, group: "Network")
        #expect(pane.receive(try fixture.snapshot()) == [])     // not my group
        let id = try fixture.open("Email down for everyone", .enterprise, .high)
        let effects = pane.receive(try fixture.snapshot())
        #expect(effects == [.notice("New P1 in Service Desk: \(id) Email down for everyone"), .bell])
        var quiet = try fixture.pane()
        quiet.bell = false
        _ = try fixture.open("Payroll down again", .enterprise, .high)
        #expect(quiet.receive(try fixture.snapshot()).contains(.bell) == false)
    }

    @Test func takeOnMarkedRowsAsksOnceAndSendsEvery() throws {
        var state = IncidentFixture.state(try IncidentFixture().pane())
        Fixtures.press("j", "j", "j", "Space", "Space", "t", into: &state)
        #expect(state.incidentPane.outbox.isEmpty)
        #expect(state.incidentPane.modal != nil)
        Fixtures.press("y", into: &state)
        #expect(state.incidentPane.outbox == [[.takeIncident(RecordID(.incident, 7)), .takeIncident(RecordID(.incident, 8))]])
        #expect(state.message == MessageLine("Took 2 incidents", kind: .notice))
    }

    @Test func declinedConfirmationSendsNothing() throws {
        var state = IncidentFixture.state(try IncidentFixture().pane())
        Fixtures.press("Space", "Space", "t", "n", into: &state)
        #expect(state.incidentPane.outbox.isEmpty)
        #expect(state.message == MessageLine("Cancelled.", kind: .notice))
    }

    @Test func onHoldAsksForTheReason() throws {
        var state = IncidentFixture.state(try IncidentFixture().pane())
        Fixtures.press("s", "j", "Enter", "j", "j", "j", "Enter", into: &state)
        #expect(state.incidentPane.outbox == [[.moveIncident(RecordID(.incident, 4), to: .onHold, holdReason: .awaitingVendor)]])
    }

    @Test func resolveNeedsACodeAndANote() throws {
        var state = IncidentFixture.state(try IncidentFixture().pane())
        Fixtures.press("R", "j", "Enter", into: &state)
        Fixtures.press("Enter", into: &state)
        #expect(state.message == MessageLine("Resolving needs a note for the caller", kind: .error))
        #expect(state.incidentPane.outbox.isEmpty)
        Fixtures.type("Restarted the export job", into: &state)
        Fixtures.press("Enter", into: &state)
        #expect(state.incidentPane.outbox == [[.moveIncident(RecordID(.incident, 4), to: .resolved, resolution: .solvedWorkaround,
                                                             notes: "Restarted the export job")]])
    }

    @Test func workNoteAndReplyByKeyAndByCommand() throws {
        var state = IncidentFixture.state(try IncidentFixture().pane())
        Fixtures.press("w", into: &state)
        Fixtures.type("Called the vendor", into: &state)
        Fixtures.press("Enter", into: &state)
        _ = state.apply(state.run("reply We are on it"))
        #expect(state.incidentPane.outbox == [[.addWorkNote(RecordID(.incident, 4), "Called the vendor")],
                                              [.addCustomerReply(RecordID(.incident, 4), "We are on it")]])
    }

    @Test func longTextGoesThroughTheEditor() throws {
        var state = IncidentFixture.state(try IncidentFixture().pane())
        Fixtures.press("w", into: &state)
        Fixtures.type("draft", into: &state)
        #expect(Fixtures.press("Ctrl-E", into: &state) == [.editText("draft")])
        _ = state.deliverEdited("Called the vendor.\nThey ship a part tomorrow.\n")
        Fixtures.press("Enter", into: &state)
        #expect(state.incidentPane.outbox == [[.addWorkNote(RecordID(.incident, 4), "Called the vendor.\nThey ship a part tomorrow.")]])
    }

    @Test func refilteringFromTheLastResultEqualsFilteringAfresh() throws {
        let fixture = try IncidentFixture()
        var typed = try fixture.pane()
        for c in "printer f" { typed.filter.insert(c); typed.applyFilter() }
        var fresh = try fixture.pane()
        fresh.filter = TextInput("printer f")
        fresh.applyFilter()
        #expect(typed.rows == fresh.rows)
        #expect(IncidentQueuePane.refines("printer f", "printer"))
        #expect(!IncidentQueuePane.refines("printer", "printer f"))
        #expect(!IncidentQueuePane.refines("pR", "p"))     // the capital makes it case-sensitive
    }

    @Test func impactPickerShowsThePriorityEachChoiceGives() throws {
        var state = IncidentFixture.state(try IncidentFixture().pane())
        Fixtures.press("i", into: &state)
        guard case let .picker(picker) = state.incidentPane.modal else { Issue.record("no picker"); return }
        #expect(picker.options[0] == "Impact 1 enterprise · Urgency 1 high → P1")
        #expect(picker.options[8] == "Impact 3 individual · Urgency 3 low → P5")
        #expect(picker.footnote == "Now P1 (impact 1 enterprise, urgency 1 high)")
        Fixtures.press("Down", "Down", "Down", "Enter", into: &state)
        #expect(state.incidentPane.outbox == [[.editIncident(RecordID(.incident, 4), IncidentEdit(impact: .department, urgency: .high))]])
    }

    @Test func assignPicksGroupThenAgent() throws {
        var state = IncidentFixture.state(try IncidentFixture().pane())
        Fixtures.press("a", "Up", "Enter", into: &state)      // Network (groups sorted; Service Desk preselected)
        Fixtures.press("j", "Enter", into: &state)            // dan
        #expect(state.incidentPane.outbox == [[.assignIncident(RecordID(.incident, 4), group: "Network", assignee: "dan")]])
    }

    @Test func assignCommandTakesGroupNamesWithSpaces() throws {
        var state = IncidentFixture.state(try IncidentFixture().pane())
        _ = state.apply(state.run("assign service desk bob"))
        _ = state.apply(state.run("assign Network"))
        #expect(state.incidentPane.outbox == [[.assignIncident(RecordID(.incident, 4), group: "Service Desk", assignee: "bob")],
                                              [.assignIncident(RecordID(.incident, 4), group: "Network", assignee: nil)]])
    }

    @Test func newIncidentFormOpensOneWithThePriorityShown() throws {
        var state = IncidentFixture.state(try IncidentFixture().pane())
        Fixtures.press("n", "Enter", into: &state)
        #expect(state.message == MessageLine("A new incident needs a title", kind: .error))
        Fixtures.type("Badge reader broken", into: &state)
        Fixtures.press("Tab", "Tab", "Left", into: &state)
        Fixtures.press("Enter", into: &state)
        #expect(state.incidentPane.outbox == [[.openIncident(NewIncident(title: "Badge reader broken", caller: "alice", impact: .department,
                                                                         urgency: .medium, group: "Service Desk"))]])
        #expect(state.message == MessageLine("Opened “Badge reader broken” (P3)", kind: .notice))
    }

    @Test func queueCommandCompletesAndSwitches() throws {
        var state = IncidentFixture.state(try IncidentFixture().pane())
        Fixtures.press(":", into: &state)
        Fixtures.type("queue mi", into: &state)
        Fixtures.press("Tab", into: &state)
        #expect(state.commandLine.input.text == "queue mine")
        Fixtures.press("Enter", into: &state)
        #expect(state.incidentPane.queue == .mine)
        #expect(ids(state).sorted() == [1, 4, 7])
        _ = state.apply(state.run("queue nowhere"))
        #expect(state.message?.kind == .error)
        Fixtures.press("]", into: &state)
        #expect(state.incidentPane.queue == .unassigned)
        Fixtures.press(":", into: &state)
        Fixtures.type("sort as", into: &state)
        Fixtures.press("Tab", "Enter", into: &state)
        #expect(state.incidentPane.sort == QueueSort(column: .assignee))
    }

    @Test func openCommandFindsAResolvedIncident() throws {
        var state = IncidentFixture.state(try IncidentFixture().pane())
        _ = state.apply(state.run("open INC-9"))
        #expect(state.incidentPane.queue == .recentlyResolved)
        #expect(state.incidentPane.selectedID == RecordID(.incident, 9))
        #expect(state.incidentPane.detailOpen)
    }

    @Test func actionsOnAnEmptyQueueSayWhy() throws {
        var state = IncidentFixture.state(try IncidentFixture(incidents: false).pane())
        Fixtures.press("t", into: &state)
        #expect(state.message == MessageLine("No incident selected — the queue is empty", kind: .error))
    }

    @Test func everyIncidentBindingIsDeclaredOnceWithoutClashes() {
        let map = KeyMap()
        #expect(map.clashes.isEmpty)
        for action in Action.allCases where action.rawValue.hasPrefix("incident.") || action.rawValue.hasPrefix("queue.") {
            #expect(map.binding(for: action) != nil, "\(action) has no key")
        }
        #expect(map.binding(for: .incidentMajor)?.dangerous == true)
    }
}
