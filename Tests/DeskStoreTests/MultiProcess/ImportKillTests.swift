import DeskStore
import Foundation
import ITSM
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Incident `n` as `store-torture import` writes it (kept in step with its `importIncidentEvent`).
func tortureImportEvent(_ n: Int) -> Event {
    Event(record: RecordID(.incident, n), action: EventAction("incident.created"), actor: "importer",
          at: Date(timeIntervalSinceReferenceDate: 800_000_000 + Double(n)), baseVersion: 0,
          changes: [FieldChange("n", to: .int(Int64(n))),
                    FieldChange("title", to: .text("imported incident \(n) " + String(repeating: "x", count: n % 300)))])
}

extension MultiProcessTests {
    /// A bulk import killed with SIGKILL — at seeded random moments while it writes the log, and
    /// right before its snapshot is renamed into place — leaves whole transactions only: the
    /// store opens (read-only and writable) with incidents 1…k for k a multiple of the batch,
    /// every one exactly as written and with its history, and the next import resumes from k.
    @Test func killedImportsLeaveWholeTransactionsAndTheNextImportResumes() throws {
        let torture = try tortureExecutable()
        let scratch = try ScratchDirectory("import-kill9")
        defer { scratch.remove() }
        let storePath = scratch.path + "/store"
        _ = try EventStore.create(at: storePath, group: nil)
        var rng = SeededGenerator(seed: 0x696D_706F_7274)
        let batch = 100
        let perRound = 2000
        let rounds = 8
        var present = 0
        var killsAtSnapshot = 0, killsWhileLogging = 0

        func check(_ context: String) throws -> Int {
            var counts: [Int] = []
            for readOnly in [true, false] {
                let store = try EventStore.open(at: storePath, readOnly: readOnly)
                let ids = store.view.recordIDs(of: .incident)
                let k = ids.count
                #expect(ids == (0..<k).map { RecordID(.incident, $0 + 1) }, "\(context): incidents are not 1…\(k)")
                #expect(k % batch == 0, "\(context): \(k) incidents is not whole transactions")
                for n in stride(from: 1, through: k, by: 7) {
                    let record = try store.view.checkedRecord(RecordID(.incident, n))
                    #expect(record?.lastEvent == tortureImportEvent(n), "\(context): INC-\(n) differs")
                }
                if k > 0 { #expect(try store.history(of: RecordID(.incident, k)) == [tortureImportEvent(k)]) }
                counts.append(k)
            }
            #expect(counts[0] == counts[1], "\(context): read-only and writable opens disagree")
            #expect(try EventStore.verify(at: storePath).isIntact, "\(context)")
            return counts[1]
        }

        for round in 0..<rounds {
            let atSnapshot = round % 2 == 1
            let child = try ChildProcess(
                executable: torture,
                arguments: ["import", "--store", storePath, "--count", String((round + 1) * perRound), "--batch", String(batch),
                            "--pause-before-snapshot-ms", atSnapshot ? "2000" : "0",
                            // 20 transactions 3 ms apart: a kill 1…50 ms in lands while the log is written.
                            "--pause-between-us", atSnapshot ? "0" : "3000"],
                name: "importer", stderrPath: scratch.path + "/importer.stderr")
            defer { if child.waitStatus == nil { child.signal(SIGKILL); child.wait() } }
            var readyAt: Int64? = nil
            var killAt = Int64.max
            let deadline = monotonicMilliseconds() + 30_000
            var finished = false
            while !child.reachedEOF {
                pollChildren([child], milliseconds: 2)
                for line in child.takeLines() {
                    if line.hasPrefix("ready") {
                        readyAt = monotonicMilliseconds()
                        if !atSnapshot { killAt = readyAt! + Int64.random(in: 1...50, using: &rng) }
                    } else if line == "snapshot-rename" && atSnapshot {
                        killAt = 0
                    } else if line.hasPrefix("imported") {
                        finished = true
                    }
                }
                if monotonicMilliseconds() >= killAt && child.waitStatus == nil {
                    child.signal(SIGKILL)
                    child.wait()
                    if atSnapshot { killsAtSnapshot += 1 } else { killsWhileLogging += 1 }
                    break
                }
                guard monotonicMilliseconds() < deadline else {
                    Issue.record("round \(round): importer still running after 30 s")
                    return
                }
            }
            child.wait()
            #expect(readyAt != nil, "round \(round): the importer never got ready: \(child.stderrText)")
            if !finished { #expect(child.wasKilled, "round \(round): \(child.terminationDescription): \(child.stderrText)") }
            let now = try check("round \(round)")
            #expect(now >= present, "round \(round): \(present) incidents before, \(now) after")
            if atSnapshot {
                // Killed after the log was synced: every transaction is there, the snapshot not yet.
                #expect(now == (round + 1) * perRound, "round \(round): killed before the snapshot, yet \(now) incidents")
            }
            present = now
        }
        #expect(killsAtSnapshot > 0 && killsWhileLogging > 0)

        // Run to the end: every incident, from a snapshot that a fresh process opens without replay.
        let total = (rounds + 1) * perRound
        let last = try ChildProcess(executable: torture,
                                    arguments: ["import", "--store", storePath, "--count", String(total), "--batch", String(batch)],
                                    name: "importer", stderrPath: scratch.path + "/importer.stderr")
        let deadline = monotonicMilliseconds() + 60_000
        while !last.reachedEOF && monotonicMilliseconds() < deadline { pollChildren([last], milliseconds: 20); _ = last.takeLines() }
        #expect(last.wait() == 0, "\(last.terminationDescription): \(last.stderrText)")
        #expect(try check("after the last import") == total)
        let store = try EventStore.open(at: storePath, readOnly: true)
        #expect(store.openNotices.isEmpty, "\(store.openNotices)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: storePath).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "temp files of killed imports left behind: \(leftovers)")
    }
}
