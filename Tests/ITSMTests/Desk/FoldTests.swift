import Foundation
import Testing
@testable import ITSM

@Suite struct FoldTests {
    @Test func versionCountsEventsPerRecordAndBaseVersionsFollow() throws {
        var desk = try TestDesk.staffed()
        let id = try desk.open()
        try desk.run(.addWorkNote(id, "one"))
        try desk.run(.addWorkNote(id, "two"))
        #expect(desk.state.version(of: id) == 3)
        #expect(desk.log.filter { $0.record == id }.map(\.baseVersion) == [0, 1, 2])
    }

    @Test func severalEventsOnOneRecordInOneCommandCountUp() {
        let id = RecordID(.incident, 5)
        var state = DeskState()
        state.apply(Event(record: id, action: .incidentCreated, actor: "a", at: Date(timeIntervalSince1970: 0),
                          baseVersion: 0, changes: [FieldChange("title", to: .text("t"))]))
        var batch = EventBatch(state: state, actor: "a", now: Date(timeIntervalSince1970: 1))
        batch.add(id, .incidentWorkNote, [FieldChange("workNote", to: .text("1"))])
        batch.add(id, .incidentWorkNote, [FieldChange("workNote", to: .text("2"))])
        batch.add(id, .incidentWorkNote, [])  // changes nothing: no event
        #expect(batch.events.map(\.baseVersion) == [1, 2])
    }

    @Test func numbersAreAllocatedFromTheStateSoARedecisionGetsAFreshOne() throws {
        var desk = try TestDesk.staffed()
        let stale = desk.state
        let first = try desk.open()
        let redecided = try decide(.openIncident(NewIncident(title: "x", caller: "y")), by: "alice", at: desk.now, in: desk.state)
        let staleDecision = try decide(.openIncident(NewIncident(title: "x", caller: "y")), by: "alice", at: desk.now, in: stale)
        #expect(first == RecordID(.incident, 1))
        #expect(staleDecision[0].record == first, "against stale state the number collides …")
        #expect(redecided[0].record == RecordID(.incident, 2), "… and re-deciding against fresh state moves on")
    }

    @Test func numbersOfKindsThisModuleDoesNotModelAreCountedToo() {
        var state = DeskState()
        state.apply(Event(record: RecordID(.change, 41), action: EventAction("change.created"), actor: "x",
                          at: Date(timeIntervalSince1970: 0), baseVersion: 0, changes: []))
        #expect(state.nextID(.change) == RecordID(.change, 42))
        #expect(state.version(of: RecordID(.change, 41)) == 1)
    }

    @Test func unknownActionsFieldsKindsAndOddValuesAreSkipped() throws {
        var desk = try TestDesk.staffed()
        let id = try desk.open("Printer jammed")
        let before = desk.incident(id)
        let odd: [Event] = [
            Event(record: id, action: EventAction("incident.teleported"), actor: "x", at: desk.now, baseVersion: 1,
                  changes: [FieldChange("warpFactor", to: .number(9))]),
            Event(record: id, action: .incidentUpdated, actor: "x", at: desk.now, baseVersion: 2, changes: [
                FieldChange("state", to: .text("levitating")), FieldChange("priority", to: .int(99)),
                FieldChange("impact", to: .text("big")), FieldChange("openedAt", to: .int(3)),
                FieldChange("parent", to: .text("not an id")), FieldChange("title", to: .list(["a"])),
                FieldChange("reassignmentCount", to: .number(.nan)),
            ]),
            Event(record: RecordID(kind: RecordKind(rawValue: "zz"), key: "?"), action: EventAction("?"), actor: "",
                  at: .distantPast, baseVersion: 0, changes: [FieldChange("", to: .none)]),
            Event(record: RecordID(kind: .sla, key: "broken"), action: .slaDefined, actor: "x", at: desk.now, baseVersion: 0,
                  changes: [FieldChange("priorities", to: .list(["P7", "x"])), FieldChange("responseTarget", to: .text("soon"))]),
            Event(record: RecordID(kind: .calendar, key: "bad"), action: .calendarDefined, actor: "x", at: desk.now, baseVersion: 0,
                  changes: [FieldChange("timeZone", to: .text("Mars/Olympus")), FieldChange("hours", to: .list(["mon 25:00-26:00", "xx"]))]),
        ]
        for e in odd { desk.state.apply(e) }
        let after = desk.incident(id)
        #expect(after.title == before.title && after.state == before.state && after.priority == before.priority)
        #expect(after.impact == before.impact && after.openedAt == before.openedAt && after.parent == nil)
        #expect(desk.state.version(of: id) == 3)
        #expect(desk.state.directory.calendars["bad"]?.hours.isEmpty == true)
        #expect(desk.state.directory.slaDefinitions["broken"]?.priorities.isEmpty == true)
    }

    @Test func foldingTheLogAgainGivesTheSameState() throws {
        var desk = try TestDesk.staffed()
        let id = try desk.open()
        try desk.run(.takeIncident(id))
        try desk.run(.moveIncident(id, to: .onHold, holdReason: .awaitingVendor))
        #expect(DeskState(events: desk.log) == desk.state)
    }

    @Test func historyOfARecordIsItsEventsWithWhoWhenFieldFromTo() throws {
        var desk = try TestDesk.staffed()
        let id = try desk.open()
        try desk.run(.takeIncident(id), as: "bob", at: desk.now + 60)
        let history = desk.log.filter { $0.record == id }
        #expect(history.count == 2)
        #expect(history[1].actor == "bob" && history[1].at == desk.now + 60)
        #expect(history[1].changes.contains(FieldChange("state", from: .text("new"), to: .text("assigned"))))
    }
}
