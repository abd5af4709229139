import Foundation

extension Decider {
    mutating func moveIncident(_ id: RecordID, to next: IncidentState, holdReason: HoldReason?,
                               resolution: ResolutionCode?, notes: String) throws {
        try requireAgent("changing an incident's state")
        let inc = try incident(id)
        if next == .assigned || next == .new {
            throw Refusal.transitionNotAllowed(record: id, from: "\(inc.state)", to: "\(next)",
                                               reason: next == .new ? "release the incident instead" : "assign the incident instead")
        }
        let changes = try transition(inc, to: next, holdReason: holdReason, resolution: resolution, notes: notes)
        batch.add(id, .incidentState, changes)
    }

    /// The field changes of one state change, checked against the transition table and the
    /// rules around it. Shared by every command that moves incidents (parent updates, problem
    /// resolution, auto-close), so none of them can skip a rule.
    func transition(_ inc: Incident, to next: IncidentState, holdReason: HoldReason? = nil,
                    resolution: ResolutionCode? = nil, notes: String = "") throws -> [FieldChange] {
        let id = inc.id
        func refuse(_ reason: String) -> Refusal {
            .transitionNotAllowed(record: id, from: "\(inc.state)", to: "\(next)", reason: reason)
        }
        guard inc.state != next else { throw Refusal.rule("\(id) is already \(next).") }
        guard inc.state.successors.contains(next) else { throw refuse(inc.state.whyNot(next)) }

        var changes = inc.changes
        changes.set(.state, .text(next.rawValue))
        // Leaving a state clears what only made sense in it.
        if inc.state == .onHold { changes.set(.holdReason, .none) }
        if inc.state == .resolved || inc.state == .closed {
            changes.set(.resolutionCode, .none)
            changes.set(.resolutionNotes, .text(""))
            changes.set(.resolvedAt, .none)
            changes.set(.closedAt, .none)
        }

        switch next {
        case .onHold:
            guard let holdReason else { throw Refusal.invalid(field: IncidentField.holdReason.rawValue, reason: "On Hold needs a reason") }
            changes.set(.holdReason, .text(holdReason.rawValue))
        case .inProgress:
            let reopening = inc.state == .resolved || inc.state == .closed
            if inc.state == .closed {
                try directory.require(.manager, of: user, toDo: "reopening a closed incident")
            }
            if reopening {
                changes.append(.workNote, .text("Reopened: " + (try required(notes, "reason"))))
                // Only open incidents can be assigned, so whoever reopens an unassigned one takes it.
                if inc.assignee == nil { changes.set(.assignee, .text(user)) }
            } else if inc.assignee == nil {
                throw refuse("it has no assignee; take or assign it first")
            }
            if inc.respondedAt == nil { changes.set(.respondedAt, .time(now)) }
        case .resolved:
            guard let resolution else {
                throw Refusal.invalid(field: IncidentField.resolutionCode.rawValue, reason: "Resolved needs a resolution code")
            }
            changes.set(.resolutionCode, .text(resolution.rawValue))
            changes.set(.resolutionNotes, .text(try required(notes, IncidentField.resolutionNotes.rawValue)))
            changes.set(.resolvedAt, .time(now))
        case .closed:
            changes.set(.closedAt, .time(now))
        case .cancelled:
            changes.set(.resolutionNotes, .text(try required(notes, "reason")))
        case .new, .assigned:
            break
        }
        return changes.list
    }

    /// Closes every resolved incident whose time has come. Finding none is not a refusal.
    mutating func autoCloseResolved() {
        for id in state.incidentsDueForAutoClose(at: now) {
            guard let inc = state.incidents[id], let changes = try? transition(inc, to: .closed) else { continue }
            batch.add(id, .incidentAutoClosed, changes)
        }
    }
}

extension DeskState {
    /// When a resolved incident closes by itself: local midnight after the desk's number of
    /// whole business days following the day it was resolved.
    public func autoCloseTime(of incident: Incident) -> Date? {
        guard incident.state == .resolved, let resolvedAt = incident.resolvedAt else { return nil }
        let settings = directory.settings
        let calendar = settings.autoCloseCalendar.flatMap { directory.calendars[$0] } ?? .twentyFourSeven()
        return calendar.endOfBusinessDays(settings.autoCloseBusinessDays, after: resolvedAt)
    }

    /// Resolved incidents whose auto-close time is at or before `now`, in ID order.
    public func incidentsDueForAutoClose(at now: Date) -> [RecordID] {
        incidents.values.filter { inc in autoCloseTime(of: inc).map { $0 <= now } ?? false }.map(\.id).sorted()
    }
}
