#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import ITSM
@testable import DeskStore

/// `Desk.firstLook`: the queue drawn from the `queue-rows` image alone, only while the image
/// is current; the same rows and directory as the desk opened the long way.
@Suite struct FirstLookTests {
    @Test func currentImageGivesTheSameRowsAndDirectoryAsTheOpenedDesk() throws {
        let dir = TempDir()
        let clock = TestClock(t0)
        let desk = try smallDesk(dir, clock: clock)
        var ids: [RecordID] = []
        for k in 1...9 { ids.append(try open(desk, "Incident \(k) — printer on floor \(k)")) }
        try desk.perform(.takeIncident(ids[3]))
        #expect(Desk.firstLook(at: dir.sub("store")) == nil, "no image yet")
        try desk.writeRowsImage()
        let look = try #require(Desk.firstLook(at: dir.sub("store")))
        let opened = try Desk.open(at: dir.sub("store"), user: ActingUser(user: "bob"), clock: { clock.now })
        let full = try opened.snapshot
        #expect(look.lastSequence == full.lastSequence)
        #expect(look.incidents.count == 9)
        for i in 0..<full.incidents.count { #expect(look.incidents[i] == full.incidents[i]) }
        #expect(look.directory == (try opened.directory))
        #expect(look.incidents.page(.open, limit: 5, now: clock.now).rows == full.incidents.page(.open, limit: 5, now: clock.now).rows)
    }

    @Test func anyLaterCommitMakesTheImageStaleUntilItIsWrittenAgain() throws {
        let dir = TempDir()
        let clock = TestClock(t0)
        let desk = try smallDesk(dir, clock: clock)
        let id = try open(desk, "VPN drops")
        try desk.writeRowsImage()
        #expect(Desk.firstLook(at: dir.sub("store")) != nil)
        try desk.perform(.addWorkNote(id, "Looking."))
        #expect(Desk.firstLook(at: dir.sub("store")) == nil, "a commit after the image")
        try desk.writeRowsImage()
        let look = try #require(Desk.firstLook(at: dir.sub("store")))
        #expect(look.incidents.row(id)?.version == desk.version(of: id))
        // Another process's commit, written through a second store handle.
        let other = try Desk.open(at: dir.sub("store"), user: ActingUser(user: "bob"), clock: { clock.now })
        try other.perform(.takeIncident(id))
        #expect(Desk.firstLook(at: dir.sub("store")) == nil)
    }

    @Test func garbageAfterTheAnchorFrameIsNotCurrent() throws {
        let dir = TempDir()
        let clock = TestClock(t0)
        let desk = try smallDesk(dir, clock: clock)
        _ = try open(desk, "Printer jams")
        try desk.writeRowsImage()
        let image = try #require(RowImage.map(path: dir.sub("store") + "/" + RowImage.fileName))
        let anchor = try #require(image.anchorFrame)
        #expect(LogTail.isLast(anchor, sequence: image.anchorSequence, in: dir.sub("store")))
        // A torn write after the frame (not free space): no longer provably the last frame.
        let segment = dir.sub("store") + "/" + StoreFormat.segmentName(anchor.segment)
        let fd = Glibc.open(segment, O_WRONLY)
        var junk: [UInt8] = [7, 7, 7, 7]
        #expect(pwrite(fd, &junk, 4, off_t(anchor.offset) + off_t(anchor.length)) == 4)
        close(fd)
        #expect(!LogTail.isLast(anchor, sequence: image.anchorSequence, in: dir.sub("store")))
        #expect(Desk.firstLook(at: dir.sub("store")) == nil)
        // The wrong sequence for the frame is not the anchor either.
        #expect(!LogTail.isLast(anchor, sequence: image.anchorSequence + 1, in: dir.sub("store")))
    }

    @Test func imageWithoutAnchorIsReadButNeverUsedForAFirstLook() throws {
        let dir = TempDir()
        let clock = TestClock(t0)
        let desk = try smallDesk(dir, clock: clock)
        _ = try open(desk, "Laptop fan loud")
        let rows = try desk.snapshot.incidents.allPacked()
        let bytes = RowImage.build(rows, anchorSequence: desk.store.view.lastSequence, logSalt: desk.frames.logSalt())
        try RowImage.writeFile(bytes, store: desk.store)
        let image = try #require(RowImage.map(path: dir.sub("store") + "/" + RowImage.fileName))
        #expect(image.anchorFrame == nil && image.directoryBytes.isEmpty)
        #expect(Desk.firstLook(at: dir.sub("store")) == nil)
        let opened = try Desk.open(at: dir.sub("store"), user: ActingUser(user: "bob"), clock: { clock.now })
        #expect(opened.rowsSource == .image(rows: 1, patched: 0))
    }
}
