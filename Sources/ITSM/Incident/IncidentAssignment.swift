import Foundation

extension Decider {
    mutating func take(_ id: RecordID) throws {
        let inc = try incident(id)
        if inc.assignee == user { throw Refusal.rule("\(id) is already assigned to you.") }
        try assign(id, group: inc.group, assignee: user, act: "taking incidents")
    }

    mutating func assign(_ id: RecordID, group: String?, assignee: String?, act: String = "assigning incidents") throws {
        try requireAgent(act)
        let inc = try incident(id)
        guard inc.state.isOpen else {
            throw Refusal.rule("\(id) is \(inc.state); only an open incident can be assigned.")
        }
        let group = group.flatMap(nonEmpty), assignee = assignee.flatMap(nonEmpty)
        if let group, directory.groups[group] == nil { throw Refusal.notFound(RecordID(kind: .group, key: group)) }
        if let assignee {
            guard directory.user(assignee, holds: .agent) else {
                throw Refusal.rule("\(assignee) cannot be assigned incidents: they do not hold the agent role.")
            }
            if let group, directory.agents[assignee]?.groups.contains(group) != true {
                throw Refusal.rule("\(assignee) is not a member of \(group).")
            }
        }
        var changes = inc.changes
        changes.set(.group, .optional(group))
        changes.set(.assignee, .optional(assignee))
        // Handing on work that was already someone's is a reassignment; the first assignment is not.
        let handedOn = (inc.group != nil && inc.group != group) || (inc.assignee != nil && assignee != nil && inc.assignee != assignee)
        if handedOn { changes.set(.reassignmentCount, .int(inc.reassignmentCount + 1)) }
        if inc.state == .new, assignee != nil { changes.set(.state, .text(IncidentState.assigned.rawValue)) }
        if inc.state == .assigned, assignee == nil { changes.set(.state, .text(IncidentState.new.rawValue)) }
        if inc.state == .inProgress || inc.state == .onHold, assignee == nil {
            throw Refusal.rule("\(id) is \(inc.state); it needs an assignee. Release it instead.")
        }
        batch.add(id, .incidentAssigned, changes.list)
    }

    /// Gives the incident back to its group's queue: no assignee, state New.
    mutating func release(_ id: RecordID) throws {
        try requireAgent("releasing incidents")
        let inc = try incident(id)
        guard inc.assignee != nil else { throw Refusal.rule("\(id) has no assignee to release.") }
        guard inc.state.successors.contains(.new) else {
            throw Refusal.transitionNotAllowed(record: id, from: "\(inc.state)", to: "\(IncidentState.new)",
                                               reason: inc.state.whyNot(.new))
        }
        var changes = inc.changes
        changes.set(.assignee, .none)
        changes.set(.state, .text(IncidentState.new.rawValue))
        batch.add(id, .incidentAssigned, changes.list)
    }
}
