import Foundation

extension Decider {
    func problem(_ id: RecordID) throws -> Problem {
        guard id.kind == .problem, let problem = state.problems[id] else { throw Refusal.notFound(id) }
        return problem
    }

    func requireOpen(_ problem: Problem) throws {
        guard problem.state != .closed else { throw Refusal.rule("\(problem.id) is closed.") }
    }

    mutating func openProblem(_ new: NewProblem) throws {
        try requireAgent("opening problems")
        let title = try required(new.title, "title")
        try requireKnownService(new.service)
        if let group = new.group, directory.groups[group] == nil { throw Refusal.notFound(RecordID(kind: .group, key: group)) }
        if let owner = new.owner, directory.agents[owner] == nil { throw Refusal.notFound(RecordID(kind: .agent, key: owner)) }
        let id = state.nextID(.problem)
        let p = priority(impact: new.impact, urgency: new.urgency, matrix: directory.settings.priorityMatrix)
        var changes: [FieldChange] = [
            FieldChange(ProblemField.title.rawValue, to: .text(title)),
            FieldChange(ProblemField.state.rawValue, to: .text(ProblemState.new.rawValue)),
            FieldChange(ProblemField.impact.rawValue, to: .int(new.impact.rawValue)),
            FieldChange(ProblemField.urgency.rawValue, to: .int(new.urgency.rawValue)),
            FieldChange(ProblemField.priority.rawValue, to: .int(p.rawValue)),
            FieldChange(ProblemField.openedAt.rawValue, to: .time(now)),
        ]
        let optional: [(ProblemField, String?)] = [
            (.description, nonEmpty(new.description)), (.service, new.service.flatMap(nonEmpty)),
            (.group, new.group.flatMap(nonEmpty)), (.owner, new.owner.flatMap(nonEmpty)),
        ]
        for case let (field, value?) in optional { changes.append(FieldChange(field.rawValue, to: .text(value))) }
        if !new.cis.isEmpty { changes.append(FieldChange(ProblemField.cis.rawValue, to: .list(new.cis))) }
        batch.add(id, .problemCreated, changes)
    }

    mutating func editProblem(_ id: RecordID, _ edit: ProblemEdit) throws {
        try requireAgent("editing problems")
        let prb = try problem(id)
        try requireOpen(prb)
        var changes = prb.changes
        if let title = edit.title { changes.set(.title, .text(try required(title, "title"))) }
        if let text = edit.description { changes.set(.description, .text(text)) }
        if let owner = edit.owner {
            if !owner.isEmpty, directory.agents[owner] == nil { throw Refusal.notFound(RecordID(kind: .agent, key: owner)) }
            changes.set(.owner, .optional(nonEmpty(owner)))
        }
        if let group = edit.group {
            if !group.isEmpty, directory.groups[group] == nil { throw Refusal.notFound(RecordID(kind: .group, key: group)) }
            changes.set(.group, .optional(nonEmpty(group)))
        }
        if let service = edit.service {
            try requireKnownService(service)
            changes.set(.service, .optional(nonEmpty(service)))
        }
        if let cis = edit.cis { changes.set(.cis, .list(cis)) }
        if let text = edit.rootCause { changes.set(.rootCause, .text(text)) }
        if let text = edit.workaround { changes.set(.workaround, .text(text)) }
        let impact = edit.impact ?? prb.impact, urgency = edit.urgency ?? prb.urgency
        changes.set(.impact, .int(impact.rawValue))
        changes.set(.urgency, .int(urgency.rawValue))
        changes.set(.priority, .int(priority(impact: impact, urgency: urgency, matrix: directory.settings.priorityMatrix).rawValue))
        batch.add(id, .problemUpdated, changes.list)
    }

    mutating func moveProblem(_ id: RecordID, to next: ProblemState, resolution: ProblemResolution?, notes: String) throws {
        try requireAgent("moving problems")
        let prb = try problem(id)
        if next == .resolved {
            try resolveProblem(id, notes: notes, resolveLinked: false)
            return
        }
        batch.add(id, .problemState, try problemTransition(prb, to: next, resolution: resolution, notes: notes))
    }

    /// The field changes of one board move, checked against the table and its rules.
    func problemTransition(_ prb: Problem, to next: ProblemState, resolution: ProblemResolution?, notes: String) throws -> [FieldChange] {
        func refuse(_ reason: String) -> Refusal {
            .transitionNotAllowed(record: prb.id, from: "\(prb.state)", to: "\(next)", reason: reason)
        }
        guard prb.state != next else { throw Refusal.rule("\(prb.id) is already \(next).") }
        guard prb.state.successors.contains(next) else {
            throw refuse(prb.state == .closed ? "a closed problem is final" : "the board moves one column at a time")
        }
        var changes = prb.changes
        changes.set(.state, .text(next.rawValue))
        switch next {
        case .resolved:
            changes.set(.resolution, .text(ProblemResolution.fixed.rawValue))
            changes.set(.resolutionNotes, .text(try required(notes, ProblemField.resolutionNotes.rawValue)))
        case .closed where prb.state == .resolved:
            if let resolution, resolution != .fixed { throw refuse("a resolved problem closes as fixed") }
        case .closed:
            guard let resolution, resolution != .fixed else {
                throw refuse("closing without a fix needs a resolution: risk accepted, duplicate or cancelled")
            }
            if resolution == .riskAccepted {
                try directory.require(.manager, of: user, toDo: "accepting a problem's risk")
            }
            changes.set(.resolution, .text(resolution.rawValue))
            changes.set(.resolutionNotes, .text(try required(notes, ProblemField.resolutionNotes.rawValue)))
        default:
            if prb.state == .resolved {  // the fix did not hold
                changes.set(.resolution, .none)
                changes.set(.resolutionNotes, .text(""))
            }
        }
        return changes.list
    }

    mutating func linkIncident(_ incidentID: RecordID, to problemID: RecordID) throws {
        try requireAgent("linking incidents to problems")
        let prb = try problem(problemID), inc = try incident(incidentID)
        try requireOpen(prb)
        if let other = inc.problem {
            throw Refusal.rule(other == problemID ? "\(incidentID) is already linked to \(problemID)."
                               : "\(incidentID) is linked to \(other); unlink it first.")
        }
        var incChanges = inc.changes
        incChanges.set(.problem, .optional(problemID))
        batch.add(incidentID, .incidentProblem, incChanges.list)
        var prbChanges = prb.changes
        prbChanges.set(.incidents, .list((prb.incidents + [incidentID]).sorted().map(\.description)))
        batch.add(problemID, .problemLinks, prbChanges.list)
    }

    mutating func unlinkIncident(_ incidentID: RecordID, from problemID: RecordID) throws {
        try requireAgent("unlinking incidents from problems")
        let prb = try problem(problemID), inc = try incident(incidentID)
        guard inc.problem == problemID || prb.incidents.contains(incidentID) else {
            throw Refusal.rule("\(incidentID) is not linked to \(problemID).")
        }
        var incChanges = inc.changes
        incChanges.set(.problem, .none)
        batch.add(incidentID, .incidentProblem, incChanges.list)
        var prbChanges = prb.changes
        prbChanges.set(.incidents, .list(prb.incidents.filter { $0 != incidentID }.map(\.description)))
        batch.add(problemID, .problemLinks, prbChanges.list)
    }

    /// Resolves a problem as fixed and, if asked, each linked open incident with the
    /// problem's note, every incident in its own event so its history shows it.
    mutating func resolveProblem(_ id: RecordID, notes: String, resolveLinked: Bool) throws {
        try requireAgent("resolving problems")
        let prb = try problem(id)
        batch.add(id, .problemState, try problemTransition(prb, to: .resolved, resolution: .fixed, notes: notes))
        guard resolveLinked else { return }
        let text = "Resolved with \(id): " + (try required(notes, ProblemField.resolutionNotes.rawValue))
        for incidentID in prb.incidents {
            guard let inc = state.incidents[incidentID], inc.state.isOpen else { continue }
            batch.add(incidentID, .incidentState, try transition(inc, to: .resolved, resolution: .solvedByProblem, notes: text))
        }
    }
}
