/// One CI or service that goes down, and why.
public struct ImpactedItem: Hashable, Sendable {
    public var ci: String
    public var ciClass: String
    public var isService: Bool
    public var criticality: Criticality
    /// From a CI that was taken down to this one: `["db-01", "app-payroll", "Payroll"]`.
    /// A root (a CI given as down) has a path of itself alone.
    public var path: [String]
    /// The redundancy group whose failure carried the outage into this item, if any.
    public var viaGroup: String?
    public var openIncidents: [RecordID]
    public var scheduledChanges: [RecordID]

    public var isRoot: Bool { path.count == 1 }

    /// "Payroll ← app-payroll ← db-01"
    public var explanation: String { path.reversed().joined(separator: " ← ") }
}

/// A redundancy group with members down: still up (degraded) or failed.
public struct RedundancyGroupStatus: Hashable, Sendable {
    public var name: String
    public var up: Int
    public var total: Int
    public var required: Int
    public var failed: Bool { up < required }
}

/// What goes down when some CIs do.
public struct ImpactResult: Hashable, Sendable {
    /// Roots first, then by distance from a root, then by name.
    public var items: [ImpactedItem]
    /// Groups that lost members, whether they held or failed.
    public var groups: [RedundancyGroupStatus]
    /// Names given as down that the CMDB does not know.
    public var unknown: [String]

    public var services: [ImpactedItem] { items.filter(\.isService) }
    public var names: Set<String> { Set(items.map(\.ci)) }
}

/// What breaks if `down` goes down: every CI and service reached by following outage flow
/// (`RelationshipType.outageFlow`), except where a redundancy group still has enough members up.
///
/// Works in waves, like a breadth-first search whose frontier may also grow when a group
/// fails: a dependant goes down in a wave if one of its requirements is down and is not in a
/// redundancy group, or is in a group that has fallen below its rule. Each item keeps the
/// shortest path that explains it. Cycles in the data are harmless: a CI goes down once.
///
/// - Parameters:
///   - openIncidents: CI name → open incidents on it (owned by the incident practice).
///   - scheduledChanges: CI name → changes on the calendar for it (`ChangeBook.calendarChangesByCI`).
public func analyseImpact(of down: Set<String>, in cmdb: CMDB,
                          openIncidents: [String: [RecordID]] = [:],
                          scheduledChanges: [String: [RecordID]] = [:]) -> ImpactResult {
    let roots = down.filter { cmdb[$0] != nil }
    var reached: [String: (path: [String], group: String?)] = [:]
    for root in roots { reached[root] = ([root], nil) }

    func groupFailed(_ group: RedundancyGroup) -> Bool {
        group.members.filter { reached[$0] == nil }.count < group.requiredUp
    }

    var frontier = roots.sorted()
    while !frontier.isEmpty {
        // Candidates: dependants of anything down, judged against the state at the start of the wave.
        var candidates = Set<String>()
        for name in reached.keys {
            for (dependant, _) in cmdb.dependants(of: name) where reached[dependant] == nil && cmdb[dependant] != nil {
                candidates.insert(dependant)
            }
        }
        var wave: [String: (path: [String], group: String?)] = [:]
        for candidate in candidates.sorted() {
            var best: (path: [String], group: String?)?
            for (requirement, _) in cmdb.requirements(of: candidate) {
                guard let cause = reached[requirement] else { continue }
                var viaGroup: String?
                if let group = cmdb.group(of: requirement) {
                    guard groupFailed(group) else { continue }
                    viaGroup = group.name
                }
                let path = cause.path + [candidate]
                if best == nil || path.count < best!.path.count
                    || (path.count == best!.path.count && path.lexicographicallyPrecedes(best!.path)) {
                    best = (path, viaGroup)
                }
            }
            if let best { wave[candidate] = best }
        }
        for (name, why) in wave { reached[name] = why }
        frontier = wave.keys.sorted()
    }

    let items = reached.map { name, why in
        let ci = cmdb[name]!
        return ImpactedItem(ci: name, ciClass: ci.ciClass, isService: ci.isService, criticality: ci.criticality,
                            path: why.path, viaGroup: why.group,
                            openIncidents: (openIncidents[name] ?? []).sorted(),
                            scheduledChanges: (scheduledChanges[name] ?? []).sorted())
    }.sorted { ($0.path.count, $0.ci) < ($1.path.count, $1.ci) }

    let touched = cmdb.groups.values.filter { $0.members.contains { reached[$0] != nil } }
    let statuses = touched.map { group in
        RedundancyGroupStatus(name: group.name, up: group.members.filter { reached[$0] == nil }.count,
                              total: group.members.count, required: group.requiredUp)
    }.sorted { $0.name < $1.name }

    return ImpactResult(items: items, groups: statuses, unknown: down.subtracting(roots).sorted())
}
