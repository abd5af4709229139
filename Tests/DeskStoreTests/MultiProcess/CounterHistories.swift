import DeskStore
import Foundation
import ITSM
import Testing

/// What `store-torture conflict` reported: "applied W i RECORD BASE" by tag ("label:i").
typealias AppliedEdits = [String: (record: Int, base: UInt64)]

/// Creates INC-1…INC-`count` with a counter at 0, in one transaction.
func createCounterRecords(_ count: Int, in storePath: String) throws {
    let store = try EventStore.open(at: storePath)
    try store.commit { _ in
        (1...count).map { n in
            Event(record: RecordID(.incident, n), action: EventAction("incident.created"), actor: "setup",
                  at: Date(), baseVersion: 0,
                  changes: [FieldChange("counter", to: .int(0)), FieldChange("tag", to: .text("created"))])
        }
    }
}

/// Checks INC-1…INC-`count` against what the agents reported: each history is an unbroken chain
/// (event k built on version k, the counter moving by one from where the last event left it);
/// every applied edit is in it once, at the version it was built on; no refused edit is.
/// `allowUnreported`: a killed agent may have committed an edit it did not live to report.
func checkCounterHistories(in store: EventStore, count: Int, applied: AppliedEdits, refused: Set<String>,
                           allowUnreported: Bool, context: String) throws {
    var found = Set<String>()
    for n in 1...count {
        let record = RecordID(.incident, n)
        let history = try store.history(of: record)
        guard let first = history.first else {
            Issue.record("\(context): \(record) has no history")
            continue
        }
        #expect(first.action == EventAction("incident.created"), "\(context)")
        var counter: Int64 = 0
        for (position, event) in history.enumerated() {
            #expect(event.record == record)
            #expect(event.baseVersion == UInt64(position), "\(context): \(record) event \(position) was built on version \(event.baseVersion)")
            guard position > 0 else { continue }
            let change = event.changes.first { $0.field == "counter" }
            #expect(change?.from == .int(counter) && change?.to == .int(counter + 1),
                    "\(context): \(record) event \(position) moved the counter \(String(describing: change)) after \(counter)")
            counter += 1
            guard case .text(let tag)? = event.changes.first(where: { $0.field == "tag" })?.to else {
                Issue.record("\(context): \(record) event \(position) has no tag")
                continue
            }
            #expect(found.insert(tag).inserted, "\(context): \(tag) is in the histories twice")
            #expect(!refused.contains(tag), "\(context): \(tag) was refused as stale but is in \(record)'s history")
            if let attempt = applied[tag] {
                #expect(attempt.record == n && attempt.base == UInt64(position),
                        "\(context): \(tag) was applied to INC-\(attempt.record) on version \(attempt.base), found in \(record) at \(position)")
            } else if !allowUnreported {
                Issue.record("\(context): \(record) holds \(tag), which no agent reported applied")
            }
        }
        let state = store.view.record(record)
        #expect(state?.version == UInt64(history.count), "\(context)")
        #expect(state?.fields["counter"] == .int(counter), "\(context)")
    }
    let lost = Set(applied.keys).subtracting(found)
    #expect(lost.isEmpty, "\(context): applied but missing from every history: \(lost.sorted().prefix(10))")
}
