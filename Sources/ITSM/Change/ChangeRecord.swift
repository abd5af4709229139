import Foundation

/// One approver's vote in the current approval round.
public struct ChangeVote: Hashable, Sendable {
    public enum Decision: String, Hashable, Sendable { case approve, reject }
    public var approver: String
    public var capacity: ApproverCapacity
    public var decision: Decision
    public var comment: String
    public var at: Date
}

/// A request for change, as folded from its events.
public struct ChangeRecord: Hashable, Sendable {
    public let id: RecordID
    public var type: ChangeType = .normal
    public var state: ChangeState = .new
    public var title = ""
    /// The standard-change template the change was raised from, if any.
    public var template: String?
    public var risk: ChangeRisk?
    public var riskScore: Int?
    public var requester = ""
    public var changeManager: String?
    public var assignmentGroup: String?
    public var assignee: String?
    public var affectedCIs: [String] = []
    public var affectedServices: [String] = []
    public var justification = ""
    public var implementationPlan = ""
    public var backoutPlan = ""
    public var testPlan = ""
    public var plannedStart: Date?
    public var plannedEnd: Date?
    public var actualStart: Date?
    public var actualEnd: Date?
    public var outageExpected = false
    public var closeCode: ChangeCloseCode?
    public var rejectionReason: String?
    public var cancelReason: String?
    public var reviewNotes: [String] = []
    /// Votes of the current approval round; a new round starts each time the change enters
    /// Authorize, so votes cast before a rejection do not count towards the next attempt.
    public var votes: [ChangeVote] = []
    /// Every vote ever cast, for history panes.
    public var allVotes: [ChangeVote] = []
    /// Number of events applied.
    public var version: UInt64 = 0

    public init(id: RecordID) { self.id = id }

    /// The planned window, when both ends are set and in order.
    public var plannedWindow: DateInterval? {
        guard let s = plannedStart, let e = plannedEnd, e > s else { return nil }
        return DateInterval(start: s, end: e)
    }

    /// Emergency changes, and changes that did not go well, must be reviewed before closing.
    public var reviewRequired: Bool {
        type == .emergency || (closeCode?.needsReview ?? false)
    }

    /// Folds one event. Unknown actions and fields, and values of the wrong shape, are ignored.
    public mutating func apply(_ event: Event) {
        version += 1
        if event.action == .changeApproval {
            applyVote(event)
            return
        }
        for change in event.changes {
            guard let field = ChangeField(rawValue: change.field) else { continue }
            set(field, change.to)
        }
    }

    private mutating func applyVote(_ event: Event) {
        var approver: String?, capacity: ApproverCapacity?, decision: ChangeVote.Decision?, comment = ""
        for change in event.changes {
            switch ChangeField(rawValue: change.field) {
            case .approver: approver = FieldDecode.text(change.to)
            case .capacity: capacity = FieldDecode.raw(change.to, as: ApproverCapacity.self)
            case .decision: decision = FieldDecode.raw(change.to, as: ChangeVote.Decision.self)
            case .comment: comment = FieldDecode.text(change.to) ?? ""
            default: break
            }
        }
        guard let approver, let capacity, let decision else { return }
        let vote = ChangeVote(approver: approver, capacity: capacity, decision: decision, comment: comment, at: event.at)
        votes.append(vote)
        allVotes.append(vote)
    }

    private mutating func set(_ field: ChangeField, _ value: FieldValue) {
        switch field {
        case .type: type = FieldDecode.raw(value, as: ChangeType.self) ?? type
        case .state:
            if let next = FieldDecode.raw(value, as: ChangeState.self) {
                if next == .authorize { votes = [] }
                state = next
            }
        case .title: title = FieldDecode.text(value) ?? title
        case .template: template = FieldDecode.text(value)
        case .risk: risk = FieldDecode.raw(value, as: ChangeRisk.self)
        case .riskScore: riskScore = FieldDecode.int(value)
        case .requester: requester = FieldDecode.text(value) ?? requester
        case .changeManager: changeManager = FieldDecode.text(value)
        case .assignmentGroup: assignmentGroup = FieldDecode.text(value)
        case .assignee: assignee = FieldDecode.text(value)
        case .affectedCIs: affectedCIs = FieldDecode.list(value) ?? affectedCIs
        case .affectedServices: affectedServices = FieldDecode.list(value) ?? affectedServices
        case .justification: justification = FieldDecode.text(value) ?? justification
        case .implementationPlan: implementationPlan = FieldDecode.text(value) ?? implementationPlan
        case .backoutPlan: backoutPlan = FieldDecode.text(value) ?? backoutPlan
        case .testPlan: testPlan = FieldDecode.text(value) ?? testPlan
        case .plannedStart: plannedStart = FieldDecode.time(value)
        case .plannedEnd: plannedEnd = FieldDecode.time(value)
        case .actualStart: actualStart = FieldDecode.time(value)
        case .actualEnd: actualEnd = FieldDecode.time(value)
        case .outageExpected: outageExpected = FieldDecode.bool(value) ?? outageExpected
        case .closeCode: closeCode = FieldDecode.raw(value, as: ChangeCloseCode.self)
        case .rejectionReason: rejectionReason = FieldDecode.text(value)
        case .cancelReason: cancelReason = FieldDecode.text(value)
        case .reviewNotes: reviewNotes = FieldDecode.list(value) ?? reviewNotes
        case .approver, .capacity, .decision, .comment: break
        }
    }
}
