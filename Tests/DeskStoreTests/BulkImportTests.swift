import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import ITSM
@testable import DeskStore

/// A random value of every kind `FieldValue` has, with lengths that cross varint boundaries.
func randomValue(_ rng: inout SeededRandom) -> FieldValue {
    func text() -> String {
        let pieces = ["a", "é", "✓", "😀", "\u{0}", "line\nbreak", String(repeating: "x", count: 130)]
        return (0..<Int.random(in: 0...4, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
    }
    switch Int.random(in: 0...6, using: &rng) {
    case 0: return .none
    case 1: return .text(text())
    case 2: return .int([0, -1, 127, 128, .max, .min, Int64.random(in: -100_000...100_000, using: &rng)].randomElement(using: &rng)!)
    case 3: return .number(Double.random(in: -1e9...1e9, using: &rng))
    case 4: return .bool(Bool.random(using: &rng))
    case 5: return .time(Date(timeIntervalSinceReferenceDate: Double(Int.random(in: 0...1_000_000_000, using: &rng))))
    default: return .list((0..<Int.random(in: 0...3, using: &rng)).map { _ in text() })
    }
}

/// A random event on `id` at `base`, with 0…7 changes of random values.
func randomEvent(_ id: RecordID, base: UInt64, _ rng: inout SeededRandom, step: Int) -> Event {
    Event(record: id, action: EventAction(base == 0 ? "incident.created" : "incident.updated"),
          actor: ["alice", "bob", "çelik"].randomElement(using: &rng)!,
          realUser: Bool.random(using: &rng) ? nil : "root",
          at: t0.addingTimeInterval(Double(step)), baseVersion: base,
          changes: (0..<Int.random(in: 0...7, using: &rng)).map { k in
              FieldChange(["title", "state", "n\(k)", "description"].randomElement(using: &rng)!,
                          from: randomValue(&rng), to: randomValue(&rng))
          })
}

@Suite struct EventEncoderTests {
    @Test func writesExactlyTheReferenceEncodersBytesAndFindsEachEventsBody() throws {
        var rng = SeededRandom(seed: 77)
        for step in 0..<400 {
            let events = (0..<Int.random(in: 1...6, using: &rng)).map { _ in
                randomEvent(RecordID(kind: [.incident, .configurationItem].randomElement(using: &rng)!,
                                     key: String(Int.random(in: 1...1_000_000, using: &rng))),
                            base: UInt64.random(in: 0...300, using: &rng), &rng, step: step)
            }
            let (payload, bodies) = EventEncoder.encode(transaction: events)
            #expect(payload == EventCoding.referenceEncode(transaction: events), "step \(step)")
            #expect(bodies.count == events.count)
            let decoded = payload.withUnsafeBytes { p in
                bodies.map { body in try? EventCoding.decodeEvent(ByteReader(UnsafeRawBufferPointer(rebasing: p[body]))) }
            }
            #expect(decoded == events.map { Optional($0) }, "step \(step)")
        }
    }
}

/// Transactions for import tests: runs of brand-new records (the import's fast path) mixed with
/// transactions that update earlier records, create and update in one go, or touch records
/// that existed before the import. Checked against `model` as they are made.
func importTransactions(_ rng: inout SeededRandom, count: Int, startingFrom model: inout Model, firstNew: Int) -> [[Event]] {
    var next = firstNew
    var out: [[Event]] = []
    for step in 1...count {
        var events: [Event] = []
        var bumped: [RecordID: UInt64] = [:]
        let kind = Int.random(in: 0...9, using: &rng)
        let size = Int.random(in: 1...5, using: &rng)
        for _ in 0..<size {
            let id: RecordID
            if kind < 6 || model.versions.isEmpty {
                id = inc(next); next += 1                            // new records only
            } else if kind < 8 {
                id = model.versions.keys.sorted().randomElement(using: &rng)!  // an update of any earlier record
            } else {
                id = Bool.random(using: &rng) ? inc(next) : model.versions.keys.sorted().randomElement(using: &rng)!
                if id == inc(next) { next += 1 }
            }
            let base = bumped[id] ?? model.versions[id] ?? 0
            events.append(randomEvent(id, base: base, &rng, step: step))
            bumped[id] = base + 1
        }
        model.apply(events)
        out.append(events)
    }
    return out
}

/// Whether two views hold the same records, field for field, with the same histories.
func sameState(_ a: EventStore, _ b: EventStore, _ comment: Comment) throws {
    #expect(a.view.lastSequence == b.view.lastSequence, comment)
    #expect(a.view.counts == b.view.counts, comment)
    let ids = a.view.recordIDs(of: .incident)
    #expect(ids == b.view.recordIDs(of: .incident), comment)
    for id in ids {
        let x = try a.view.checkedRecord(id), y = try b.view.checkedRecord(id)
        #expect(x == y, "\(comment) \(id)")
        #expect(try a.history(of: id) == b.history(of: id), "\(comment) history of \(id)")
    }
}

@Suite struct BulkImportTests {
    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func anImportEndsInTheStateOfCommittingTheSameTransactionsOneByOne(seed: UInt64) throws {
        let dir = TempDir()
        var rng = SeededRandom(seed: seed)
        var model = Model()
        // Some records before the import, in the log (and, for even seeds, in a snapshot too).
        let before = importTransactions(&rng, count: 5, startingFrom: &model, firstNew: 1)
        let transactions = importTransactions(&rng, count: 60, startingFrom: &model, firstNew: 1000)
        // Small segments, so the import rolls over to new segments many times.
        let limit = 8 * 1024
        let oneByOne = try EventStore.create(at: dir.sub("a"), io: NoSyncIO(), segmentLimit: limit)
        let imported = try EventStore.create(at: dir.sub("b"), io: NoSyncIO(), segmentLimit: limit)
        for t in before {
            try oneByOne.commit { _ in t }
            try imported.commit { _ in t }
        }
        if seed % 2 == 0 { try imported.compact() }
        for t in transactions { try oneByOne.commit { _ in t } }
        let report = try imported.importTransactions(transactions)
        #expect(report.transactions == transactions.count)
        #expect(report.events == transactions.reduce(0) { $0 + $1.count })
        #expect(report.createdRecords > 0)
        #expect(model.matches(imported.view))
        try sameState(oneByOne, imported, "in the importing process")
        // A fresh process opens from the import's snapshot, replaying nothing.
        let reopened = try EventStore.open(at: dir.sub("b"), io: NoSyncIO(), segmentLimit: limit)
        #expect(reopened.openNotices.isEmpty)
        #expect(reopened.view.snapshot?.lastSequence == report.lastSequence)
        try sameState(oneByOne, reopened, "reopened")
        try sameState(oneByOne, try EventStore.open(at: dir.sub("b"), readOnly: true), "read-only")
        #expect(try reopened.verify().problems.isEmpty)
        // Compaction carries the log references over as they are.
        try reopened.compact()
        try sameState(oneByOne, try EventStore.open(at: dir.sub("b"), io: NoSyncIO(), segmentLimit: limit), "compacted")
        // The log alone gives the same state (the snapshot is only a cache).
        unlink(dir.sub("b/snapshot"))
        try sameState(oneByOne, try EventStore.open(at: dir.sub("b"), io: NoSyncIO(), segmentLimit: limit), "replayed")
        // And writing goes on as usual.
        try reopened.commit { v in [updated(inc(1000), base: v.record(inc(1000))!.version, "state", .text("Closed"))] }
    }

    /// Another writer that was open before the import catches up on the import's frames at its
    /// next commit (through the commit path's catch-up, not a reopen): it sees every imported
    /// record with its version and history, and can update one at its imported version.
    @Test(arguments: [7, 8] as [UInt64])
    func aWriterOpenBeforeAnImportCatchesUpOnItAtItsNextCommit(seed: UInt64) throws {
        let dir = TempDir()
        var rng = SeededRandom(seed: seed)
        var model = Model()
        let before = importTransactions(&rng, count: 3, startingFrom: &model, firstNew: 1)
        let transactions = importTransactions(&rng, count: 40, startingFrom: &model, firstNew: 1000)
        let importer = try EventStore.create(at: dir.sub("s"), io: NoSyncIO())
        for t in before { try importer.commit { _ in t } }
        let other = try EventStore.open(at: dir.sub("s"), io: NoSyncIO())
        try importer.importTransactions(transactions)
        let target = inc(1000)
        try other.commit { v in [updated(target, base: v.record(target)?.version ?? 0, "state", .text("Closed"))] }
        #expect(other.view.record(target)?.version == (model.versions[target] ?? 0) + 1)
        try sameState(other, try EventStore.open(at: dir.sub("s"), readOnly: true), "the other writer after its commit")
    }

    @Test func aRefusedTransactionStopsTheImportAndKeepsTheOnesBefore() throws {
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"), io: NoSyncIO())
        let transactions = [[created(inc(1)), created(inc(2))], [created(inc(3))], [created(inc(2))], [created(inc(4))]]
        let refused = #expect(throws: StaleEdit.self) { try store.importTransactions(transactions) }
        #expect(refused?.record == inc(2))
        for view in [store.view, try EventStore.open(at: dir.sub("s")).view] {
            #expect(view.lastSequence == 2)
            #expect(view.recordIDs(of: .incident) == [inc(1), inc(2), inc(3)])
            #expect(view.record(inc(2))?.fields["title"] == .text("printer on fire"))
        }
        // An empty transaction is refused the same way, and the store still takes commits.
        #expect(throws: StoreError.emptyTransaction) { try store.importTransactions([[created(inc(5))], []]) }
        #expect(store.view.record(inc(5)) != nil)
        try store.commit { _ in [updated(inc(5), base: 1, .text("Closed"))] }
        #expect(try EventStore.open(at: dir.sub("s")).view.record(inc(5))?.version == 2)
    }

    @Test func aTransactionCreatingTheSameRecordTwiceIsRefused() throws {
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"), io: NoSyncIO())
        #expect(throws: StaleEdit.self) { try store.importTransactions([[created(inc(1)), created(inc(1))]]) }
        #expect(store.view.recordCount == 0)
        try store.importTransactions([[created(inc(1))]])
        #expect(store.view.recordCount == 1)
    }

    /// Fails the `n`th write (1-based) short, after 40 bytes, and the attempt to finish it with
    /// ENOSPC, as a filling disk does; every other write goes through. Counts calls, so it hits
    /// the same frame whichever thread writes it.
    final class FailNthWrite: ForwardingFileIO, @unchecked Sendable {
        let real = SystemFileIO()
        let n: Int
        private let lock = NSLock()
        private var calls = 0
        init(_ n: Int) { self.n = n }
        func pwrite(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileIOError) -> Int {
            // Only the log's writes count (the import also writes its snapshot as it goes).
            guard isLogSegment(fd) else { return try real.pwrite(fd, bytes, at: offset) }
            let call = lock.withLock { calls += 1; return calls }
            if call == n { return try real.pwrite(fd, UnsafeRawBufferPointer(rebasing: bytes[0..<min(40, bytes.count)]), at: offset) }
            if call == n + 1 { throw FileIOError(errno: ENOSPC) }
            return try real.pwrite(fd, bytes, at: offset)
        }
    }

    /// Fails the first write to a snapshot's temporary file: the one an import writes as it goes.
    final class FailFirstSnapshotWrite: ForwardingFileIO, @unchecked Sendable {
        let real = SystemFileIO()
        private let lock = NSLock()
        private var failed = false
        func pwrite(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileIOError) -> Int {
            if fileName(fd).contains(".snapshot.tmp"), lock.withLock({ defer { failed = true }; return !failed }) {
                throw FileIOError(errno: EIO)
            }
            return try real.pwrite(fd, bytes, at: offset)
        }
    }

    @Test func aSnapshotDraftThatCannotBeWrittenIsDroppedAndTheSnapshotWrittenWhole() throws {
        let dir = TempDir()
        _ = try EventStore.create(at: dir.sub("s"), io: NoSyncIO())
        let reference = try EventStore.create(at: dir.sub("r"), io: NoSyncIO())
        let store = try EventStore.open(at: dir.sub("s"), io: FailFirstSnapshotWrite())
        let transactions = (0..<5).map { t in (1...20).map { created(inc(t * 20 + $0), title: "t\(t)-\($0)") } }
        try store.importTransactions(transactions)
        for t in transactions { try reference.commit { _ in t } }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.sub("s")).filter { $0.hasPrefix(".") }.isEmpty)
        let reopened = try EventStore.open(at: dir.sub("s"), io: NoSyncIO())
        #expect(reopened.view.snapshot?.lastSequence == 5)
        try sameState(reopened, reference, "reopened")
    }

    @Test(arguments: [1, 2, 4, 6])
    func aFailedWriteKeepsTheTransactionsBeforeItAndTheViewTrue(failing: Int) throws {
        let dir = TempDir()
        _ = try EventStore.create(at: dir.sub("s"), preallocation: 0)
        let store = try EventStore.open(at: dir.sub("s"), io: FailNthWrite(failing), preallocation: 0)
        let transactions = (0..<6).map { t in (1...3).map { created(inc(t * 3 + $0)) } }
        #expect(throws: StoreError.writeFailed(file: seg1, errno: ENOSPC)) { try store.importTransactions(transactions) }
        let written = failing - 1
        let kept = (0..<(written * 3)).map { inc($0 + 1) }
        for view in [store.view, try EventStore.open(at: dir.sub("s"), readOnly: true).view] {
            #expect(view.lastSequence == UInt64(written))
            #expect(view.recordIDs(of: .incident) == kept)
            if written > 0 { #expect(view.record(inc(1))?.fields["title"] == .text("printer on fire")) }
        }
        // Nothing of the failed frame stays behind, and writing goes on.
        #expect(try store.verify().isIntact)
        try store.commit { _ in [created(inc(100))] }
        let reopened = try EventStore.open(at: dir.sub("s"))
        #expect(reopened.openNotices.allSatisfy { if case .snapshotMissing = $0 { true } else { false } })
        #expect(reopened.view.recordIDs(of: .incident) == kept + [inc(100)])
    }

    @Test func importingIntoAStoreWithNoRoomLeftStillTakesCommitsAfter() throws {
        let dir = TempDir()
        let io = FaultInjectingFileIO()
        let store = try EventStore.create(at: dir.sub("s"), io: io)
        let transactions = (0..<6).map { t in (1...3).map { created(inc(t * 3 + $0)) } }
        io.arm(.writeError(ENOSPC))
        #expect(throws: StoreError.writeFailed(file: seg1, errno: ENOSPC)) { try store.importTransactions(transactions) }
        #expect(store.view.recordCount == 0)
        try store.importTransactions(transactions)
        #expect(store.view.recordCount == 18)
        #expect(try EventStore.open(at: dir.sub("s")).view.recordCount == 18)
    }

    @Test func damageToAnImportedRecordsEventIsReportedClearlyNotGuessed() throws {
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"), io: NoSyncIO())
        try store.importTransactions([[created(inc(1)), created(inc(2), title: "second")], [created(inc(3))], [created(inc(4))]])
        // Change one byte of INC-2's title in the log (the snapshot points at it).
        var log = fileBytes(dir.sub("s/") + seg1)
        let at = try #require(log.indices.first { log[$0...].starts(with: Array("second".utf8)) })
        log[at] ^= 0x20
        writeBytes(log, to: dir.sub("s/") + seg1)
        let reopened = try EventStore.open(at: dir.sub("s"))
        #expect(reopened.view.contains(inc(2)))
        #expect(reopened.view.record(inc(2)) == nil)
        let error = #expect(throws: StoreError.self) { try reopened.view.checkedRecord(inc(2)) }
        guard case let .damagedLog(segment, _, reason)? = error else { Issue.record("not a damaged log: \(String(describing: error))"); return }
        #expect(segment == seg1)
        #expect(reason.contains("INC-2") && reason.contains("checksum"))
        #expect(throws: StoreError.self) { try reopened.history(of: inc(2)) }
        // The records around it are unharmed, and verify names the damaged transaction.
        #expect(try reopened.view.checkedRecord(inc(1))?.fields["title"] == .text("printer on fire"))
        // INC-1 shares the damaged frame, but its own event is intact and checked: its history reads.
        #expect(try reopened.history(of: inc(1)) == [created(inc(1))])
        #expect(try reopened.view.checkedRecord(inc(4)) != nil)
        #expect(try reopened.verify().problems.contains { if case .damaged(seg1, _, _) = $0 { true } else { false } })
    }

    /// A small import: its log (frames only), snapshot and the model after each transaction.
    struct SmallImport {
        var models: [Model] = [Model()]
        var ends: [Int] = []
        var log: [UInt8] = []
        var snapshot: [UInt8] = []
        let recorded: RecordedStore

        init(at dir: TempDir) throws {
            // RecordedStore gives the helpers to lay out copies; its own log is not used.
            recorded = try RecordedStore(at: dir.sub("unused"), transactions: 1, seed: 1)
            let store = try EventStore.create(at: dir.sub("src"), io: NoSyncIO())
            let transactions = [[created(inc(1)), created(inc(2))], [created(inc(3))],
                                [updated(inc(1), base: 1, .text("Closed")), created(inc(4))], [created(inc(5))]]
            for t in transactions { var m = models.last!; m.apply(t); models.append(m) }
            try store.importTransactions(transactions)
            log = Array(fileBytes(dir.sub("src/") + seg1)[0..<Int(store.logEnd)])
            snapshot = fileBytes(dir.sub("src/snapshot"))
            // Where each frame ends, read back from the log.
            var o = StoreFormat.segmentHeaderSize
            ends = [o]
            while o < log.count {
                o += log.withUnsafeBytes { Int($0.u32(at: o)) } + StoreFormat.frameOverhead
                ends.append(o)
            }
        }

        func wholeTransactions(in length: Int) -> Int { ends.lastIndex(where: { $0 <= length }) ?? 0 }
    }

    @Test func everyTruncationOfAnImportedLogOpensToTheLastWholeTransaction() throws {
        let dir = TempDir()
        let small = try SmallImport(at: dir)
        #expect(small.ends.count == 5)
        let work = dir.sub("w")
        for cut in StoreFormat.segmentHeaderSize...small.log.count {
            small.recorded.makeCopy(at: work, log: Array(small.log[0..<cut]), snapshot: small.snapshot)
            let store = try EventStore.open(at: work, io: NoSyncIO())
            let n = small.wholeTransactions(in: cut)
            #expect(small.models[n].matches(store.view), "cut at \(cut)")
            // The snapshot is used exactly when the log still holds all it covers.
            #expect((store.view.snapshot != nil) == (n == 4), "cut at \(cut)")
        }
    }

    @Test func everyBitFlippedInAnImportsSnapshotFallsBackToReplayWithANotice() throws {
        let dir = TempDir()
        let small = try SmallImport(at: dir)
        let failures = FailureBox()
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            let work = dir.sub("flip\(worker)")
            for bit in stride(from: worker, to: small.snapshot.count * 8, by: 2) {
                var bytes = small.snapshot
                bytes[bit / 8] ^= UInt8(1 << (bit % 8))
                small.recorded.makeCopy(at: work, log: small.log, snapshot: bytes)
                do {
                    let s = try EventStore.open(at: work, io: NoSyncIO())
                    let noticed = s.openNotices.contains { if case .snapshotUnusable = $0 { true } else { false } }
                    if !small.models[4].matches(s.view) || !noticed { failures.add("bit \(bit): state or notice wrong") }
                } catch {
                    failures.add("bit \(bit): \(error)")
                }
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all.prefix(5))")
    }

    @Test func bitFlipsInLogReferencesWithARecomputedChecksumAreCaughtNeverTrusted() throws {
        // Past the file checksum, each reference's own checksum and record check still hold.
        let dir = TempDir()
        let small = try SmallImport(at: dir)
        let work = dir.sub("w")
        var wrongButTrusted: [String] = []
        var opened = 0, references = 0
        for bit in 0..<(small.snapshot.count * 8) where !(128 * 8..<132 * 8).contains(bit) {
            var bytes = small.snapshot
            bytes[bit / 8] ^= UInt8(1 << (bit % 8))
            resealSnapshot(&bytes)
            small.recorded.makeCopy(at: work, log: small.log, snapshot: bytes)
            guard let s = try? EventStore.open(at: work, io: NoSyncIO()) else { continue }
            opened += 1
            for id in s.view.recordIDs(of: .incident) {
                _ = try? s.history(of: id)
                // The records the import created are read from the log through references: a
                // bent reference is refused, never read as another event.
                guard let snap = s.view.snapshot, let i = snap.index(of: id), snap.bodyForm(at: i) == SnapshotFormat.bodyLogReference,
                      let r = try? s.view.checkedRecord(id) else { continue }
                references += 1
                if r.lastEvent != small.models[4].last[id] { wrongButTrusted.append("bit \(bit): \(id)") }
            }
        }
        #expect(opened > 0 && references > 0)
        #expect(wrongButTrusted.isEmpty, "\(wrongButTrusted.prefix(5))")
    }

    @Test func aSnapshotOfTheFirstFormatIsStillRead() throws {
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"), io: NoSyncIO())
        for n in 1...5 { try store.commit { _ in [created(inc(n))] } }
        try store.compact()
        // Without log references a snapshot is laid out as version 1 was: say so, re-checksum.
        var bytes = fileBytes(dir.sub("s/snapshot"))
        #expect(bytes.withUnsafeBytes { $0.u16(at: 8) } == SnapshotFormat.version)
        bytes[8] = 1; bytes[9] = 0
        resealSnapshot(&bytes)
        writeBytes(bytes, to: dir.sub("s/snapshot"))
        let reopened = try EventStore.open(at: dir.sub("s"))
        #expect(reopened.openNotices.isEmpty)
        #expect(reopened.view.snapshot != nil)
        #expect(reopened.view.records(of: .incident).count == 5)
    }

    @Test func anUnknownBodyFormIsRefusedAndTheLogReplayed() throws {
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"), io: NoSyncIO())
        try store.importTransactions([[created(inc(1)), created(inc(2))]])
        var bytes = fileBytes(dir.sub("s/snapshot"))
        #expect(bytes.withUnsafeBytes { $0.u32(at: SnapshotFormat.headerSize + 44) } == SnapshotFormat.bodyLogReference)
        bytes[SnapshotFormat.headerSize + 44] = 9       // a body form from a newer OpsDesk
        resealSnapshot(&bytes)
        writeBytes(bytes, to: dir.sub("s/snapshot"))
        let reopened = try EventStore.open(at: dir.sub("s"))
        #expect(reopened.openNotices.contains(.snapshotUnusable(reason: "index entry 0 has an unknown body form", replayedTransactions: 1)))
        #expect(reopened.view.record(inc(2))?.fields["title"] == .text("printer on fire"))
    }
}

@Suite struct RecordSlotsTests {
    @Test func holdsWhatADictionaryHoldsForEveryKindOfKey() {
        var rng = SeededRandom(seed: 5)
        var slots = RecordSlots()
        var model: [RecordID: Int] = [:]
        let keys: [RecordID] = (1...300).map { inc($0) } + (1...50).map { RecordID(.problem, $0 * 1000) }
            + [RecordID(.incident, 1 << 30), RecordID(kind: .incident, key: "007"), RecordID(kind: .incident, key: "+5"),
               RecordID(kind: .incident, key: "0"), RecordID(kind: .configurationItem, key: "db-1"), RecordID(kind: .configurationItem, key: "7"),
               RecordID(.incident, 5_000_000)]
        for step in 0..<20_000 {
            let id = keys.randomElement(using: &rng)!
            let value: Int? = Int.random(in: 0...3, using: &rng) == 0 ? nil : Int.random(in: -1...100_000, using: &rng)
            slots[id] = value
            model[id] = value
            let probe = keys.randomElement(using: &rng)!
            #expect(slots[probe] == model[probe], "step \(step): \(probe)")
        }
        for id in keys { #expect(slots[id] == model[id], "\(id)") }
        #expect(Dictionary(uniqueKeysWithValues: slots.all.map { ($0.id, $0.value) }) == model)
    }

    @Test func insertGivesAValueOnlyToAKeyWithoutOne() {
        var slots = RecordSlots()
        for id in [inc(3), RecordID(kind: .incident, key: "03"), RecordID(kind: .configurationItem, key: "db-1"), RecordID(.incident, 1 << 40)] {
            let first = slots.insert(id, 7), second = slots.insert(id, 8)
            #expect(first && !second)
            #expect(slots[id] == 7)
        }
        slots.removeValues(atLeast: 7)
        #expect(slots.all.isEmpty)
    }

    @Test func aCanonicalNumberIsWhatParsingTheKeyAsAnIntSays() {
        // The reading `canonicalNumber` replaced: a numbered kind, a first digit 1–9, `Int(key)`.
        func reference(_ id: RecordID) -> Int? {
            guard id.kind.isNumbered, let first = id.key.utf8.first, (0x31...0x39).contains(first), let n = Int(id.key) else { return nil }
            return n
        }
        let keys = ["1", "0", "01", "42", "1000000", "9223372036854775807", "9223372036854775808", "99999999999999999999",
                    "+5", "-5", " 5", "5 ", "5a", "", "١٢", "5\u{0}", "12.0", "1_000"]
        for key in keys {
            for kind in [RecordKind.incident, .configurationItem] {
                let id = RecordID(kind: kind, key: key)
                #expect(SnapshotFormat.canonicalNumber(id) == reference(id), "\(kind):\(key)")
            }
        }
    }
}

/// The file an open descriptor refers to (through /proc), for fault injection by file.
func fileName(_ fd: Int32) -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")) ?? ""
}

func isLogSegment(_ fd: Int32) -> Bool { fileName(fd).hasSuffix(".seg") }
