import Foundation

/// Major incidents: any agent proposes, a manager accepts or rejects; a rejected proposal
/// may be made again when things get worse.
extension Decider {
    mutating func proposeMajor(_ id: RecordID, reason: String) throws {
        try requireAgent("proposing a major incident")
        let inc = try incident(id)
        guard inc.state.isOpen else { throw Refusal.rule("\(id) is \(inc.state); only an open incident can become major.") }
        guard inc.majorIncident == .none || inc.majorIncident == .rejected else {
            throw Refusal.rule("\(id) is already \(inc.majorIncident) as a major incident.")
        }
        var changes = inc.changes
        changes.set(.majorIncident, .text(MajorIncidentState.proposed.rawValue))
        changes.append(.majorIncidentReason, .text(try required(reason, "reason")))
        batch.add(id, .incidentMajor, changes.list)
    }

    mutating func decideMajor(_ id: RecordID, accept: Bool, reason: String) throws {
        try directory.require(.manager, of: user, toDo: accept ? "accepting a major incident" : "rejecting a major incident")
        let inc = try incident(id)
        guard inc.majorIncident == .proposed else {
            throw Refusal.rule("\(id) has no major-incident proposal to \(accept ? "accept" : "reject").")
        }
        var changes = inc.changes
        changes.set(.majorIncident, .text((accept ? MajorIncidentState.accepted : .rejected).rawValue))
        if !accept { changes.append(.majorIncidentReason, .text(try required(reason, "reason"))) }
        batch.add(id, .incidentMajor, changes.list)
    }
}
