import Foundation
import Testing
@testable import ITSM

@Suite struct IncidentTransitionTests {
    /// An incident assigned to the manager `mia`, brought to `state` through the commands.
    static func desk(with state: IncidentState) throws -> (TestDesk, RecordID) {
        var desk = try TestDesk.staffed()
        let id = try desk.open(group: "Service Desk")
        let path: [Command]
        switch state {
        case .new: path = []
        case .assigned: path = [.assignIncident(id, group: "Service Desk", assignee: "mia")]
        case .inProgress: path = [.assignIncident(id, group: "Service Desk", assignee: "mia"), .moveIncident(id, to: .inProgress)]
        case .onHold: path = [.assignIncident(id, group: "Service Desk", assignee: "mia"), .moveIncident(id, to: .inProgress),
                              .moveIncident(id, to: .onHold, holdReason: .awaitingVendor)]
        case .resolved: path = [.assignIncident(id, group: "Service Desk", assignee: "mia"),
                                .moveIncident(id, to: .resolved, resolution: .solvedPermanently, notes: "fixed")]
        case .closed: path = [.assignIncident(id, group: "Service Desk", assignee: "mia"),
                              .moveIncident(id, to: .resolved, resolution: .solvedPermanently, notes: "fixed"),
                              .moveIncident(id, to: .closed)]
        case .cancelled: path = [.moveIncident(id, to: .cancelled, notes: "duplicate call")]
        }
        for c in path { try desk.run(c, as: "mia") }
        #expect(desk.incident(id).state == state)
        return (desk, id)
    }

    /// What `moveIncident` allows, by hand, independent of the code's table: assigning and
    /// releasing have their own commands, and In Progress needs an assignee (New has none).
    static let allowed: [IncidentState: Set<IncidentState>] = [
        .new: [.onHold, .resolved, .cancelled],
        .assigned: [.inProgress, .onHold, .resolved, .cancelled],
        .inProgress: [.onHold, .resolved, .cancelled],
        .onHold: [.inProgress, .resolved, .cancelled],
        .resolved: [.inProgress, .closed],
        .closed: [.inProgress],
        .cancelled: [],
    ]

    @Test(arguments: IncidentState.allCases, IncidentState.allCases)
    func everyTransitionIsAllowedOrRefusedWithAReason(from: IncidentState, to: IncidentState) throws {
        var (desk, id) = try Self.desk(with: from)
        let command = Command.moveIncident(id, to: to, holdReason: .awaitingCaller, resolution: .solvedWorkaround, notes: "because")
        if Self.allowed[from]!.contains(to) {
            try desk.run(command, as: "mia")
            #expect(desk.incident(id).state == to)
        } else {
            let refusal = desk.refused(command, as: "mia")
            #expect(refusal != nil)
            #expect(refusal?.description.isEmpty == false)
            #expect(desk.incident(id).state == from)
        }
    }

    @Test func refusalNamesTheRecordAndBothStates() throws {
        var (desk, id) = try Self.desk(with: .cancelled)
        let r = desk.refused(.moveIncident(id, to: .inProgress, notes: "x"), as: "mia")
        #expect(r?.description == "INC-1 cannot go from Cancelled to In Progress: a cancelled incident is final")
    }

    @Test func onHoldNeedsAReason() throws {
        var (desk, id) = try Self.desk(with: .inProgress)
        #expect(desk.refused(.moveIncident(id, to: .onHold), as: "mia") == .invalid(field: "holdReason", reason: "On Hold needs a reason"))
        try desk.run(.moveIncident(id, to: .onHold, holdReason: .awaitingChange), as: "mia")
        #expect(desk.incident(id).holdReason == .awaitingChange)
        try desk.run(.moveIncident(id, to: .inProgress), as: "mia")
        #expect(desk.incident(id).holdReason == nil, "resuming clears the hold reason")
    }

    @Test func resolvingNeedsACodeAndNotes() throws {
        var (desk, id) = try Self.desk(with: .inProgress)
        #expect(desk.refused(.moveIncident(id, to: .resolved, notes: "x"), as: "mia") != nil)
        #expect(desk.refused(.moveIncident(id, to: .resolved, resolution: .duplicate, notes: ""), as: "mia")
                == .invalid(field: "resolutionNotes", reason: "must not be empty"))
        try desk.run(.moveIncident(id, to: .resolved, resolution: .duplicate, notes: "same as INC-9"), as: "mia")
        let inc = desk.incident(id)
        #expect(inc.resolutionCode == .duplicate && inc.resolutionNotes == "same as INC-9" && inc.resolvedAt == desk.now)
    }

    @Test func cancellingNeedsAReason() throws {
        var (desk, id) = try Self.desk(with: .new)
        #expect(desk.refused(.moveIncident(id, to: .cancelled), as: "mia") != nil)
    }

    @Test func inProgressNeedsAnAssignee() throws {
        var (desk, id) = try Self.desk(with: .new)
        let r = desk.refused(.moveIncident(id, to: .inProgress), as: "mia")
        #expect(r?.description.contains("take or assign it first") == true)
    }

    @Test func agentsReopenResolvedIncidentsWithAReason() throws {
        var (desk, id) = try Self.desk(with: .resolved)
        #expect(desk.refused(.moveIncident(id, to: .inProgress), as: "alice") == .invalid(field: "reason", reason: "must not be empty"))
        try desk.run(.moveIncident(id, to: .inProgress, notes: "caller says it is back"), as: "alice")
        let inc = desk.incident(id)
        #expect(inc.state == .inProgress && inc.resolutionCode == nil && inc.resolvedAt == nil)
        #expect(inc.workNotes.last?.text == "Reopened: caller says it is back")
    }

    @Test func whoeverReopensAnUnassignedIncidentTakesIt() throws {
        var desk = try TestDesk.staffed()
        let id = try desk.open()
        try desk.run(.moveIncident(id, to: .resolved, resolution: .userError, notes: "password reset"))
        try desk.run(.moveIncident(id, to: .inProgress, notes: "still locked out"), as: "bob")
        #expect(desk.incident(id).assignee == "bob" && desk.incident(id).state == .inProgress)
    }

    @Test func onlyManagersReopenClosedIncidents() throws {
        var (desk, id) = try Self.desk(with: .closed)
        let r = desk.refused(.moveIncident(id, to: .inProgress, notes: "again"), as: "alice")
        #expect(r == .needsRole(.manager, toDo: "reopening a closed incident"))
        #expect(r?.description == "Reopening a closed incident needs the manager role.")
        try desk.run(.moveIncident(id, to: .inProgress, notes: "again"), as: "mia")
        #expect(desk.incident(id).state == .inProgress && desk.incident(id).closedAt == nil)
    }

    @Test func closedAndCancelledIncidentsCannotBeEdited() throws {
        for s in [IncidentState.closed, .cancelled] {
            var (desk, id) = try Self.desk(with: s)
            #expect(desk.refused(.editIncident(id, IncidentEdit(title: "new title"))) != nil)
        }
    }

    @Test func theTableIsWhatTheCodeUses() {
        // Every refused step has its own words, not a generic message, for the common mistakes.
        #expect(IncidentState.cancelled.whyNot(.inProgress) == "a cancelled incident is final")
        #expect(IncidentState.inProgress.whyNot(.closed) == "only a resolved incident can be closed")
        #expect(IncidentState.closed.successors == [.inProgress])
        #expect(IncidentState.resolved.successors == [.inProgress, .closed])
    }
}
