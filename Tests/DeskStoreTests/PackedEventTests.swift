import Foundation
import Testing
import ITSM
@testable import DeskStore

/// Whether any event of a frame's payload uses the packed fields (`tagKindRef`, `tagPackedChanges`).
private func hasPackedEvents(_ payload: UnsafeRawBufferPointer) -> Bool {
    var r = ByteReader(payload)
    while !r.atEnd {
        guard let (tag, body) = try? r.field() else { return false }
        guard tag == EventCoding.tagTableEvent else { continue }
        var e = body
        while !e.atEnd {
            guard let (t, _) = try? e.field() else { return false }
            if t == EventCoding.tagKindRef || t == EventCoding.tagPackedChanges { return true }
        }
    }
    return false
}

@Suite struct PackedEventTests {
    @Test func everyEventRoundTripsPackedAndReadsAloneFromItsBody() throws {
        var rng = SeededRandom(seed: 43)
        for step in 0..<300 {
            // Events that only set fields (packable) mixed with edits (old values: plain
            // changes) and, in some transactions, more names than the table holds (inline).
            let manyNames = step % 5 == 0
            let events = (0..<Int.random(in: 1...(manyNames ? 40 : 8), using: &rng)).map { i in
                var e = randomEvent(RecordID(kind: [.incident, .configurationItem].randomElement(using: &rng)!,
                                             key: String(Int.random(in: 1...1_000_000, using: &rng))),
                                    base: UInt64.random(in: 0...2, using: &rng), &rng, step: step)
                if Bool.random(using: &rng) { e.changes = e.changes.map { FieldChange($0.field, from: .none, to: $0.to) } }
                if manyNames { e.changes = (0..<3).map { k in FieldChange("field\(i)-\(k)", to: .text("v\(k)")) } }
                return e
            }
            try expectTableRoundTrip(events, sizes: TableEncoder.sizes(of: events, packed: true), step: step)
        }
        // An import's transaction packs: kind by index, changes packed, base version left out.
        let batch = (1...200).map { created(inc($0), title: "incident \($0)") }
        let (packed, _) = EventEncoder.encode(transaction: batch, sizes: TableEncoder.sizes(of: batch, packed: true), head: 0, tail: 0)
        let (tabled, _) = EventEncoder.encode(transaction: batch, sizes: TableEncoder.sizes(of: batch), head: 0, tail: 0)
        #expect(packed.withUnsafeBytes { hasPackedEvents($0) })
        #expect(!tabled.withUnsafeBytes { hasPackedEvents($0) })
        #expect(packed.count < tabled.count * 85 / 100, "\(packed.count) vs \(tabled.count)")
    }

    @Test func aReaderSkipsUnknownFieldsAroundPackedChangesAndReadsUnknownValuesAsNone() throws {
        var items = ByteWriter()
        for s in ["INC", "incident.created", "title", "priority"] { items.field(EventCoding.tagListItem, string: s) }
        var table = ByteWriter()
        table.u32(CRC32C.mask(CRC32C.checksum(items.bytes)))
        table.raw(items.bytes)
        var packed = ByteWriter()
        packed.varint(2); packed.field(EventCoding.valText, string: "printer on fire")
        packed.varint(3); packed.field(90, string: "a value kind not known yet")
        var event = ByteWriter()
        event.field(EventCoding.tagKindRef, uint: 0)
        event.field(EventCoding.tagKey, string: "7")
        event.field(EventCoding.tagActionRef, uint: 1)
        event.field(99, uint: 12345)
        event.field(EventCoding.tagActor, string: "alice")
        event.field(EventCoding.tagAt, fixed64: t0.timeIntervalSinceReferenceDate.bitPattern)
        event.field(EventCoding.tagPackedChanges, packed.bytes)
        var payload = ByteWriter()
        payload.field(EventCoding.tagStrings, table.bytes)
        payload.field(EventCoding.tagTableEvent, event.bytes)
        let decoded = try payload.bytes.withUnsafeBytes { try EventCoding.decode(transaction: $0) }
        // The missing base version reads as 0; the unknown value as none.
        #expect(decoded == [Event(record: inc(7), action: EventAction("incident.created"), actor: "alice", at: t0, baseVersion: 0,
                                  changes: [FieldChange("title", to: .text("printer on fire")), FieldChange("priority", to: .none)])])
        // A field index past the end of the table is malformed, not a crash or an empty name.
        var bad = ByteWriter()
        bad.varint(9); bad.field(EventCoding.valText, string: "x")
        var badEvent = ByteWriter()
        badEvent.field(EventCoding.tagPackedChanges, bad.bytes)
        #expect(throws: MalformedBytes.self) { try badEvent.bytes.withUnsafeBytes { try EventCoding.decodeEvent(ByteReader($0), strings: ["a"]) } }
    }

    @Test func segmentsWithPackedEventsAreMarkedAndAnUnknownMarkIsRefused() throws {
        // New stores are marked for both; a mark this build does not know is refused, not skipped.
        let dir = TempDir()
        _ = try EventStore.create(at: dir.sub("s"), io: NoSyncIO())
        let header = fileBytes(dir.sub("s/") + seg1)
        let parsed = try header.withUnsafeBytes { try SegmentHeader.parse($0, file: seg1) }
        #expect(parsed.incompatibleFeatures == StoreFormat.featureStringTables | StoreFormat.featurePackedEvents)
        let unknown = SegmentHeader(number: 1, salt: 7, firstSequence: 1, incompatibleFeatures: StoreFormat.importFeatures | 4).encoded()
        #expect(throws: StoreError.self) { try unknown.withUnsafeBytes { try SegmentHeader.parse($0, file: seg1) } }
    }

    @Test func anImportPacksOnlyInSegmentsMarkedForItAndReadsBackAsCommitsDo() throws {
        let dir = TempDir()
        let limit = 64 << 10
        // A store of the previous build: its first segment marked for string tables only. The
        // import writes tables there, unpacked, and packs once it moves to a new segment.
        _ = try EventStore.create(at: dir.sub("s"), io: NoSyncIO(), segmentLimit: limit)
        let reference = try EventStore.create(at: dir.sub("r"), io: NoSyncIO(), segmentLimit: limit)
        setFirstSegmentFeatures(StoreFormat.featureStringTables, store: dir.sub("s"))
        let old = try EventStore.open(at: dir.sub("s"), io: NoSyncIO(), segmentLimit: limit)
        let transactions = (0..<40).map { t in (0..<50).map { k in created(inc(1 + t * 50 + k), title: "incident \(t)-\(k)") } }
        try old.importTransactions(transactions)
        for t in transactions { try reference.commit { _ in t } }

        let names = try EventStore.segmentNumbers(in: dir.sub("s")).map(StoreFormat.segmentName)
        var packedSegments = 0
        for name in names {
            let (h, packed) = try segmentHeader(name, store: dir.sub("s"), anyPayload: hasPackedEvents)
            let marked = h.incompatibleFeatures & StoreFormat.featurePackedEvents != 0
            #expect(packed == marked, "\(name)")
            if packed { packedSegments += 1 }
        }
        #expect(packedSegments > 0 && packedSegments < names.count)
        try sameState(EventStore.open(at: dir.sub("s"), io: NoSyncIO()), reference, "with the snapshot")
        try? FileManager.default.removeItem(atPath: dir.sub("s/snapshot"))
        let replayed = try EventStore.open(at: dir.sub("s"), io: NoSyncIO())
        try sameState(replayed, reference, "replayed")
        for id in [inc(1), inc(1000), inc(2000)] { #expect(try replayed.history(of: id) == reference.history(of: id)) }
        #expect(try replayed.verify().problems.isEmpty)
    }
}

@Suite struct SnapshotDraftTests {
    func header(_ bytes: [UInt8]) -> (version: UInt16, count: Int, keys: Int, bodies: Int, length: Int) {
        bytes.withUnsafeBytes { b in (b.u16(at: 8), Int(b.u64(at: 16)), Int(b.u64(at: 96)), Int(b.u64(at: 104)), Int(b.u64(at: 112))) }
    }

    @Test func anImportsSnapshotIsWrittenAsItGoesWithItsDataAfterAGap() throws {
        // Into an empty store the import writes the snapshot's index and data while it writes
        // the log (`SnapshotDraft`): the data section (keys and bodies interleaved) starts past
        // room for 128 times the first frame's records; only the header is left for the end.
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"), io: NoSyncIO(), segmentLimit: 16 << 10)
        let reference = try EventStore.create(at: dir.sub("r"), io: NoSyncIO())
        let transactions = (0..<30).map { t in (0..<40).map { k in created(inc(1 + t * 40 + k), title: "incident \(t)-\(k)") } }
        let report = try store.importTransactions(transactions)
        for t in transactions { try reference.commit { _ in t } }
        #expect(try EventStore.segmentNumbers(in: dir.sub("s")).count > 2)
        let drafted = fileBytes(dir.sub("s/snapshot"))
        let h = header(drafted)
        #expect(h.version == SnapshotFormat.sharedDataVersion && h.count == 1200)
        #expect(h.keys == h.bodies && h.keys % 4096 == 0)
        #expect(h.keys >= SnapshotFormat.headerSize + 40 * SnapshotDraft.firstRoom * SnapshotFormat.entrySize)
        #expect(h.length == drafted.count && drafted.count == h.keys + 1200 * (13 + SnapshotFormat.referenceSize))
        #expect(report.snapshotBytes == drafted.count)
        // No temporary file is left behind; the snapshot is used as it is.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.sub("s")).filter { $0.hasPrefix(".") }.isEmpty)
        let reopened = try EventStore.open(at: dir.sub("s"), io: NoSyncIO())
        #expect(reopened.openNotices.isEmpty && reopened.view.snapshot?.lastSequence == 30)
        try sameState(reopened, reference, "reopened")
        // Compaction reads it and writes the same records whole (version 2, no gap).
        _ = try store.compact()
        #expect(header(fileBytes(dir.sub("s/snapshot"))).version == SnapshotFormat.version)
        try sameState(EventStore.open(at: dir.sub("s"), io: NoSyncIO()), reference, "compacted")
    }

    @Test func anIndexThatOutgrowsItsRoomMovesTheDataOn() throws {
        // One record first: room for 128 entries; then 2,000 more move the data twice.
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"), io: NoSyncIO())
        let reference = try EventStore.create(at: dir.sub("r"), io: NoSyncIO())
        let transactions = [[created(inc(1))]] + (0..<20).map { t in (0..<100).map { k in created(inc(2 + t * 100 + k)) } }
        try store.importTransactions(transactions)
        for t in transactions { try reference.commit { _ in t } }
        let h = header(fileBytes(dir.sub("s/snapshot")))
        #expect(h.count == 2001 && h.keys > SnapshotFormat.headerSize + (SnapshotDraft.firstRoom + 1) * SnapshotFormat.entrySize)
        let reopened = try EventStore.open(at: dir.sub("s"), io: NoSyncIO())
        #expect(reopened.openNotices.isEmpty && reopened.view.snapshot?.count == 2001)
        try sameState(reopened, reference, "reopened")
    }

    @Test func theGapIsNeitherReadNorCheckedButTheDataIs() throws {
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"), io: NoSyncIO())
        try store.importTransactions([[created(inc(1)), created(inc(2))]])
        let bytes = fileBytes(dir.sub("s/snapshot"))
        let h = header(bytes)
        let indexEnd = SnapshotFormat.headerSize + 2 * SnapshotFormat.entrySize
        #expect(h.keys > indexEnd)
        for (at, used) in [(indexEnd, true), (h.keys - 1, true), (h.keys, false), (bytes.count - 1, false), (indexEnd - 1, false)] {
            var changed = bytes
            changed[at] ^= 0x40
            writeBytes(changed, to: dir.sub("s/snapshot"))
            let reopened = try EventStore.open(at: dir.sub("s"), io: NoSyncIO())
            #expect((reopened.view.snapshot != nil) == used, "byte \(at)")
            #expect(reopened.view.record(inc(2))?.fields["title"] == .text("printer on fire"))
        }
        // An older reader (version 2) refuses it: written by a newer OpsDesk.
        #expect(throws: SnapshotRejected.self) {
            var older = bytes
            older[8] = UInt8(SnapshotFormat.version); resealSnapshot(&older)
            writeBytes(older, to: dir.sub("s/snapshot"))
            _ = try SnapshotImage(path: dir.sub("s/snapshot"))
        }
    }
}

@Suite struct SnapshotChecksumAsideTests {
    func verdict(_ path: String, aside: Bool) -> String {
        do {
            let image = try SnapshotImage(path: path, checksumAsideFrom: aside ? 0 : .max)
            return "opened \(image.count)"
        } catch { return "\(error)" }
    }

    @Test func theChecksumOnAnotherThreadGivesTheSameVerdicts() throws {
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"), io: NoSyncIO())
        try store.importTransactions([(1...50).map { created(inc($0)) }])
        let path = dir.sub("s/snapshot")
        let intact = fileBytes(path)
        var damaged = intact
        damaged[damaged.count - 1] ^= 1
        var unknownForm = intact
        unknownForm[SnapshotFormat.headerSize + 44] = 9
        resealSnapshot(&unknownForm)
        let expected = ["opened 50", "checksum mismatch (damaged)", "index entry 0 has an unknown body form"]
        for (bytes, want) in zip([intact, damaged, unknownForm], expected) {
            writeBytes(bytes, to: path)
            #expect(verdict(path, aside: true) == want)
            #expect(verdict(path, aside: false) == want)
        }
    }
}
