import Foundation
import Testing
import ITSM
@testable import DeskStore

/// Not a benchmark (that is `opsdesk-bench`): a check that a big store opens from its snapshot
/// without replaying, with timings printed. Off by default; `OPSDESK_SCALE_RECORDS=1000000
/// swift test -c release --filter ScaleTests` runs it at full size.
@Suite struct ScaleTests {
    static let records = Int(ProcessInfo.processInfo.environment["OPSDESK_SCALE_RECORDS"] ?? "") ?? 0

    @Test(.enabled(if: records > 0)) func aBigStoreOpensFromItsSnapshot() throws {
        let dir = TempDir()
        let n = Self.records
        var clock = Date()
        func lap(_ what: String) { print("scale \(n): \(what) \(String(format: "%.3f", Date().timeIntervalSince(clock))) s"); clock = Date() }
        let store = try EventStore.create(at: dir.sub("s"))
        var next = 1
        while next <= n {
            let upper = min(n, next + 9_999)
            try store.commit { _ in
                (next...upper).map { i in
                    Event(record: inc(i), action: EventAction("incident.created"), actor: "import", at: t0, baseVersion: 0,
                          changes: [FieldChange("title", to: .text("Imported incident number \(i) with a title")),
                                    FieldChange("state", to: .text("New")), FieldChange("priority", to: .int(Int64(i % 4 + 1))),
                                    FieldChange("group", to: .text("Service Desk"))])
                }
            }
            next = upper + 1
        }
        lap("import in 10k-event transactions")
        try store.compact()
        lap("compact")
        let opened = try EventStore.open(at: dir.sub("s"))
        lap("open from snapshot")
        #expect(opened.openNotices.isEmpty)
        #expect(opened.view.recordCount == n)
        #expect(opened.view.record(inc(n / 2))?["priority"] == .int(Int64(n / 2 % 4 + 1)))
        var found = 0
        for i in stride(from: 1, through: n, by: max(1, n / 10_000)) where opened.view.record(inc(i)) != nil { found += 1 }
        lap("\(found) point lookups")
        try opened.commit { _ in [updated(inc(1), base: 1, .text("Resolved"))] }
        lap("one commit")
        let replayed = try EventStore.open(at: dir.sub("s"))
        lap("open from snapshot + 1 frame")
        #expect(replayed.view.record(inc(1))?["state"] == .text("Resolved"))
    }
}
