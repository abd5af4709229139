/// The actions events carry. The fold reads fields, not actions, so these are for people
/// reading a history (and for filters); a new action needs no change to older readers.
extension EventAction {
    public static let agentCreated = EventAction("agent.created")
    public static let agentUpdated = EventAction("agent.updated")
    public static let groupDefined = EventAction("group.defined")
    public static let serviceDefined = EventAction("service.defined")
    public static let calendarDefined = EventAction("calendar.defined")
    public static let slaDefined = EventAction("sla.defined")
    public static let settingsChanged = EventAction("settings.changed")

    public static let incidentCreated = EventAction("incident.created")
    public static let incidentUpdated = EventAction("incident.updated")
    public static let incidentPriority = EventAction("incident.priority")
    public static let incidentAssigned = EventAction("incident.assigned")
    public static let incidentState = EventAction("incident.state")
    public static let incidentAutoClosed = EventAction("incident.auto-closed")
    public static let incidentWorkNote = EventAction("incident.note")
    public static let incidentCustomerReply = EventAction("incident.reply")
    public static let incidentMajor = EventAction("incident.major")
    public static let incidentParent = EventAction("incident.parent")
    public static let incidentProblem = EventAction("incident.problem")

    public static let problemCreated = EventAction("problem.created")
    public static let problemUpdated = EventAction("problem.updated")
    public static let problemState = EventAction("problem.state")
    public static let problemLinks = EventAction("problem.links")
    public static let knownErrorPublished = EventAction("known-error.published")
    public static let knownErrorUpdated = EventAction("known-error.updated")
}
