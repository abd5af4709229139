import Foundation

/// An incident as the fold of its events leaves it.
public struct Incident: Hashable, Sendable {
    public let id: RecordID
    public var title: String = ""
    public var description: String = ""
    public var state: IncidentState = .new
    public var holdReason: HoldReason?
    public var resolutionCode: ResolutionCode?
    public var resolutionNotes: String = ""
    public var impact: Impact = .individual
    public var urgency: Urgency = .low
    public var priority: Priority = .p5
    /// Why the priority was set by hand; `nil` while it follows the matrix. Who set it is the
    /// actor of the event that set this field.
    public var priorityOverride: String?
    public var assignee: String?
    public var group: String?
    public var reassignmentCount: Int = 0
    public var caller: String = ""
    public var service: String?
    /// A configuration item by ID, resolved by the CMDB (domain II).
    public var ci: String?
    public var category: String?
    public var origin: Origin?
    public var openedAt: Date
    /// The first response: the first customer reply, or the first move to In Progress.
    public var respondedAt: Date?
    public var resolvedAt: Date?
    public var closedAt: Date?
    public var majorIncident: MajorIncidentState = .none
    public var parent: RecordID?
    public var problem: RecordID?
    /// Internal notes, for the desk only.
    public var workNotes: [Note] = []
    /// Replies the caller sees.
    public var customerReplies: [Note] = []
    /// Every moment the SLA-relevant status changed; the clocks are computed from these, so
    /// time spent on hold is never forgotten when a clock is recomputed.
    public internal(set) var slaMarks: [SLAMark] = []
    /// One clock per applicable SLA target, as of the incident's last event.
    public internal(set) var slaClocks: [SLAClock] = []

    public init(id: RecordID, openedAt: Date) {
        self.id = id
        self.openedAt = openedAt
    }
}

/// One entry of a work-note or customer-reply timeline.
public struct Note: Hashable, Sendable {
    public var author: String
    public var at: Date
    public var text: String

    public init(author: String, at: Date, text: String) {
        self.author = author
        self.at = at
        self.text = text
    }
}

/// The field names incident events use. Queue columns are plain field changes, so a generic
/// store can keep "latest value of each field" without knowing what an incident is.
public enum IncidentField: String, CaseIterable, Sendable {
    case title, description, state, holdReason, resolutionCode, resolutionNotes
    case impact, urgency, priority, priorityOverride
    case assignee, group, reassignmentCount
    case caller, service, ci, category, origin
    case openedAt, respondedAt, resolvedAt, closedAt
    case majorIncident, majorIncidentReason, parent, problem
    /// Appended text: each note event carries the new note as `to`.
    case workNote, customerReply

    /// Name → field by hashing: the fold reads a field name per change of every event, and
    /// `init(rawValue:)` compares the name against each case in turn.
    static let named: [String: IncidentField] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })
}
