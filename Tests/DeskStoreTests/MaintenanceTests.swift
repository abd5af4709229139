import Foundation
#if canImport(Glibc)
import Glibc
#endif
import CDeskStore
import Testing
import ITSM
@testable import DeskStore

@Suite struct FaultTests {
    @Test func aShortWriteOnAFullDiskLeavesNothingAppliedAndNothingAcknowledged() throws {
        let dir = TempDir()
        let io = FaultInjectingFileIO()
        let store = try EventStore.create(at: dir.sub("s"), io: io)
        try store.commit { _ in [created(inc(1))] }
        let before = fileBytes(dir.sub("s/") + seg1)
        io.arm(.shortWrite(bytes: 17))
        let error = #expect(throws: StoreError.self) { try store.commit { _ in [created(inc(2))] } }
        #expect(error == .writeFailed(file: seg1, errno: ENOSPC))
        #expect(error?.description.contains("No space left") == true)
        #expect(store.view.record(inc(2)) == nil)
        #expect(store.view.lastSequence == 1)
        #expect(fileBytes(dir.sub("s/") + seg1) == before)
        // Not fatal: once space is back, writing goes on.
        try store.commit { _ in [created(inc(3))] }
        let reopened = try EventStore.open(at: dir.sub("s"))
        #expect(reopened.view.lastSequence == 2)
        #expect(reopened.view.record(inc(2)) == nil)
        #expect(reopened.view.record(inc(3)) != nil)
    }

    @Test func enospcBeforeAnyByteIsRefusedCleanly() throws {
        let dir = TempDir()
        let io = FaultInjectingFileIO()
        let store = try EventStore.create(at: dir.sub("s"), io: io)
        io.arm(.writeError(ENOSPC))
        #expect(throws: StoreError.writeFailed(file: seg1, errno: ENOSPC)) { try store.commit { _ in [created(inc(1))] } }
        #expect(store.view.recordCount == 0)
        try store.commit { _ in [created(inc(1))] }
        #expect(store.view.lastSequence == 1)
    }

    @Test func aFailedSyncDisablesWritingForGoodInThisProcess() throws {
        let dir = TempDir()
        let io = FaultInjectingFileIO()
        let store = try EventStore.create(at: dir.sub("s"), io: io)
        try store.commit { _ in [created(inc(1))] }
        io.arm(.syncError(EIO))
        #expect(throws: StoreError.syncFailed(file: seg1, errno: EIO)) { try store.commit { _ in [created(inc(2))] } }
        // Never retried as if it had worked: every later write is refused.
        let again = #expect(throws: StoreError.self) { try store.commit { _ in [created(inc(3))] } }
        guard case .writingDisabled? = again else { Issue.record("expected writingDisabled, got \(String(describing: again))"); return }
        #expect(store.writingDisabledReason != nil)
        #expect(throws: StoreError.self) { try store.commit { _ in [created(inc(4))] } }
        // Another process (a new handle) is not affected and reads a consistent log.
        let other = try EventStore.open(at: dir.sub("s"))
        #expect(other.view.record(inc(3)) == nil)
        try other.commit { _ in [created(inc(5))] }
    }

    @Test func aFailedRenameWhileStartingASegmentAppliesNothing() throws {
        let dir = TempDir()
        let io = FaultInjectingFileIO()
        let store = try EventStore.create(at: dir.sub("s"), io: io, segmentLimit: 300)
        try store.commit { _ in [created(inc(1))] }
        try store.commit { _ in [created(inc(2))] }
        io.arm(.renameError(ENOSPC))
        var thrown = false
        for n in 3...6 {
            do { try store.commit { _ in [created(inc(n))] } } catch { thrown = true; break }
        }
        #expect(thrown)
        let reopened = try EventStore.open(at: dir.sub("s"))
        #expect(reopened.view.lastSequence == store.view.lastSequence)
        try store.commit { _ in [created(inc(99))] }
        #expect(try EventStore.open(at: dir.sub("s")).view.record(inc(99)) != nil)
    }
}

@Suite struct VerifyRepairTests {
    /// Changes one byte in the payload of frame `n` (1-based) and fixes its CRC, as a careful
    /// forger would.
    func tamper(_ path: String, frame n: Int, ends: [Int]) {
        var bytes = fileBytes(path)
        let start = ends[n - 1], end = ends[n]
        // Change a letter of the actor's name ("alice" → "alicE"): still a readable payload.
        let name = Array("alice".utf8)
        let at = (start..<(end - name.count)).first { Array(bytes[$0..<($0 + name.count)]) == name }!
        bytes[at + 4] ^= 0x20
        let crc = CRC32C.mask(CRC32C.checksum(Array(bytes[start..<(end - 4)])))
        withUnsafeBytes(of: crc.littleEndian) { c in for i in 0..<4 { bytes[end - 4 + i] = c[i] } }
        writeBytes(bytes, to: path)
    }

    @Test func verifyFindsTheOneOldFrameWhoseBytesWereChanged() throws {
        let dir = TempDir()
        let recorded = try RecordedStore(at: dir.sub("s"), transactions: 12, seed: 1)
        let clean = try EventStore.verify(at: dir.sub("s"))
        #expect(clean.isIntact)
        #expect(clean.transactions == 12)
        #expect(clean.firstAlteredFrame == nil)
        tamper(dir.sub("s/") + seg1, frame: 4, ends: recorded.ends)
        // The forged frame passes its checksum, so the store still opens...
        let store = try EventStore.open(at: dir.sub("s"))
        #expect(store.view.lastSequence == 12)
        // ...but the chain does not.
        let report = try store.verify()
        #expect(!report.isIntact)
        #expect(report.firstAlteredFrame == FrameLocation(sequence: 4, segment: seg1, offset: recorded.ends[3]))
        #expect(report.description.contains("transaction 4"))
        #expect(report.headHash == clean.headHash) // the head is frame 12's hash: untouched
    }

    @Test func verifyUsesTheSnapshotToCatchAChangedLastFrame() throws {
        let dir = TempDir()
        let recorded = try RecordedStore(at: dir.sub("s"), transactions: 5, seed: 2)
        try EventStore.open(at: dir.sub("s")).compact()
        tamper(dir.sub("s/") + seg1, frame: 5, ends: recorded.ends)
        #expect(try EventStore.verify(at: dir.sub("s")).firstAlteredFrame?.sequence == 5)
    }

    @Test func damageInTheMiddleRefusesWritingThenRepairKeepsTheGoodPrefix() throws {
        let dir = TempDir()
        let recorded = try RecordedStore(at: dir.sub("s"), transactions: 10, seed: 4)
        var bytes = recorded.log
        bytes[recorded.ends[4] + 30] ^= 0x01     // inside frame 5
        writeBytes(bytes, to: dir.sub("s/") + seg1)

        let error = #expect(throws: StoreError.self) { try EventStore.open(at: dir.sub("s")) }
        #expect(error == .damagedLog(segment: seg1, offset: recorded.ends[4], reason: "checksum mismatch; a valid transaction follows at byte \(recorded.ends[5])")
                || error?.description.contains("\(recorded.ends[4])") == true)
        #expect(error?.description.contains(seg1) == true)
        #expect(error?.description.contains("opsdesk store repair") == true)

        let ro = try EventStore.open(at: dir.sub("s"), readOnly: true)
        #expect(ro.openNotices.contains { if case .damagedReadOnly = $0 { true } else { false } })
        #expect(recorded.models[4].matches(ro.view))

        let report = try EventStore.repair(at: dir.sub("s"))
        #expect(report.keptTransactions == 4)
        #expect(report.setAside.count == 1)
        #expect(report.setAside.first?.transactionsInside == 5)   // frames 6…10, kept in quarantine
        #expect(!report.snapshotSetAside)
        #expect(report.description.contains("Kept 4 transactions"))
        let quarantined = fileBytes(dir.sub("s/") + report.setAside[0].file)
        #expect(quarantined == Array(bytes[recorded.ends[4]...]))

        let store = try EventStore.open(at: dir.sub("s"))
        #expect(recorded.models[4].matches(store.view))
        try store.commit { _ in [created(inc(777))] }
        #expect(try EventStore.open(at: dir.sub("s")).view.lastSequence == 5)
        #expect(try EventStore.repair(at: dir.sub("s")).description.contains("Nothing to repair"))
    }

    @Test func damageBehindASnapshotIsFoundByVerifyAndHistoryAndRepaired() throws {
        // Opening from a snapshot does not re-read the log before it (that is what makes a big
        // store open fast); verify, history and repair do.
        let dir = TempDir()
        let recorded = try RecordedStore(at: dir.sub("s"), transactions: 10, seed: 4)
        try EventStore.open(at: dir.sub("s")).compact()
        var bytes = recorded.log
        bytes[recorded.ends[4] + 30] ^= 0x01     // inside frame 5
        writeBytes(bytes, to: dir.sub("s/") + seg1)
        let store = try EventStore.open(at: dir.sub("s"))
        #expect(recorded.models[10].matches(store.view))
        let report = try store.verify()
        #expect(report.problems.contains(.damaged(segment: seg1, offset: recorded.ends[4], reason: "checksum mismatch")))
        // A record that transaction 5 changed: its history needs the damaged frame.
        let touched = try #require(recorded.models[5].versions.keys.first { recorded.models[5].versions[$0] != recorded.models[4].versions[$0] })
        #expect(throws: StoreError.self) { try store.history(of: touched) }
        let repaired = try EventStore.repair(at: dir.sub("s"))
        #expect(repaired.keptTransactions == 4)
        #expect(repaired.snapshotSetAside)
        #expect(recorded.models[4].matches(try EventStore.open(at: dir.sub("s")).view))
    }

    @Test func aStoreRepairedWhileOpenRefusesToWriteIntoTheHole() throws {
        let dir = TempDir()
        let recorded = try RecordedStore(at: dir.sub("s"), transactions: 6, seed: 6)
        let open = try EventStore.open(at: dir.sub("s"))
        var bytes = recorded.log
        bytes[recorded.ends[2] + 30] ^= 0x01
        writeBytes(bytes, to: dir.sub("s/") + seg1)
        #expect(try EventStore.repair(at: dir.sub("s")).keptTransactions == 2)
        let error = #expect(throws: StoreError.self) { try open.commit { _ in [created(inc(900))] } }
        guard case .logRewound? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(fileBytes(dir.sub("s/") + seg1).count == recorded.ends[2])
        #expect(try EventStore.open(at: dir.sub("s")).view.lastSequence == 2)
    }

    /// A writer that has committed trusts its segment file while the sync file's layout
    /// generation stays. Repair cuts the log before this writer's frames (in the same file) and
    /// bumps it; another writer then commits, and its pre-allocated zeros are back where this
    /// writer's valid end was: the file is in place, long enough, and free space starts at that
    /// offset — yet a frame written there would follow a hole and be lost to every reader.
    @Test func aWriterOpenAcrossARepairRefusesToWriteAfterOthersRefilledItsSegment() throws {
        let dir = TempDir()
        let open = try EventStore.create(at: dir.sub("s"))
        let receipts = try (1...6).map { n in try open.commit { _ in [created(inc(n))] } }
        let validEnd = open.logEnd
        // Frame 3 damaged in place (the same file, as a disk would do it).
        let fd = Glibc.open(dir.sub("s/") + seg1, O_RDWR)
        var byte: UInt8 = 0
        #expect(pread(fd, &byte, 1, off_t(receipts[2].position.offset + 30)) == 1)
        byte ^= 0x01
        #expect(pwrite(fd, &byte, 1, off_t(receipts[2].position.offset + 30)) == 1)
        close(fd)
        #expect(try EventStore.repair(at: dir.sub("s")).keptTransactions == 2)
        try EventStore.open(at: dir.sub("s")).commit { _ in [created(inc(100))] }
        let bytes = fileBytes(dir.sub("s/") + seg1)
        #expect(bytes.count > Int(validEnd) + StoreFormat.frameOverhead, "the other writer's free space should reach past the old valid end")
        #expect(bytes[Int(validEnd)...].prefix(StoreFormat.frameHeaderSize).allSatisfy { $0 == 0 })
        let error = #expect(throws: StoreError.self) { try open.commit { _ in [created(inc(900))] } }
        guard case .logRewound? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(fileBytes(dir.sub("s/") + seg1) == bytes)
        #expect(try EventStore.verify(at: dir.sub("s")).isIntact)
        #expect(try EventStore.open(at: dir.sub("s")).view.lastSequence == 3)
    }

    /// While the layout generation stays, a writer's commit does not look its segment up by path
    /// (the point: no path lookups per commit). Proved by moving the file away between two
    /// commits and back: the second commit still goes to it. Once the generation moves (as
    /// repair moves it), the writer looks and refuses a file that is not in place.
    @Test func aWriterLooksItsSegmentUpByPathOnlyWhenTheLayoutGenerationMoved() throws {
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"))
        try store.commit { _ in [created(inc(1))] }
        let segment = dir.sub("s/") + seg1, aside = dir.sub("aside")
        #expect(rename(segment, aside) == 0)
        try store.commit { _ in [created(inc(2))] }
        #expect(rename(aside, segment) == 0)
        #expect(try EventStore.open(at: dir.sub("s"), readOnly: true).view.lastSequence == 2)
        #expect(rename(segment, aside) == 0)
        try #require(SyncGate.open(directory: dir.sub("s"))).bumpLayoutGeneration()
        let error = #expect(throws: StoreError.self) { try store.commit { _ in [created(inc(3))] } }
        guard case .logRewound? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(rename(aside, segment) == 0)
        #expect(try EventStore.verify(at: dir.sub("s")).isIntact)
        #expect(try EventStore.open(at: dir.sub("s")).view.lastSequence == 2)
    }

    @Test func damageInAnEarlierSegmentIsDamageEvenAtItsEnd() throws {
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"), segmentLimit: 400)
        for n in 1...12 { try store.commit { _ in [created(inc(n))] } }
        let segments = try EventStore.segmentNumbers(in: dir.sub("s"))
        #expect(segments.count >= 3)
        let first = dir.sub("s/") + seg1
        var bytes = fileBytes(first)
        bytes[bytes.count - 2] ^= 0x40          // the last frame of segment 1
        writeBytes(bytes, to: first)
        #expect(throws: StoreError.self) { try EventStore.open(at: dir.sub("s")) }
        let report = try EventStore.repair(at: dir.sub("s"))
        #expect(report.setAside.count == segments.count)   // the tail of segment 1 and every later segment
        // The writer that was open all along must not append to a segment now in quarantine/.
        let error = #expect(throws: StoreError.self) { try store.commit { _ in [created(inc(555))] } }
        guard case .logRewound? = error else { Issue.record("got \(String(describing: error))"); return }
        let reopened = try EventStore.open(at: dir.sub("s"))
        #expect(reopened.view.lastSequence == report.keptTransactions)
        try reopened.commit { _ in [created(inc(100))] }
    }
}

@Suite struct SnapshotTests {
    @Test func compactedStoreOpensFromTheSnapshotAndReplaysOnlyWhatCameAfter() throws {
        let dir = TempDir()
        let recorded = try RecordedStore(at: dir.sub("s"), transactions: 40, seed: 8)
        let store = try EventStore.open(at: dir.sub("s"))
        #expect(store.openNotices == [.snapshotMissing(replayedTransactions: 40)])
        let report = try store.compact()
        #expect(report.records == recorded.models[40].versions.count)
        #expect(report.lastSequence == 40)
        #expect(recorded.models[40].matches(store.view))   // re-based on its own snapshot

        let fromSnapshot = try EventStore.open(at: dir.sub("s"))
        #expect(fromSnapshot.openNotices.isEmpty)
        #expect(recorded.models[40].matches(fromSnapshot.view))
        #expect(fromSnapshot.view.records(of: .incident).map(\.id) == recorded.models[40].versions.keys.sorted())

        // More transactions, then a reopen: snapshot + replay of the rest.
        var model = recorded.models[40]
        var rng = SeededRandom(seed: 99)
        for step in 41...60 {
            try fromSnapshot.commit { v in
                let e = randomTransaction(v, &rng, step: step)
                model.apply(e)
                return e
            }
        }
        let mixed = try EventStore.open(at: dir.sub("s"))
        #expect(model.matches(mixed.view))
        // History spans the snapshot: every event, in order.
        let id = try #require(model.versions.max { $0.value < $1.value }?.key)
        let history = try mixed.history(of: id)
        #expect(UInt64(history.count) == model.versions[id])
        #expect(history.map(\.baseVersion) == Array(0..<UInt64(history.count)))

        // A second compaction copies unchanged bodies and still matches.
        try mixed.compact()
        let again = try EventStore.open(at: dir.sub("s"))
        #expect(again.openNotices.isEmpty)
        #expect(model.matches(again.view))
        #expect(try again.history(of: id) == history)
    }

    @Test func everyKindOfKeyIsFoundInTheSnapshotAndListedInOrder() throws {
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"))
        let ids = [inc(10), inc(2), inc(1_000_000), RecordID(kind: .incident, key: "007"),
                   RecordID(kind: .configurationItem, key: "db-payroll-01"), RecordID(kind: .configurationItem, key: "ünïcode-ci"),
                   RecordID(kind: .configurationItem, key: ""), RecordID(kind: .settings, key: "desk")]
        try store.commit { _ in ids.map { created($0) } }
        try store.compact()
        let opened = try EventStore.open(at: dir.sub("s"))
        #expect(opened.openNotices.isEmpty)
        for id in ids { #expect(opened.view.record(id)?.id == id) }
        #expect(opened.view.record(inc(7)) == nil)
        #expect(opened.view.recordIDs(of: .incident) == [inc(2), inc(10), inc(1_000_000), RecordID(kind: .incident, key: "007")].sorted())
        #expect(opened.view.recordIDs(of: .configurationItem).count == 3)
        #expect(opened.view.counts == [.incident: 4, .configurationItem: 3, .settings: 1])
    }

    @Test func aDamagedSnapshotIsIgnoredWithANotice() throws {
        let dir = TempDir()
        let recorded = try RecordedStore(at: dir.sub("s"), transactions: 10, seed: 12)
        try EventStore.open(at: dir.sub("s")).compact()
        var bytes = fileBytes(dir.sub("s/snapshot"))
        bytes[bytes.count / 2] ^= 0xff
        writeBytes(bytes, to: dir.sub("s/snapshot"))
        let store = try EventStore.open(at: dir.sub("s"))
        #expect(recorded.models[10].matches(store.view))
        guard case let .snapshotUnusable(reason, replayed)? = store.openNotices.first else {
            Issue.record("no notice: \(store.openNotices)"); return
        }
        #expect(reason.contains("damaged"))
        #expect(replayed == 10)
        #expect(store.openNotices.first?.description.contains("Nothing is lost") == true)
    }

    @Test func aSnapshotAheadOfTheLogIsNotTrusted() throws {
        let dir = TempDir()
        let recorded = try RecordedStore(at: dir.sub("s"), transactions: 10, seed: 13)
        try EventStore.open(at: dir.sub("s")).compact()
        // The log loses its last five frames (as after a repair), then gets other ones.
        writeBytes(Array(recorded.log[0..<recorded.ends[5]]), to: dir.sub("s/") + seg1)
        let store = try EventStore.open(at: dir.sub("s"))
        #expect(recorded.models[5].matches(store.view))
        #expect(store.openNotices.contains { if case .snapshotUnusable = $0 { true } else { false } })
    }

    @Test func aSnapshotTakenWhenTheNewestSegmentIsStillEmptyIsUsable() throws {
        // A writer that died after starting a segment and before writing into it.
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"))
        for n in 1...3 { try store.commit { _ in [created(inc(n))] } }
        _ = try EventStore.startSegment(in: dir.sub("s"), number: 2, firstSequence: 4, io: .system)
        let reopened = try EventStore.open(at: dir.sub("s"))
        try reopened.compact()
        let fromSnapshot = try EventStore.open(at: dir.sub("s"))
        #expect(fromSnapshot.openNotices.isEmpty)
        #expect(fromSnapshot.view.lastSequence == 3)
        try fromSnapshot.commit { _ in [created(inc(4))] }
        #expect(try EventStore.open(at: dir.sub("s")).view.recordCount == 4)
        #expect(try EventStore.segmentNumbers(in: dir.sub("s")) == [1, 2])
    }

    @Test func followersOfAProcessSeeCommitsThatLandAfterItsSnapshot() throws {
        let dir = TempDir()
        let a = try EventStore.create(at: dir.sub("s"))
        let b = try EventStore.open(at: dir.sub("s"))
        try a.commit { _ in [created(inc(1))] }
        try a.compact()
        try b.catchUp()
        try a.commit { _ in [updated(inc(1), base: 1, .text("Resolved"))] }
        try b.catchUp()
        #expect(b.view.record(inc(1))?["state"] == .text("Resolved"))
        #expect(a.view.record(inc(1)) == b.view.record(inc(1)))
    }
}

@Suite struct PermissionAndInfoTests {
    @Test func storeFilesAreGroupSharedWhateverTheUmask() throws {
        let dir = TempDir()
        let old = umask(0o077)
        defer { umask(old) }
        let store = try EventStore.create(at: dir.sub("s"), group: "daemon")
        try store.commit { _ in [created(inc(1))] }
        try store.compact()
        #expect(mode(dir.sub("s")) == 0o2770)
        #expect(mode(dir.sub("s/quarantine")) == 0o2770)
        #expect(mode(dir.sub("s/lock")) == 0o660)
        #expect(mode(dir.sub("s/") + seg1) == 0o660)
        #expect(mode(dir.sub("s/snapshot")) == 0o660)
        var st = stat()
        #expect(stat(dir.sub("s"), &st) == 0)
        #expect(st.st_gid == getgrnam("daemon").pointee.gr_gid)
        #expect(try store.info().permissionWarnings.isEmpty)
    }

    @Test func infoWarnsWhenPermissionsAreLooser() throws {
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"))
        chmod(dir.sub("s"), 0o777)
        chmod(dir.sub("s/") + seg1, 0o666)
        let warnings = try store.info().permissionWarnings
        #expect(warnings.count >= 3)
        #expect(warnings.contains { $0.contains(seg1) && $0.contains("outside the desk's group") })
        #expect(warnings.contains { $0.contains("not setgid") })
    }

    @Test func infoReportsCountsSegmentsSnapshotAndWhoHoldsTheLock() throws {
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"), segmentLimit: 500)
        for n in 1...8 { try store.commit { _ in [created(inc(n))] } }
        try store.commit { _ in [Event(record: RecordID(kind: .configurationItem, key: "db-1"), action: EventAction("ci.created"),
                                       actor: "alice", at: t0, baseVersion: 0, changes: [])] }
        try store.compact()
        let info = try store.info()
        #expect(info.counts == [.incident: 8, .configurationItem: 1])
        #expect(info.lastSequence == 9)
        #expect(info.segments.count > 1)
        #expect(info.snapshotSequence == 9)
        #expect(info.lockHolder == nil)
        #expect(info.description.contains("Write lock: free"))

        let fd = open(dir.sub("s/lock"), O_RDWR)
        defer { close(fd) }
        #expect(opsdesk_flock(fd, LOCK_EX) == 0)
        let held = try store.info()
        #expect(held.lockHolder?.pid == getpid())
        #expect(held.lockHolder?.user == (try? ActingUser.realUserName()))
    }
}

@Suite struct ActingUserTests {
    @Test func theActingUserComesFromTheRealUid() throws {
        setenv("USER", "mallory", 1)
        setenv("LOGNAME", "mallory", 1)
        let me = try ActingUser.resolve(isDeskAdmin: { _ in false })
        #expect(me.user != "mallory")
        #expect(me.user == (try ActingUser.realUserName()))
        #expect(me.realUser == nil)
    }

    @Test func actingAsAnotherUserNeedsRootOrADeskAdmin() throws {
        let nobody = getpwnam("nobody").pointee.pw_uid
        #expect(throws: ActingUser.Refusal.notAllowed(realUser: "nobody", requested: "alice")) {
            try ActingUser.resolve(as: "alice", uid: nobody, isDeskAdmin: { _ in false })
        }
        let asAdmin = try ActingUser.resolve(as: "alice", uid: nobody, isDeskAdmin: { $0 == "nobody" })
        #expect(asAdmin == ActingUser(user: "alice", realUser: "nobody"))
        let asRoot = try ActingUser.resolve(as: "alice", uid: 0, isDeskAdmin: { _ in false })
        #expect(asRoot == ActingUser(user: "alice", realUser: "root"))
    }
}
