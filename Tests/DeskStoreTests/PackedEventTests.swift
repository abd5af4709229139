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
            let sizes = TableEncoder.sizes(of: events, packed: true)
            let table = try #require(sizes.table)
            let (payload, bodies) = EventEncoder.encode(transaction: events, sizes: sizes, head: 0, tail: 0)
            #expect(payload.count == sizes.payload)
            #expect(try payload.withUnsafeBytes { try EventCoding.decode(transaction: $0) } == events, "step \(step)")
            let alone = payload.withUnsafeBytes { p in
                bodies.map { try? EventCoding.decodeEvent(ByteReader(UnsafeRawBufferPointer(rebasing: p[$0])), strings: table.strings) }
            }
            #expect(alone == events.map { Optional($0) }, "step \(step)")
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
        var header = fileBytes(dir.sub("s/") + seg1)
        header.withUnsafeMutableBytes { $0.storeBytes(of: StoreFormat.featureStringTables.littleEndian, toByteOffset: 12, as: UInt32.self) }
        let crc = CRC32C.mask(CRC32C.checksum(Array(header[0..<40])))
        header.withUnsafeMutableBytes { $0.storeBytes(of: crc.littleEndian, toByteOffset: 40, as: UInt32.self) }
        writeBytes(header, to: dir.sub("s/") + seg1)
        let old = try EventStore.open(at: dir.sub("s"), io: NoSyncIO(), segmentLimit: limit)
        let transactions = (0..<40).map { t in (0..<50).map { k in created(inc(1 + t * 50 + k), title: "incident \(t)-\(k)") } }
        try old.importTransactions(transactions)
        for t in transactions { try reference.commit { _ in t } }

        let names = try EventStore.segmentNumbers(in: dir.sub("s")).map(StoreFormat.segmentName)
        var packedSegments = 0
        for name in names {
            let bytes = fileBytes(dir.sub("s/") + name)
            let h = try bytes.withUnsafeBytes { try SegmentHeader.parse($0, file: name) }
            let packed = bytes.withUnsafeBytes { b -> Bool in
                var o = StoreFormat.segmentHeaderSize
                while case let .success(f) = Frame.check(b, at: o, salt: h.salt, expectedSequence: nil) {
                    if hasPackedEvents(f.payload) { return true }
                    o += f.length
                }
                return false
            }
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
    @Test func anImportsSnapshotWrittenAsItGoesIsTheSnapshotWrittenWhole() throws {
        // Into an empty store the import writes the snapshot's index while it writes the log
        // (`SnapshotDraft`); compacting then writes the same records' snapshot whole, from the
        // view. Apart from the time it was written (and so its checksum), every byte is the same.
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"), io: NoSyncIO(), segmentLimit: 16 << 10)
        let transactions = (0..<30).map { t in (0..<40).map { k in created(inc(1 + t * 40 + k), title: "incident \(t)-\(k)") } }
        try store.importTransactions(transactions)
        let drafted = fileBytes(dir.sub("s/snapshot"))
        #expect(drafted.count == SnapshotFormat.headerSize + 1200 * (SnapshotFormat.entrySize + SnapshotFormat.referenceSize) + 1200 * 13)
        #expect(try EventStore.segmentNumbers(in: dir.sub("s")).count > 2)
        _ = try store.compact()
        let whole = fileBytes(dir.sub("s/snapshot"))
        #expect(drafted.count == whole.count)
        #expect(drafted[0..<120] == whole[0..<120])
        #expect(drafted[132...] == whole[132...])
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.sub("s")).filter { $0.hasPrefix(".") }.isEmpty)
        try sameState(EventStore.open(at: dir.sub("s"), io: NoSyncIO()), store, "reopened")
    }
}
