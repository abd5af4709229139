import Foundation

/// The field names change events carry, spelled once so folding and deciding agree.
public enum ChangeField: String, CaseIterable, Sendable {
    case type, title, state, template, risk
    /// The questionnaire's score behind `risk`, kept so a reviewer can see how it was reached.
    case riskScore = "risk-score"
    case requester
    case changeManager = "change-manager"
    case assignmentGroup = "assignment-group"
    case assignee
    case affectedCIs = "affected-cis"
    case affectedServices = "affected-services"
    case justification
    case implementationPlan = "implementation-plan"
    case backoutPlan = "backout-plan"
    case testPlan = "test-plan"
    case plannedStart = "planned-start"
    case plannedEnd = "planned-end"
    case actualStart = "actual-start"
    case actualEnd = "actual-end"
    case outageExpected = "outage-expected"
    case closeCode = "close-code"
    case rejectionReason = "rejection-reason"
    case cancelReason = "cancel-reason"
    case reviewNotes = "review-notes"
    // Fields of a `change.approval` event.
    case approver, capacity, decision, comment
}

/// The actions change events are recorded under.
public extension EventAction {
    static let changeCreated = EventAction("change.created")
    static let changeUpdated = EventAction("change.updated")
    static let changeRisk = EventAction("change.risk")
    static let changeState = EventAction("change.state")
    static let changeApproval = EventAction("change.approval")
    static let changeReviewNote = EventAction("change.review-note")
}
