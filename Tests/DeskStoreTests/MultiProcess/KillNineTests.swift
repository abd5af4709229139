import DeskStore
import Foundation
import ITSM
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension MultiProcessTests {
    /// Three writers, two agents editing shared records and a compactor, killed with SIGKILL at
    /// seeded random moments, twelve rounds over one store. After each round the store opens and
    /// holds every transaction a writer acknowledged, each transaction (an incident plus its
    /// writer's tally) whole or not at all, every edit an agent reported applied, none it reported
    /// refused, and every shared record's history as an unbroken chain.
    @Test func killedWritersLoseNoAcknowledgedTransactionAndLeaveNoneHalfWritten() throws {
        let torture = try tortureExecutable()
        let scratch = try ScratchDirectory("kill9")
        defer { scratch.remove() }
        let storePath = scratch.path + "/store"
        _ = try EventStore.create(at: storePath, group: nil)
        let sharedRecords = 20
        try createCounterRecords(sharedRecords, in: storePath)

        var rng = SeededGenerator(seed: 0x6B69_6C6C_392D_3031)
        let writers = 3
        let rounds = 12
        var highestAcked = [Int](repeating: -1, count: writers + 1)
        var presentBefore = [Int](repeating: 0, count: writers + 1)
        var killsDuringSnapshot = 0
        var totalAcks = 0
        var applied: AppliedEdits = [:]
        var refused = Set<String>()
        let agentIDs = [writers + 1, writers + 2]

        for round in 0..<rounds {
            var children: [ChildProcess] = []
            defer { for child in children where child.waitStatus == nil { child.signal(SIGKILL); child.wait() } }
            for w in 1...writers {
                children.append(try ChildProcess(
                    executable: torture,
                    arguments: ["distinct", "--store", storePath, "--writer", String(w), "--seed", String(round)],
                    name: "writer \(w)", stderrPath: scratch.path + "/writer-\(w).stderr"))
            }
            children.append(try ChildProcess(
                executable: torture, arguments: ["compact", "--store", storePath],
                name: "compactor", stderrPath: scratch.path + "/compactor.stderr"))
            for w in agentIDs {
                children.append(try ChildProcess(
                    executable: torture,
                    arguments: ["conflict", "--store", storePath, "--writer", String(w), "--records", String(sharedRecords),
                                "--count", "1000000", "--seed", String(round), "--delay-us", "500", "--label", "r\(round)a\(w)"],
                    name: "agent \(w)", stderrPath: scratch.path + "/agent-\(w).stderr"))
            }

            // Every process reports "ready" once its store is open; kill times count from there.
            var lastLine = [String](repeating: "", count: children.count)
            var ready = Set<Int>()
            var resumedAt = [Int](repeating: 0, count: writers + 1)
            var expectedNext = [Int](repeating: 0, count: writers + 1)
            func absorb() {
                for (index, child) in children.enumerated() {
                    for line in child.takeLines() {
                        lastLine[index] = line
                        let parts = line.split(separator: " ")
                        switch parts.first {
                        case "ready":
                            ready.insert(index)
                            if index < writers, parts.count == 3, let i = Int(parts[2]) {
                                resumedAt[index + 1] = i
                                expectedNext[index + 1] = i
                            }
                        case "applied" where parts.count == 5:
                            if let i = Int(parts[2]), let r = Int(parts[3]), let base = UInt64(parts[4]) {
                                applied["r\(round)a\(parts[1]):\(i)"] = (r, base)
                            }
                        case "stale" where parts.count == 6:
                            refused.insert("r\(round)a\(parts[1]):\(parts[2])")
                        case "ack":
                            guard parts.count == 3, let w = Int(parts[1]), let i = Int(parts[2]), w == index + 1 else {
                                Issue.record("round \(round): unexpected line from \(child.name): \(line)")
                                continue
                            }
                            #expect(i == expectedNext[w], "round \(round): writer \(w) acknowledged \(i) out of order")
                            expectedNext[w] = i + 1
                            highestAcked[w] = max(highestAcked[w], i)
                            totalAcks += 1
                        default: break
                        }
                    }
                }
            }
            guard awaitReady(children, round: round, absorb: absorb, isReady: { ready.count == children.count }),
                  killAtRandomMoments(children, within: 40...450, using: &rng, round: round, pollMilliseconds: 5, absorb: absorb)
            else { return }
            for child in children {
                child.wait()
                #expect(child.wasKilled, "round \(round): \(child.name) ended with \(child.terminationDescription), not our SIGKILL: \(child.stderrText)")
            }
            if lastLine[writers].hasPrefix("compacting") { killsDuringSnapshot += 1 }

            // The store as a console (read-only, never cutting anything) and then as the next
            // writer (which cuts a torn tail under the lock) finds it: the same whole transactions.
            var presentNow = presentBefore
            for readOnly in [true, false] {
                let store = try EventStore.open(at: storePath, readOnly: readOnly)
                let context = "round \(round), \(readOnly ? "read-only" : "writable") open"
                for w in 1...writers {
                    let tally = store.view.record(RecordID(kind: .configurationItem, key: "torture-\(w)"))
                    let present = Int(tally?.version ?? 0)
                    #expect(present > highestAcked[w],
                            "\(context): writer \(w) acknowledged transaction #\(highestAcked[w]) but the store holds only #0…#\(present - 1)")
                    #expect(present >= presentBefore[w],
                            "\(context): writer \(w) had \(presentBefore[w]) transactions in the store, now \(present)")
                    #expect(present >= resumedAt[w])
                    if !readOnly {
                        #expect(present == presentNow[w], "\(context): writer \(w) has \(present) transactions, read-only saw \(presentNow[w])")
                    }
                    // Each transaction whole: incident i exists exactly for the tally's count.
                    for i in max(0, presentBefore[w] - 2)..<present {
                        let incident = store.view.record(RecordID(.incident, w * 1_000_000 + i + 1))
                        #expect(incident?.version == 1, "\(context): writer \(w)'s incident \(i) is missing beside its tally")
                        if case .int(let n)? = incident?.fields["n"] {
                            #expect(n == Int64(i))
                        } else {
                            Issue.record("\(context): writer \(w)'s incident \(i) has no field n")
                        }
                    }
                    for i in present..<(present + 2) {
                        #expect(store.view.record(RecordID(.incident, w * 1_000_000 + i + 1)) == nil,
                                "\(context): writer \(w)'s incident \(i) exists without its tally (a partial transaction)")
                    }
                    presentNow[w] = present
                }
                try checkCounterHistories(in: store, count: sharedRecords, applied: applied, refused: refused,
                                          allowUnreported: true, context: context)
            }
            presentBefore = presentNow
            let report = try EventStore.verify(at: storePath)
            #expect(report.isIntact, "round \(round): \(report)")
        }
        // Each tally's history is its whole chain, one event per transaction, in order.
        let store = try EventStore.open(at: storePath, readOnly: true)
        for w in 1...writers {
            let history = try store.history(of: RecordID(kind: .configurationItem, key: "torture-\(w)"))
            #expect(history.count == presentBefore[w])
            #expect(history.map(\.baseVersion) == (0..<UInt64(history.count)).map { $0 }, "writer \(w)'s tally history is out of order")
        }
        // A compaction killed half-way leaves its temp file; the next compaction clears those away.
        try EventStore.open(at: storePath).compact()
        let leftovers = (try FileManager.default.contentsOfDirectory(atPath: storePath)).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "temp files left behind by killed processes: \(leftovers.prefix(3))")
        #expect(totalAcks > 0, "no writer acknowledged anything")
        #expect(!applied.isEmpty && !refused.isEmpty, "agents: \(applied.count) edits applied, \(refused.count) refused")
        #expect(killsDuringSnapshot > 0, "no kill landed while a snapshot was being written")
    }
}
