@testable import DeskStore
import Foundation
import ITSM
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension MultiProcessTests {
    /// Five writers share syncs (group commit) with every fdatasync padded by random pauses
    /// before and after it, and are killed with SIGKILL at seeded random moments: some while
    /// leading — before their sync, or between their sync and publishing the durable marker —
    /// some while queued as followers. After each round every transaction a writer acknowledged
    /// is in the store, whole, read-only and writable, and `verify` finds the log intact. Some
    /// acknowledgements must have come from another process's sync, or the test proved nothing.
    @Test func killedLeadersAndFollowersLoseNoAcknowledgedTransaction() throws {
        let torture = try tortureExecutable()
        let scratch = try ScratchDirectory("groupcommit-kill9")
        defer { scratch.remove() }
        let storePath = scratch.path + "/store"
        _ = try EventStore.create(at: storePath, group: nil)
        var rng = SeededGenerator(seed: 0x6763_6B69_6C6C)
        let writers = 5
        let rounds = 8
        var highestAcked = [Int](repeating: -1, count: writers + 1)
        var killedWhileLeading = 0, killedOtherwise = 0
        var sharedAcks = 0, syncedAcks = 0

        for round in 0..<rounds {
            var children: [ChildProcess] = []
            defer { for child in children where child.waitStatus == nil { child.signal(SIGKILL); child.wait() } }
            for w in 1...writers {
                children.append(try ChildProcess(
                    executable: torture,
                    arguments: ["distinct", "--store", storePath, "--writer", String(w), "--seed", String(round),
                                "--sync-delay-us", "1500"],
                    name: "writer \(w)", stderrPath: scratch.path + "/writer-\(w).stderr"))
            }
            var lastLine = [String](repeating: "", count: writers)
            var ready = Set<Int>()
            func absorb() {
                for (index, child) in children.enumerated() {
                    for line in child.takeLines() {
                        lastLine[index] = line
                        let parts = line.split(separator: " ")
                        switch parts.first {
                        case "ready": ready.insert(index)
                        case "ack":
                            guard parts.count == 4, let w = Int(parts[1]), let i = Int(parts[2]), w == index + 1 else {
                                Issue.record("round \(round): unexpected line from \(child.name): \(line)")
                                continue
                            }
                            highestAcked[w] = max(highestAcked[w], i)
                            if parts[3] == "shared" { sharedAcks += 1 } else { syncedAcks += 1 }
                        default: break
                        }
                    }
                }
            }
            guard awaitReady(children, round: round, absorb: absorb, isReady: { ready.count == children.count }),
                  killAtRandomMoments(children, within: 60...500, using: &rng, round: round, pollMilliseconds: 2, absorb: absorb)
            else { return }
            absorb()
            for (index, child) in children.enumerated() {
                child.wait()
                #expect(child.wasKilled, "round \(round): \(child.name) ended with \(child.terminationDescription): \(child.stderrText)")
                // "leading": killed before or during its sync; "synced": after it, before publishing.
                if lastLine[index].hasPrefix("leading") || lastLine[index].hasPrefix("synced") {
                    killedWhileLeading += 1
                } else {
                    killedOtherwise += 1
                }
            }

            for readOnly in [true, false] {
                let store = try EventStore.open(at: storePath, readOnly: readOnly)
                for w in 1...writers {
                    let present = Int(store.view.record(RecordID(kind: .configurationItem, key: "torture-\(w)"))?.version ?? 0)
                    #expect(present > highestAcked[w],
                            "round \(round)\(readOnly ? " read-only" : ""): writer \(w) acknowledged #\(highestAcked[w]) but the store holds #0…#\(present - 1)")
                    for i in 0..<present {
                        #expect(store.view.record(RecordID(.incident, w * 1_000_000 + i + 1))?.version == 1,
                                "round \(round): writer \(w)'s incident \(i) is missing beside its tally")
                    }
                }
            }
            let report = try EventStore.verify(at: storePath)
            #expect(report.isIntact, "round \(round): \(report)")
        }
        #expect(sharedAcks > 0, "no acknowledgement came from another process's sync: \(syncedAcks) synced alone")
        #expect(syncedAcks > 0)
        #expect(killedWhileLeading > 0, "no kill landed while a writer was leading a sync (\(killedOtherwise) elsewhere)")
        #expect(killedOtherwise > 0)
    }

    /// Two writers (each its own store handle, syncs counted) committing INC-2 and INC-3 in the
    /// background behind a leader held in its sync; returns once both have appended.
    static func twoWritersBehindTheLeader(_ storePath: String) throws -> (HeldSyncIO, HeldSyncIO, Background, Background) {
        let ioA = HeldSyncIO(), ioC = HeldSyncIO()
        let a = try EventStore.open(at: storePath, io: ioA)
        let c = try EventStore.open(at: storePath, io: ioC)
        let first = Background { try a.commit { _ in [created(inc(2))] } }
        let second = Background { try c.commit { _ in [created(inc(3))] } }
        #expect(eventually { syncMarkers(storePath).appended?.sequence == 4 }, "the two writers did not append behind the leader")
        return (ioA, ioC, first, second)
    }

    /// A store with one record, and a real `failing-leader` writer (7) that has appended and is
    /// inside its sync, holding the sync lock until `releaseFile` appears.
    static func leaderInItsSync(_ torture: String, storePath: String, releaseFile: String,
                                scratch: ScratchDirectory) throws -> ChildProcess {
        let setup = try EventStore.create(at: storePath, group: nil)
        try setup.commit { _ in [Event(record: RecordID(.incident, 1), action: EventAction("incident.created"), actor: "setup",
                                       at: Date(), baseVersion: 0, changes: [FieldChange("n", to: .int(0))])] }
        let leader = try ChildProcess(executable: torture,
                                      arguments: ["failing-leader", "--store", storePath, "--writer", "7", "--release-file", releaseFile],
                                      name: "failing leader", stderrPath: scratch.path + "/leader.stderr")
        var lines: [String] = []
        let deadline = monotonicMilliseconds() + 20_000
        while !lines.contains("leading 7") && !leader.reachedEOF && monotonicMilliseconds() < deadline {
            pollChildren([leader], milliseconds: 20)
            lines += leader.takeLines()
        }
        guard lines.contains("leading 7") else {
            if leader.waitStatus == nil { leader.signal(SIGKILL) }
            leader.wait()
            throw LeaderDidNotStart(lines: lines, stderr: leader.stderrText)
        }
        return leader
    }

    struct LeaderDidNotStart: Error, CustomStringConvertible {
        var lines: [String], stderr: String
        var description: String { "the failing leader never started its sync: \(lines) \(stderr)" }
    }

    /// A real process leads a sync, is held inside it while two writers of this process append
    /// behind it, and then its fdatasync fails (EIO, through the FileIO seam). It must publish
    /// nothing: the two are not acknowledged through it — one of them syncs, after the failure,
    /// and covers the other. The failing process's commit is refused and its writing disabled.
    @Test func aRealLeaderWhoseSyncFailsAcknowledgesNobodyThroughIt() throws {
        let torture = try tortureExecutable()
        let scratch = try ScratchDirectory("groupcommit-eio")
        defer { scratch.remove() }
        let storePath = scratch.path + "/store"
        let releaseFile = scratch.path + "/release"
        let leader = try Self.leaderInItsSync(torture, storePath: storePath, releaseFile: releaseFile, scratch: scratch)
        defer { if leader.waitStatus == nil { leader.signal(SIGKILL); leader.wait() } }
        var lines = ["leading 7"]
        let deadline = monotonicMilliseconds() + 20_000
        let (ioA, ioC, first, second) = try Self.twoWritersBehindTheLeader(storePath)
        #expect(syncMarkers(storePath).durable.map { $0.sequence < 2 } ?? true, "durability claimed during the leader's sync")
        #expect(ioA.syncs + ioC.syncs == 0, "a follower synced while the leader still held the sync lock")
        close(open(releaseFile, O_CREAT | O_WRONLY, 0o600))
        try first.wait(); try second.wait()
        while !leader.reachedEOF && monotonicMilliseconds() < deadline + 20_000 {
            pollChildren([leader], milliseconds: 20)
            lines += leader.takeLines()
        }
        lines += leader.takeLines()
        leader.wait()
        #expect(leader.exitedCleanly, "\(leader.terminationDescription): \(leader.stderrText)")
        #expect(lines.contains("failed 7") && lines.contains("disabled 7"), "\(lines)")
        #expect(ioA.syncs + ioC.syncs == 1, "after the leader's failed sync exactly one follower must sync (A \(ioA.syncs), C \(ioC.syncs))")
        #expect(syncMarkers(storePath).durable?.sequence == 4)
        let reopened = try EventStore.open(at: storePath, readOnly: true)
        #expect(reopened.view.record(inc(2)) != nil && reopened.view.record(inc(3)) != nil)
    }

    /// Followers wait for a leader on a futex in the sync file, which the leader bumps when it
    /// lets go of the sync lock. A real leader killed with SIGKILL inside its sync never bumps
    /// it: the two writers asleep behind it must still get on — after their bounded wait, one
    /// of them takes the lock the kernel released, syncs, and covers the other — and the killed
    /// leader's appended frame is kept whole.
    @Test func writersAsleepBehindAKilledLeaderTakeOver() throws {
        let torture = try tortureExecutable()
        let scratch = try ScratchDirectory("groupcommit-futex-kill")
        defer { scratch.remove() }
        let storePath = scratch.path + "/store"
        let leader = try Self.leaderInItsSync(torture, storePath: storePath, releaseFile: scratch.path + "/never", scratch: scratch)
        defer { if leader.waitStatus == nil { leader.signal(SIGKILL); leader.wait() } }
        let (ioA, ioC, first, second) = try Self.twoWritersBehindTheLeader(storePath)
        usleep(50_000)  // both are asleep on the futex (or between bounded waits) by now
        #expect(ioA.syncs + ioC.syncs == 0, "a follower synced while the leader still held the sync lock")
        leader.signal(SIGKILL)
        leader.wait()
        #expect(leader.wasKilled)
        let killedAt = monotonicMilliseconds()
        try first.wait(); try second.wait()
        #expect(monotonicMilliseconds() - killedAt < 10_000)
        #expect(ioA.syncs + ioC.syncs == 1, "one follower should sync for both (A \(ioA.syncs), C \(ioC.syncs))")
        #expect(syncMarkers(storePath).durable?.sequence == 4)
        let reopened = try EventStore.open(at: storePath, readOnly: true)
        #expect((1...3).allSatisfy { reopened.view.record(inc($0)) != nil })
        #expect(reopened.view.record(RecordID(.incident, 7_000_001))?.version == 1, "the killed leader's appended frame was lost")
        #expect(try EventStore.verify(at: storePath).isIntact)
        // Both slept counted, and uncounted themselves when they woke.
        let sync = fileBytes(storePath + "/" + SyncGate.fileName)
        #expect(sync[SyncGate.waitersOffset..<(SyncGate.waitersOffset + 4)].allSatisfy { $0 == 0 })
    }
}
