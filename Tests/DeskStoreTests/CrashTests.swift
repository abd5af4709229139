import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import ITSM
@testable import DeskStore

/// A file-I/O seam with free syncs: for tests that open thousands of damaged copies, where the
/// logic is under test, not the disk. (Fault tests use the real syncs.)
struct NoSyncIO: ForwardingFileIO {
    let real = SystemFileIO()
    func dataSync(_ fd: Int32) throws(FileIOError) {}
    func fullSync(_ fd: Int32) throws(FileIOError) {}
}

/// A store of `count` random transactions, with the model state after each prefix and the
/// log size after each frame.
struct RecordedStore {
    let path: String
    var models: [Model] = [Model()]
    var ends: [Int] = [StoreFormat.segmentHeaderSize]
    var log: [UInt8] = []

    init(at path: String, transactions count: Int, seed: UInt64, records: Int = 30, tiny: Bool = false) throws {
        self.path = path
        let store = try EventStore.create(at: path, io: NoSyncIO())
        var rng = SeededRandom(seed: seed)
        for step in 1...count {
            var model = models.last!
            try store.commit { v in
                let events = tiny ? tinyTransaction(v, &rng, step: step) : randomTransaction(v, &rng, records: records, step: step)
                model.apply(events)
                return events
            }
            models.append(model)
            ends.append(Int(store.logEnd))
        }
        // The frames only: the file goes on with pre-allocated zeros.
        log = Array(fileBytes(path + "/" + seg1)[0..<ends.last!])
    }

    /// How many whole transactions the first `length` bytes hold.
    func wholeTransactions(in length: Int) -> Int { ends.lastIndex(where: { $0 <= length }) ?? 0 }

    /// A store directory at `dir` whose log is `bytes` and whose snapshot is `snapshot` (none
    /// if nil). Reuses the directory: only the files that matter are rewritten.
    func makeCopy(at dir: String, log bytes: [UInt8], snapshot: [UInt8]? = nil) {
        let fm = FileManager.default
        if !fm.fileExists(atPath: dir + "/lock") {
            try! fm.createDirectory(atPath: dir + "/quarantine", withIntermediateDirectories: true)
            _ = fm.createFile(atPath: dir + "/lock", contents: nil)
        }
        for name in (try? fm.contentsOfDirectory(atPath: dir + "/quarantine")) ?? [] { try? fm.removeItem(atPath: dir + "/quarantine/" + name) }
        for name in (try? fm.contentsOfDirectory(atPath: dir)) ?? [] where name.hasPrefix("log-") || name.hasPrefix("snapshot") {
            try? fm.removeItem(atPath: dir + "/" + name)
        }
        writeBytes(bytes, to: dir + "/" + seg1)
        if let snapshot { writeBytes(snapshot, to: dir + "/snapshot") }
    }
}

@Suite struct CrashTests {
    @Test func everyTruncationOpensToTheLastWholeTransactionThenCommitsAndReopens() throws {
        let dir = TempDir()
        let recorded = try RecordedStore(at: dir.sub("src"), transactions: 200, seed: 7, tiny: true)
        let log = recorded.log
        // The store has a snapshot at transaction 100, as a real one would: cuts after its frame
        // open from it and replay the rest; cuts before it must find it ahead of the log, refuse
        // it and replay from the start. (It also halves the replaying, keeping the test fast.)
        let snapshotAt = 100
        let source = try EventStore.open(at: dir.sub("src"), io: NoSyncIO())
        let half = dir.sub("half")
        recorded.makeCopy(at: half, log: Array(log[0..<recorded.ends[snapshotAt]]))
        try EventStore.open(at: half, io: NoSyncIO()).compact()
        let snapshot = fileBytes(half + "/snapshot")
        #expect(source.view.lastSequence == 200)
        #expect(recorded.ends.count == 201)
        // Work on two copies at once: the cuts are independent.
        let failures = FailureBox()
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            let work = dir.sub("cut\(worker)")
            var cut = worker
            while cut <= log.count {
                defer { cut += 2 }
                recorded.makeCopy(at: work, log: Array(log[0..<cut]), snapshot: snapshot)
                guard cut >= StoreFormat.segmentHeaderSize else {
                    // A segment header is written whole (temp + rename); a shorter file is refused.
                    if (try? EventStore.open(at: work, io: NoSyncIO())) != nil { failures.add("cut \(cut): opened a headerless log") }
                    continue
                }
                let k = recorded.wholeTransactions(in: cut)
                do {
                    let store = try EventStore.open(at: work, io: NoSyncIO())
                    guard store.view.lastSequence == UInt64(k), recorded.models[k].matches(store.view) else {
                        failures.add("cut \(cut): expected \(k) transactions, got \(store.view.lastSequence)"); continue
                    }
                    let cutOff = fileBytes(work + "/" + seg1).count
                    if cutOff != recorded.ends[k] { failures.add("cut \(cut): log not cut back to \(recorded.ends[k])"); continue }
                    if (cut > recorded.ends[k]) != store.openNotices.contains(where: { if case .tornTailCut = $0 { true } else { false } }) {
                        failures.add("cut \(cut): torn-tail notice wrong: \(store.openNotices)"); continue
                    }
                    let snapshotRefused = store.openNotices.contains(where: { if case .snapshotUnusable = $0 { true } else { false } })
                    if snapshotRefused != (k < snapshotAt) {
                        failures.add("cut \(cut): snapshot at \(snapshotAt) \(snapshotRefused ? "refused" : "used") with \(k) transactions"); continue
                    }
                    var model = recorded.models[k]
                    let extra = [created(inc(1000 + cut))]
                    try store.commit { _ in extra }
                    model.apply(extra)
                    let reopened = try EventStore.open(at: work, io: NoSyncIO())
                    if reopened.view.lastSequence != UInt64(k + 1) || !model.matches(reopened.view)
                        || reopened.openNotices.contains(where: { if case .tornTailCut = $0 { true } else { false } }) {
                        failures.add("cut \(cut): reopening after a new commit gave \(reopened.view.lastSequence)")
                    }
                } catch {
                    failures.add("cut \(cut): \(error)")
                }
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all.prefix(5))")
    }

    // Zeros alone after the last frame are pre-allocated free space (see `freeSpace…` tests);
    // zeros with anything non-zero after them are still a torn tail.
    @Test(arguments: ["zeros then one non-zero byte", "random", "frame of another store", "stale copy of an earlier frame"])
    func garbageAfterTheLastFrameIsSetAsideAndCutOff(kind: String) throws {
        let dir = TempDir()
        let recorded = try RecordedStore(at: dir.sub("src"), transactions: 12, seed: 3)
        var rng = SeededRandom(seed: 11)
        let garbage: [UInt8]
        switch kind {
        case "zeros then one non-zero byte": garbage = [UInt8](repeating: 0, count: 8192) + [1]
        case "random": garbage = (0..<3000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        case "frame of another store":
            // A whole, valid frame with the right next sequence number — but another log's salt.
            let other = try RecordedStore(at: dir.sub("other"), transactions: 13, seed: 3)
            garbage = Array(other.log[other.ends[12]..<other.ends[13]])
        default:
            garbage = Array(recorded.log[recorded.ends[4]..<recorded.ends[5]])
        }
        recorded.makeCopy(at: dir.sub("s"), log: recorded.log + garbage)
        let store = try EventStore.open(at: dir.sub("s"))
        #expect(store.view.lastSequence == 12)
        #expect(recorded.models[12].matches(store.view))
        #expect(fileBytes(dir.sub("s") + "/" + seg1) == recorded.log)
        let quarantined = try FileManager.default.contentsOfDirectory(atPath: dir.sub("s/quarantine"))
        #expect(quarantined.count == 1)
        #expect(fileBytes(dir.sub("s/quarantine/") + quarantined[0]) == garbage)
        try store.commit { _ in [created(inc(500))] }
        #expect(try EventStore.open(at: dir.sub("s")).view.lastSequence == 13)
    }

    @Test func aReaderNeverCutsATornTail() throws {
        let dir = TempDir()
        let recorded = try RecordedStore(at: dir.sub("src"), transactions: 5, seed: 5)
        let torn = recorded.log + Array(recorded.log[recorded.ends[1]..<(recorded.ends[2] - 3)])
        recorded.makeCopy(at: dir.sub("s"), log: torn)
        let reader = try EventStore.open(at: dir.sub("s"), readOnly: true)
        #expect(reader.view.lastSequence == 5)
        #expect(fileBytes(dir.sub("s") + "/" + seg1) == torn)
    }

    @Test func everyBitFlippedInASmallLogGivesTheExactStateOrAClearRefusal() throws {
        let dir = TempDir()
        let recorded = try RecordedStore(at: dir.sub("src"), transactions: 5, seed: 9)
        let log = recorded.log
        let n = recorded.ends.count - 1
        let failures = FailureBox()
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            let work = dir.sub("flip\(worker)")
            for bit in stride(from: worker, to: log.count * 8, by: 2) {
                var bytes = log
                bytes[bit / 8] ^= UInt8(1 << (bit % 8))
                recorded.makeCopy(at: work, log: bytes)
                let byte = bit / 8
                let frame = (recorded.ends.lastIndex(where: { $0 <= byte }) ?? -1) + 1   // 1-based frame holding the byte
                do {
                    let store = try EventStore.open(at: work, io: NoSyncIO())
                    if byte < 44 {
                        failures.add("bit \(bit): header damage opened")
                    } else if byte < StoreFormat.segmentHeaderSize {
                        if !recorded.models[n].matches(store.view) { failures.add("bit \(bit): reserved header byte changed the state") }
                    } else if frame == n {
                        // The last frame damaged is indistinguishable from a torn write: cut.
                        if store.view.lastSequence != UInt64(n - 1) || !recorded.models[n - 1].matches(store.view) {
                            failures.add("bit \(bit): last frame damage gave \(store.view.lastSequence)")
                        }
                    } else {
                        failures.add("bit \(bit): damage in frame \(frame) of \(n) was not refused")
                    }
                } catch let error as StoreError {
                    if byte >= StoreFormat.segmentHeaderSize {
                        guard case let .damagedLog(segment, offset, _) = error, segment == seg1, offset == recorded.ends[frame - 1],
                              error.description.contains("opsdesk store repair") else {
                            failures.add("bit \(bit): unexpected refusal \(error)"); continue
                        }
                        // Read-only still shows everything before the damage.
                        guard let ro = try? EventStore.open(at: work, readOnly: true),
                              ro.view.lastSequence == UInt64(frame - 1), recorded.models[frame - 1].matches(ro.view),
                              ro.openNotices.contains(where: { if case .damagedReadOnly = $0 { true } else { false } }) else {
                            failures.add("bit \(bit): read-only open of damaged log wrong"); continue
                        }
                    }
                } catch {
                    failures.add("bit \(bit): \(error)")
                }
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all.prefix(5))")
    }

    @Test func everyBitFlippedInASnapshotFallsBackToReplayWithANotice() throws {
        let dir = TempDir()
        let recorded = try RecordedStore(at: dir.sub("src"), transactions: 8, seed: 21, records: 6)
        let store = try EventStore.open(at: dir.sub("src"), io: NoSyncIO())
        try store.compact()
        let snapshot = fileBytes(dir.sub("src/snapshot"))
        #expect(snapshot.count > SnapshotFormat.headerSize)
        let n = recorded.ends.count - 1
        let failures = FailureBox()
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            let work = dir.sub("flip\(worker)")
            for bit in stride(from: worker, to: snapshot.count * 8, by: 2) {
                var bytes = snapshot
                bytes[bit / 8] ^= UInt8(1 << (bit % 8))
                recorded.makeCopy(at: work, log: recorded.log)
                writeBytes(bytes, to: work + "/snapshot")
                do {
                    let s = try EventStore.open(at: work, io: NoSyncIO())
                    let noticed = s.openNotices.contains(where: { if case .snapshotUnusable = $0 { true } else { false } })
                    if !recorded.models[n].matches(s.view) || !noticed { failures.add("bit \(bit): state or notice wrong") }
                } catch {
                    failures.add("bit \(bit): \(error)")
                }
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all.prefix(5))")
    }

    @Test func bitFlipsWithARecomputedChecksumNeverCrashOrOverreach() throws {
        // Past the checksum, the layout checks must keep every read in bounds.
        let dir = TempDir()
        let recorded = try RecordedStore(at: dir.sub("src"), transactions: 6, seed: 33, records: 4)
        try EventStore.open(at: dir.sub("src"), io: NoSyncIO()).compact()
        let snapshot = fileBytes(dir.sub("src/snapshot"))
        let work = dir.sub("w")
        var opened = 0
        for bit in 0..<(snapshot.count * 8) where !(128 * 8..<132 * 8).contains(bit) {
            var bytes = snapshot
            bytes[bit / 8] ^= UInt8(1 << (bit % 8))
            resealSnapshot(&bytes)
            recorded.makeCopy(at: work, log: recorded.log)
            writeBytes(bytes, to: work + "/snapshot")
            if let s = try? EventStore.open(at: work, io: NoSyncIO()) {
                opened += 1
                for kind in s.view.counts.keys { _ = s.view.records(of: kind) }
                _ = s.view.record(inc(1))
            }
        }
        #expect(opened > 0)
    }
}

final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.withLock { items.append(s) } }
    var all: [String] { lock.withLock { items } }
}

@Suite struct LargeFileTests {
    @Test func aLogLargerThanOneReadWindowReplaysWholeAcrossWindowEdges() throws {
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"), io: NoSyncIO())
        let big = String(repeating: "x", count: 700_000 + 12_345)
        var count = 0
        while fileBytes(dir.sub("s/") + seg1).count < EventStore.window + 3_000_000 {
            count += 1
            let n = count
            try store.commit { _ in [Event(record: inc(n), action: EventAction("c"), actor: "a", at: t0, baseVersion: 0,
                                           changes: [FieldChange("blob", to: .text(big))])] }
        }
        let reopened = try EventStore.open(at: dir.sub("s"), io: NoSyncIO())
        #expect(reopened.view.lastSequence == UInt64(count))
        #expect(reopened.view.record(inc(count))?["blob"] == .text(big))
        #expect(reopened.openNotices == [.snapshotMissing(replayedTransactions: UInt64(count))])
    }

    @Test func aHugeGarbageTailIsSetAsideWhole() throws {
        let dir = TempDir()
        let recorded = try RecordedStore(at: dir.sub("src"), transactions: 3, seed: 1)
        // Zeros (as free space looks) with one byte set far past the first read window.
        let garbage = [UInt8](repeating: 0, count: 2 * EventStore.window + 777) + [0x5a]
        recorded.makeCopy(at: dir.sub("s"), log: recorded.log + garbage)
        let store = try EventStore.open(at: dir.sub("s"), io: NoSyncIO())
        #expect(store.view.lastSequence == 3)
        guard case let .tornTailCut(_, offset, bytes, file)? = store.openNotices.last else {
            Issue.record("no tail notice: \(store.openNotices)"); return
        }
        #expect(offset == recorded.log.count)
        #expect(bytes == garbage.count)
        #expect(fileBytes(dir.sub("s/") + file).count == garbage.count)
    }
}
