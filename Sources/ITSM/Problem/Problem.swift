import Foundation

/// A problem: the unknown cause of one or more incidents.
public struct Problem: Hashable, Sendable {
    public let id: RecordID
    public var title: String = ""
    public var description: String = ""
    public var state: ProblemState = .new
    public var resolution: ProblemResolution?
    public var resolutionNotes: String = ""
    public var impact: Impact = .individual
    public var urgency: Urgency = .low
    public var priority: Priority = .p5
    public var owner: String?
    public var group: String?
    public var service: String?
    public var cis: [String] = []
    public var rootCause: String = ""
    public var workaround: String = ""
    /// The known error published from this problem, if any.
    public var knownError: RecordID?
    /// Linked incidents, in ID order.
    public var incidents: [RecordID] = []
    public var openedAt: Date

    public init(id: RecordID, openedAt: Date) {
        self.id = id
        self.openedAt = openedAt
    }
}

/// The field names problem events use.
public enum ProblemField: String, CaseIterable, Sendable {
    case title, description, state, resolution, resolutionNotes
    case impact, urgency, priority, owner, group, service, cis
    case rootCause, workaround, knownError, incidents, openedAt
}

extension Problem {
    mutating func apply(_ event: Event) {
        for c in event.changes {
            let v = c.to
            switch ProblemField(rawValue: c.field) {
            case .title: title = v.textValue ?? title
            case .description: description = v.textValue ?? description
            case .state: state = v.textValue.flatMap(ProblemState.init(rawValue:)) ?? state
            case .resolution: resolution = v.textValue.flatMap(ProblemResolution.init(rawValue:))
            case .resolutionNotes: resolutionNotes = v.textValue ?? ""
            case .impact: impact = v.intValue.flatMap(Impact.init(rawValue:)) ?? impact
            case .urgency: urgency = v.intValue.flatMap(Urgency.init(rawValue:)) ?? urgency
            case .priority: priority = v.intValue.flatMap(Priority.init(rawValue:)) ?? priority
            case .owner: owner = v.textValue.flatMap(nonEmpty)
            case .group: group = v.textValue.flatMap(nonEmpty)
            case .service: service = v.textValue.flatMap(nonEmpty)
            case .cis: cis = v.listValue ?? []
            case .rootCause: rootCause = v.textValue ?? ""
            case .workaround: workaround = v.textValue ?? ""
            case .knownError: knownError = v.textValue.flatMap(RecordID.init(parsing:))
            case .incidents: incidents = (v.listValue ?? []).compactMap(RecordID.init(parsing:)).sorted()
            case .openedAt: openedAt = v.timeValue ?? openedAt
            case nil: continue
            }
        }
    }
}
