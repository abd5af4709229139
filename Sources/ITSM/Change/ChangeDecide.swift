import Foundation

/// Decides one change command: the events it produces, or why it is refused.
///
/// - Parameters:
///   - id: the change acted on; for `.create`, the ID to give the new change
///     (`book.nextID` unless the caller numbers changes itself).
public func decideChange(_ operation: ChangeOperation, change id: RecordID, in book: ChangeBook,
                         by actor: Agent, at now: Date, rules: ChangeRules = .init()) throws(Refusal) -> [Event] {
    guard id.kind == .change else { throw Refusal.rule("\(id) is not a change.") }
    var batch = VersionedEvents(actor: actor.user, at: now)
    if case let .create(draft) = operation {
        guard book[id] == nil else { throw Refusal.rule("\(id) already exists.") }
        batch.add(id, version: 0, .changeCreated, try creationChanges(draft, actor: actor, rules: rules))
        return batch.events
    }
    guard let change = book[id] else { throw Refusal.notFound(id) }
    let decider = ChangeDecider(change: change, actor: actor, now: now, rules: rules)
    try decider.decide(operation, into: &batch)
    return batch.events
}

private func creationChanges(_ draft: ChangeDraft, actor: Agent, rules: ChangeRules) throws(Refusal) -> [FieldChange] {
    var d = draft
    let title = d.title.trimmingCharacters(in: .whitespacesAndNewlines)
    if d.type == .standard {
        guard let name = d.template else {
            throw Refusal.invalid(field: "template", reason: "a standard change must be raised from a catalogue template")
        }
        guard let template = rules.catalogue[name] else {
            throw Refusal.invalid(field: "template", reason: "no standard change template named \"\(name)\"")
        }
        if d.implementationPlan.isEmpty { d.implementationPlan = template.implementationPlan }
        if d.backoutPlan.isEmpty { d.backoutPlan = template.backoutPlan }
        if d.testPlan.isEmpty { d.testPlan = template.testPlan }
        if title.isEmpty { d.title = template.title }
        d.outageExpected = d.outageExpected || template.outageExpected
    } else if title.isEmpty {
        throw Refusal.invalid(field: "title", reason: "a change needs a title")
    }
    if let s = d.plannedStart, let e = d.plannedEnd, e <= s {
        throw Refusal.invalid(field: "planned-end", reason: "the planned end must be after the planned start")
    }
    var changes: [FieldChange] = [
        FieldChange(ChangeField.type.rawValue, to: .text(d.type.rawValue)),
        FieldChange(ChangeField.state.rawValue, to: .text(ChangeState.new.rawValue)),
        FieldChange(ChangeField.title.rawValue, to: .text(d.title)),
        FieldChange(ChangeField.requester.rawValue, to: .text(d.requester ?? actor.user)),
    ]
    func add(_ field: ChangeField, _ value: FieldValue) {
        if value != .none && value != .text("") && value != .list([]) {
            changes.append(FieldChange(field.rawValue, to: value))
        }
    }
    add(.template, d.template.map(FieldValue.text) ?? .none)
    if d.type == .standard { add(.risk, .text(ChangeRisk.low.rawValue)) }
    add(.changeManager, d.changeManager.map(FieldValue.text) ?? .none)
    add(.assignmentGroup, d.assignmentGroup.map(FieldValue.text) ?? .none)
    add(.assignee, d.assignee.map(FieldValue.text) ?? .none)
    add(.affectedCIs, .list(d.affectedCIs))
    add(.affectedServices, .list(d.affectedServices))
    add(.justification, .text(d.justification))
    add(.implementationPlan, .text(d.implementationPlan))
    add(.backoutPlan, .text(d.backoutPlan))
    add(.testPlan, .text(d.testPlan))
    add(.plannedStart, d.plannedStart.map(FieldValue.time) ?? .none)
    add(.plannedEnd, d.plannedEnd.map(FieldValue.time) ?? .none)
    if d.outageExpected { add(.outageExpected, .bool(true)) }
    return changes
}

/// The rules for commands on an existing change, one method per command family.
private struct ChangeDecider {
    let change: ChangeRecord
    let actor: Agent
    let now: Date
    let rules: ChangeRules

    var isManager: Bool { actor.has(.changeManager) }
    var isPartyToIt: Bool {
        actor.user == change.requester || actor.user == change.assignee || actor.user == change.changeManager
    }

    func decide(_ operation: ChangeOperation, into batch: inout VersionedEvents) throws(Refusal) {
        switch operation {
        case .create: throw Refusal.rule("\(change.id) already exists.")
        case let .edit(edit): try self.edit(edit, into: &batch)
        case let .assessRisk(answers): try assessRisk(answers, into: &batch)
        case .submit:
            guard isPartyToIt || isManager else { throw Refusal.needsRole(.changeManager, toDo: "submitting someone else's change") }
            guard !change.justification.isEmpty else { throw missing(.justification, "a justification") }
            guard !change.affectedCIs.isEmpty else { throw missing(.affectedCIs, "at least one affected CI") }
            try move(to: .assess, into: &batch)
        case .requestAuthorization:
            guard isManager else { throw Refusal.needsRole(.changeManager, toDo: "sending a change to authorisation") }
            try requireReadyForApproval()
            // A new round starts clean: the last rejection's reason is cleared with it.
            let clearRejection = change.rejectionReason.map { [FieldChange(ChangeField.rejectionReason.rawValue, from: .text($0), to: .none)] } ?? []
            try move(to: .authorize, extra: clearRejection, into: &batch)
        case let .approve(comment): try vote(.approve, comment: comment, into: &batch)
        case let .reject(comment, outcome):
            guard !comment.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw Refusal.invalid(field: "comment", reason: "a rejection needs a reason")
            }
            try vote(.reject, comment: comment, into: &batch)
            let to: ChangeState = outcome == .cancel ? .cancelled : .new
            let reason = outcome == .cancel
                ? FieldChange(ChangeField.cancelReason.rawValue, from: textValue(change.cancelReason), to: .text(comment))
                : FieldChange(ChangeField.rejectionReason.rawValue, from: textValue(change.rejectionReason), to: .text(comment))
            try move(to: to, extra: [reason], into: &batch)
        case .schedule: try schedule(into: &batch)
        case let .start(at):
            try requireImplementer("starting")
            try move(to: .implement, extra: [FieldChange(ChangeField.actualStart.rawValue, from: timeValue(change.actualStart), to: .time(at))], into: &batch)
        case let .complete(at, code): try complete(at: at, code: code, into: &batch)
        case let .addReviewNote(note):
            guard isPartyToIt || isManager else { throw Refusal.needsRole(.changeManager, toDo: "reviewing someone else's change") }
            guard change.state == .review || change.state == .implement else {
                throw Refusal.rule("\(change.id) is \(change.state); review notes are written once implementation is done.")
            }
            let text = note.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw Refusal.invalid(field: "review-notes", reason: "the note is empty") }
            batch.add(change.id, version: change.version, .changeReviewNote,
                      [FieldChange(ChangeField.reviewNotes.rawValue, from: .list(change.reviewNotes), to: .list(change.reviewNotes + [text]))])
        case .close:
            guard isManager else { throw Refusal.needsRole(.changeManager, toDo: "closing a change") }
            if change.reviewRequired && change.reviewNotes.isEmpty {
                let why = change.type == .emergency ? "an emergency change" : "a change that ended \(change.closeCode?.description ?? "badly")"
                throw Refusal.transitionNotAllowed(record: change.id, from: change.state.description, to: "Closed",
                                                   reason: "\(why) needs a post-implementation review note first")
            }
            try move(to: .closed, into: &batch)
        case let .cancel(reason):
            guard isManager || actor.user == change.requester else {
                throw Refusal.needsRole(.changeManager, toDo: "cancelling someone else's change")
            }
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw Refusal.invalid(field: "cancel-reason", reason: "say why the change is cancelled")
            }
            try move(to: .cancelled, extra: [FieldChange(ChangeField.cancelReason.rawValue, from: textValue(change.cancelReason), to: .text(reason))], into: &batch)
        }
    }

    // MARK: commands

    private func edit(_ edit: ChangeEdit, into batch: inout VersionedEvents) throws(Refusal) {
        guard isPartyToIt || isManager else { throw Refusal.needsRole(.changeManager, toDo: "editing someone else's change") }
        guard !change.state.isTerminal else { throw Refusal.rule("\(change.id) is \(change.state) and can no longer be edited.") }
        var people: [FieldChange] = [], content: [FieldChange] = []
        func put(_ field: ChangeField, _ old: FieldValue, _ new: FieldValue?, into list: inout [FieldChange]) {
            if let new, new != old { list.append(FieldChange(field.rawValue, from: old, to: new)) }
        }
        // People can be reassigned at any point; what was assessed and approved cannot.
        put(.changeManager, textValue(change.changeManager), edit.changeManager.map(FieldValue.text), into: &people)
        put(.assignmentGroup, textValue(change.assignmentGroup), edit.assignmentGroup.map(FieldValue.text), into: &people)
        put(.assignee, textValue(change.assignee), edit.assignee.map(FieldValue.text), into: &people)
        put(.title, .text(change.title), edit.title.map(FieldValue.text), into: &content)
        put(.affectedCIs, .list(change.affectedCIs), edit.affectedCIs.map(FieldValue.list), into: &content)
        put(.affectedServices, .list(change.affectedServices), edit.affectedServices.map(FieldValue.list), into: &content)
        put(.justification, .text(change.justification), edit.justification.map(FieldValue.text), into: &content)
        put(.implementationPlan, .text(change.implementationPlan), edit.implementationPlan.map(FieldValue.text), into: &content)
        put(.backoutPlan, .text(change.backoutPlan), edit.backoutPlan.map(FieldValue.text), into: &content)
        put(.testPlan, .text(change.testPlan), edit.testPlan.map(FieldValue.text), into: &content)
        put(.plannedStart, timeValue(change.plannedStart), edit.plannedStart.map(FieldValue.time), into: &content)
        put(.plannedEnd, timeValue(change.plannedEnd), edit.plannedEnd.map(FieldValue.time), into: &content)
        put(.outageExpected, .bool(change.outageExpected), edit.outageExpected.map(FieldValue.bool), into: &content)
        if !content.isEmpty && change.state != .new && change.state != .assess {
            throw Refusal.rule("\(change.id) is \(change.state): its content and window are fixed once it goes to authorisation. Return it to New to rework it.")
        }
        let start = edit.plannedStart ?? change.plannedStart, end = edit.plannedEnd ?? change.plannedEnd
        if let start, let end, end <= start {
            throw Refusal.invalid(field: "planned-end", reason: "the planned end must be after the planned start")
        }
        let all = people + content
        guard !all.isEmpty else { throw Refusal.rule("Nothing to change on \(change.id).") }
        batch.add(change.id, version: change.version, .changeUpdated, all)
    }

    private func assessRisk(_ answers: ChangeRiskQuestionnaire, into batch: inout VersionedEvents) throws(Refusal) {
        guard change.type != .standard else { throw Refusal.rule("\(change.id) is a standard change: its risk is fixed by its template.") }
        guard [.new, .assess, .authorize].contains(change.state) else {
            throw Refusal.rule("\(change.id) is \(change.state); risk is assessed before it is scheduled.")
        }
        guard change.state != .authorize || change.votes.isEmpty else {
            throw Refusal.rule("\(change.id) already has votes; return it to New to reassess its risk.")
        }
        let level = ChangeRiskRule.level(answers)
        batch.add(change.id, version: change.version, .changeRisk, [
            FieldChange(ChangeField.risk.rawValue, from: change.risk.map { .text($0.rawValue) } ?? .none, to: .text(level.rawValue)),
            FieldChange(ChangeField.riskScore.rawValue, from: change.riskScore.map { .int(Int64($0)) } ?? .none,
                        to: .int(Int64(ChangeRiskRule.score(answers)))),
            FieldChange(ChangeField.outageExpected.rawValue, from: .bool(change.outageExpected), to: .bool(answers.outageExpected)),
        ])
    }

    private func vote(_ decision: ChangeVote.Decision, comment: String, into batch: inout VersionedEvents) throws(Refusal) {
        guard change.state == .authorize else {
            throw Refusal.rule("\(change.id) is \(change.state); votes are cast while it is in Authorize.")
        }
        let capacity = try rules.policy.capacity(of: actor, on: change)
        if change.votes.contains(where: { $0.approver == actor.user }) {
            throw Refusal.rule("\(actor.user) has already voted on \(change.id) in this round.")
        }
        batch.add(change.id, version: change.version, .changeApproval, [
            FieldChange(ChangeField.approver.rawValue, to: .text(actor.user)),
            FieldChange(ChangeField.capacity.rawValue, to: .text(capacity.rawValue)),
            FieldChange(ChangeField.decision.rawValue, to: .text(decision.rawValue)),
            FieldChange(ChangeField.comment.rawValue, to: .text(comment)),
        ])
    }

    private func schedule(into batch: inout VersionedEvents) throws(Refusal) {
        guard isManager else { throw Refusal.needsRole(.changeManager, toDo: "scheduling a change") }
        guard change.plannedWindow != nil else { throw missing(.plannedStart, "a planned start and end") }
        if change.type != .standard {
            let status = ApprovalStatus.of(change, policy: rules.policy)
            guard status == .approved else {
                throw Refusal.transitionNotAllowed(record: change.id, from: change.state.description, to: "Scheduled",
                                                   reason: "it is \(status)")
            }
        }
        try move(to: .scheduled, into: &batch)
    }

    private func complete(at: Date, code: ChangeCloseCode, into batch: inout VersionedEvents) throws(Refusal) {
        try requireImplementer("completing")
        if let started = change.actualStart, at < started {
            throw Refusal.invalid(field: "actual-end", reason: "the change cannot end before it started")
        }
        let closesAtOnce = change.type == .standard && code == .successful
        try move(to: closesAtOnce ? .closed : .review, extra: [
            FieldChange(ChangeField.actualEnd.rawValue, from: timeValue(change.actualEnd), to: .time(at)),
            FieldChange(ChangeField.closeCode.rawValue, from: change.closeCode.map { .text($0.rawValue) } ?? .none, to: .text(code.rawValue)),
        ], into: &batch)
    }

    // MARK: helpers

    private func move(to next: ChangeState, extra: [FieldChange] = [], into batch: inout VersionedEvents) throws(Refusal) {
        if let reason = ChangeTransitions.refusal(type: change.type, from: change.state, to: next) {
            throw Refusal.transitionNotAllowed(record: change.id, from: change.state.description, to: next.description, reason: reason)
        }
        batch.add(change.id, version: change.version, .changeState,
                  [FieldChange(ChangeField.state.rawValue, from: .text(change.state.rawValue), to: .text(next.rawValue))] + extra)
    }

    private func requireReadyForApproval() throws(Refusal) {
        guard change.risk != nil else { throw missing(.risk, "a risk assessment") }
        guard !change.implementationPlan.isEmpty else { throw missing(.implementationPlan, "an implementation plan") }
        guard !change.backoutPlan.isEmpty else { throw missing(.backoutPlan, "a backout plan") }
        if change.type == .normal {
            guard !change.testPlan.isEmpty else { throw missing(.testPlan, "a test plan") }
        }
        guard change.plannedWindow != nil else { throw missing(.plannedStart, "a planned start and end") }
    }

    private func requireImplementer(_ doing: String) throws(Refusal) {
        guard actor.user == change.assignee || isManager else {
            throw Refusal.needsRole(.changeManager, toDo: "\(doing) a change assigned to someone else")
        }
    }

    private func missing(_ field: ChangeField, _ what: String) -> Refusal {
        Refusal.invalid(field: field.rawValue, reason: "\(change.id) needs \(what) first")
    }
}

private func textValue(_ s: String?) -> FieldValue { s.map(FieldValue.text) ?? .none }
private func timeValue(_ d: Date?) -> FieldValue { d.map(FieldValue.time) ?? .none }
