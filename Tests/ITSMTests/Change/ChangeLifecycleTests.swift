import Foundation
import Testing
@testable import ITSM

struct ChangeLifecycleTests {
    typealias K = DomainII

    @Test func normalChangeRunsTheWholeLifecycle() throws {
        var book = ChangeBook()
        let id = try K.change(1, in: &book, draft: K.readyDraft(), upTo: .implement)
        #expect(book[id]!.state == .implement)
        #expect(book[id]!.actualStart == K.t("2026-03-14 22:00"))
        try K.run(.complete(at: K.t("2026-03-15 01:30"), code: .successful), id, &book, by: K.implementer)
        #expect(book[id]!.state == .review)
        try K.run(.close, id, &book, by: K.manager)
        #expect(book[id]!.state == .closed)
        #expect(book[id]!.closeCode == .successful)
        // The questionnaire's score travels with the level: low risk answers score 0.
        #expect(book[id]!.risk == .low && book[id]!.riskScore == 0)
    }

    @Test func standardChangeComesFromTheCatalogueAndSkipsApproval() throws {
        let catalogue = StandardChangeCatalogue([
            StandardChangeTemplate(name: "cert-renewal", title: "Renew TLS certificate", implementationPlan: "swap cert",
                                   backoutPlan: "restore old cert", testPlan: "curl -v"),
        ])
        let rules = ChangeRules(catalogue: catalogue)
        var book = ChangeBook()
        let id = RecordID(.change, 311)
        let w = K.window("2026-03-10 08:00", "2026-03-10 08:30")
        try K.run(.create(ChangeDraft(type: .standard, title: "", template: "cert-renewal", assignee: "ivan",
                                      affectedCIs: ["web-01"], plannedStart: w.start, plannedEnd: w.end)),
                  id, &book, by: K.implementer, rules: rules)
        #expect(book[id]!.title == "Renew TLS certificate")
        #expect(book[id]!.backoutPlan == "restore old cert")
        #expect(book[id]!.risk == .low)
        #expect(throws: Refusal.self) { try K.run(.submit, id, &book, by: K.implementer, rules: rules) }
        try K.run(.schedule, id, &book, by: K.manager, rules: rules)
        try K.run(.start(at: w.start), id, &book, by: K.implementer, rules: rules)
        try K.run(.complete(at: w.end, code: .successful), id, &book, by: K.implementer, rules: rules)
        #expect(book[id]!.state == .closed)
    }

    @Test func standardChangeNeedsAKnownTemplate() {
        let book = ChangeBook()
        #expect(throws: Refusal.invalid(field: "template", reason: "no standard change template named \"nope\"")) {
            _ = try decideChange(.create(ChangeDraft(type: .standard, title: "x", template: "nope")),
                                 change: RecordID(.change, 1), in: book, by: K.requester, at: K.now)
        }
    }

    @Test func emergencyAndUnsuccessfulChangesNeedAReviewNoteBeforeClosing() throws {
        for (type, code) in [(ChangeType.emergency, ChangeCloseCode.successful), (.normal, .backedOut), (.normal, .unsuccessful)] {
            var book = ChangeBook()
            var draft = K.readyDraft()
            draft.type = type
            let id = RecordID(.change, 1)
            try K.run(.create(draft), id, &book, by: K.requester)
            if type == .normal { try K.run(.submit, id, &book, by: K.requester) }
            try K.run(.assessRisk(K.lowRisk), id, &book, by: K.manager)
            try K.run(.requestAuthorization, id, &book, by: K.manager)
            for a in type == .emergency ? [K.manager, K.cab1] : [K.manager] { try K.run(.approve(comment: "ok"), id, &book, by: a) }
            try K.run(.schedule, id, &book, by: K.manager)
            try K.run(.start(at: K.t("2026-03-14 22:00")), id, &book, by: K.implementer)
            try K.run(.complete(at: K.t("2026-03-14 23:00"), code: code), id, &book, by: K.implementer)
            let why = type == .emergency ? "an emergency change" : "a change that ended \(code)"
            #expect(throws: Refusal.transitionNotAllowed(record: id, from: "Review", to: "Closed",
                                                         reason: "\(why) needs a post-implementation review note first")) {
                try K.run(.close, id, &book, by: K.manager)
            }
            try K.run(.addReviewNote("root cause: missing index"), id, &book, by: K.implementer)
            try K.run(.close, id, &book, by: K.manager)
            #expect(book[id]!.state == .closed, "\(type) \(code)")
            #expect(book[id]!.reviewNotes == ["root cause: missing index"])
        }
    }

    /// Every pair of states, checked against the drawn table for a normal change.
    @Test func transitionTableForNormalChanges() {
        let allowed: Set<String> = [
            "new>assess", "new>cancelled", "assess>authorize", "assess>new", "assess>cancelled",
            "authorize>scheduled", "authorize>new", "authorize>cancelled", "scheduled>implement",
            "scheduled>cancelled", "implement>review", "review>closed",
        ]
        for from in ChangeState.allCases {
            for to in ChangeState.allCases {
                let ok = ChangeTransitions.refusal(type: .normal, from: from, to: to) == nil
                #expect(ok == allowed.contains("\(from.rawValue)>\(to.rawValue)"), "\(from) → \(to)")
            }
        }
    }

    @Test(arguments: [
        (ChangeType.standard, ChangeState.new, ChangeState.scheduled, true),
        (.standard, .new, .assess, false),
        (.standard, .implement, .closed, true),
        (.emergency, .new, .authorize, true),
        (.normal, .new, .authorize, false),
        (.normal, .implement, .closed, false),
        (.normal, .implement, .cancelled, false),
        (.emergency, .closed, .new, false),
    ])
    func typeSpecificTransitions(type: ChangeType, from: ChangeState, to: ChangeState, ok: Bool) {
        #expect((ChangeTransitions.refusal(type: type, from: from, to: to) == nil) == ok)
    }

    @Test func menusOfferExactlyTheAllowedMoves() {
        #expect(ChangeTransitions.allowedTargets(type: .normal, from: .assess) == [.new, .authorize, .cancelled])
        #expect(ChangeTransitions.allowedTargets(type: .standard, from: .new) == [.scheduled, .cancelled])
        #expect(ChangeTransitions.allowedTargets(type: .emergency, from: .new) == [.assess, .authorize, .cancelled])
        #expect(ChangeTransitions.allowedTargets(type: .normal, from: .closed).isEmpty)
        #expect(CIStatus.production.allowedNext == [.maintenance, .retired])
        #expect(PortfolioStage.retiring.allowedNext == [.operational, .retired])
    }

    @Test(arguments: [
        (ChangeType.standard, ChangeState.new, ChangeState.authorize, "from New a standard change may go to Scheduled, Cancelled"),
        (.normal, .scheduled, .review, "from Scheduled a normal change may go to Implement, Cancelled"),
        (.normal, .closed, .new, "the change is closed and can no longer move"),
        (.normal, .review, .cancelled, "work has started; finish it with a close code (backed out, if undone) instead"),
    ])
    func refusedMovesSayWhatIsPossible(type: ChangeType, from: ChangeState, to: ChangeState, reason: String) {
        #expect(ChangeTransitions.refusal(type: type, from: from, to: to) == reason)
    }

    @Test func refusalsNameWhatIsMissing() throws {
        var book = ChangeBook()
        let id = RecordID(.change, 1)
        var draft = K.readyDraft()
        draft.backoutPlan = ""
        try K.run(.create(draft), id, &book, by: K.requester)
        try K.run(.submit, id, &book, by: K.requester)
        #expect(throws: Refusal.invalid(field: "risk", reason: "CHG-1 needs a risk assessment first")) {
            try K.run(.requestAuthorization, id, &book, by: K.manager)
        }
        try K.run(.assessRisk(K.lowRisk), id, &book, by: K.manager)
        #expect(throws: Refusal.invalid(field: "backout-plan", reason: "CHG-1 needs a backout plan first")) {
            try K.run(.requestAuthorization, id, &book, by: K.manager)
        }
        #expect(throws: Refusal.needsRole(.changeManager, toDo: "sending a change to authorisation")) {
            try K.run(.requestAuthorization, id, &book, by: K.requester)
        }
    }

    @Test func contentIsFrozenFromAuthorizeButPeopleMayChange() throws {
        var book = ChangeBook()
        let id = try K.change(1, in: &book, draft: K.readyDraft(), upTo: .scheduled)
        #expect(throws: Refusal.self) {
            try K.run(.edit(ChangeEdit(plannedEnd: K.t("2026-03-15 05:00"))), id, &book, by: K.manager)
        }
        try K.run(.edit(ChangeEdit(assignee: "zoe")), id, &book, by: K.manager)
        #expect(book[id]!.assignee == "zoe")
        let events = try decideChange(.edit(ChangeEdit(assignee: "max")), change: id, in: book, by: K.manager, at: K.now)
        #expect(events.first?.changes == [FieldChange("assignee", from: .text("zoe"), to: .text("max"))])
        #expect(events.first?.baseVersion == book[id]!.version)
    }

    @Test func startedWorkCannotBeCancelled() throws {
        var book = ChangeBook()
        let id = try K.change(1, in: &book, draft: K.readyDraft(), upTo: .implement)
        #expect(throws: Refusal.self) { try K.run(.cancel(reason: "oops"), id, &book, by: K.manager) }
    }

    @Test func foldIgnoresUnknownActionsFieldsAndOddValues() {
        var record = ChangeRecord(id: RecordID(.change, 1))
        let odd = Event(record: record.id, action: EventAction("change.from-the-future"), actor: "x", at: K.now, baseVersion: 0,
                        changes: [FieldChange("state", to: .int(3)), FieldChange("colour", to: .text("red")),
                                  FieldChange("planned-start", to: .text("tomorrow")), FieldChange("state", to: .text("limbo"))])
        record.apply(odd)
        #expect(record.state == .new)
        #expect(record.plannedStart == nil)
        #expect(record.version == 1)
        record.apply(Event(record: record.id, action: .changeApproval, actor: "x", at: K.now, baseVersion: 1,
                           changes: [FieldChange("approver", to: .text("a"))]))
        #expect(record.votes.isEmpty)
        #expect(record.version == 2)
    }

    @Test func randomCommandSequencesKeepVersionsChainedAndNeverCrash() {
        // Property: whatever commands arrive in whatever order, every accepted event's base
        // version equals the record's version before it, and the state stays in the table.
        var rng = K.SplitMix64(seed: 7)
        let actors = [K.requester, K.implementer, K.manager, K.cab1, K.cab2, K.cab3]
        let ops: [ChangeOperation] = [
            .submit, .assessRisk(K.lowRisk), .assessRisk(K.highRisk), .requestAuthorization, .approve(comment: "ok"),
            .reject(comment: "no", outcome: .returnToNew), .schedule, .start(at: K.t("2026-03-14 22:00")),
            .complete(at: K.t("2026-03-15 01:00"), code: .backedOut), .addReviewNote("note"), .close,
            .cancel(reason: "gone"), .edit(ChangeEdit(title: "new title")),
        ]
        for round in 0..<40 {
            var book = ChangeBook()
            let id = RecordID(.change, round + 1)
            var draft = K.readyDraft()
            draft.type = [.normal, .emergency].randomElement(using: &rng)!
            try! K.run(.create(draft), id, &book, by: K.requester)
            for _ in 0..<60 {
                let op = ops.randomElement(using: &rng)!, actor = actors.randomElement(using: &rng)!
                let before = book[id]!
                guard let events = try? decideChange(op, change: id, in: book, by: actor, at: K.now) else { continue }
                for (i, e) in events.enumerated() {
                    #expect(e.baseVersion == before.version + UInt64(i))
                    book.apply(e)
                }
                let after = book[id]!
                if after.state != before.state {
                    #expect(ChangeTransitions.refusal(type: after.type, from: before.state, to: after.state) == nil)
                }
            }
        }
    }
}
