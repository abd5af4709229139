import DeskStore
import Foundation
import ITSM

/// OpsDesk's side of each measure, on the same incidents as SQLite's.
enum OpsDeskSide {
    static func create(at path: String) throws {
        _ = try EventStore.create(at: path, group: nil)
    }

    /// The creation event of one sample incident: the same fields SQLite's row holds.
    static func creation(of incident: SampleIncident, at now: Date) -> Event {
        Event(record: RecordID(.incident, incident.number), action: EventAction("incident.created"),
              actor: incident.caller, at: now, baseVersion: 0,
              changes: [FieldChange("title", to: .text(incident.title)),
                        FieldChange("state", to: .text(incident.state)),
                        FieldChange("priority", to: .int(Int64(incident.priority))),
                        FieldChange("assignmentGroup", to: .text(incident.group)),
                        FieldChange("caller", to: .text(incident.caller)),
                        FieldChange("description", to: .text(incident.description))])
    }

    /// One durable commit per incident until the time is up (a child process).
    static func commitLoop(store path: String, base: Int, startAt: Int64, seconds: Double) throws {
        let store = try EventStore.open(at: path)
        try timedChildLoop(startAt: startAt, seconds: seconds) { i in
            let event = creation(of: SampleIncident(base + i), at: Date())
            _ = try store.commit { _ in [event] }
        }
    }

    /// Imports the incidents in transactions of `batch` with the store's bulk import,
    /// which also writes the snapshot before it returns, so the store opens fast with every
    /// record readable and its history retrievable (SQLite's table and index are ready to
    /// query when its import ends, too). Nothing is left to do in the background.
    /// Returns the seconds spent on the log (building the events included) and on the snapshot.
    static func importIncidents(_ incidents: [SampleIncident], into path: String, batch: Int = 10_000) throws -> (commits: Double, snapshot: Double) {
        _ = try EventStore.create(at: path, group: nil)
        let store = try EventStore.open(at: path)
        let now = Date()
        let t0 = monotonicNanoseconds()
        let report = try store.importTransactions(incidents.batches(of: batch).lazy.map { $0.map { creation(of: $0, at: now) } })
        let total = Double(monotonicNanoseconds() - t0) / 1e9
        guard report.events == incidents.count else { throw BenchError("imported \(report.events) of \(incidents.count) incidents") }
        return (total - report.snapshotSeconds, report.snapshotSeconds)
    }

    /// Seconds to build the same events without importing them: the caller's share of the import.
    static func eventBuildingSeconds(_ incidents: [SampleIncident], batch: Int = 10_000) -> Double {
        let now = Date()
        let t0 = monotonicNanoseconds()
        var events = 0
        for slice in incidents.batches(of: batch) { events += slice.map { creation(of: $0, at: now) }.count }
        precondition(events == incidents.count)
        return Double(monotonicNanoseconds() - t0) / 1e9
    }

    /// Open (read-only, as a console does) and read one incident; in a fresh process.
    static func openMicroseconds(store path: String, number: Int) throws -> Double {
        let t0 = monotonicNanoseconds()
        let store = try EventStore.open(at: path, readOnly: true)
        guard case .text? = store.view.record(RecordID(.incident, number))?.fields["title"] else {
            throw BenchError("incident \(number) not found")
        }
        return Double(monotonicNanoseconds() - t0) / 1e3
    }

    static func lookupMicroseconds(store path: String, numbers: [Int]) throws -> Double {
        let store = try EventStore.open(at: path, readOnly: true)
        let view = store.view
        let ids = numbers.map { RecordID(.incident, $0) }
        var found = 0
        let t0 = monotonicNanoseconds()
        for id in ids {
            if case .text? = view.record(id)?.fields["title"] { found += 1 }
        }
        let elapsed = Double(monotonicNanoseconds() - t0) / 1e3
        guard found == ids.count else { throw BenchError("OpsDesk found \(found) of \(ids.count) incidents") }
        return elapsed / Double(ids.count)
    }
}
