import Foundation

extension Incident {
    /// The current value of a field, in the form events store it. Queues and the history view
    /// can show any field through this without knowing its type.
    public func value(of field: IncidentField) -> FieldValue {
        switch field {
        case .title: .text(title)
        case .description: .text(description)
        case .state: .text(state.rawValue)
        case .holdReason: .optional(holdReason?.rawValue)
        case .resolutionCode: .optional(resolutionCode?.rawValue)
        case .resolutionNotes: .text(resolutionNotes)
        case .impact: .int(impact.rawValue)
        case .urgency: .int(urgency.rawValue)
        case .priority: .int(priority.rawValue)
        case .priorityOverride: .optional(priorityOverride)
        case .assignee: .optional(assignee)
        case .group: .optional(group)
        case .reassignmentCount: .int(reassignmentCount)
        case .caller: .text(caller)
        case .service: .optional(service)
        case .ci: .optional(ci)
        case .category: .optional(category)
        case .origin: .optional(origin?.rawValue)
        case .openedAt: .time(openedAt)
        case .respondedAt: .optional(respondedAt)
        case .resolvedAt: .optional(resolvedAt)
        case .closedAt: .optional(closedAt)
        case .majorIncident: .text(majorIncident.rawValue)
        case .majorIncidentReason, .workNote, .customerReply: .none
        case .parent: .optional(parent)
        case .problem: .optional(problem)
        }
    }

    /// A change set against this incident's current values.
    var changes: Changes<IncidentField> {
        let snapshot = self
        return Changes { snapshot.value(of: $0) }
    }
}

extension Problem {
    public func value(of field: ProblemField) -> FieldValue {
        switch field {
        case .title: .text(title)
        case .description: .text(description)
        case .state: .text(state.rawValue)
        case .resolution: .optional(resolution?.rawValue)
        case .resolutionNotes: .text(resolutionNotes)
        case .impact: .int(impact.rawValue)
        case .urgency: .int(urgency.rawValue)
        case .priority: .int(priority.rawValue)
        case .owner: .optional(owner)
        case .group: .optional(group)
        case .service: .optional(service)
        case .cis: .list(cis)
        case .rootCause: .text(rootCause)
        case .workaround: .text(workaround)
        case .knownError: .optional(knownError)
        case .incidents: .list(incidents.map(\.description))
        case .openedAt: .time(openedAt)
        }
    }

    var changes: Changes<ProblemField> {
        let snapshot = self
        return Changes { snapshot.value(of: $0) }
    }
}

extension KnownError {
    public func value(of field: KnownErrorField) -> FieldValue {
        switch field {
        case .problem: .optional(problem)
        case .title: .text(title)
        case .symptom: .text(symptom)
        case .rootCause: .text(rootCause)
        case .workaround: .text(workaround)
        case .permanentFix: .text(permanentFix)
        case .cis: .list(cis)
        case .service: .optional(service)
        case .publishedAt: .time(publishedAt)
        }
    }

    var changes: Changes<KnownErrorField> {
        let snapshot = self
        return Changes { snapshot.value(of: $0) }
    }
}
