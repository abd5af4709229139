import Foundation
import Testing
@testable import ITSM

/// Who may do what, as one table: each row is done by someone lacking the role, and the
/// refusal must name exactly that role and the act.
@Suite struct RoleRefusalTests {
    static let inc = RecordID(.incident, 1)
    static let prb = RecordID(.problem, 1)

    static let table: [(String, Command, String, Role, String)] = [
        ("agent creates an agent", .createAgent(user: "x", displayName: "X", roles: [.agent], groups: []), "alice", .admin, "creating agents"),
        ("manager changes an agent", .updateAgent(user: "bob", displayName: "B", roles: nil, groups: nil), "mia", .admin, "changing agents"),
        ("manager defines a group", .defineGroup(name: "G", manager: nil), "mia", .admin, "defining assignment groups"),
        ("manager defines a service", .defineService(Service(name: "S", owner: "mia")), "mia", .admin, "defining services"),
        ("manager defines a calendar", .defineCalendar(.twentyFourSeven(name: "c")), "mia", .admin, "defining business calendars"),
        ("manager changes an SLA", .defineSLA(SLADesk.p1), "mia", .admin, "changing SLA definitions"),
        ("agent changes the matrix", .setPriorityMatrix(.standard), "alice", .admin, "changing the priority matrix"),
        ("agent changes auto-close", .setAutoClose(businessDays: 1, calendar: nil), "alice", .admin, "changing auto-close"),
        ("CAB member opens an incident", .openIncident(NewIncident(title: "t", caller: "c")), "nora", .agent, "opening incidents"),
        ("stranger edits", .editIncident(inc, IncidentEdit(title: "t")), "stranger", .agent, "editing incidents"),
        ("admin-only takes", .takeIncident(inc), "root", .agent, "taking incidents"),
        ("CAB member assigns", .assignIncident(inc, group: nil, assignee: "alice"), "nora", .agent, "assigning incidents"),
        ("CAB member moves", .moveIncident(inc, to: .cancelled, notes: "x"), "nora", .agent, "changing an incident's state"),
        ("CAB member notes", .addWorkNote(inc, "n"), "nora", .agent, "adding work notes"),
        ("CAB member replies", .addCustomerReply(inc, "n"), "nora", .agent, "replying to callers"),
        ("agent overrides priority", .overridePriority(inc, .p1, reason: "r"), "alice", .manager, "overriding an incident's priority"),
        ("agent clears an override", .clearPriorityOverride(inc), "alice", .manager, "clearing a priority override"),
        ("CAB member proposes major", .proposeMajorIncident(inc, reason: "r"), "nora", .agent, "proposing a major incident"),
        ("agent accepts major", .acceptMajorIncident(inc), "alice", .manager, "accepting a major incident"),
        ("agent rejects major", .rejectMajorIncident(inc, reason: "r"), "alice", .manager, "rejecting a major incident"),
        ("CAB member sets a parent", .setParent(inc, parent: nil), "nora", .agent, "linking child incidents"),
        ("CAB member opens a problem", .openProblem(NewProblem(title: "p")), "nora", .agent, "opening problems"),
        ("CAB member links", .linkIncident(problem: prb, incident: inc), "nora", .agent, "linking incidents to problems"),
        ("CAB member resolves a problem", .resolveProblem(prb, notes: "n", resolveLinkedIncidents: true), "nora", .agent, "resolving problems"),
        ("CAB member publishes", .publishKnownError(problem: prb, KnownErrorDraft()), "nora", .agent, "publishing known errors"),
    ]

    @Test(arguments: table)
    func refusedNamingTheRole(_ name: String, _ command: Command, _ user: String, _ role: Role, _ act: String) throws {
        var desk = try SLADesk.make()
        _ = try desk.open()
        try desk.run(.openProblem(NewProblem(title: "p")))
        #expect(desk.refused(command, as: user) == .needsRole(role, toDo: act), "\(name)")
    }
}
