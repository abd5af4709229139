import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import ITSM
@testable import DeskStore

@Suite struct CommitTests {
    @Test func committedEventsAreFoldedIntoRecordsAndSurviveReopening() throws {
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"))
        let r1 = try store.commit { _ in [created(inc(1))] }
        #expect(r1.sequence == 1)
        let r2 = try store.commit { v in [updated(inc(1), base: v.record(inc(1))!.version, .text("On hold"))] }
        #expect(r2.sequence == 2)
        let state = try #require(store.view.record(inc(1)))
        #expect(state.version == 2)
        #expect(state["state"] == .text("On hold"))
        #expect(state["title"] == .text("printer on fire"))
        #expect(state.createdAt == t0)
        #expect(state.lastEvent.actor == "bob")

        let again = try EventStore.open(at: dir.sub("s"))
        #expect(again.view.record(inc(1)) == state)
        #expect(again.view.lastSequence == 2)
        #expect(again.view.counts == [.incident: 1])
    }

    @Test func staleEditIsRefusedNamingWhoChangedWhatAndWhen() throws {
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"))
        try store.commit { _ in [created(inc(123))] }
        let at = Date(timeIntervalSince1970: 1_763_942_400 + 38_520) // 2025-11-24 10:42 UTC
        try store.commit { _ in [updated(inc(123), base: 1, by: "alice", at: at, "state", .text("On hold"))] }
        let error = #expect(throws: StaleEdit.self) {
            try store.commit { _ in [updated(inc(123), base: 1, by: "bob", "state", .text("Resolved"))] }
        }
        let utc = TimeZone(identifier: "UTC")!
        #expect(error?.describe(timeZone: utc, now: at) == "INC-123 was changed by alice at 10:42: state → On hold")
        #expect(error?.describe(timeZone: utc, now: at.addingTimeInterval(86_400 * 3)).contains("2025-11-24 10:42") == true)
        // Nothing was written.
        #expect(store.view.lastSequence == 2)
        let dup = #expect(throws: StaleEdit.self) { try store.commit { _ in [created(inc(123))] } }
        #expect(dup?.currentVersion == 2)
    }

    @Test func writersInTwoHandlesSeeEachOthersCommitsAndRefuseStaleOnes() throws {
        let dir = TempDir()
        let a = try EventStore.create(at: dir.sub("s"))
        let b = try EventStore.open(at: dir.sub("s"))
        try a.commit { _ in [created(inc(7))] }
        // b has not caught up: its view is old, but commit catches up before calling build.
        #expect(b.view.record(inc(7)) == nil)
        var seenVersion: UInt64 = 0
        try b.commit { v in
            seenVersion = v.record(inc(7))?.version ?? 0
            return [updated(inc(7), base: seenVersion, .text("In progress"))]
        }
        #expect(seenVersion == 1)
        // a built its command on version 1: refused.
        #expect(throws: StaleEdit.self) { try a.commit { _ in [updated(inc(7), base: 1, .text("Closed"))] } }
        let events = try a.catchUp()
        #expect(events.isEmpty) // the refused commit already caught up
        #expect(a.view.record(inc(7))?.version == 2)
    }

    @Test func historyReturnsEveryEventOfTheRecordInOrder() throws {
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"), segmentLimit: 400)
        var expected: [Event] = []
        let first = created(inc(1))
        try store.commit { _ in [first, created(inc(2))] }
        expected.append(first)
        for i in 1...20 {
            let e = updated(inc(1), base: UInt64(i), at: t0.addingTimeInterval(Double(i)), "n", .int(Int64(i)))
            let other = updated(inc(2), base: UInt64(i), "n", .int(-Int64(i)))
            try store.commit { _ in i % 2 == 0 ? [e, other] : [e] }
            if i % 2 != 0 { try store.commit { v in [updated(inc(2), base: v.record(inc(2))!.version, "n", .int(0))] } }
            expected.append(e)
        }
        #expect(try store.history(of: inc(1)) == expected)
        #expect(try EventStore.open(at: dir.sub("s")).history(of: inc(1)) == expected)
        #expect(try store.history(of: inc(99)).isEmpty)
        let segments = try EventStore.segmentNumbers(in: dir.sub("s"))
        #expect(segments.count > 3) // history crosses segment files
    }

    @Test func eventsOfOneRecordInOneTransactionChainTheirVersions() throws {
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"))
        try store.commit { _ in [created(inc(1)), updated(inc(1), base: 1, .text("Assigned"))] }
        #expect(store.view.record(inc(1))?.version == 2)
        #expect(throws: StaleEdit.self) {
            try store.commit { _ in [updated(inc(1), base: 2, .text("A")), updated(inc(1), base: 2, .text("B"))] }
        }
        #expect(throws: StoreError.emptyTransaction) { try store.commit { _ in [] } }
    }

    @Test func readOnlyStoreRefusesToCommit() throws {
        let dir = TempDir()
        _ = try EventStore.create(at: dir.sub("s"))
        let ro = try EventStore.open(at: dir.sub("s"), readOnly: true)
        #expect(throws: StoreError.self) { try ro.commit { _ in [created(inc(1))] } }
    }

    @Test func openingSomethingThatIsNotAStoreSaysSo() throws {
        let dir = TempDir()
        #expect(throws: StoreError.notAStore(path: dir.sub("nothing"))) { try EventStore.open(at: dir.sub("nothing")) }
        _ = try EventStore.create(at: dir.sub("s"))
        #expect(throws: StoreError.alreadyExists(path: dir.sub("s"))) { try EventStore.create(at: dir.sub("s")) }
    }

    @Test func storeFromANewerFormatIsRefusedWithAClearMessage() throws {
        let dir = TempDir()
        _ = try EventStore.create(at: dir.sub("s"))
        let path = dir.sub("s") + "/" + seg1
        var bytes = fileBytes(path)
        bytes[8] = 2 // format version 2
        let crc = CRC32C.mask(CRC32C.checksum(Array(bytes[0..<40])))
        withUnsafeBytes(of: crc.littleEndian) { for i in 0..<4 { bytes[40 + i] = $0[i] } }
        writeBytes(bytes, to: path)
        let error = #expect(throws: StoreError.self) { try EventStore.open(at: dir.sub("s")) }
        #expect(error?.description.contains("newer OpsDesk") == true)
    }

    @Test func followerSeesAnotherHandlesCommitsAndWakesItsDescriptor() async throws {
        let dir = TempDir()
        let writer = try EventStore.create(at: dir.sub("s"))
        let reader = try EventStore.open(at: dir.sub("s"))
        let box = EventBox()
        let token = reader.follow { events in box.add(events) }
        defer { token.cancel() }
        try writer.commit { _ in [created(inc(5))] }
        var waited = 0
        while box.count == 0 && waited < 300 { try await Task.sleep(for: .milliseconds(10)); waited += 1 }
        #expect(box.count == 1)
        #expect(reader.view.record(inc(5)) != nil)
        var p = pollfd(fd: token.wakeFD, events: Int16(POLLIN), revents: 0)
        #expect(poll(&p, 1, 0) == 1)
        token.drainWake()
        #expect(poll(&p, 1, 0) == 0)
    }
}

extension CommitTests {
    @Test func droppingTheTokenStopsFollowing() async throws {
        let dir = TempDir()
        let writer = try EventStore.create(at: dir.sub("s"))
        let reader = try EventStore.open(at: dir.sub("s"))
        let box = EventBox()
        var token: FollowToken? = reader.follow { events in box.add(events) }
        weak let weakToken = token
        #expect(token != nil)
        token = nil
        var waited = 0
        while weakToken != nil && waited < 100 { try await Task.sleep(for: .milliseconds(10)); waited += 1 }
        #expect(weakToken == nil)
        try writer.commit { _ in [created(inc(1))] }
        try reader.catchUp()
        try await Task.sleep(for: .milliseconds(50))
        #expect(box.count == 0)
    }
}

final class EventBox: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [Event] = []
    func add(_ e: [Event]) { lock.withLock { events += e } }
    var count: Int { lock.withLock { events.count } }
}
