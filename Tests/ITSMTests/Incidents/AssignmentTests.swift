import Foundation
import Testing
@testable import ITSM

@Suite struct AssignmentTests {
    @Test func takeAssignsToMeInTheIncidentsGroup() throws {
        var desk = try TestDesk.staffed()
        let id = try desk.open(group: "Service Desk")
        let events = try desk.run(.takeIncident(id), as: "alice")
        let inc = desk.incident(id)
        #expect(inc.assignee == "alice" && inc.group == "Service Desk" && inc.state == .assigned)
        #expect(inc.reassignmentCount == 0, "a first assignment is no reassignment")
        #expect(events[0].changes.contains(FieldChange("assignee", from: .none, to: .text("alice"))))
        #expect(events[0].changes.contains(FieldChange("state", from: .text("new"), to: .text("assigned"))))
        #expect(desk.refused(.takeIncident(id), as: "alice") == .rule("INC-1 is already assigned to you."))
    }

    @Test func takingAnotherGroupsIncidentIsRefused() throws {
        var desk = try TestDesk.staffed()
        let id = try desk.open(group: "Network")
        #expect(desk.refused(.takeIncident(id), as: "alice") == .rule("alice is not a member of Network."))
        try desk.run(.takeIncident(id), as: "bob")
    }

    @Test func reassigningCountsEachHandOn() throws {
        var desk = try TestDesk.staffed()
        let id = try desk.open(group: "Service Desk")
        try desk.run(.assignIncident(id, group: "Service Desk", assignee: "alice"))
        try desk.run(.assignIncident(id, group: "Service Desk", assignee: "bob"))
        #expect(desk.incident(id).reassignmentCount == 1)
        try desk.run(.assignIncident(id, group: "Network", assignee: "bob"))
        #expect(desk.incident(id).reassignmentCount == 2)
        #expect(desk.incident(id).group == "Network")
    }

    @Test func assigneesMustBeAgents() throws {
        var desk = try TestDesk.staffed()
        let id = try desk.open()
        #expect(desk.refused(.assignIncident(id, group: nil, assignee: "nora")) != nil)
        #expect(desk.refused(.assignIncident(id, group: nil, assignee: "nobody")) != nil)
        #expect(desk.refused(.assignIncident(id, group: "Nope", assignee: nil)) == .notFound(RecordID(kind: .group, key: "Nope")))
    }

    @Test func releaseReturnsTheIncidentToItsQueue() throws {
        var desk = try TestDesk.staffed()
        let id = try desk.open(group: "Service Desk")
        try desk.run(.takeIncident(id), as: "alice")
        try desk.run(.moveIncident(id, to: .inProgress), as: "alice")
        try desk.run(.releaseIncident(id), as: "alice")
        let inc = desk.incident(id)
        #expect(inc.assignee == nil && inc.state == .new && inc.group == "Service Desk")
        #expect(desk.refused(.releaseIncident(id)) == .rule("INC-1 has no assignee to release."))
    }

    @Test func anIncidentOnHoldIsResumedBeforeItIsReleased() throws {
        var desk = try TestDesk.staffed()
        let id = try desk.open(group: "Service Desk")
        try desk.run(.takeIncident(id))
        try desk.run(.moveIncident(id, to: .onHold, holdReason: .awaitingCaller))
        let r = desk.refused(.releaseIncident(id))
        #expect(r?.description.contains("resume the incident before releasing it") == true)
    }

    @Test func resolvedIncidentsCannotBeAssigned() throws {
        var desk = try TestDesk.staffed()
        let id = try desk.open()
        try desk.run(.moveIncident(id, to: .resolved, resolution: .userError, notes: "n"))
        #expect(desk.refused(.takeIncident(id)) != nil)
    }

    @Test func peopleWithoutTheAgentRoleCannotWorkIncidents() throws {
        var desk = try TestDesk.staffed()
        #expect(desk.refused(.openIncident(NewIncident(title: "x", caller: "y")), as: "nora")
                == .needsRole(.agent, toDo: "opening incidents"))
        #expect(desk.refused(.openIncident(NewIncident(title: "x", caller: "y")), as: "stranger")
                == .needsRole(.agent, toDo: "opening incidents"))
        #expect(desk.refused(.openIncident(NewIncident(title: "x", caller: "y")), as: "root") != nil, "admin alone is not an agent")
        try desk.run(.openIncident(NewIncident(title: "x", caller: "y")), as: "mia")  // a manager is an agent too
    }
}

@Suite struct NotesAndFieldsTests {
    @Test func workNotesAndCustomerRepliesAreSeparateTimelines() throws {
        var desk = try TestDesk.staffed()
        let id = try desk.open()
        try desk.run(.addWorkNote(id, "checked the spooler"), as: "alice", at: desk.now + 60)
        try desk.run(.addCustomerReply(id, "we are on it"), as: "bob", at: desk.now + 120)
        let inc = desk.incident(id)
        #expect(inc.workNotes == [Note(author: "alice", at: desk.now + 60, text: "checked the spooler")])
        #expect(inc.customerReplies == [Note(author: "bob", at: desk.now + 120, text: "we are on it")])
        #expect(inc.respondedAt == desk.now + 120, "the first customer reply is the first response")
        #expect(desk.refused(.addWorkNote(id, "")) != nil)
    }

    @Test func openingRecordsEveryQueueFieldAsAPlainChange() throws {
        var desk = try TestDesk.staffed()
        let events = try desk.run(.openIncident(NewIncident(title: "VPN down", caller: "carol", impact: .enterprise, urgency: .high,
                                                            service: "Mail", ci: "vpn-gw-01", category: "network",
                                                            origin: .monitoring, group: "Network")))
        let e = events[0]
        #expect(e.record == RecordID(.incident, 1) && e.baseVersion == 0 && e.action == .incidentCreated)
        let fields = Dictionary(uniqueKeysWithValues: e.changes.map { ($0.field, $0.to) })
        #expect(fields["title"] == .text("VPN down"))
        #expect(fields["state"] == .text("new"))
        #expect(fields["priority"] == .int(1))
        #expect(fields["impact"] == .int(1) && fields["urgency"] == .int(1))
        #expect(fields["service"] == .text("Mail") && fields["ci"] == .text("vpn-gw-01"))
        #expect(fields["caller"] == .text("carol") && fields["category"] == .text("network"))
        #expect(fields["origin"] == .text("monitoring") && fields["group"] == .text("Network"))
        #expect(fields["openedAt"] == .time(desk.now) && fields["majorIncident"] == .text("none"))
        #expect(e.changes.allSatisfy { $0.from == .none })
    }

    @Test func unknownServicesAreRefused() throws {
        var desk = try TestDesk.staffed()
        #expect(desk.refused(.openIncident(NewIncident(title: "x", caller: "y", service: "Nope")))
                == .notFound(RecordID(kind: .service, key: "Nope")))
    }

    @Test func anEditRecordsOnlyWhatChangedWithBeforeAndAfter() throws {
        var desk = try TestDesk.staffed()
        let id = try desk.open("Printer jammed")
        let events = try desk.run(.editIncident(id, IncidentEdit(title: "Printer on floor 3 jammed", category: "hardware")))
        #expect(events.count == 1 && events[0].baseVersion == 1)
        #expect(Set(events[0].changes) == [
            FieldChange("title", from: .text("Printer jammed"), to: .text("Printer on floor 3 jammed")),
            FieldChange("category", from: .none, to: .text("hardware")),
        ])
        #expect(try desk.run(.editIncident(id, IncidentEdit(title: "Printer on floor 3 jammed"))).isEmpty,
                "an edit that changes nothing makes no event")
    }
}
