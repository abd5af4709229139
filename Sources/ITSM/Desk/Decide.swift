import Foundation

/// Decides a command: checks it against `state` as `user` at `now` and answers with the
/// events to commit, or throws a `Refusal` saying why not. Pure: no clock, no I/O, so the
/// store can re-decide it under its lock against fresher state.
public func decide(_ command: Command, by user: String, at now: Date, in state: DeskState) throws -> [Event] {
    var decider = Decider(batch: EventBatch(state: state, actor: user, now: now))
    try decider.run(command)
    return decider.batch.events
}

/// One decision in progress: the state it is made against and the events made so far.
struct Decider {
    var batch: EventBatch
    var state: DeskState { batch.state }
    var directory: Directory { batch.state.directory }
    var user: String { batch.actor }
    var now: Date { batch.now }

    mutating func run(_ command: Command) throws {
        switch command {
        case let .createAgent(name, displayName, roles, groups):
            try createAgent(name, displayName: displayName, roles: roles, groups: groups)
        case let .updateAgent(name, displayName, roles, groups):
            try updateAgent(name, displayName: displayName, roles: roles, groups: groups)
        case let .defineGroup(name, manager): try defineGroup(name, manager: manager)
        case let .defineService(service): try defineService(service)
        case let .defineCalendar(calendar): try defineCalendar(calendar)
        case let .defineSLA(definition): try defineSLA(definition)
        case let .setPriorityMatrix(matrix): try setPriorityMatrix(matrix)
        case let .setAutoClose(days, calendar): try setAutoClose(days: days, calendar: calendar)

        case let .openIncident(new): try openIncident(new)
        case let .editIncident(id, edit): try editIncident(id, edit)
        case let .overridePriority(id, priority, reason): try overridePriority(id, priority, reason: reason)
        case let .clearPriorityOverride(id): try clearPriorityOverride(id)
        case let .takeIncident(id): try take(id)
        case let .assignIncident(id, group, assignee): try assign(id, group: group, assignee: assignee)
        case let .releaseIncident(id): try release(id)
        case let .moveIncident(id, to, holdReason, resolution, notes):
            try moveIncident(id, to: to, holdReason: holdReason, resolution: resolution, notes: notes)
        case let .addWorkNote(id, text): try addNote(id, text, field: .workNote)
        case let .addCustomerReply(id, text): try addNote(id, text, field: .customerReply)
        case let .proposeMajorIncident(id, reason): try proposeMajor(id, reason: reason)
        case let .acceptMajorIncident(id): try decideMajor(id, accept: true, reason: "")
        case let .rejectMajorIncident(id, reason): try decideMajor(id, accept: false, reason: reason)
        case let .setParent(id, parent): try setParent(id, parent: parent)
        case let .updateParentAndChildren(id, update): try updateParentAndChildren(id, update)
        case .autoCloseResolved: autoCloseResolved()

        case let .openProblem(new): try openProblem(new)
        case let .editProblem(id, edit): try editProblem(id, edit)
        case let .moveProblem(id, to, resolution, notes):
            try moveProblem(id, to: to, resolution: resolution, notes: notes)
        case let .linkIncident(problem, incident): try linkIncident(incident, to: problem)
        case let .unlinkIncident(problem, incident): try unlinkIncident(incident, from: problem)
        case let .resolveProblem(id, notes, resolveLinked): try resolveProblem(id, notes: notes, resolveLinked: resolveLinked)
        case let .publishKnownError(problem, draft): try publishKnownError(from: problem, draft)
        case let .editKnownError(id, draft): try editKnownError(id, draft)
        }
    }

    /// Refuses empty (or all-blank) text for a field that needs some.
    func required(_ text: String, _ field: String) throws -> String {
        let trimmed = text.trimmingWhiteSpace
        guard !trimmed.isEmpty else { throw Refusal.invalid(field: field, reason: "must not be empty") }
        return trimmed
    }
}
