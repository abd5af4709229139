import Foundation
import Testing
@testable import ITSM

@Suite struct MajorIncidentTests {
    @Test func proposedByAnAgentAcceptedByAManager() throws {
        var desk = try TestDesk.staffed()
        let id = try desk.open()
        try desk.run(.proposeMajorIncident(id, reason: "whole floor offline"), as: "alice")
        #expect(desk.incident(id).majorIncident == .proposed)
        #expect(desk.refused(.acceptMajorIncident(id), as: "alice") == .needsRole(.manager, toDo: "accepting a major incident"))
        let events = try desk.run(.acceptMajorIncident(id), as: "mia")
        #expect(events[0].changes == [FieldChange("majorIncident", from: .text("proposed"), to: .text("accepted"))])
        #expect(desk.incident(id).majorIncident == .accepted)
        #expect(desk.refused(.proposeMajorIncident(id, reason: "again"), as: "alice") != nil)
    }

    @Test func aRejectedProposalNeedsAReasonAndMayBeMadeAgain() throws {
        var desk = try TestDesk.staffed()
        let id = try desk.open()
        try desk.run(.proposeMajorIncident(id, reason: "looks big"))
        #expect(desk.refused(.rejectMajorIncident(id, reason: ""), as: "mia") != nil)
        try desk.run(.rejectMajorIncident(id, reason: "one user only"), as: "mia")
        #expect(desk.incident(id).majorIncident == .rejected)
        try desk.run(.proposeMajorIncident(id, reason: "now the whole site"))
        #expect(desk.incident(id).majorIncident == .proposed)
    }

    @Test func nothingToAcceptWithoutAProposal() throws {
        var desk = try TestDesk.staffed()
        let id = try desk.open()
        #expect(desk.refused(.acceptMajorIncident(id), as: "mia") == .rule("INC-1 has no major-incident proposal to accept."))
        #expect(desk.refused(.proposeMajorIncident(id, reason: "")) != nil)
    }
}

@Suite struct ParentChildTests {
    @Test func anUpdateOnAParentReachesEveryOpenChildWithItsOwnEvent() throws {
        var desk = try TestDesk.staffed()
        let parent = try desk.open("Mail down")
        let a = try desk.open("No mail"), b = try desk.open("Outlook error"), done = try desk.open("Mail slow")
        for c in [a, b, done] { try desk.run(.setParent(c, parent: parent)) }
        try desk.run(.moveIncident(done, to: .resolved, resolution: .solvedWorkaround, notes: "restarted"))
        #expect(desk.state.children(of: parent) == [a, b, done])

        let events = try desk.run(.updateParentAndChildren(parent, .customerReply("Mail is being restored")))
        #expect(events.map(\.record) == [parent, a, b])
        #expect(events.map(\.baseVersion) == [1, 2, 2])
        for id in [parent, a, b] { #expect(desk.incident(id).customerReplies.last?.text == "Mail is being restored") }
        #expect(desk.incident(done).customerReplies.isEmpty, "a resolved child is left alone")
    }

    @Test func resolvingAParentResolvesItsOpenChildren() throws {
        var desk = try TestDesk.staffed()
        let parent = try desk.open("Mail down")
        let a = try desk.open("No mail")
        try desk.run(.setParent(a, parent: parent))
        try desk.run(.updateParentAndChildren(parent, .resolve(.solvedPermanently, notes: "disk replaced")))
        for id in [parent, a] {
            #expect(desk.incident(id).state == .resolved)
            #expect(desk.incident(id).resolutionNotes == "disk replaced")
        }
    }

    @Test func onlyOneLevelAndNoLoops() throws {
        var desk = try TestDesk.staffed()
        let p = try desk.open(), c = try desk.open(), g = try desk.open()
        try desk.run(.setParent(c, parent: p))
        #expect(desk.refused(.setParent(g, parent: c)) != nil, "a child cannot be a parent")
        #expect(desk.refused(.setParent(p, parent: g)) != nil, "a parent cannot become a child")
        #expect(desk.refused(.setParent(g, parent: g)) == .rule("INC-3 cannot be its own parent."))
        #expect(desk.refused(.setParent(g, parent: RecordID(.incident, 99))) == .notFound(RecordID(.incident, 99)))
        try desk.run(.setParent(c, parent: nil))
        #expect(desk.state.children(of: p).isEmpty)
        #expect(desk.incident(c).parent == nil)
    }
}
