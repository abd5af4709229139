import Foundation
#if canImport(Glibc)
import Glibc
#endif
import CDeskStore
import Testing
import ITSM
@testable import DeskStore

/// A file-I/O seam whose next fdatasync can be held — a leader kept inside its sync, holding the
/// sync lock, while other handles append — and then made to fail. Counts fdatasyncs.
final class HeldSyncIO: ForwardingFileIO, @unchecked Sendable {
    let real = SystemFileIO()
    private let condition = NSCondition()
    private var holdNext = false
    private var failHeld: Int32? = nil
    private var holding = false
    private var released = false
    private var syncCount = 0

    var syncs: Int { condition.withLock { syncCount } }

    /// The next fdatasync waits for `release()`, then fails with `errno` (if given) or syncs.
    func holdNextSync(thenFail errno: Int32? = nil) {
        condition.withLock { holdNext = true; failHeld = errno; released = false }
    }

    /// Waits until a sync is being held; false after `seconds`.
    func waitUntilHolding(seconds: Double = 20) -> Bool {
        condition.withLock {
            let deadline = Date().addingTimeInterval(seconds)
            while !holding { if !condition.wait(until: deadline) { return holding } }
            return true
        }
    }

    func release() { condition.withLock { released = true; condition.broadcast() } }

    func dataSync(_ fd: Int32) throws(FileIOError) {
        condition.lock()
        syncCount += 1
        var fail: Int32? = nil
        if holdNext {
            holdNext = false
            holding = true
            condition.broadcast()
            while !released { condition.wait() }
            holding = false
            fail = failHeld
        }
        condition.unlock()
        if let fail { throw FileIOError(errno: fail) }
        try real.dataSync(fd)
    }

}

/// The markers in a store's sync file, as another process would read them.
func syncMarkers(_ store: String) -> (appended: SyncMarker?, durable: SyncMarker?) {
    let bytes = fileBytes(store + "/" + SyncGate.fileName)
    guard bytes.count >= SyncGate.fileSize else { return (nil, nil) }
    return bytes.withUnsafeBytes { b in
        (SyncMarker.decode(UnsafeRawBufferPointer(rebasing: b[SyncGate.appendedOffset...])),
         SyncMarker.decode(UnsafeRawBufferPointer(rebasing: b[SyncGate.durableOffset...])))
    }
}

/// Writes bytes into the sync file in place (as a stale or hostile writer would).
func overwriteSyncFile(_ store: String, _ bytes: [UInt8], at offset: Int) {
    let fd = open(store + "/" + SyncGate.fileName, O_RDWR)
    precondition(fd >= 0)
    defer { close(fd) }
    precondition(bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) } == bytes.count)
}

/// Runs `body` on its own thread; `wait()` joins it and rethrows.
final class Background: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var failure: (any Error)?
    init(_ body: @escaping @Sendable () throws -> Void) {
        Thread.detachNewThread { [self] in
            do { try body() } catch { failure = error }
            done.signal()
        }
    }
    func wait() throws {
        guard done.wait(timeout: .now() + 60) == .success else { throw SpawnError.timeout("background commit") }
        if let failure { throw failure }
    }
}

/// Polls `condition` until true or `seconds` pass.
func eventually(seconds: Double = 20, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(1000)
    }
    return condition()
}

@Suite struct GroupCommitTests {
    /// B leads and is held inside its sync (holding the sync lock) while A and C append behind
    /// it. Released, B's sync covers only what was written before it began; of A and C one leads
    /// and its single sync covers the other.
    @Test func oneSyncCoversTheFramesQueuedBehindALeader() throws {
        let dir = TempDir()
        let path = dir.sub("s")
        _ = try EventStore.create(at: path)
        let ioA = HeldSyncIO(), ioB = HeldSyncIO(), ioC = HeldSyncIO()
        let a = try EventStore.open(at: path, io: ioA)
        let b = try EventStore.open(at: path, io: ioB)
        let c = try EventStore.open(at: path, io: ioC)
        ioB.holdNextSync()
        let leader = Background { try b.commit { _ in [created(inc(1))] } }
        #expect(ioB.waitUntilHolding())
        let first = Background { try a.commit { _ in [created(inc(2))] } }
        let second = Background { try c.commit { _ in [created(inc(3))] } }
        #expect(eventually { syncMarkers(path).appended?.sequence == 3 }, "A and C did not append while B was syncing")
        // B's sync has not finished: nothing of A's or C's may be claimed durable yet.
        #expect(syncMarkers(path).durable.map { $0.sequence < 2 } ?? true)
        ioB.release()
        try leader.wait(); try first.wait(); try second.wait()
        #expect(ioB.syncs == 1)
        #expect(ioA.syncs + ioC.syncs == 1, "A synced \(ioA.syncs)×, C \(ioC.syncs)×: the queue behind a leader should share one sync")
        #expect(syncMarkers(path).durable?.sequence == 3)
        let reopened = try EventStore.open(at: path, readOnly: true)
        #expect((1...3).allSatisfy { reopened.view.record(inc($0)) != nil })
    }

    /// The same, but B's sync fails: B publishes nothing, its commit fails and writing is
    /// disabled for it; A and C, queued behind it, are not acknowledged through it — one of
    /// them syncs, after B's failure.
    @Test func aLeaderWhoseSyncFailsAcknowledgesNobody() throws {
        let dir = TempDir()
        let path = dir.sub("s")
        _ = try EventStore.create(at: path)
        let ioA = HeldSyncIO(), ioB = HeldSyncIO(), ioC = HeldSyncIO()
        let a = try EventStore.open(at: path, io: ioA)
        let b = try EventStore.open(at: path, io: ioB)
        let c = try EventStore.open(at: path, io: ioC)
        try a.commit { _ in [created(inc(9))] }
        let durableBefore = syncMarkers(path).durable
        #expect(durableBefore?.sequence == 1)
        ioB.holdNextSync(thenFail: EIO)
        let leader = Background { try b.commit { _ in [created(inc(1))] } }
        #expect(ioB.waitUntilHolding())
        let syncsBefore = ioA.syncs + ioC.syncs
        let first = Background { try a.commit { _ in [created(inc(2))] } }
        let second = Background { try c.commit { _ in [created(inc(3))] } }
        #expect(eventually { syncMarkers(path).appended?.sequence == 4 })
        ioB.release()
        #expect(throws: StoreError.syncFailed(file: seg1, errno: EIO)) { try leader.wait() }
        #expect(b.writingDisabledReason != nil)
        try first.wait(); try second.wait()
        #expect(ioA.syncs + ioC.syncs - syncsBefore == 1, "after the leader's failed sync, exactly one of the queue must sync (A \(ioA.syncs), C \(ioC.syncs))")
        #expect(syncMarkers(path).durable?.sequence == 4)
    }

    @Test func aFailedSyncPublishesNothing() throws {
        let dir = TempDir()
        let path = dir.sub("s")
        let io = FaultInjectingFileIO()
        let store = try EventStore.create(at: path, io: io)
        try store.commit { _ in [created(inc(1))] }
        let before = fileBytes(path + "/" + SyncGate.fileName)
        #expect(syncMarkers(path).durable?.sequence == 1)
        io.arm(.syncError(EIO))
        #expect(throws: StoreError.self) { try store.commit { _ in [created(inc(2))] } }
        let after = fileBytes(path + "/" + SyncGate.fileName)
        // The appended marker moved to frame 2 (it was written); the durable one did not.
        #expect(syncMarkers(path).appended?.sequence == 2)
        #expect(after[SyncGate.durableOffset..<(SyncGate.durableOffset + SyncMarker.size)]
                == before[SyncGate.durableOffset..<(SyncGate.durableOffset + SyncMarker.size)])
    }

    /// A durable marker never covers a frame written after its sync: handles taking turns each sync.
    @Test func commitsTakingTurnsEachSyncForThemselves() throws {
        let dir = TempDir()
        let path = dir.sub("s")
        _ = try EventStore.create(at: path)
        let ios = [HeldSyncIO(), HeldSyncIO()]
        let stores = try ios.map { try EventStore.open(at: path, io: $0) }
        for n in 1...20 {
            let i = n % 2
            let before = ios[i].syncs
            try stores[i].commit { _ in [created(inc(n))] }
            #expect(ios[i].syncs == before + 1, "commit \(n) was acknowledged without a sync after it")
            #expect(syncMarkers(path).durable?.sequence == UInt64(n))
        }
    }

    /// Markers a writer must not trust: each would make the next commit skip its sync if it
    /// were believed. The control case (the real tail) shows the crafted markers are otherwise
    /// well-formed: the commit continues their lineage.
    @Test(arguments: ["the real tail (control)", "another boot", "another segment salt",
                      "a durable marker beyond the log", "garbage"])
    func staleMarkersAreIgnored(kind: String) throws {
        let dir = TempDir()
        let path = dir.sub("s")
        let io = HeldSyncIO()
        let store = try EventStore.create(at: path, io: io)
        for n in 1...3 { try store.commit { _ in [created(inc(n))] } }
        guard let tail = syncMarkers(path).appended, let boot = BootID.current else {
            Issue.record("no appended marker after three commits"); return
        }
        #expect(tail.sequence == 3 && tail.end == UInt64(store.logEnd))
        var appended = tail
        var durable = tail
        switch kind {
        case "another boot":
            appended.boot = BootID(high: ~boot.high, low: boot.low)
            durable = appended
            durable.sequence += 10; durable.end += 100_000
        case "another segment salt":
            appended.salt ^= 0x5a5a
            durable = appended
            durable.sequence += 10; durable.end += 100_000
        case "a durable marker beyond the log":
            durable.sequence += 10; durable.end += 100_000
        default: break
        }
        if kind == "garbage" {
            var rng = SeededRandom(seed: 99)
            overwriteSyncFile(path, (0..<300).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: SyncGate.appendedOffset)
        } else {
            overwriteSyncFile(path, appended.encoded(), at: SyncGate.appendedOffset)
            overwriteSyncFile(path, durable.encoded(), at: SyncGate.durableOffset)
        }
        let other = try EventStore.open(at: path, io: io)
        let before = io.syncs
        try other.commit { _ in [created(inc(4))] }
        #expect(io.syncs == before + 1, "\(kind): the commit was acknowledged without a sync")
        let after = syncMarkers(path)
        #expect(after.appended?.sequence == 4 && after.durable == after.appended)
        if kind.hasSuffix("(control)") {
            #expect(after.appended?.lineage == tail.lineage, "the real tail's lineage should continue")
        } else {
            #expect(after.appended?.lineage != tail.lineage, "\(kind): a stale marker's lineage was continued")
        }
        #expect(try EventStore.open(at: path, readOnly: true).view.lastSequence == 4)
    }

    @Test func aSyncFileThatIsNotOursIsLeftAloneAndCommitsSyncAlone() throws {
        for kind in ["another header", "a directory", "a short file", "a symbolic link"] {
            let dir = TempDir()
            let path = dir.sub("s")
            _ = try EventStore.create(at: path)
            let file = path + "/" + SyncGate.fileName
            switch kind {
            case "another header": writeBytes(Array("NOTASYNC".utf8) + [UInt8](repeating: 7, count: 5000), to: file)
            case "a directory": mkdir(file, 0o700)
            case "a symbolic link":
                writeBytes([UInt8](repeating: 0, count: SyncGate.fileSize), to: dir.sub("elsewhere"))
                symlink(dir.sub("elsewhere"), file)
            default: writeBytes([UInt8](repeating: 0, count: 10), to: file)
            }
            let before = kind == "a directory" ? [] : fileBytes(file)
            let io = HeldSyncIO()
            let store = try EventStore.open(at: path, io: io)
            for n in 1...3 { try store.commit { _ in [created(inc(n))] } }
            #expect(io.syncs == 3, "\(kind)")
            #expect(try EventStore.open(at: path, readOnly: true).view.lastSequence == 3)
            switch kind {
            case "another header", "a symbolic link": #expect(fileBytes(file) == before, "\(kind): the file was changed")
            case "a short file":
                // Zeros are an unwritten sync file: grown to size and used.
                #expect(fileBytes(file).count == SyncGate.fileSize)
                #expect(syncMarkers(path).durable?.sequence == 3)
            default: break
            }
        }
    }

    /// A leader's turn ends with a wake-up system call only when a sleeper is counted; a counted
    /// sleeper is woken (its patience here is 60 s: a missed wake-up would show).
    @Test func aLeaderWakesSleepersOnlyWhenOneIsCounted() throws {
        final class Words: @unchecked Sendable {
            let ended = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
            let waiters = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
            init() { ended.initialize(to: 0); waiters.initialize(to: 0) }
            deinit { ended.deallocate(); waiters.deallocate() }
        }
        let w = Words()
        #expect(opsdesk_futex_bump_and_wake(w.ended, w.waiters, 0) == 0, "nobody sleeps: no wake-up call")
        #expect(opsdesk_atomic_load32(w.ended) == 1)
        let seen = opsdesk_atomic_load32(w.ended)
        let started = Date()
        let sleeper = Background {
            let rc = opsdesk_futex_wait(w.ended, seen, w.waiters, 60_000_000_000)
            guard rc == 0 || rc == -EAGAIN else { throw SpawnError.timeout("futex wait returned \(rc)") }
        }
        #expect(eventually { opsdesk_atomic_load32(w.waiters) == 1 }, "the sleeper did not count itself")
        usleep(20_000)   // most likely asleep in the kernel by now (if not, it finds the word bumped)
        #expect(opsdesk_futex_bump_and_wake(w.ended, w.waiters, 0) == 1)
        try sleeper.wait()
        #expect(Date().timeIntervalSince(started) < 30, "the counted sleeper was not woken")
        #expect(opsdesk_atomic_load32(w.waiters) == 0)
    }

    /// A sync file of version 1 (no layout generation, no sleeper count: those bytes are zero)
    /// is upgraded in place and used; one of another version is left alone (see above).
    @Test func aVersionOneSyncFileIsUpgradedInPlaceAndUsed() throws {
        let dir = TempDir()
        let path = dir.sub("s")
        _ = try EventStore.create(at: path)
        var v1 = SyncGate.magic + [1, 0]
        v1 += [UInt8](repeating: 0, count: SyncGate.fileSize - v1.count)
        writeBytes(v1, to: path + "/" + SyncGate.fileName)
        let io = HeldSyncIO()
        let store = try EventStore.open(at: path, io: io)
        for n in 1...3 { try store.commit { _ in [created(inc(n))] } }
        let bytes = fileBytes(path + "/" + SyncGate.fileName)
        #expect(Array(bytes[8..<10]) == [2, 0])
        #expect(syncMarkers(path).durable?.sequence == 3)
        #expect(try EventStore.open(at: path, readOnly: true).view.lastSequence == 3)
    }

    @Test func theSyncFileIsGroupSharedWhateverTheUmask() throws {
        let dir = TempDir()
        let old = umask(0o077)
        defer { umask(old) }
        let store = try EventStore.create(at: dir.sub("s"), group: "daemon")
        try store.commit { _ in [created(inc(1))] }
        #expect(mode(dir.sub("s/") + SyncGate.fileName) == 0o660)
        var st = stat()
        #expect(stat(dir.sub("s/") + SyncGate.fileName, &st) == 0)
        #expect(st.st_gid == getgrnam("daemon").pointee.gr_gid)
        #expect(try store.info().permissionWarnings.isEmpty)
    }
}
