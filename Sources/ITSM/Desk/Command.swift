import Foundation

/// Every operation on the desk, as one value the store, console and CLI can pass around and
/// re-decide under the store's lock. `decide(_:by:at:in:)` turns it into events.
public enum Command: Hashable, Sendable {
    // Directory (admin; creating agents is open to anyone while the desk has no admin).
    case createAgent(user: String, displayName: String, roles: Set<Role>, groups: Set<String>)
    /// `nil` leaves a part unchanged.
    case updateAgent(user: String, displayName: String?, roles: Set<Role>?, groups: Set<String>?)
    case defineGroup(name: String, manager: String?)
    case defineService(Service)
    case defineCalendar(BusinessCalendar)
    case defineSLA(SLADefinition)
    case setPriorityMatrix(PriorityMatrix)
    case setAutoClose(businessDays: Int, calendar: String?)

    // Incidents.
    case openIncident(NewIncident)
    case editIncident(RecordID, IncidentEdit)
    /// Sets the priority by hand (manager); the reason is recorded with who and when.
    case overridePriority(RecordID, Priority, reason: String)
    /// Back to the matrix's priority.
    case clearPriorityOverride(RecordID)
    /// Assign to the acting user, in the incident's group.
    case takeIncident(RecordID)
    /// Sets group and assignee as given; `nil` clears.
    case assignIncident(RecordID, group: String?, assignee: String?)
    case releaseIncident(RecordID)
    /// Any state change: On Hold needs `holdReason`; Resolved needs `resolution` and `notes`;
    /// Cancelled and reopening (from Resolved or Closed to In Progress) need `notes` as the reason.
    case moveIncident(RecordID, to: IncidentState, holdReason: HoldReason? = nil,
                      resolution: ResolutionCode? = nil, notes: String = "")
    case addWorkNote(RecordID, String)
    case addCustomerReply(RecordID, String)
    case proposeMajorIncident(RecordID, reason: String)
    case acceptMajorIncident(RecordID)
    case rejectMajorIncident(RecordID, reason: String)
    /// Makes an incident the child of another (or detaches it with `nil`).
    case setParent(RecordID, parent: RecordID?)
    /// Applies an update to a parent and each of its open children, each with its own event.
    case updateParentAndChildren(RecordID, ChildUpdate)
    /// Closes every resolved incident whose auto-close time has come. Needs no role: it only
    /// applies the desk's rule, and a scheduler may run it as any user.
    case autoCloseResolved

    // Problems and known errors.
    case openProblem(NewProblem)
    case editProblem(RecordID, ProblemEdit)
    /// Moves a problem on the board. Closing without a fix needs `resolution`
    /// (risk accepted needs a manager); `notes` are the resolution notes.
    case moveProblem(RecordID, to: ProblemState, resolution: ProblemResolution? = nil, notes: String = "")
    case linkIncident(problem: RecordID, incident: RecordID)
    case unlinkIncident(problem: RecordID, incident: RecordID)
    /// Resolves a problem as fixed; optionally resolves its linked open incidents too.
    case resolveProblem(RecordID, notes: String, resolveLinkedIncidents: Bool)
    case publishKnownError(problem: RecordID, KnownErrorDraft)
    case editKnownError(RecordID, KnownErrorDraft)
}

/// What opening an incident needs.
public struct NewIncident: Hashable, Sendable {
    public var title: String
    public var caller: String
    public var impact: Impact
    public var urgency: Urgency
    public var description: String
    public var service: String?
    public var ci: String?
    public var category: String?
    public var origin: Origin?
    public var group: String?

    public init(title: String, caller: String, impact: Impact = .individual, urgency: Urgency = .low,
                description: String = "", service: String? = nil, ci: String? = nil, category: String? = nil,
                origin: Origin? = nil, group: String? = nil) {
        self.title = title
        self.caller = caller
        self.impact = impact
        self.urgency = urgency
        self.description = description
        self.service = service
        self.ci = ci
        self.category = category
        self.origin = origin
        self.group = group
    }
}

/// Fields an edit may change; `nil` leaves a field as it is. An empty string clears an
/// optional text field (service, ci, category).
public struct IncidentEdit: Hashable, Sendable {
    public var title: String?
    public var description: String?
    public var caller: String?
    public var impact: Impact?
    public var urgency: Urgency?
    public var service: String?
    public var ci: String?
    public var category: String?
    public var origin: Origin?

    public init(title: String? = nil, description: String? = nil, caller: String? = nil, impact: Impact? = nil,
                urgency: Urgency? = nil, service: String? = nil, ci: String? = nil, category: String? = nil,
                origin: Origin? = nil) {
        self.title = title
        self.description = description
        self.caller = caller
        self.impact = impact
        self.urgency = urgency
        self.service = service
        self.ci = ci
        self.category = category
        self.origin = origin
    }
}

/// An update given on a parent incident and copied to its open children.
public enum ChildUpdate: Hashable, Sendable {
    case workNote(String)
    case customerReply(String)
    case resolve(ResolutionCode, notes: String)
}

/// What opening a problem needs.
public struct NewProblem: Hashable, Sendable {
    public var title: String
    public var description: String
    public var impact: Impact
    public var urgency: Urgency
    public var service: String?
    public var cis: [String]
    public var group: String?
    public var owner: String?

    public init(title: String, description: String = "", impact: Impact = .individual, urgency: Urgency = .low,
                service: String? = nil, cis: [String] = [], group: String? = nil, owner: String? = nil) {
        self.title = title
        self.description = description
        self.impact = impact
        self.urgency = urgency
        self.service = service
        self.cis = cis
        self.group = group
        self.owner = owner
    }
}

/// Fields a problem edit may change; `nil` leaves a field as it is.
public struct ProblemEdit: Hashable, Sendable {
    public var title: String?
    public var description: String?
    public var impact: Impact?
    public var urgency: Urgency?
    public var owner: String?
    public var group: String?
    public var service: String?
    public var cis: [String]?
    public var rootCause: String?
    public var workaround: String?

    public init(title: String? = nil, description: String? = nil, impact: Impact? = nil, urgency: Urgency? = nil,
                owner: String? = nil, group: String? = nil, service: String? = nil, cis: [String]? = nil,
                rootCause: String? = nil, workaround: String? = nil) {
        self.title = title
        self.description = description
        self.impact = impact
        self.urgency = urgency
        self.owner = owner
        self.group = group
        self.service = service
        self.cis = cis
        self.rootCause = rootCause
        self.workaround = workaround
    }
}

/// The text of a known error. On publishing, `nil` takes the problem's value (title, root
/// cause, workaround, CIs); on editing, `nil` leaves a field as it is.
public struct KnownErrorDraft: Hashable, Sendable {
    public var title: String?
    public var symptom: String?
    public var rootCause: String?
    public var workaround: String?
    public var permanentFix: String?
    public var cis: [String]?

    public init(title: String? = nil, symptom: String? = nil, rootCause: String? = nil, workaround: String? = nil,
                permanentFix: String? = nil, cis: [String]? = nil) {
        self.title = title
        self.symptom = symptom
        self.rootCause = rootCause
        self.workaround = workaround
        self.permanentFix = permanentFix
        self.cis = cis
    }
}
