import Foundation
import ITSM
import Testing
@testable import DeskStore

/// A commit's catch-up folds other processes' frames encoded (record ids and versions at once,
/// fields decoded when read): the views it gives must be exactly those of a full fold.
@Suite struct LazyFoldTests {
    /// Events of every value kind, with and without a real user and a from value.
    /// A new store in `dir` and two handles on it, as two processes' writers.
    static func twoWriters(_ dir: TempDir) throws -> (path: String, a: EventStore, b: EventStore) {
        let path = dir.sub("s")
        _ = try EventStore.create(at: path)
        return (path, try EventStore.open(at: path), try EventStore.open(at: path))
    }

    static func sampleEvents() -> [Event] {
        let id = RecordID(kind: .configurationItem, key: "db-payroll-01")
        return [
            created(inc(7), title: String(repeating: "long title ", count: 20)),
            Event(record: id, action: EventAction("ci.updated"), actor: "carol", realUser: "root",
                  at: t0.addingTimeInterval(12.5), baseVersion: 3,
                  changes: [FieldChange("n", from: .int(-4), to: .int(Int64.max)),
                            FieldChange("x", from: .none, to: .number(2.75)),
                            FieldChange("b", to: .bool(true)),
                            FieldChange("t", to: .time(t0)),
                            FieldChange("l", from: .list(["a", "ü"]), to: .list([])),
                            FieldChange("gone", from: .text("was"), to: .none)]),
            updated(inc(7), base: 1, "state", .text("On hold")),
        ]
    }

    @Test func theScanFindsEachEventsRecordAndBodyAsTheDecoderDoes() throws {
        let events = Self.sampleEvents()
        let payload = EventCoding.encode(transaction: events)
        let scanned = try #require(try payload.withUnsafeBytes { try EventScan.transaction($0) })
        #expect(scanned.map(\.record) == events.map(\.record))
        let holder = EncodedPayload(payload)
        for (s, e) in zip(scanned, events) {
            #expect(EncodedEvent(payload: holder, body: s.body).decode() == e)
        }
    }

    /// Whatever the bytes, the scan refuses exactly what the decoder refuses: an event the scan
    /// accepts can be decoded later, when its record is read, without an error to report.
    @Test func theScanRefusesExactlyWhatTheDecoderRefuses() {
        let payload = EventCoding.encode(transaction: Self.sampleEvents())
        var rng = SeededRandom(seed: 44)
        var refused = 0
        for round in 0..<4000 {
            var bytes = payload
            switch round % 3 {
            case 0:
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
            case 1:
                bytes = Array(bytes[0..<Int.random(in: 0..<bytes.count, using: &rng)])
            default:
                for _ in 0..<3 { bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            }
            let decoded = bytes.withUnsafeBytes { try? EventCoding.decode(transaction: $0) }
            let scan = bytes.withUnsafeBytes { b in Result { () throws(MalformedBytes) in try EventScan.transaction(b) } }
            // nil: not plain events, the store decodes the payload whole (nothing to compare).
            if case .success(nil) = scan { continue }
            let scanned: [EventScan.Scanned]? = if case let .success(s?) = scan { s } else { nil }
            #expect((decoded == nil) == (scanned == nil), "round \(round): decoder \(decoded == nil ? "refuses" : "accepts"), scan \(scanned == nil ? "refuses" : "accepts")")
            if let decoded, let scanned {
                #expect(decoded.map(\.record) == scanned.map(\.record))
                let holder = EncodedPayload(bytes)
                #expect(scanned.map { EncodedEvent(payload: holder, body: $0.body).decode() } == decoded)
            }
            if decoded == nil { refused += 1 }
        }
        #expect(refused > 100, "the mutations should break some payloads")
    }

    /// A payload with anything but plain events at its top level (a form added later, such as a
    /// frame-wide string table) is not scanned: the store decodes it whole.
    @Test func aPayloadWithOtherTopLevelFieldsIsLeftToTheDecoder() throws {
        var w = ByteWriter()
        w.field(2, string: "a table the events might refer to")
        w.raw(EventCoding.encode(transaction: Self.sampleEvents()))
        let bytes = w.bytes
        let scan = try bytes.withUnsafeBytes { try EventScan.transaction($0) }
        #expect(scan == nil)
    }

    /// Two handles on one store, as two processes: each commit of one is folded encoded by the
    /// other's next commit. The command sees the other's changes (decoded on demand), stale
    /// commands are refused naming who changed the record and what, and every view equals a
    /// fresh full replay.
    @Test func aWriterSeesTheOthersChangesThroughItsEncodedFold() throws {
        let dir = TempDir()
        let (path, a, b) = try Self.twoWriters(dir)
        var model = Model()
        try a.commit { _ in [created(inc(1), title: "first")] }
        model.apply([created(inc(1), title: "first")])
        // B folds A's frame encoded, then its command reads INC-1 and builds on it.
        var seenTitle: FieldValue? = nil
        let bEvents = try b.commit { view in
            seenTitle = view.record(inc(1))?["title"]
            return [updated(inc(1), base: view.record(inc(1))?.version ?? 99, by: "bob", "state", .text("Assigned"))]
        }.events
        model.apply(bEvents)
        #expect(seenTitle == .text("first"))
        // A builds on version 1 (stale): refused with B's event.
        try a.commit { _ in [created(inc(2))] }
        model.apply([created(inc(2))])
        #expect(throws: StaleEdit(record: inc(1), expectedVersion: 1, currentVersion: 2, lastEvent: bEvents[0])) {
            try a.commit { _ in [updated(inc(1), base: 1, by: "alice", .text("Closed"))] }
        }
        // Many frames of A folded encoded by B, some records touched several times, then B's
        // view (decoded for a reader) and A's equal the model and a fresh replay.
        var rng = SeededRandom(seed: 9)
        for step in 0..<60 {
            let events = try a.commit { view in randomTransaction(view, &rng, records: 12, step: step) }.events
            model.apply(events)
            if step % 7 == 0 {
                let mine = try b.commit { view in
                    let base = view.record(inc(1))?.version ?? 0
                    return [updated(inc(1), base: base, by: "bob", "n", .int(Int64(step)))]
                }.events
                model.apply(mine)
            }
        }
        try b.commit { view in [updated(inc(3), base: view.record(inc(3))?.version ?? 0, by: "bob", "s", .text("last"))] }
            .events.forEach { model.apply([$0]) }
        #expect(model.matches(b.view))
        try a.catchUp()
        #expect(model.matches(a.view))
        #expect(model.matches(try EventStore.open(at: path, readOnly: true).view))
        // History is exact for records folded encoded.
        let history = try b.history(of: inc(1))
        #expect(history.count == Int(model.versions[inc(1)] ?? 0))
        #expect(history.last == model.last[inc(1)])
    }

    /// A process that follows the store gets other processes' events from its commits'
    /// catch-up, decoded (the encoded fold is only for processes nobody follows).
    @Test func followersStillReceiveTheOthersEventsFromACommitsCatchUp() throws {
        let dir = TempDir()
        let (_, a, b) = try Self.twoWriters(dir)
        let received = Received()
        let token = b.follow { events in received.add(events) }
        defer { token.cancel() }
        try a.commit { _ in [created(inc(1))] }
        try b.commit { _ in [created(inc(2))] }
        #expect(eventually { received.records.contains(inc(1)) && received.records.contains(inc(2)) })
    }

    /// A snapshot written from a view with encoded events holds their decoded state.
    @Test func compactingAViewWithEncodedEventsWritesTheirState() throws {
        let dir = TempDir()
        let (path, a, b) = try Self.twoWriters(dir)
        var model = Model()
        for n in 1...5 {
            let e = created(inc(n), title: "t\(n)")
            try a.commit { _ in [e] }
            model.apply([e])
        }
        let mine = try b.commit { _ in [updated(inc(2), base: 1, "state", .text("Closed"))] }.events
        model.apply(mine)
        try b.compact()
        let reopened = try EventStore.open(at: path, readOnly: true)
        #expect(reopened.openNotices.isEmpty)
        #expect(model.matches(reopened.view))
    }
}

final class Received: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: Set<RecordID> = []
    func add(_ events: [Event]) { lock.withLock { for e in events { ids.insert(e.record) } } }
    var records: Set<RecordID> { lock.withLock { ids } }
}

extension LazyFoldTests {
    /// A record another process keeps changing is decoded in batches: its encoded events never
    /// pile up past the limit, and its state stays exact.
    @Test func aHotRecordsEncodedEventsStayBounded() throws {
        let dir = TempDir()
        let (_, a, b) = try Self.twoWriters(dir)
        var model = Model()
        try a.commit { _ in [created(inc(1))] }
        model.apply([created(inc(1))])
        for step in 1...50 {
            let e = try a.commit { view in [updated(inc(1), base: view.record(inc(1))!.version, "n", .int(Int64(step)))] }.events
            model.apply(e)
            let other = created(inc(100 + step))
            try b.commit { _ in [other] }
            model.apply([other])
            let pending = b.stateLock.withLock { b.current.overlay[inc(1)]?.pending.count ?? 0 }
            #expect(pending <= RecordEntry.pendingLimit)
        }
        #expect(model.matches(b.view))
    }
}
