import Foundation
import Testing
@testable import ITSM

struct ChangeApprovalTests {
    typealias K = DomainII

    @Test(arguments: [
        (ChangeType.normal, ChangeRisk.low, ApprovalRequirement(changeManager: true, boardApprovals: 0, board: .cab)),
        (.normal, .moderate, ApprovalRequirement(changeManager: true, boardApprovals: 1, board: .cab)),
        (.normal, .high, ApprovalRequirement(changeManager: true, boardApprovals: 3, board: .cab)),
        (.emergency, .low, ApprovalRequirement(changeManager: false, boardApprovals: 2, board: .emergencyCAB)),
        (.emergency, .high, ApprovalRequirement(changeManager: false, boardApprovals: 2, board: .emergencyCAB)),
        (.standard, .high, ApprovalRequirement.none),
    ])
    func policyByTypeAndRisk(type: ChangeType, risk: ChangeRisk, expected: ApprovalRequirement) {
        #expect(ApprovalPolicy.standard.requirement(type: type, risk: risk) == expected)
    }

    @Test func lowRiskIsApprovedByTheChangeManagerAlone() throws {
        var book = ChangeBook()
        let id = try K.change(1, in: &book, draft: K.readyDraft(), upTo: .authorize)
        #expect(ApprovalStatus.of(book[id]!, policy: .standard) == .pending(changeManager: true, boardApprovalsMissing: 0, board: .cab))
        try K.run(.approve(comment: "fine"), id, &book, by: K.manager)
        #expect(ApprovalStatus.of(book[id]!, policy: .standard) == .approved)
        try K.run(.schedule, id, &book, by: K.manager)
        #expect(book[id]!.state == .scheduled)
    }

    @Test func highRiskNeedsTheChangeManagerAndACABQuorum() throws {
        var book = ChangeBook()
        let id = try K.change(1, in: &book, draft: K.readyDraft(), risk: K.highRisk, upTo: .authorize)
        try K.run(.approve(comment: "ok"), id, &book, by: K.cab1)
        try K.run(.approve(comment: "ok"), id, &book, by: K.cab2)
        #expect(ApprovalStatus.of(book[id]!, policy: .standard) == .pending(changeManager: true, boardApprovalsMissing: 1, board: .cab))
        // Scheduling before the round is complete is refused and says what is missing.
        #expect(throws: Refusal.transitionNotAllowed(record: id, from: "Authorize", to: "Scheduled",
                                                     reason: "it is awaiting the change manager and 1 more CAB approval")) {
            try K.run(.schedule, id, &book, by: K.manager)
        }
        try K.run(.approve(comment: "ok"), id, &book, by: K.manager)
        try K.run(.approve(comment: "ok"), id, &book, by: K.cab3)
        #expect(ApprovalStatus.of(book[id]!, policy: .standard) == .approved)
    }

    @Test func aSecondVoteBySamePersonIsRefused() throws {
        var book = ChangeBook()
        let id = try K.change(1, in: &book, draft: K.readyDraft(), risk: K.highRisk, upTo: .authorize)
        try K.run(.approve(comment: "ok"), id, &book, by: K.cab1)
        #expect(throws: Refusal.self) { try K.run(.approve(comment: "again"), id, &book, by: K.cab1) }
    }

    @Test func anAgentWithoutApproverRoleIsRefusedNamingTheRole() throws {
        var book = ChangeBook()
        let id = try K.change(1, in: &book, draft: K.readyDraft(), upTo: .authorize)
        #expect(throws: Refusal.needsRole(.changeManager, toDo: "approving a change (or the CAB member role)")) {
            try K.run(.approve(comment: "me too"), id, &book, by: K.requester)
        }
    }

    @Test func rejectionReturnsToNewWithTheReasonAndANewRoundStartsClean() throws {
        var book = ChangeBook()
        let id = try K.change(1, in: &book, draft: K.readyDraft(), risk: K.highRisk, upTo: .authorize)
        try K.run(.approve(comment: "ok"), id, &book, by: K.cab1)
        try K.run(.reject(comment: "backout untested", outcome: .returnToNew), id, &book, by: K.cab2)
        #expect(book[id]!.state == .new)
        #expect(book[id]!.rejectionReason == "backout untested")
        try K.run(.submit, id, &book, by: K.requester)
        try K.run(.requestAuthorization, id, &book, by: K.manager)
        #expect(book[id]!.votes.isEmpty)
        #expect(book[id]!.allVotes.count == 2)
        #expect(book[id]!.rejectionReason == nil)
    }

    @Test func rejectionCanCancel() throws {
        var book = ChangeBook()
        let id = try K.change(1, in: &book, draft: K.readyDraft(), upTo: .authorize)
        try K.run(.reject(comment: "not needed", outcome: .cancel), id, &book, by: K.manager)
        #expect(book[id]!.state == .cancelled)
        #expect(book[id]!.cancelReason == "not needed")
    }

    @Test func emergencyChangesGoStraightToTheEmergencyCAB() throws {
        var book = ChangeBook()
        let id = RecordID(.change, 7)
        var draft = K.readyDraft()
        draft.type = .emergency
        let rules = ChangeRules(policy: ApprovalPolicy(emergencyCAB: ["carl", "cab1"]))
        try K.run(.create(draft), id, &book, by: K.requester)
        try K.run(.assessRisk(K.highRisk), id, &book, by: K.manager)
        try K.run(.requestAuthorization, id, &book, by: K.manager)
        #expect(book[id]!.state == .authorize)
        // cab2 is a CAB member but not on the emergency CAB.
        #expect(throws: Refusal.self) { try K.run(.approve(comment: "ok"), id, &book, by: K.cab2, rules: rules) }
        try K.run(.approve(comment: "go"), id, &book, by: K.cab1, rules: rules)
        try K.run(.approve(comment: "go"), id, &book, by: K.manager, rules: rules)
        #expect(ApprovalStatus.of(book[id]!, policy: rules.policy) == .approved)
        #expect(book[id]!.votes.allSatisfy { $0.capacity == .emergencyCAB })
    }

    @Test func approvalStatusIsDerivedFromEventsAlone() throws {
        // Folding the same events again (as another process would) gives the same status.
        var book = ChangeBook()
        let id = try K.change(1, in: &book, draft: K.readyDraft(), risk: K.highRisk, upTo: .authorize)
        var events: [Event] = []
        for approver in [K.manager, K.cab1] {
            let e = try decideChange(.approve(comment: "ok"), change: id, in: book, by: approver, at: K.now)
            e.forEach { book.apply($0) }
            events += e
        }
        #expect(events.map(\.baseVersion) == [book[id]!.version - 2, book[id]!.version - 1])
        #expect(ApprovalStatus.of(book[id]!, policy: .standard).description == "awaiting 2 more CAB approvals")
    }
}
