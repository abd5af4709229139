import Foundation

extension Incident {
    /// Folds one event into the incident. Unknown fields and values of the wrong shape are
    /// skipped rather than refused: a store written by a newer build must still open.
    mutating func apply(_ event: Event) {
        let before = (state, holdReason, respondedAt != nil)
        for change in event.changes {
            guard let field = IncidentField.named[change.field] else { continue }
            apply(field, change.to, event: event)
        }
        if slaMarks.isEmpty || before != (state, holdReason, respondedAt != nil) {
            mark(at: event.at)
        }
    }

    private mutating func apply(_ field: IncidentField, _ value: FieldValue, event: Event) {
        switch field {
        case .title: title = value.textValue ?? title
        case .description: description = value.textValue ?? description
        case .state: state = value.textValue.flatMap(IncidentState.init(rawValue:)) ?? state
        case .holdReason: holdReason = value.textValue.flatMap(HoldReason.init(rawValue:))
        case .resolutionCode: resolutionCode = value.textValue.flatMap(ResolutionCode.init(rawValue:))
        case .resolutionNotes: resolutionNotes = value.textValue ?? ""
        case .impact: impact = value.intValue.flatMap(Impact.init(rawValue:)) ?? impact
        case .urgency: urgency = value.intValue.flatMap(Urgency.init(rawValue:)) ?? urgency
        case .priority: priority = value.intValue.flatMap(Priority.init(rawValue:)) ?? priority
        case .priorityOverride: priorityOverride = value.textValue.flatMap(nonEmpty)
        case .assignee: assignee = value.textValue.flatMap(nonEmpty)
        case .group: group = value.textValue.flatMap(nonEmpty)
        case .reassignmentCount: reassignmentCount = value.intValue ?? reassignmentCount
        case .caller: caller = value.textValue ?? caller
        case .service: service = value.textValue.flatMap(nonEmpty)
        case .ci: ci = value.textValue.flatMap(nonEmpty)
        case .category: category = value.textValue.flatMap(nonEmpty)
        case .origin: origin = value.textValue.flatMap(Origin.init(rawValue:))
        case .openedAt: openedAt = value.timeValue ?? openedAt
        case .respondedAt: respondedAt = value.timeValue
        case .resolvedAt: resolvedAt = value.timeValue
        case .closedAt: closedAt = value.timeValue
        case .majorIncident:
            majorIncident = value.textValue.flatMap(MajorIncidentState.init(rawValue:)) ?? majorIncident
        case .majorIncidentReason: break  // history only
        case .parent: parent = value.textValue.flatMap(RecordID.init(parsing:))
        case .problem: problem = value.textValue.flatMap(RecordID.init(parsing:))
        case .workNote:
            if let text = value.textValue { workNotes.append(Note(author: event.actor, at: event.at, text: text)) }
        case .customerReply:
            if let text = value.textValue { customerReplies.append(Note(author: event.actor, at: event.at, text: text)) }
        }
    }

    /// Records the SLA-relevant status from `at` on. Clocks of different processes may
    /// disagree slightly, so a mark never goes back before the previous one.
    private mutating func mark(at: Date) {
        let time = max(at, slaMarks.last?.at ?? at)
        let m = SLAMark(at: time, state: state, holdReason: holdReason, responded: respondedAt != nil)
        if let last = slaMarks.last, last.at == time {
            slaMarks[slaMarks.count - 1] = m
        } else {
            slaMarks.append(m)
        }
    }
}

func nonEmpty(_ s: String) -> String? { s.isEmpty ? nil : s }
