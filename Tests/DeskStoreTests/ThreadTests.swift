import Foundation
import Testing
import ITSM
@testable import DeskStore

/// Many writers inside one process. Each handle has its own lock descriptor, so handles contend
/// on the flock exactly as processes do (the real multi-process tests live in MultiProcess/).
@Suite struct ThreadTests {
    @Test func eightWritersOnTenRecordsLoseNothingAndKeepEveryChainInOrder() throws {
        let dir = TempDir()
        let setup = try EventStore.create(at: dir.sub("s"))
        try setup.commit { _ in (1...10).map { created(inc($0)) } }
        let tally = Tally()
        // All agents open first, so whatever the schedule each starts from a view that the
        // others will make stale.
        let stores = try (0..<8).map { _ in try EventStore.open(at: dir.sub("s")) }
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            let store = stores[worker]
            var rng = SeededRandom(seed: UInt64(worker))
            for step in 0..<40 {
                let id = inc(Int.random(in: 1...10, using: &rng))
                // Built on what this agent last saw: often stale by the time it commits.
                let seen = store.view.record(id)?.version ?? 0
                let value = FieldValue.text("w\(worker)-\(step)")
                do {
                    try store.commit { _ in [updated(id, base: seen, by: "agent\(worker)", "note", value)] }
                    tally.applied(id, value)
                } catch is StaleEdit {
                    tally.refused()
                    _ = try? store.catchUp()
                } catch {
                    tally.fail("\(error)")
                }
            }
        }
        #expect(tally.failures.isEmpty, "\(tally.failures.prefix(3))")
        #expect(tally.appliedCount + tally.refusedCount == 8 * 40)
        #expect(tally.appliedCount > 0 && tally.refusedCount > 0)
        let final = try EventStore.open(at: dir.sub("s"))
        #expect(final.view.lastSequence == UInt64(1 + tally.appliedCount))
        for n in 1...10 {
            let id = inc(n)
            let history = try final.history(of: id)
            // Every acknowledged update is there, in the order the versions say.
            #expect(history.map(\.baseVersion) == Array(0..<UInt64(history.count)))
            // Each agent's acknowledged updates appear in the order it made them.
            for worker in 0..<8 {
                let mine = { (v: FieldValue) -> Bool in if case let .text(t) = v { t.hasPrefix("w\(worker)-") } else { false } }
                #expect(history.dropFirst().map { $0.changes[0].to }.filter(mine) == tally.values(of: id).filter(mine))
            }
            #expect(Set(history.dropFirst().map { $0.changes[0].to }) == Set(tally.values(of: id)))
            #expect(final.view.record(id)?.version == UInt64(history.count))
        }
        #expect(try final.verify().isIntact)
    }
}

final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var appliedValues: [RecordID: [FieldValue]] = [:]
    private var refusals = 0
    private var errors: [String] = []
    func applied(_ id: RecordID, _ v: FieldValue) { lock.withLock { appliedValues[id, default: []].append(v) } }
    func refused() { lock.withLock { refusals += 1 } }
    func fail(_ s: String) { lock.withLock { errors.append(s) } }
    var appliedCount: Int { lock.withLock { appliedValues.values.reduce(0) { $0 + $1.count } } }
    var refusedCount: Int { lock.withLock { refusals } }
    var failures: [String] { lock.withLock { errors } }
    func values(of id: RecordID) -> [FieldValue] { lock.withLock { appliedValues[id] ?? [] } }
}

@Suite struct ReadingTests {
    @Test func transactionsAfterASequenceAreReadBackInOrderAcrossSegments() throws {
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"), segmentLimit: 350)
        for n in 1...15 { try store.commit { _ in [created(inc(n))] } }
        #expect(try EventStore.segmentNumbers(in: dir.sub("s")).count > 2)
        let all = try store.transactions(after: 0)
        #expect(all.map(\.sequence) == Array(1...15))
        #expect(all.map { $0.events[0].record } == (1...15).map(inc))
        #expect(try store.transactions(after: 9).map(\.sequence) == Array(10...15))
        #expect(try store.transactions(after: 3, limit: 2).map(\.sequence) == [4, 5])
        #expect(try store.transactions(after: 15).isEmpty)
    }

    @Test func aViewCanBeFoldedInMemoryForTestsOfOtherModules() {
        let view = StoreView(transactions: [[created(inc(1))], [updated(inc(1), base: 1, .text("Closed")), created(inc(2))]])
        #expect(view.lastSequence == 2)
        #expect(view.record(inc(1))?.version == 2)
        #expect(view.record(inc(1))?["state"] == .text("Closed"))
        #expect(view.recordIDs(of: .incident) == [inc(1), inc(2)])
        #expect(StoreView().recordCount == 0)
    }

    @Test func compactRemovesTemporariesOfDeadProcessesOnly() throws {
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"))
        let dead = dir.sub("s/.snapshot.tmp-999999-1"), alive = dir.sub("s/.snapshot.tmp-1-1")
        writeBytes([1, 2, 3], to: dead)
        writeBytes([1, 2, 3], to: alive)   // pid 1 is always alive
        try store.compact()
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: alive))
    }
}
