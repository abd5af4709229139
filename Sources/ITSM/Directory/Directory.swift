import Foundation

/// Who works on the desk and what it promises: agents, groups, services, calendars, SLA
/// definitions and settings. All of it is folded from events like any other record.
public struct Directory: Hashable, Sendable {
    public var agents: [String: Agent] = [:]
    public var groups: [String: AssignmentGroup] = [:]
    public var services: [String: Service] = [:]
    public var calendars: [String: BusinessCalendar] = [:]
    public var slaDefinitions: [String: SLADefinition] = [:]
    public var settings = DeskSettings()

    public init() {}

    /// No admin yet: the desk is being bootstrapped, and anyone may create agents.
    public var hasAdmin: Bool { agents.values.contains { $0.has(.admin) } }

    /// The SLA definitions that apply to an incident of this service and priority, by name.
    public func slaDefinitions(service: String?, priority: Priority) -> [SLADefinition] {
        slaDefinitions.values.filter { $0.applies(service: service, priority: priority) }
            .sorted { $0.name < $1.name }
    }

    /// The calendar a clock was computed on.
    public func calendar(for clock: SLAClock) -> BusinessCalendar? { calendars[clock.calendar] }
}

extension Directory {
    /// Folds one directory event. Unknown fields are skipped; values of the wrong shape leave
    /// the previous value in place.
    mutating func apply(_ event: Event) {
        let key = event.record.key
        switch event.record.kind {
        case .agent:
            var agent = agents[key] ?? Agent(user: key, displayName: key, roles: [], groups: [])
            for c in event.changes {
                switch AgentField(rawValue: c.field) {
                case .displayName: agent.displayName = c.to.textValue ?? agent.displayName
                case .roles: agent.roles = Set((c.to.listValue ?? []).compactMap(Role.init(rawValue:)))
                case .groups: agent.groups = Set(c.to.listValue ?? [])
                case nil: continue
                }
            }
            agents[key] = agent
        case .group:
            var group = groups[key] ?? AssignmentGroup(name: key)
            for c in event.changes where GroupField(rawValue: c.field) == .manager {
                group.manager = c.to.textValue.flatMap(nonEmpty)
            }
            groups[key] = group
        case .service:
            var service = services[key] ?? Service(name: key, owner: "")
            for c in event.changes {
                switch ServiceField(rawValue: c.field) {
                case .owner: service.owner = c.to.textValue ?? service.owner
                case .status: service.status = c.to.textValue.flatMap(ServiceStatus.init(rawValue:)) ?? service.status
                case .criticality:
                    service.criticality = c.to.intValue.flatMap(Criticality.init(rawValue:)) ?? service.criticality
                case nil: continue
                }
            }
            services[key] = service
        case .calendar:
            calendars[key] = Self.folding(event, into: calendars[key]
                ?? BusinessCalendar(name: key, timeZone: BusinessCalendar.utc, hours: [:]))
        case .sla:
            slaDefinitions[key] = Self.folding(event, into: slaDefinitions[key]
                ?? SLADefinition(name: key, priorities: [], calendar: ""))
        case .settings:
            for c in event.changes {
                switch SettingsField(rawValue: c.field) {
                case .priorityMatrix:
                    settings.priorityMatrix = c.to.listValue.flatMap(PriorityMatrix.init(encoded:)) ?? settings.priorityMatrix
                case .autoCloseBusinessDays:
                    settings.autoCloseBusinessDays = c.to.intValue.map { max(0, $0) } ?? settings.autoCloseBusinessDays
                case .autoCloseCalendar: settings.autoCloseCalendar = c.to.textValue.flatMap(nonEmpty)
                case nil: continue
                }
            }
        default:
            break
        }
    }

    private static func folding(_ event: Event, into calendar: BusinessCalendar) -> BusinessCalendar {
        var cal = calendar
        for c in event.changes {
            switch CalendarField(rawValue: c.field) {
            case .timeZone: cal.timeZone = c.to.textValue.flatMap(TimeZone.init(identifier:)) ?? cal.timeZone
            case .hours: cal.hours = BusinessCalendar.decodeHours(c.to.listValue ?? [])
            case .holidays: cal.holidays = (c.to.listValue ?? []).compactMap(Holiday.init(parsing:))
            case nil: continue
            }
        }
        return cal
    }

    private static func folding(_ event: Event, into definition: SLADefinition) -> SLADefinition {
        var d = definition
        func reasons(_ v: FieldValue) -> Set<HoldReason> { Set((v.listValue ?? []).compactMap(HoldReason.init(rawValue:))) }
        for c in event.changes {
            switch SLAField(rawValue: c.field) {
            case .type: d.type = c.to.textValue.flatMap(SLAType.init(rawValue:)) ?? d.type
            case .services: d.services = Set(c.to.listValue ?? [])
            case .priorities: d.priorities = Set((c.to.listValue ?? []).compactMap(Priority.init(parsing:)))
            case .responseTarget: d.responseTarget = c.to.numberValue
            case .resolutionTarget: d.resolutionTarget = c.to.numberValue
            case .calendar: d.calendar = c.to.textValue ?? d.calendar
            case .responsePausesOn: d.responsePausesOn = reasons(c.to)
            case .resolutionPausesOn: d.resolutionPausesOn = reasons(c.to)
            case .warningPercents: d.warningPercents = (c.to.listValue ?? []).compactMap { Int($0) }.sorted()
            case .active: d.isActive = c.to.boolValue ?? d.isActive
            case nil: continue
            }
        }
        return d
    }
}
