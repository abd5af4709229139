import DeskStore
import Foundation
import ITSM
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension MultiProcessTests {
    /// Eight agents' processes bump counters on the same 50 incidents, each edit built on the
    /// version it last read. Every attempt is either applied or refused as stale; every applied
    /// one is in the record's history exactly once, at the version it was built on; no refused
    /// one is; and each history is an unbroken chain of versions and counter values.
    @Test func eightAgentsEditingFiftyRecordsLoseNoUpdateAndKeepEveryChainInOrder() throws {
        let torture = try tortureExecutable()
        let scratch = try ScratchDirectory("agents")
        defer { scratch.remove() }
        let storePath = scratch.path + "/store"
        _ = try EventStore.create(at: storePath, group: nil)
        let recordCount = 50
        let agents = 8
        let attempts = 150
        do {
            let store = try EventStore.open(at: storePath)
            _ = try store.commit { _ in
                (1...recordCount).map { n in
                    Event(record: RecordID(.incident, n), action: EventAction("incident.created"), actor: "setup",
                          at: Date(), baseVersion: 0,
                          changes: [FieldChange("counter", to: .int(0)), FieldChange("tag", to: .text("created"))])
                }
            }
        }

        var children: [ChildProcess] = []
        defer { for child in children where child.waitStatus == nil { child.signal(SIGKILL); child.wait() } }
        for w in 1...agents {
            children.append(try ChildProcess(
                executable: torture,
                arguments: ["conflict", "--store", storePath, "--writer", String(w), "--records", String(recordCount),
                            "--count", String(attempts), "--seed", "4242", "--delay-us", "400"],
                name: "agent \(w)", stderrPath: scratch.path + "/agent-\(w).stderr"))
        }

        /// "W:i" → (record, base version) of each applied attempt; the tags of refused ones.
        var applied: [String: (record: Int, base: UInt64)] = [:]
        var refused: [String: Int] = [:]
        var attemptsSeen = [Set<Int>](repeating: [], count: agents + 1)
        var finished = Set<Int>()
        let deadline = monotonicMilliseconds() + 25_000
        while children.contains(where: { !$0.reachedEOF }) {
            pollChildren(children, milliseconds: 50)
            for (index, child) in children.enumerated() {
                for line in child.takeLines() {
                    let parts = line.split(separator: " ").map(String.init)
                    guard parts.count >= 2, let w = Int(parts[1]), w == index + 1 else {
                        Issue.record("unexpected line from \(child.name): \(line)")
                        continue
                    }
                    switch parts[0] {
                    case "applied" where parts.count == 5:
                        guard let i = Int(parts[2]), let r = Int(parts[3]), let base = UInt64(parts[4]) else {
                            Issue.record("unreadable line from \(child.name): \(line)")
                            continue
                        }
                        #expect(attemptsSeen[w].insert(i).inserted, "agent \(w) reported attempt \(i) twice")
                        applied["\(w):\(i)"] = (r, base)
                    case "stale" where parts.count == 6:
                        guard let i = Int(parts[2]), let r = Int(parts[3]), let base = UInt64(parts[4]),
                              let current = UInt64(parts[5]) else {
                            Issue.record("unreadable line from \(child.name): \(line)")
                            continue
                        }
                        #expect(attemptsSeen[w].insert(i).inserted, "agent \(w) reported attempt \(i) twice")
                        #expect(current > base, "agent \(w)'s attempt \(i) was refused though \(r) was still at \(base)")
                        refused["\(w):\(i)"] = r
                    case "ready": break
                    case "done": finished.insert(w)
                    default: Issue.record("unexpected line from \(child.name): \(line)")
                    }
                }
            }
            guard monotonicMilliseconds() < deadline else {
                Issue.record("agents did not finish within 25 s")
                return
            }
        }
        for child in children {
            child.wait()
            #expect(child.exitedCleanly, "\(child.name): \(child.terminationDescription) \(child.stderrText)")
        }
        #expect(finished.count == agents)
        for w in 1...agents { #expect(attemptsSeen[w].count == attempts, "agent \(w) reported \(attemptsSeen[w].count) attempts") }
        #expect(applied.count + refused.count == agents * attempts)
        #expect(!refused.isEmpty, "no edit was ever stale: the test made no conflicts")
        #expect(applied.count > recordCount, "too few edits applied to mean anything")

        let store = try EventStore.open(at: storePath, readOnly: true)
        var tagsInHistories = Set<String>()
        for n in 1...recordCount {
            let record = RecordID(.incident, n)
            let history = try store.history(of: record)
            guard let first = history.first else {
                Issue.record("\(record) has no history")
                continue
            }
            #expect(first.action == EventAction("incident.created"))
            var counter: Int64 = 0
            for (position, event) in history.enumerated() {
                #expect(event.record == record)
                #expect(event.baseVersion == UInt64(position), "\(record): event \(position) was built on version \(event.baseVersion)")
                guard position > 0 else { continue }
                let change = event.changes.first { $0.field == "counter" }
                #expect(change?.from == .int(counter) && change?.to == .int(counter + 1),
                        "\(record): event \(position) moved the counter \(String(describing: change)) after \(counter)")
                counter += 1
                guard case .text(let tag)? = event.changes.first(where: { $0.field == "tag" })?.to else {
                    Issue.record("\(record): event \(position) has no tag")
                    continue
                }
                #expect(tagsInHistories.insert(tag).inserted, "\(tag) is in the histories twice")
                if let attempt = applied[tag] {
                    #expect(attempt.record == n && attempt.base == UInt64(position),
                            "\(tag) was applied to INC-\(attempt.record) on version \(attempt.base), found in \(record) at \(position)")
                } else {
                    Issue.record("\(record) holds \(tag), which no agent reported applied (refused: \(refused[tag] != nil))")
                }
            }
            let state = store.view.record(record)
            #expect(state?.version == UInt64(history.count))
            #expect(state?.fields["counter"] == .int(counter))
        }
        let lost = Set(applied.keys).subtracting(tagsInHistories)
        #expect(lost.isEmpty, "applied but missing from every history: \(lost.sorted().prefix(10))")
    }
}
