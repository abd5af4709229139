import Foundation

extension Decider {
    /// The incident `id`, or a refusal saying it does not exist.
    func incident(_ id: RecordID) throws -> Incident {
        guard id.kind == .incident, let incident = state.incidents[id] else { throw Refusal.notFound(id) }
        return incident
    }

    func requireAgent(_ act: String) throws {
        try directory.require(.agent, of: user, toDo: act)
    }

    /// Closed and cancelled incidents are history: only a reopen changes them.
    func requireEditable(_ incident: Incident) throws {
        guard incident.state != .closed, incident.state != .cancelled else {
            throw Refusal.rule("\(incident.id) is \(incident.state); reopen it before changing it.")
        }
    }

    func requireKnownService(_ name: String?) throws {
        if let name, !name.isEmpty, directory.services[name] == nil {
            throw Refusal.notFound(RecordID(kind: .service, key: name))
        }
    }

    mutating func openIncident(_ new: NewIncident) throws {
        try requireAgent("opening incidents")
        let title = try required(new.title, "title")
        let caller = try required(new.caller, "caller")
        try requireKnownService(new.service)
        if let group = new.group, directory.groups[group] == nil { throw Refusal.notFound(RecordID(kind: .group, key: group)) }
        let id = state.nextID(.incident)
        let p = priority(impact: new.impact, urgency: new.urgency, matrix: directory.settings.priorityMatrix)
        var changes: [FieldChange] = [
            FieldChange(IncidentField.title.rawValue, to: .text(title)),
            FieldChange(IncidentField.state.rawValue, to: .text(IncidentState.new.rawValue)),
            FieldChange(IncidentField.impact.rawValue, to: .int(new.impact.rawValue)),
            FieldChange(IncidentField.urgency.rawValue, to: .int(new.urgency.rawValue)),
            FieldChange(IncidentField.priority.rawValue, to: .int(p.rawValue)),
            FieldChange(IncidentField.caller.rawValue, to: .text(caller)),
            FieldChange(IncidentField.openedAt.rawValue, to: .time(now)),
            FieldChange(IncidentField.majorIncident.rawValue, to: .text(MajorIncidentState.none.rawValue)),
        ]
        let optional: [(IncidentField, String?)] = [
            (.description, nonEmpty(new.description)), (.service, new.service.flatMap(nonEmpty)),
            (.ci, new.ci.flatMap(nonEmpty)), (.category, new.category.flatMap(nonEmpty)),
            (.origin, new.origin?.rawValue), (.group, new.group.flatMap(nonEmpty)),
        ]
        for case let (field, value?) in optional { changes.append(FieldChange(field.rawValue, to: .text(value))) }
        batch.add(id, .incidentCreated, changes)
    }

    mutating func editIncident(_ id: RecordID, _ edit: IncidentEdit) throws {
        try requireAgent("editing incidents")
        let inc = try incident(id)
        try requireEditable(inc)
        var changes = inc.changes
        if let title = edit.title { changes.set(.title, .text(try required(title, "title"))) }
        if let caller = edit.caller { changes.set(.caller, .text(try required(caller, "caller"))) }
        if let text = edit.description { changes.set(.description, .text(text)) }
        if let service = edit.service {
            try requireKnownService(service)
            changes.set(.service, .optional(nonEmpty(service)))
        }
        if let ci = edit.ci { changes.set(.ci, .optional(nonEmpty(ci))) }
        if let category = edit.category { changes.set(.category, .optional(nonEmpty(category))) }
        if let origin = edit.origin { changes.set(.origin, .text(origin.rawValue)) }
        let impact = edit.impact ?? inc.impact, urgency = edit.urgency ?? inc.urgency
        changes.set(.impact, .int(impact.rawValue))
        changes.set(.urgency, .int(urgency.rawValue))
        // A hand-set priority stays until cleared; otherwise the matrix decides.
        if inc.priorityOverride == nil {
            let p = priority(impact: impact, urgency: urgency, matrix: directory.settings.priorityMatrix)
            changes.set(.priority, .int(p.rawValue))
        }
        batch.add(id, .incidentUpdated, changes.list)
    }

    mutating func overridePriority(_ id: RecordID, _ p: Priority, reason: String) throws {
        try directory.require(.manager, of: user, toDo: "overriding an incident's priority")
        let inc = try incident(id)
        try requireEditable(inc)
        var changes = inc.changes
        changes.set(.priority, .int(p.rawValue))
        changes.set(.priorityOverride, .text(try required(reason, "reason")))
        batch.add(id, .incidentPriority, changes.list)
    }

    mutating func clearPriorityOverride(_ id: RecordID) throws {
        try directory.require(.manager, of: user, toDo: "clearing a priority override")
        let inc = try incident(id)
        try requireEditable(inc)
        guard inc.priorityOverride != nil else { throw Refusal.rule("\(id)'s priority already follows the matrix.") }
        var changes = inc.changes
        changes.set(.priority, .int(priority(impact: inc.impact, urgency: inc.urgency,
                                             matrix: directory.settings.priorityMatrix).rawValue))
        changes.set(.priorityOverride, .none)
        batch.add(id, .incidentPriority, changes.list)
    }

    mutating func addNote(_ id: RecordID, _ text: String, field: IncidentField) throws {
        try requireAgent(field == .workNote ? "adding work notes" : "replying to callers")
        let inc = try incident(id)
        batch.add(id, field == .workNote ? .incidentWorkNote : .incidentCustomerReply,
                  noteChanges(inc, try required(text, field.rawValue), field: field))
    }

    /// A note, and for a customer reply the first response if there was none yet.
    func noteChanges(_ inc: Incident, _ text: String, field: IncidentField) -> [FieldChange] {
        var changes = inc.changes
        changes.append(field, .text(text))
        if field == .customerReply, inc.respondedAt == nil, inc.state.isOpen { changes.set(.respondedAt, .time(now)) }
        return changes.list
    }
}
