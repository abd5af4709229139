import Foundation
import Testing
import ITSM
@testable import DeskStore

/// Random transactions whose events share a handful of actions and field names (as an import's
/// do), plus, in some, more distinct names than a table holds (the rest are written inline).
private func tableTransaction(_ rng: inout SeededRandom, step: Int) -> [Event] {
    let manyNames = step % 5 == 0
    return (0..<Int.random(in: 1...(manyNames ? 40 : 8), using: &rng)).map { i in
        var e = randomEvent(RecordID(kind: [.incident, .configurationItem].randomElement(using: &rng)!,
                                     key: String(Int.random(in: 1...1_000_000, using: &rng))),
                            base: UInt64.random(in: 0...3, using: &rng), &rng, step: step)
        if manyNames {
            e.action = EventAction("action.\(i)")
            e.changes = (0..<6).map { k in FieldChange("field\(i)-\(k)", to: .text("v\(k)")) }
        }
        return e
    }
}

/// Encodes `events` with a table (`sizes` from `TableEncoder.sizes`) and checks that the payload
/// has the size computed, decodes whole as the events, and that each event's body decodes alone
/// with the table (as a snapshot's log reference reads it). Returns the table.
@discardableResult
func expectTableRoundTrip(_ events: [Event], sizes: EventEncoder.Sizes, step: Int) throws -> TableEncoder.Table {
    let table = try #require(sizes.table)
    let (payload, bodies) = EventEncoder.encode(transaction: events, sizes: sizes, head: 0, tail: 0)
    #expect(payload.count == sizes.payload)
    #expect(try payload.withUnsafeBytes { try EventCoding.decode(transaction: $0) } == events, "step \(step)")
    let alone = payload.withUnsafeBytes { p in
        bodies.map { try? EventCoding.decodeEvent(ByteReader(UnsafeRawBufferPointer(rebasing: p[$0])), strings: table.strings) }
    }
    #expect(alone == events.map { Optional($0) }, "step \(step)")
    return table
}

/// Rewrites the header of the first segment of the store at `store` to carry `features`,
/// resealed: a store as an older build created it.
func setFirstSegmentFeatures(_ features: UInt32, store: String) {
    var header = fileBytes(store + "/" + seg1)
    header.withUnsafeMutableBytes { $0.storeBytes(of: features.littleEndian, toByteOffset: 12, as: UInt32.self) }
    let crc = CRC32C.mask(CRC32C.checksum(Array(header[0..<40])))
    header.withUnsafeMutableBytes { $0.storeBytes(of: crc.littleEndian, toByteOffset: 40, as: UInt32.self) }
    writeBytes(header, to: store + "/" + seg1)
}

/// The header of segment file `name` of the store at `store`, and whether the payload of any of
/// its valid frames passes `test`.
func segmentHeader(_ name: String, store: String, anyPayload test: (UnsafeRawBufferPointer) -> Bool) throws -> (header: SegmentHeader, found: Bool) {
    let bytes = fileBytes(store + "/" + name)
    let h = try bytes.withUnsafeBytes { try SegmentHeader.parse($0, file: name) }
    let found = bytes.withUnsafeBytes { b -> Bool in
        var o = StoreFormat.segmentHeaderSize
        while case let .success(f) = Frame.check(b, at: o, salt: h.salt, expectedSequence: nil) {
            if test(f.payload) { return true }
            o += f.length
        }
        return false
    }
    return (h, found)
}

/// Where the table's body (checksum and strings) sits in a payload written with a table.
private func tableBody(in payload: [UInt8]) throws -> Range<Int> {
    try payload.withUnsafeBytes { p in
        var r = ByteReader(p)
        let tag = try r.varint(), length = try r.varint()
        #expect(tag == EventCoding.tagStrings)
        return r.position..<(r.position + Int(length))
    }
}

@Suite struct StringTableTests {
    @Test func everyEventRoundTripsThroughTheTableAndReadsAloneFromItsBody() throws {
        var rng = SeededRandom(seed: 41)
        for step in 0..<300 {
            let events = tableTransaction(&rng, step: step)
            let table = try expectTableRoundTrip(events, sizes: TableEncoder.sizes(of: events), step: step)
            #expect(table.strings.count <= TableEncoder.capacity)
        }
        // An import's transaction (one action, the same fields in every event): names once.
        let batch = (1...200).map { created(inc($0), title: "incident \($0)") }
        let tabled = EventEncoder.encode(transaction: batch, sizes: TableEncoder.sizes(of: batch), head: 0, tail: 0).bytes.count
        #expect(tabled < EventEncoder.encode(transaction: batch).payload.count * 9 / 10)
    }

    @Test func aReaderSkipsFieldsItDoesNotKnowAtEveryLevel() throws {
        // A payload as a later OpsDesk might write it: unknown fields in the payload, the
        // table, the event and the change, each of which this reader must step over.
        var items = ByteWriter()
        items.field(EventCoding.tagListItem, string: "incident.created")
        items.field(77, string: "a table entry of a kind not known yet")
        items.field(EventCoding.tagListItem, string: "title")
        var table = ByteWriter()
        table.u32(CRC32C.mask(CRC32C.checksum(items.bytes)))
        table.raw(items.bytes)
        var value = ByteWriter(); value.field(EventCoding.valText, string: "printer on fire")
        var change = ByteWriter()
        change.field(EventCoding.tagFieldRef, uint: 1)
        change.field(40, string: "unknown change field")
        change.field(EventCoding.tagTo, value.bytes)
        var event = ByteWriter()
        event.field(EventCoding.tagKind, string: "INC")
        event.field(EventCoding.tagKey, string: "7")
        event.field(EventCoding.tagActionRef, uint: 0)
        event.field(99, uint: 12345)
        event.field(EventCoding.tagActor, string: "alice")
        event.field(EventCoding.tagAt, fixed64: t0.timeIntervalSinceReferenceDate.bitPattern)
        event.field(EventCoding.tagBaseVersion, uint: 0)
        event.field(EventCoding.tagChange, change.bytes)
        var payload = ByteWriter()
        payload.field(EventCoding.tagStrings, table.bytes)
        payload.field(50, string: "an unknown payload field")
        payload.field(EventCoding.tagTableEvent, event.bytes)
        let decoded = try payload.bytes.withUnsafeBytes { try EventCoding.decode(transaction: $0) }
        // The unknown table entry is skipped, so "title" is entry 1.
        #expect(decoded == [Event(record: inc(7), action: EventAction("incident.created"), actor: "alice", at: t0, baseVersion: 0,
                                  changes: [FieldChange("title", to: .text("printer on fire"))])])
    }

    @Test func everyBitFlippedInATableIsRefusedAndNoFlipCrashes() throws {
        var rng = SeededRandom(seed: 5)
        let events = (0..<3).map { _ in tableTransaction(&rng, step: 1) }.joined().map { $0 }
        let (payload, _) = EventEncoder.encode(transaction: events, sizes: TableEncoder.sizes(of: events), head: 0, tail: 0)
        let body = try tableBody(in: payload)
        var readWrong: [Int] = []
        for bit in 0..<(payload.count * 8) {
            var bytes = payload
            bytes[bit / 8] ^= UInt8(1 << (bit % 8))
            let decoded = bytes.withUnsafeBytes { try? EventCoding.decode(transaction: $0) }
            // Inside the table (its checksum and strings) every flip is caught by the table's
            // checksum; elsewhere the frame's CRC catches it, and decoding must only not crash.
            if body.contains(bit / 8), decoded != nil { readWrong.append(bit) }
        }
        #expect(readWrong.isEmpty, "\(readWrong.prefix(5))")
        // An index past the end of the table is malformed, not a crash or an empty name.
        var event = ByteWriter()
        event.field(EventCoding.tagActionRef, uint: 5)
        #expect(throws: MalformedBytes.self) { try event.bytes.withUnsafeBytes { try EventCoding.decodeEvent(ByteReader($0), strings: ["a"]) } }
    }

    @Test func anImportWritesTablesInMarkedSegmentsOnlyAndReadsBackAsCommitsDo() throws {
        let dir = TempDir()
        let limit = 64 << 10
        // A store whose first segment predates tables (unmarked, with a commit in it): the
        // import writes plain frames there and tables once it moves to a new, marked segment.
        _ = try EventStore.create(at: dir.sub("s"), io: NoSyncIO(), segmentLimit: limit)
        let reference = try EventStore.create(at: dir.sub("r"), io: NoSyncIO(), segmentLimit: limit)
        setFirstSegmentFeatures(0, store: dir.sub("s"))
        let old = try EventStore.open(at: dir.sub("s"), io: NoSyncIO(), segmentLimit: limit)
        #expect(try SegmentHeader.parse(fileBytes(dir.sub("s/") + seg1).withUnsafeBytes { $0 }, file: seg1).incompatibleFeatures == 0)
        try old.commit { _ in [created(inc(1))] }
        try reference.commit { _ in [created(inc(1))] }
        let transactions = (0..<40).map { t in (0..<50).map { k in created(inc(2 + t * 50 + k), title: "incident \(t)-\(k)") } }
        try old.importTransactions(transactions)
        for t in transactions { try reference.commit { _ in t } }

        let names = try EventStore.segmentNumbers(in: dir.sub("s")).map(StoreFormat.segmentName)
        #expect(names.count > 2)
        var marked = 0
        for name in names {
            let (h, hasTables) = try segmentHeader(name, store: dir.sub("s")) { payload in
                var r = ByteReader(payload)
                guard let (tag, _) = try? r.field() else { return false }
                return tag == EventCoding.tagStrings
            }
            if h.incompatibleFeatures & StoreFormat.featureStringTables != 0 { marked += 1 } else { #expect(!hasTables, "\(name)") }
            if hasTables { #expect(h.incompatibleFeatures & StoreFormat.featureStringTables != 0) }
        }
        #expect(marked > 0)
        // Through the snapshot's log references, by replaying the log, and in each record's
        // history, the imported records read as the same records committed one by one.
        try sameState(EventStore.open(at: dir.sub("s"), io: NoSyncIO()), reference, "with the snapshot")
        try? FileManager.default.removeItem(atPath: dir.sub("s/snapshot"))
        let replayed = try EventStore.open(at: dir.sub("s"), io: NoSyncIO())
        try sameState(replayed, reference, "replayed")
        for id in [inc(2), inc(1000), inc(2001)] { #expect(try replayed.history(of: id) == reference.history(of: id)) }
        #expect(try replayed.verify().problems.isEmpty)
    }

    @Test func damageToAnImportsStringTableIsReportedNeverMisread() throws {
        // The damaged frame is not the snapshot's last one, so the snapshot stays in use and
        // its records are read through their log references: each needs the frame's table.
        let dir = TempDir()
        let store = try EventStore.create(at: dir.sub("s"), io: NoSyncIO())
        let events = (1...20).map { created(inc($0), title: "t\($0)") }
        try store.importTransactions([events, [created(inc(21))]])
        let log = fileBytes(dir.sub("s/") + seg1)
        let payloadAt = StoreFormat.segmentHeaderSize + StoreFormat.frameHeaderSize
        let body = try tableBody(in: Array(log[payloadAt...]))
        let work = dir.sub("w")
        var wrong: [String] = []
        for bit in ((payloadAt + body.lowerBound) * 8)..<((payloadAt + body.upperBound) * 8) {
            copyStore(dir.sub("s"), to: work)
            var bytes = log
            bytes[bit / 8] ^= UInt8(1 << (bit % 8))
            writeBytes(bytes, to: work + "/" + seg1)
            let s = try EventStore.open(at: work, readOnly: true, io: NoSyncIO())
            #expect(s.view.snapshot != nil)
            for id in [inc(1), inc(20)] {
                // Every flip in the table (its checksum or its strings) is caught by its checksum.
                switch Result(catching: { () throws(StoreError) -> RecordState? in try s.view.checkedRecord(id) }) {
                case .success: wrong.append("bit \(bit): \(id) read")
                case let .failure(error):
                    if case let .damagedLog(segment, _, reason) = error, segment == seg1, reason.contains("string table") {} else {
                        wrong.append("bit \(bit): \(error)")
                    }
                }
            }
            #expect(try s.view.checkedRecord(inc(21))?.lastEvent == created(inc(21)))
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }
}
