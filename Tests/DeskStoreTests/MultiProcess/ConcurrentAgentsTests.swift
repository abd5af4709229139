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
        try createCounterRecords(recordCount, in: storePath)

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
        var applied: AppliedEdits = [:]
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
        try checkCounterHistories(in: store, count: recordCount, applied: applied, refused: Set(refused.keys),
                                  allowUnreported: false, context: "after 8 agents")
    }
}
