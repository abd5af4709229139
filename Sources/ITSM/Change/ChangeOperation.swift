import Foundation

/// What a new change says when it is raised.
public struct ChangeDraft: Hashable, Sendable {
    public var type: ChangeType
    public var title: String
    /// Required for standard changes: the catalogue entry it follows.
    public var template: String?
    /// Defaults to the person raising it.
    public var requester: String?
    public var changeManager: String?
    public var assignmentGroup: String?
    public var assignee: String?
    public var affectedCIs: [String]
    public var affectedServices: [String]
    public var justification: String
    public var implementationPlan: String
    public var backoutPlan: String
    public var testPlan: String
    public var plannedStart: Date?
    public var plannedEnd: Date?
    public var outageExpected: Bool

    public init(type: ChangeType, title: String, template: String? = nil, requester: String? = nil,
                changeManager: String? = nil, assignmentGroup: String? = nil, assignee: String? = nil,
                affectedCIs: [String] = [], affectedServices: [String] = [], justification: String = "",
                implementationPlan: String = "", backoutPlan: String = "", testPlan: String = "",
                plannedStart: Date? = nil, plannedEnd: Date? = nil, outageExpected: Bool = false) {
        self.type = type; self.title = title; self.template = template; self.requester = requester
        self.changeManager = changeManager; self.assignmentGroup = assignmentGroup; self.assignee = assignee
        self.affectedCIs = affectedCIs; self.affectedServices = affectedServices
        self.justification = justification; self.implementationPlan = implementationPlan
        self.backoutPlan = backoutPlan; self.testPlan = testPlan
        self.plannedStart = plannedStart; self.plannedEnd = plannedEnd; self.outageExpected = outageExpected
    }
}

/// Fields to change on an existing change; `nil` leaves a field as it is.
public struct ChangeEdit: Hashable, Sendable {
    public var title: String?
    public var changeManager: String?
    public var assignmentGroup: String?
    public var assignee: String?
    public var affectedCIs: [String]?
    public var affectedServices: [String]?
    public var justification: String?
    public var implementationPlan: String?
    public var backoutPlan: String?
    public var testPlan: String?
    public var plannedStart: Date?
    public var plannedEnd: Date?
    public var outageExpected: Bool?

    public init(title: String? = nil, changeManager: String? = nil, assignmentGroup: String? = nil,
                assignee: String? = nil, affectedCIs: [String]? = nil, affectedServices: [String]? = nil,
                justification: String? = nil, implementationPlan: String? = nil, backoutPlan: String? = nil,
                testPlan: String? = nil, plannedStart: Date? = nil, plannedEnd: Date? = nil,
                outageExpected: Bool? = nil) {
        self.title = title; self.changeManager = changeManager; self.assignmentGroup = assignmentGroup
        self.assignee = assignee; self.affectedCIs = affectedCIs; self.affectedServices = affectedServices
        self.justification = justification; self.implementationPlan = implementationPlan
        self.backoutPlan = backoutPlan; self.testPlan = testPlan
        self.plannedStart = plannedStart; self.plannedEnd = plannedEnd; self.outageExpected = outageExpected
    }
}

/// What becomes of a change its approvers reject.
public enum RejectionOutcome: String, Hashable, Sendable {
    /// Back to New, with the reason, to be reworked and submitted again.
    case returnToNew
    case cancel
}

/// Every command of the change practice.
public enum ChangeOperation: Hashable, Sendable {
    case create(ChangeDraft)
    case edit(ChangeEdit)
    /// Answers the risk questionnaire; the level follows by `ChangeRiskRule`.
    case assessRisk(ChangeRiskQuestionnaire)
    /// New → Assess.
    case submit
    /// Assess → Authorize (emergency: New → Authorize); opens an approval round.
    case requestAuthorization
    case approve(comment: String)
    case reject(comment: String, outcome: RejectionOutcome)
    /// Authorize → Scheduled once approved; a standard change goes New → Scheduled.
    case schedule
    /// Scheduled → Implement.
    case start(at: Date)
    /// Implement → Review (a successful standard change closes at once).
    case complete(at: Date, code: ChangeCloseCode)
    case addReviewNote(String)
    /// Review → Closed.
    case close
    case cancel(reason: String)
}

/// The data the change rules decide against besides the changes themselves.
public struct ChangeRules: Hashable, Sendable {
    public var catalogue: StandardChangeCatalogue
    public var policy: ApprovalPolicy

    public init(catalogue: StandardChangeCatalogue = .init(), policy: ApprovalPolicy = .standard) {
        self.catalogue = catalogue
        self.policy = policy
    }
}
