import Foundation
import ITSM

/// One incident as a queue shows it: the columns a pane sorts, filters and draws. Built on
/// demand from the table's flat columns (only for the rows on screen), so a million of them
/// never exist at once.
public struct IncidentRow: Sendable, Hashable {
    public var number: Int
    public var id: RecordID { RecordID(.incident, number) }
    /// The record's version: what `--expect-version` and stale checks compare.
    public var version: UInt64
    public var title: String
    public var priority: Priority
    public var impact: Impact
    public var urgency: Urgency
    public var state: IncidentState
    public var holdReason: HoldReason?
    public var assignee: String?
    public var group: String?
    public var service: String?
    public var ci: String?
    public var openedAt: Date
    /// When the latest event touched the incident.
    public var updatedAt: Date
    public var resolvedAt: Date?
    public var majorIncident: MajorIncidentState
    public var parent: RecordID?
    public var childCount: Int
    public var problem: RecordID?
    /// The resolution and response clocks as of the incident's last event (no pause list:
    /// enough for stage, band, due and remaining time).
    public var resolution: SLAClock?
    public var response: SLAClock?

    public init(number: Int, version: UInt64, title: String, priority: Priority, impact: Impact, urgency: Urgency,
                state: IncidentState, holdReason: HoldReason?, assignee: String?, group: String?, service: String?,
                ci: String?, openedAt: Date, updatedAt: Date, resolvedAt: Date?, majorIncident: MajorIncidentState,
                parent: RecordID?, childCount: Int, problem: RecordID?, resolution: SLAClock?, response: SLAClock?) {
        self.number = number
        self.version = version
        self.title = title
        self.priority = priority
        self.impact = impact
        self.urgency = urgency
        self.state = state
        self.holdReason = holdReason
        self.assignee = assignee
        self.group = group
        self.service = service
        self.ci = ci
        self.openedAt = openedAt
        self.updatedAt = updatedAt
        self.resolvedAt = resolvedAt
        self.majorIncident = majorIncident
        self.parent = parent
        self.childCount = childCount
        self.problem = problem
        self.resolution = resolution
        self.response = response
    }

    /// The row of a folded incident.
    public init(_ incident: Incident, version: UInt64, updatedAt: Date, childCount: Int) {
        let clocks = incident.slaClocks
        self.init(number: incident.id.number ?? 0, version: version, title: incident.title, priority: incident.priority,
                  impact: incident.impact, urgency: incident.urgency, state: incident.state,
                  holdReason: incident.holdReason, assignee: incident.assignee, group: incident.group,
                  service: incident.service, ci: incident.ci, openedAt: incident.openedAt, updatedAt: updatedAt,
                  resolvedAt: incident.resolvedAt, majorIncident: incident.majorIncident, parent: incident.parent,
                  childCount: childCount, problem: incident.problem,
                  resolution: IncidentRow.pick(clocks, .resolution), response: IncidentRow.pick(clocks, .response))
    }

    /// The clock of a target that matters most: a running one first, then the earliest due.
    static func pick(_ clocks: [SLAClock], _ target: SLATarget) -> SLAClock? {
        let of = clocks.filter { $0.target == target }
        guard var best = of.first else { return nil }
        for c in of.dropFirst() {
            if c.isRunning && !best.isRunning { best = c; continue }
            if c.isRunning == best.isRunning, let d = c.due, d < (best.due ?? .distantFuture) { best = c }
        }
        best.pauses = []
        return best
    }

    /// The SLA stage of the resolution clock at `now` (nil without an SLA).
    public func slaStage(at now: Date) -> SLAStage? { resolution?.stage(at: now) }

    /// Open (not resolved, closed or cancelled).
    public var isOpen: Bool { state.isOpen }
}
