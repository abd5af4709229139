import Foundation

extension DeskState {
    /// The clocks an incident has under the definitions in force now: one per target of each
    /// applicable definition, each replayed over the incident's whole history.
    func clocks(for incident: Incident) -> [SLAClock] {
        directory.slaDefinitions(service: incident.service, priority: incident.priority).flatMap { def in
            guard let calendar = directory.calendars[def.calendar] else { return [SLAClock]() }
            return def.targets.compactMap { target, seconds in
                SLAClock.compute(definition: def, target: target, targetSeconds: seconds,
                                 marks: incident.slaMarks, calendar: calendar)
            }
        }
    }

    /// A calendar or SLA definition changed: the incidents it touches that are not yet closed
    /// or cancelled get their clocks recomputed. Closed incidents keep the result they closed with.
    mutating func recomputeLiveClocks(where touched: (Incident) -> Bool) {
        let live = incidents.filter { $0.value.state != .closed && $0.value.state != .cancelled && touched($0.value) }
        for (id, incident) in live {
            let recomputed = clocks(for: incident)
            incidents[id]?.slaClocks = recomputed
        }
    }

    /// Open incidents with a running clock due within `seconds` of `now` (or already over).
    public func incidentsBreaching(within seconds: TimeInterval, at now: Date) -> [RecordID] {
        incidents.values.filter { inc in inc.slaClocks.contains { $0.isBreaching(within: seconds, at: now) } }
            .map(\.id).sorted()
    }
}
