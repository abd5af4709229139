import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import ITSM
@testable import DeskStore

/// A seam whose writes of zeros past the first frame fail (ENOSPC): pre-allocation on a full disk.
final class ZeroWritesFail: ForwardingFileIO, @unchecked Sendable {
    let real = SystemFileIO()
    func pwrite(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileIOError) -> Int {
        if offset > Int64(StoreFormat.segmentHeaderSize), bytes.count > 0, StoreFormat.isZero(bytes, from: 0) {
            // Write half of it, as a filling disk might, then fail.
            _ = try real.pwrite(fd, UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count / 2)]), at: offset)
            throw FileIOError(errno: ENOSPC)
        }
        return try real.pwrite(fd, bytes, at: offset)
    }
}

@Suite struct PreallocationTests {
    @Test func thePreallocatedTailIsFreeSpaceNotATornTail() throws {
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"), preallocation: 64 << 10)
        for n in 1...20 { try store.commit { _ in [created(inc(n))] } }
        let file = fileBytes(dir.sub("s/") + seg1)
        let end = Int(store.logEnd)
        #expect(file.count >= end + (32 << 10), "zeros are written ahead of the last frame")
        #expect(file[end...].allSatisfy { $0 == 0 })
        // Reopened by a writer, a reader and `verify`: the log ends cleanly, nothing is set aside.
        let writer = try EventStore.open(at: dir.sub("s"))
        #expect(writer.view.lastSequence == 20)
        #expect(writer.openNotices == [.snapshotMissing(replayedTransactions: 20)])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.sub("s/quarantine")).isEmpty)
        #expect(fileBytes(dir.sub("s/") + seg1) == file)
        let reader = try EventStore.open(at: dir.sub("s"), readOnly: true)
        #expect(reader.view.lastSequence == 20)
        #expect(try EventStore.verify(at: dir.sub("s")).problems.isEmpty)
        #expect(try writer.transactions(after: 0).count == 20)
        // Commits overwrite the free space (the file does not grow) and other handles follow.
        try writer.commit { _ in [created(inc(21))] }
        #expect(fileBytes(dir.sub("s/") + seg1).count == file.count)
        #expect(try store.catchUp().count == 1)
        #expect(try reader.catchUp().count == 1)
    }

    @Test func closedSegmentsEndAtTheirLastFrameAndAZeroTailLeftByACrashIsStillClean() throws {
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"), segmentLimit: 600, preallocation: 4096)
        for n in 1...12 { try store.commit { _ in [created(inc(n))] } }
        let segments = try EventStore.segmentNumbers(in: dir.sub("s"))
        #expect(segments.count >= 3)
        // Cut back when the writer moved on: no zeros after the last frame of a closed segment.
        let first = fileBytes(dir.sub("s/") + seg1)
        #expect(first.last != 0 || first.suffix(4).contains { $0 != 0 })
        // A crash between starting the next segment and cutting back leaves zeros: still clean.
        writeBytes(first + [UInt8](repeating: 0, count: 3000), to: dir.sub("s/") + seg1)
        let reopened = try EventStore.open(at: dir.sub("s"))
        #expect(reopened.view.lastSequence == 12)
        #expect(try EventStore.verify(at: dir.sub("s")).problems.isEmpty)
        #expect(try reopened.transactions(after: 0).count == 12)
        try reopened.commit { _ in [created(inc(13))] }
        #expect(try EventStore.open(at: dir.sub("s")).view.lastSequence == 13)
    }

    /// A commit's look before the lock reads up to the file size it last saw without asking
    /// again. Here that size (the segment's limit: it was pre-allocated up to it) is stale:
    /// another handle rolled the segment over, cutting it at its last frame, below that size.
    /// The look finds the file shorter, takes it as it is, and moves on to the next segment;
    /// the commit lands there, after the other handle's frames (a scan that read on past the
    /// end would never return: the background commit times out).
    @Test func aCommitWhoseLastSeenSizeIsPastARollOverFindsTheNextSegment() throws {
        let dir = TempDir()
        let limit = 20_000
        let a = try EventStore.create(at: dir.sub("s"), segmentLimit: limit)
        var n = 0
        while a.logEnd < 12_000 { n += 1; try a.commit { [n] _ in [created(inc(n))] } }
        #expect(fileBytes(dir.sub("s/") + seg1).count == limit, "pre-allocated up to the limit")
        let b = try EventStore.open(at: dir.sub("s"), segmentLimit: limit)
        while try EventStore.segmentNumbers(in: dir.sub("s")).count < 2 {
            n += 1; try b.commit { [n] _ in [created(inc(n))] }
        }
        #expect(fileBytes(dir.sub("s/") + seg1).count < limit, "the roll-over cut the segment")
        let last = n + 1
        let commit = Background { try a.commit { _ in [created(inc(last))] } }
        try commit.wait()
        #expect(a.cursorForInfo == (segment: 2, lastSequence: UInt64(last)))
        let reopened = try EventStore.open(at: dir.sub("s"), readOnly: true)
        #expect(reopened.view.lastSequence == UInt64(last) && reopened.view.contains(inc(last)))
        #expect(try EventStore.verify(at: dir.sub("s")).problems.isEmpty)
    }

    @Test func aCrashWhilePreallocatingLeavesATailThatIsSetAsideOrFree() throws {
        let dir = TempDir()
        let recorded = try RecordedStore(at: dir.sub("src"), transactions: 6, seed: 21)
        // The machine died with the new size persisted but only some zero pages: the rest reads
        // as old garbage. Non-zero bytes after free space are a torn tail: set aside, cut off.
        var tail = [UInt8](repeating: 0, count: 20_000)
        for i in 12_000..<12_100 { tail[i] = UInt8(truncatingIfNeeded: i &* 31 | 1) }
        recorded.makeCopy(at: dir.sub("s"), log: recorded.log + tail)
        let store = try EventStore.open(at: dir.sub("s"))
        #expect(store.view.lastSequence == 6 && recorded.models[6].matches(store.view))
        guard case let .tornTailCut(_, offset, bytes, _)? = store.openNotices.last else {
            Issue.record("no tail notice: \(store.openNotices)"); return
        }
        #expect(offset == recorded.log.count && bytes == tail.count)
        #expect(fileBytes(dir.sub("s/") + seg1) == recorded.log)
        try store.commit { _ in [created(inc(900))] }
        #expect(try EventStore.open(at: dir.sub("s")).view.lastSequence == 7)

        // A valid later frame after the zeros is damage, not free space: refused, never cut.
        let damaged = recorded.log[..<recorded.ends[5]] + [UInt8](repeating: 0, count: recorded.ends[6] - recorded.ends[5])
            + recorded.log[recorded.ends[5]..<recorded.ends[6]]
        recorded.makeCopy(at: dir.sub("d"), log: Array(damaged))
        #expect(throws: StoreError.self) { try EventStore.open(at: dir.sub("d")) }
        #expect(fileBytes(dir.sub("d/") + seg1) == Array(damaged))
    }

    @Test func aFullDiskWhilePreallocatingStillCommitsAndLeavesACleanLog() throws {
        let dir = TempDir()
        let io = ZeroWritesFail()
        let store = try EventStore.create(at: dir.sub("s"), io: io, preallocation: 64 << 10)
        for n in 1...5 { try store.commit { _ in [created(inc(n))] } }
        // Pre-allocation is best effort: each failure is cut back to the frame's end.
        #expect(fileBytes(dir.sub("s/") + seg1).count == Int(store.logEnd))
        let reopened = try EventStore.open(at: dir.sub("s"))
        #expect(reopened.view.lastSequence == 5)
        #expect(!reopened.openNotices.contains { if case .tornTailCut = $0 { true } else { false } })
    }
}
