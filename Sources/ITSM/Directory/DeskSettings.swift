/// Desk-wide settings, kept on the one `settings:desk` record.
public struct DeskSettings: Hashable, Sendable {
    public var priorityMatrix: PriorityMatrix = .standard
    /// Resolved incidents close by themselves after this many whole business days.
    public var autoCloseBusinessDays: Int = 5
    /// The calendar those days are counted on; `nil` (or an unknown name) counts every day.
    public var autoCloseCalendar: String?

    public init() {}

    public static let recordID = RecordID(kind: .settings, key: "desk")
}

/// Field names of the settings record.
public enum SettingsField: String, CaseIterable, Sendable {
    case priorityMatrix, autoCloseBusinessDays, autoCloseCalendar
}

/// Field names of directory records (agents, groups, services, calendars, SLA definitions).
public enum AgentField: String, CaseIterable, Sendable {
    case displayName, roles, groups
}

public enum GroupField: String, CaseIterable, Sendable {
    case manager
}

public enum ServiceField: String, CaseIterable, Sendable {
    case owner, status, criticality
}

public enum CalendarField: String, CaseIterable, Sendable {
    case timeZone, hours, holidays
}

public enum SLAField: String, CaseIterable, Sendable {
    case type, services, priorities, responseTarget, resolutionTarget, calendar
    case responsePausesOn, resolutionPausesOn, warningPercents, active
}
