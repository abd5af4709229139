import Foundation

/// The whole desk as the fold of its events: the directory and every record this module
/// models. Commands are decided against it; the store and the console read it.
public struct DeskState: Hashable, Sendable {
    public internal(set) var directory = Directory()
    public internal(set) var incidents: [RecordID: Incident] = [:]
    public internal(set) var problems: [RecordID: Problem] = [:]
    public internal(set) var knownErrors: [RecordID: KnownError] = [:]
    /// Events applied per record; a command's events are built on these.
    public internal(set) var versions: [RecordID: UInt64] = [:]
    /// The highest number seen per numbered kind, including kinds this module does not model.
    var highestNumber: [RecordKind: Int] = [:]
    /// Parent → children, kept by the fold so a parent update need not scan every incident.
    var childrenByParent: [RecordID: Set<RecordID>] = [:]

    public init() {}

    public init<S: Sequence>(events: S) where S.Element == Event {
        for event in events { apply(event) }
    }

    /// The number of events applied to `id`: the base version for the next event on it.
    public func version(of id: RecordID) -> UInt64 { versions[id] ?? 0 }

    /// The ID the next record of a numbered kind gets. Allocated from the state, so a
    /// command re-decided against fresher state gets a fresh number.
    public func nextID(_ kind: RecordKind) -> RecordID {
        RecordID(kind, (highestNumber[kind] ?? 0) + 1)
    }

    /// Child incidents of `parent`, in ID order.
    public func children(of parent: RecordID) -> [RecordID] {
        (childrenByParent[parent] ?? []).sorted()
    }

    /// Folds one event. Never refuses and never crashes: unknown kinds, actions and fields
    /// are counted (versions, numbers) and otherwise skipped, so a newer store still opens.
    public mutating func apply(_ event: Event) {
        let id = event.record
        versions[id, default: 0] += 1
        if let n = id.number, n > highestNumber[id.kind] ?? 0 { highestNumber[id.kind] = n }

        switch id.kind {
        case .incident:
            // Taken out of the dictionary so its arrays (notes, marks) are uniquely referenced
            // and grow in place instead of being copied on every event.
            var incident = incidents.removeValue(forKey: id) ?? Incident(id: id, openedAt: event.at)
            let oldParent = incident.parent
            let slaInputs = (incident.slaMarks.count, incident.slaMarks.last, incident.priority, incident.service)
            incident.apply(event)
            if oldParent != incident.parent { reindexParent(of: id, from: oldParent, to: incident.parent) }
            // Notes, titles and the like leave the clocks as they were; only a change of status,
            // priority or service (or the first event) replays them.
            if slaInputs != (incident.slaMarks.count, incident.slaMarks.last, incident.priority, incident.service) {
                incident.slaClocks = clocks(for: incident)
            }
            incidents[id] = incident
        case .problem:
            var problem = problems[id] ?? Problem(id: id, openedAt: event.at)
            problem.apply(event)
            problems[id] = problem
        case .knownError:
            var knownError = knownErrors[id] ?? KnownError(id: id, publishedAt: event.at)
            knownError.apply(event)
            knownErrors[id] = knownError
        case .agent, .group, .service, .settings:
            directory.apply(event)
        case .sla:
            let old = directory.slaDefinitions[id.key]
            directory.apply(event)
            let new = directory.slaDefinitions[id.key]
            recomputeLiveClocks { inc in
                old?.applies(service: inc.service, priority: inc.priority) == true
                    || new?.applies(service: inc.service, priority: inc.priority) == true
            }
        case .calendar:
            directory.apply(event)
            let directory = self.directory
            recomputeLiveClocks { inc in
                inc.slaClocks.contains { $0.calendar == id.key }
                    || directory.slaDefinitions(service: inc.service, priority: inc.priority).contains { $0.calendar == id.key }
            }
        default:
            break
        }
    }

    private mutating func reindexParent(of child: RecordID, from old: RecordID?, to new: RecordID?) {
        if let old {
            childrenByParent[old]?.remove(child)
            if childrenByParent[old]?.isEmpty == true { childrenByParent[old] = nil }
        }
        if let new { childrenByParent[new, default: []].insert(child) }
    }
}
