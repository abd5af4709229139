import Foundation

extension Decider {
    mutating func createAgent(_ name: String, displayName: String, roles: Set<Role>, groups: Set<String>) throws {
        try directory.requireAdminOrBootstrap(user, toDo: "creating agents")
        guard !name.isEmpty, !name.contains(where: { $0.isWhitespace || $0 == ":" }) else {
            throw Refusal.invalid(field: "user", reason: "must be a Unix user name")
        }
        guard directory.agents[name] == nil else { throw Refusal.rule("Agent \(name) already exists; update it instead.") }
        guard !roles.isEmpty else { throw Refusal.invalid(field: "roles", reason: "an agent needs at least one role") }
        try checkGroupsExist(groups)
        let id = RecordID(kind: .agent, key: name)
        batch.add(id, .agentCreated, [
            FieldChange(AgentField.displayName.rawValue, to: .text(displayName.isEmpty ? name : displayName)),
            FieldChange(AgentField.roles.rawValue, to: .list(roles.sorted().map(\.rawValue))),
            FieldChange(AgentField.groups.rawValue, to: .list(groups.sorted())),
        ])
    }

    mutating func updateAgent(_ name: String, displayName: String?, roles: Set<Role>?, groups: Set<String>?) throws {
        try directory.requireAdminOrBootstrap(user, toDo: "changing agents")
        guard let agent = directory.agents[name] else { throw Refusal.notFound(RecordID(kind: .agent, key: name)) }
        if let roles, agent.has(.admin), !roles.contains(.admin),
           !directory.agents.values.contains(where: { $0.user != name && $0.has(.admin) }) {
            throw Refusal.rule("\(name) is the desk's last admin; make someone else admin first.")
        }
        if let groups { try checkGroupsExist(groups) }
        var changes = Changes<AgentField> { field in
            switch field {
            case .displayName: .text(agent.displayName)
            case .roles: .list(agent.roles.sorted().map(\.rawValue))
            case .groups: .list(agent.groups.sorted())
            }
        }
        if let displayName { changes.set(.displayName, .text(try required(displayName, "displayName"))) }
        if let roles { changes.set(.roles, .list(roles.sorted().map(\.rawValue))) }
        if let groups { changes.set(.groups, .list(groups.sorted())) }
        batch.add(RecordID(kind: .agent, key: name), .agentUpdated, changes.list)
    }

    mutating func defineGroup(_ name: String, manager: String?) throws {
        try directory.require(.admin, of: user, toDo: "defining assignment groups")
        _ = try required(name, "name")
        if let manager, directory.agents[manager] == nil {
            throw Refusal.notFound(RecordID(kind: .agent, key: manager))
        }
        let id = RecordID(kind: .group, key: name)
        let current = directory.groups[name]
        var changes = Changes<GroupField> { _ in .optional(current?.manager) }
        changes.set(.manager, .optional(manager))
        // A group with no manager is still a group: its first event must exist to create it.
        batch.add(id, .groupDefined, current == nil && changes.list.isEmpty
                  ? [FieldChange(GroupField.manager.rawValue, to: .none)] : changes.list)
    }

    mutating func defineService(_ service: Service) throws {
        try directory.require(.admin, of: user, toDo: "defining services")
        _ = try required(service.name, "name")
        _ = try required(service.owner, "owner")
        let current = directory.services[service.name]
        var changes = Changes<ServiceField> { field in
            guard let current else { return .none }
            switch field {
            case .owner: return .text(current.owner)
            case .status: return .text(current.status.rawValue)
            case .criticality: return .int(current.criticality.rawValue)
            }
        }
        changes.set(.owner, .text(service.owner))
        changes.set(.status, .text(service.status.rawValue))
        changes.set(.criticality, .int(service.criticality.rawValue))
        batch.add(RecordID(kind: .service, key: service.name), .serviceDefined, changes.list)
    }

    mutating func defineCalendar(_ calendar: BusinessCalendar) throws {
        try directory.require(.admin, of: user, toDo: "defining business calendars")
        _ = try required(calendar.name, "name")
        guard Weekday.allCases.contains(where: { !(calendar.hours[$0] ?? []).isEmpty }) else {
            throw Refusal.invalid(field: "hours", reason: "a calendar needs working hours on at least one day")
        }
        for day in Weekday.allCases {
            let ranges = calendar.hours[day] ?? []
            for (a, b) in zip(ranges, ranges.dropFirst()) where b.startMinute < a.endMinute {
                throw Refusal.invalid(field: "hours", reason: "\(day.abbreviation) \(a) overlaps \(b)")
            }
        }
        let current = directory.calendars[calendar.name]
        var changes = Changes<CalendarField> { field in
            guard let current else { return .none }
            switch field {
            case .timeZone: return .text(current.timeZone.identifier)
            case .hours: return .list(current.encodedHours)
            case .holidays: return .list(current.holidays.map(\.description))
            }
        }
        changes.set(.timeZone, .text(calendar.timeZone.identifier))
        changes.set(.hours, .list(calendar.encodedHours))
        changes.set(.holidays, .list(calendar.holidays.map(\.description)))
        batch.add(RecordID(kind: .calendar, key: calendar.name), .calendarDefined, changes.list)
    }

    mutating func defineSLA(_ def: SLADefinition) throws {
        try directory.require(.admin, of: user, toDo: "changing SLA definitions")
        _ = try required(def.name, "name")
        guard directory.calendars[def.calendar] != nil else {
            throw Refusal.notFound(RecordID(kind: .calendar, key: def.calendar))
        }
        guard !def.priorities.isEmpty else { throw Refusal.invalid(field: "priorities", reason: "name at least one priority") }
        for t in [def.responseTarget, def.resolutionTarget].compactMap({ $0 }) where !(t > 0 && t.isFinite) {
            throw Refusal.invalid(field: "target", reason: "must be a positive duration")
        }
        guard def.responseTarget != nil || def.resolutionTarget != nil else {
            throw Refusal.invalid(field: "target", reason: "set a response or a resolution target")
        }
        guard def.warningPercents.allSatisfy({ (1...99).contains($0) }) else {
            throw Refusal.invalid(field: "warningPercents", reason: "each must be between 1 and 99")
        }
        let current = directory.slaDefinitions[def.name]
        var changes = Changes<SLAField> { field in current.map { Self.encode($0, field) } ?? .none }
        for field in SLAField.allCases { changes.set(field, Self.encode(def, field)) }
        batch.add(RecordID(kind: .sla, key: def.name), .slaDefined, changes.list)
    }

    private static func encode(_ d: SLADefinition, _ field: SLAField) -> FieldValue {
        switch field {
        case .type: .text(d.type.rawValue)
        case .services: .list(d.services.sorted())
        case .priorities: .list(d.priorities.sorted().map(\.description))
        case .responseTarget: d.responseTarget.map(FieldValue.number) ?? .none
        case .resolutionTarget: d.resolutionTarget.map(FieldValue.number) ?? .none
        case .calendar: .text(d.calendar)
        case .responsePausesOn: .list(d.responsePausesOn.map(\.rawValue).sorted())
        case .resolutionPausesOn: .list(d.resolutionPausesOn.map(\.rawValue).sorted())
        case .warningPercents: .list(d.warningPercents.sorted().map(String.init))
        case .active: .bool(d.isActive)
        }
    }

    mutating func setPriorityMatrix(_ matrix: PriorityMatrix) throws {
        try directory.require(.admin, of: user, toDo: "changing the priority matrix")
        var changes = settingsChanges
        changes.set(.priorityMatrix, .list(matrix.encoded))
        batch.add(DeskSettings.recordID, .settingsChanged, changes.list)
    }

    mutating func setAutoClose(days: Int, calendar: String?) throws {
        try directory.require(.admin, of: user, toDo: "changing auto-close")
        guard days >= 0 else { throw Refusal.invalid(field: "businessDays", reason: "must not be negative") }
        if let calendar, directory.calendars[calendar] == nil {
            throw Refusal.notFound(RecordID(kind: .calendar, key: calendar))
        }
        var changes = settingsChanges
        changes.set(.autoCloseBusinessDays, .int(days))
        changes.set(.autoCloseCalendar, .optional(calendar))
        batch.add(DeskSettings.recordID, .settingsChanged, changes.list)
    }

    private var settingsChanges: Changes<SettingsField> {
        let s = directory.settings
        return Changes { field in
            switch field {
            case .priorityMatrix: .list(s.priorityMatrix.encoded)
            case .autoCloseBusinessDays: .int(s.autoCloseBusinessDays)
            case .autoCloseCalendar: .optional(s.autoCloseCalendar)
            }
        }
    }

    private func checkGroupsExist(_ groups: Set<String>) throws {
        for g in groups.sorted() where directory.groups[g] == nil {
            throw Refusal.notFound(RecordID(kind: .group, key: g))
        }
    }
}
