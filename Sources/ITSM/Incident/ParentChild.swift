import Foundation

/// Parent and child incidents, one level deep: many reports of one outage hang under one
/// parent, and what the desk says on the parent reaches every open child.
extension Decider {
    mutating func setParent(_ id: RecordID, parent: RecordID?) throws {
        try requireAgent("linking child incidents")
        let child = try incident(id)
        try requireEditable(child)
        if let parent {
            let p = try incident(parent)
            guard parent != id else { throw Refusal.rule("\(id) cannot be its own parent.") }
            guard p.parent == nil else { throw Refusal.rule("\(parent) is itself a child of \(p.parent!); pick that parent instead.") }
            guard state.children(of: id).isEmpty else { throw Refusal.rule("\(id) has children of its own, so it cannot become a child.") }
            guard p.state != .closed, p.state != .cancelled else { throw Refusal.rule("\(parent) is \(p.state).") }
        } else if child.parent == nil {
            throw Refusal.rule("\(id) has no parent.")
        }
        var changes = child.changes
        changes.set(.parent, .optional(parent))
        batch.add(id, .incidentParent, changes.list)
    }

    mutating func updateParentAndChildren(_ id: RecordID, _ update: ChildUpdate) throws {
        try requireAgent("updating child incidents")
        let parent = try incident(id)
        let children = state.children(of: id).compactMap { state.incidents[$0] }.filter { $0.state.isOpen }
        switch update {
        case let .workNote(text), let .customerReply(text):
            let field: IncidentField
            if case .workNote = update { field = .workNote } else { field = .customerReply }
            let text = try required(text, field.rawValue)
            for inc in [parent] + children {
                batch.add(inc.id, field == .workNote ? .incidentWorkNote : .incidentCustomerReply,
                          noteChanges(inc, text, field: field))
            }
        case let .resolve(code, notes):
            let targets = (parent.state.isOpen ? [parent] : []) + children
            guard !targets.isEmpty else { throw Refusal.rule("\(id) and its children are already resolved.") }
            for inc in targets {
                batch.add(inc.id, .incidentState, try transition(inc, to: .resolved, resolution: code, notes: notes))
            }
        }
    }
}
