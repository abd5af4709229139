import Foundation
import Testing
@testable import ITSM

@Suite struct ProblemTests {
    static func desk(with state: ProblemState) throws -> (TestDesk, RecordID) {
        var desk = try TestDesk.staffed()
        let events = try desk.run(.openProblem(NewProblem(title: "Payroll batch hangs", impact: .department, urgency: .high,
                                                          service: "Payroll", cis: ["db-payroll-01"], group: "Service Desk", owner: "alice")))
        let id = events[0].record
        let path: [ProblemState] = [.assess, .rootCauseAnalysis, .fixInProgress, .resolved, .closed]
        for s in path where desk.state.problems[id]!.state != state {
            try desk.run(s == .resolved ? .resolveProblem(id, notes: "patched", resolveLinkedIncidents: false) : .moveProblem(id, to: s), as: "mia")
        }
        #expect(desk.state.problems[id]?.state == state)
        return (desk, id)
    }

    static let allowed: [ProblemState: Set<ProblemState>] = [
        .new: [.assess, .closed],
        .assess: [.new, .rootCauseAnalysis, .closed],
        .rootCauseAnalysis: [.assess, .fixInProgress, .closed],
        .fixInProgress: [.rootCauseAnalysis, .resolved, .closed],
        .resolved: [.fixInProgress, .closed],
        .closed: [],
    ]

    @Test(arguments: ProblemState.allCases, ProblemState.allCases)
    func everyBoardMoveIsAllowedOrRefused(from: ProblemState, to: ProblemState) throws {
        var (desk, id) = try Self.desk(with: from)
        // Closing an open problem needs a resolution other than fixed; a resolved one closes as fixed.
        let resolution: ProblemResolution? = to == .closed && from != .resolved ? .duplicate : nil
        let command = Command.moveProblem(id, to: to, resolution: resolution, notes: "why")
        if Self.allowed[from]!.contains(to) {
            try desk.run(command, as: "mia")
            #expect(desk.state.problems[id]?.state == to)
        } else {
            #expect(desk.refused(command, as: "mia") != nil)
            #expect(desk.state.problems[id]?.state == from)
        }
    }

    @Test func openingComputesPriorityAndRecordsFields() throws {
        let (desk, id) = try Self.desk(with: .new)
        let p = desk.state.problems[id]!
        #expect(id == RecordID(.problem, 1) && id.description == "PRB-1")
        #expect(p.priority == .p2 && p.owner == "alice" && p.cis == ["db-payroll-01"] && p.service == "Payroll")
    }

    @Test func closingWithoutAFixNeedsAResolutionAndRiskAcceptanceNeedsAManager() throws {
        var (desk, id) = try Self.desk(with: .assess)
        #expect(desk.refused(.moveProblem(id, to: .closed, notes: "x")) != nil)
        #expect(desk.refused(.moveProblem(id, to: .closed, resolution: .fixed, notes: "x")) != nil)
        #expect(desk.refused(.moveProblem(id, to: .closed, resolution: .riskAccepted, notes: "rare"), as: "alice")
                == .needsRole(.manager, toDo: "accepting a problem's risk"))
        try desk.run(.moveProblem(id, to: .closed, resolution: .riskAccepted, notes: "rare"), as: "mia")
        #expect(desk.state.problems[id]?.resolution == .riskAccepted)
    }

    @Test func aFixThatDidNotHoldGoesBackToFixInProgress() throws {
        var (desk, id) = try Self.desk(with: .resolved)
        #expect(desk.state.problems[id]?.resolution == .fixed)
        try desk.run(.moveProblem(id, to: .fixInProgress))
        #expect(desk.state.problems[id]?.resolution == nil)
    }

    @Test func rootCauseAndWorkaroundAreEdited() throws {
        var (desk, id) = try Self.desk(with: .rootCauseAnalysis)
        try desk.run(.editProblem(id, ProblemEdit(rootCause: "lock escalation", workaround: "rerun at night")))
        #expect(desk.state.problems[id]?.rootCause == "lock escalation")
        #expect(desk.state.problems[id]?.workaround == "rerun at night")
    }

    @Test func linkingIsRecordedOnBothRecords() throws {
        var (desk, prb) = try Self.desk(with: .assess)
        let inc = try desk.open()
        let events = try desk.run(.linkIncident(problem: prb, incident: inc))
        #expect(events.map(\.record) == [inc, prb])
        #expect(desk.incident(inc).problem == prb && desk.state.problems[prb]?.incidents == [inc])
        #expect(desk.refused(.linkIncident(problem: prb, incident: inc)) == .rule("INC-1 is already linked to PRB-1."))
        try desk.run(.unlinkIncident(problem: prb, incident: inc))
        #expect(desk.incident(inc).problem == nil && desk.state.problems[prb]?.incidents == [])
    }

    @Test func resolvingAProblemResolvesItsOpenLinkedIncidentsEachWithItsOwnEvents() throws {
        var (desk, prb) = try Self.desk(with: .fixInProgress)
        let a = try desk.open("Batch hangs at 02:00"), b = try desk.open("Payslips late"), done = try desk.open("Batch slow")
        for i in [a, b, done] { try desk.run(.linkIncident(problem: prb, incident: i)) }
        try desk.run(.moveIncident(done, to: .resolved, resolution: .solvedWorkaround, notes: "rerun"))
        try desk.run(.moveIncident(b, to: .onHold, holdReason: .awaitingProblem))

        let events = try desk.run(.resolveProblem(prb, notes: "index added", resolveLinkedIncidents: true), as: "bob")
        #expect(events.map(\.record) == [prb, a, b])
        #expect(events.allSatisfy { $0.actor == "bob" })
        #expect(events[1].baseVersion == desk.state.version(of: a) - 1)
        for i in [a, b] {
            let inc = desk.incident(i)
            #expect(inc.state == .resolved && inc.resolutionCode == .solvedByProblem)
            #expect(inc.resolutionNotes == "Resolved with PRB-1: index added")
        }
        #expect(desk.incident(done).resolutionCode == .solvedWorkaround, "an already resolved incident keeps its own resolution")
        #expect(desk.state.problems[prb]?.state == .resolved)
    }

    @Test func resolvingAProblemAloneLeavesItsIncidents() throws {
        var (desk, prb) = try Self.desk(with: .fixInProgress)
        let a = try desk.open()
        try desk.run(.linkIncident(problem: prb, incident: a))
        try desk.run(.resolveProblem(prb, notes: "fixed", resolveLinkedIncidents: false))
        #expect(desk.incident(a).state == .new)
    }

    @Test func problemsNeedTheAgentRole() throws {
        var desk = try TestDesk.staffed()
        #expect(desk.refused(.openProblem(NewProblem(title: "x")), as: "nora") == .needsRole(.agent, toDo: "opening problems"))
    }
}

@Suite struct KnownErrorTests {
    static func published() throws -> (TestDesk, problem: RecordID, knownError: RecordID) {
        var (desk, prb) = try ProblemTests.desk(with: .rootCauseAnalysis)
        try desk.run(.editProblem(prb, ProblemEdit(rootCause: "lock escalation", workaround: "rerun the batch after 03:00")))
        let events = try desk.run(.publishKnownError(problem: prb, KnownErrorDraft(symptom: "payroll batch hangs overnight")))
        return (desk, prb, events[0].record)
    }

    @Test func publishingCreatesAKnownErrorLinkedBothWays() throws {
        let (desk, prb, ke) = try Self.published()
        #expect(ke == RecordID(.knownError, 1) && ke.description == "KE-1")
        let record = desk.state.knownErrors[ke]!
        #expect(record.problem == prb && record.workaround == "rerun the batch after 03:00" && record.rootCause == "lock escalation")
        #expect(record.cis == ["db-payroll-01"] && record.service == "Payroll" && record.title == "Payroll batch hangs")
        #expect(desk.state.problems[prb]?.knownError == ke)
    }

    @Test func aProblemIsPublishedOnceAndNeedsACauseOrWorkaround() throws {
        var (desk, prb, _) = try Self.published()
        #expect(desk.refused(.publishKnownError(problem: prb, KnownErrorDraft())) != nil)
        var (fresh, bare) = try ProblemTests.desk(with: .new)
        #expect(fresh.refused(.publishKnownError(problem: bare, KnownErrorDraft())) != nil)
    }

    @Test func knownErrorsAreEdited() throws {
        var (desk, _, ke) = try Self.published()
        try desk.run(.editKnownError(ke, KnownErrorDraft(permanentFix: "add index on run_id")))
        #expect(desk.state.knownErrors[ke]?.permanentFix == "add index on run_id")
    }

    static let suggestionCases: [(String, String?, String?, Bool, [String])] = [
        // title, ci, service, expect a suggestion, matching words
        ("Payroll batch stuck", nil, nil, true, ["batch", "payroll"]),
        ("Printer jammed", "db-payroll-01", nil, true, []),
        ("Printer jammed", nil, "Payroll", true, []),
        ("Printer jammed", nil, "Mail", false, []),
        ("The and for", nil, nil, false, []),
    ]

    @Test(arguments: suggestionCases)
    func suggestionsAtTriage(title: String, ci: String?, service: String?, expected: Bool, words: [String]) throws {
        var (desk, _, ke) = try Self.published()
        let id = try desk.open(title, service: service, ci: ci)
        let found = desk.state.suggestKnownErrors(for: desk.incident(id))
        #expect(found.map(\.knownError) == (expected ? [ke] : []))
        if expected { #expect(found[0].matchingWords == words) }
    }

    @Test func aSharedCIOutranksASharedServiceWhichOutranksWords() throws {
        var (desk, prb, ke1) = try Self.published()
        _ = prb
        // A second known error on the same service but another CI.
        let events = try desk.run(.openProblem(NewProblem(title: "Mail queue stuck", service: "Payroll", cis: ["mq-01"])))
        let prb2 = events[0].record
        try desk.run(.editProblem(prb2, ProblemEdit(workaround: "flush the queue")))
        let ke2 = try desk.run(.publishKnownError(problem: prb2, KnownErrorDraft()))[0].record
        let id = try desk.open("Queue stuck again", service: "Payroll", ci: "db-payroll-01")
        let found = desk.state.suggestKnownErrors(for: desk.incident(id))
        #expect(found.map(\.knownError) == [ke1, ke2])
        #expect(found[0].sameCI && !found[1].sameCI && found[1].sameService && found[1].matchingWords == ["queue", "stuck"])
    }
}
