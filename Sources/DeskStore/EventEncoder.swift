import Foundation
import ITSM

/// Writes a transaction's events in `EventCoding`'s tag-length-value form straight into one
/// buffer: every length is computed before its body is written, so no field needs a buffer of
/// its own (the encoder used to allocate a small array per field, a dozen per event — the
/// largest cost of committing a big batch). The bytes are exactly `EventCoding`'s format; the
/// tests hold this encoder to the field-by-field reference encoder.
///
/// It also says where each event's body sits in the payload, so a bulk import can point the
/// snapshot at an event in the log instead of copying it (`SnapshotFormat.bodyLogReference`).
enum EventEncoder {
    /// The payload of one transaction and, per event, the byte range of the event's body
    /// (inside its `tagEvent` field) in that payload.
    static func encode(transaction events: [Event]) -> (payload: [UInt8], bodies: [Range<Int>]) {
        let (bytes, bodies) = encode(transaction: events, head: 0, tail: 0)
        return (bytes, bodies)
    }

    /// The payload written `head` bytes into the buffer, with `tail` bytes after it: room for a
    /// frame's header and checksum, so a frame needs no second copy of its payload. Those bytes
    /// are zero. Body ranges are relative to the payload's start.
    static func encode(transaction events: [Event], head: Int, tail: Int) -> (bytes: [UInt8], bodies: [Range<Int>]) {
        encode(transaction: events, sizes: sizes(of: events), head: head, tail: tail)
    }

    /// Each event's body size and the payload's size: the first of the encoder's two passes,
    /// apart so a bulk import can size a frame on its own thread (to place it in the log) and
    /// leave the writing of the bytes to its write-behind thread.
    struct Sizes: Sendable {
        var bodies: [Int]
        var payload: Int
        /// Set when the payload is to be written with a string table (`TableEncoder`).
        var table: TableEncoder.Table? = nil
    }

    static func sizes(of events: [Event]) -> Sizes {
        // Events are read through an unsafe buffer: a plain `for e in events` copies each event
        // out of the array (a retain and release per string), twice per event.
        events.withUnsafeBufferPointer { list in
            var sizes = [Int](repeating: 0, count: list.count)
            var total = 0
            for i in list.indices {
                let s = eventSize(list[i])
                sizes[i] = s
                total += fieldSize(EventCoding.tagEvent, s)
            }
            return Sizes(bodies: sizes, payload: total)
        }
    }

    /// The second pass: writes the payload whose sizes `sizes(of:)` computed for these events.
    static func encode(transaction events: [Event], sizes: Sizes, head: Int, tail: Int) -> (bytes: [UInt8], bodies: [Range<Int>]) {
        precondition(sizes.bodies.count == events.count, "EventEncoder: sizes of other events")
        if let table = sizes.table { return TableEncoder.encode(transaction: events, sizes: sizes, table: table, head: head, tail: tail) }
        return events.withUnsafeBufferPointer { list in
            var bodies: [Range<Int>] = []
            bodies.reserveCapacity(list.count)
            let bytes = payload(head: head, total: sizes.payload, tail: tail) { w in
                for i in list.indices {
                    w.varint(EventCoding.tagEvent); w.varint(UInt64(sizes.bodies[i]))
                    let start = w.position
                    writeEvent(list[i], into: &w)
                    bodies.append(start..<w.position)
                }
            }
            return (bytes, bodies)
        }
    }

    /// `head` zero bytes, the `total` payload bytes `write` writes, `tail` zero bytes: a frame
    /// whose header and trailer are filled in later, its payload encoded in place.
    static func payload(head: Int, total: Int, tail: Int, _ write: (inout RawWriter) -> Void) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: head + total + tail) { buffer, initialized in
            let base = buffer.baseAddress!
            base.initialize(repeating: 0, count: head)
            var w = RawWriter(base: base + head, position: 0)
            write(&w)
            precondition(w.position == total, "EventEncoder: size computed and bytes written differ")
            (base + head + total).initialize(repeating: 0, count: tail)
            initialized = head + total + tail
        }
    }

    // MARK: Sizes

    static func isNone(_ v: FieldValue) -> Bool { if case .none = v { true } else { false } }

    static func varintSize(_ v: UInt64) -> Int { v < 0x80 ? 1 : (64 - v.leadingZeroBitCount + 6) / 7 }
    static func fieldSize(_ tag: UInt64, _ body: Int) -> Int { varintSize(tag) + varintSize(UInt64(body)) + body }

    static func valueSize(_ v: FieldValue) -> Int {
        switch v {
        case .none: fieldSize(EventCoding.valNone, 0)
        case let .text(s): fieldSize(EventCoding.valText, s.utf8.count)
        case let .int(i): fieldSize(EventCoding.valInt, varintSize(UInt64(bitPattern: i)))
        case .number: fieldSize(EventCoding.valNumber, 8)
        case let .bool(b): fieldSize(EventCoding.valBool, varintSize(b ? 1 : 0))
        case .time: fieldSize(EventCoding.valTime, 8)
        case let .list(items): fieldSize(EventCoding.valList, listSize(items))
        }
    }

    static func listSize(_ items: [String]) -> Int {
        items.reduce(0) { $0 + fieldSize(EventCoding.tagListItem, $1.utf8.count) }
    }

    static func changeSize(_ c: FieldChange) -> Int {
        fieldSize(EventCoding.tagField, c.field.utf8.count)
            + (isNone(c.from) ? 0 : fieldSize(EventCoding.tagFrom, valueSize(c.from)))
            + (isNone(c.to) ? 0 : fieldSize(EventCoding.tagTo, valueSize(c.to)))
    }

    static func eventSize(_ e: Event) -> Int {
        var n = fieldSize(EventCoding.tagKind, e.record.kind.rawValue.utf8.count)
            + fieldSize(EventCoding.tagKey, e.record.key.utf8.count)
            + fieldSize(EventCoding.tagAction, e.action.rawValue.utf8.count)
            + fieldSize(EventCoding.tagActor, e.actor.utf8.count)
            + fieldSize(EventCoding.tagAt, 8)
            + fieldSize(EventCoding.tagBaseVersion, varintSize(e.baseVersion))
        if let r = e.realUser { n += fieldSize(EventCoding.tagRealUser, r.utf8.count) }
        e.changes.withUnsafeBufferPointer { changes in
            for i in changes.indices { n += fieldSize(EventCoding.tagChange, changeSize(changes[i])) }
        }
        return n
    }

    // MARK: Writing (in the reference encoder's field order)

    static func writeEvent(_ e: Event, into w: inout RawWriter) {
        w.stringField(EventCoding.tagKind, e.record.kind.rawValue)
        w.stringField(EventCoding.tagKey, e.record.key)
        w.stringField(EventCoding.tagAction, e.action.rawValue)
        w.stringField(EventCoding.tagActor, e.actor)
        if let r = e.realUser { w.stringField(EventCoding.tagRealUser, r) }
        w.fixed64Field(EventCoding.tagAt, e.at.timeIntervalSinceReferenceDate.bitPattern)
        w.uintField(EventCoding.tagBaseVersion, e.baseVersion)
        e.changes.withUnsafeBufferPointer { changes in for i in changes.indices { writeChange(changes[i], into: &w) } }
    }

    static func writeChange(_ c: FieldChange, into w: inout RawWriter) {
        w.varint(EventCoding.tagChange); w.varint(UInt64(changeSize(c)))
        w.stringField(EventCoding.tagField, c.field)
        // A value of none is left out: readers default a missing value to none.
        if !isNone(c.from) { w.varint(EventCoding.tagFrom); w.varint(UInt64(valueSize(c.from))); writeValue(c.from, into: &w) }
        if !isNone(c.to) { w.varint(EventCoding.tagTo); w.varint(UInt64(valueSize(c.to))); writeValue(c.to, into: &w) }
    }

    static func writeValue(_ v: FieldValue, into w: inout RawWriter) {
        switch v {
        case .none: w.varint(EventCoding.valNone); w.varint(0)
        case let .text(s): w.stringField(EventCoding.valText, s)
        case let .int(i): w.uintField(EventCoding.valInt, UInt64(bitPattern: i))
        case let .number(d): w.fixed64Field(EventCoding.valNumber, d.bitPattern)
        case let .bool(b): w.uintField(EventCoding.valBool, b ? 1 : 0)
        case let .time(t): w.fixed64Field(EventCoding.valTime, t.timeIntervalSinceReferenceDate.bitPattern)
        case let .list(items):
            w.varint(EventCoding.valList); w.varint(UInt64(listSize(items)))
            for s in items { w.stringField(EventCoding.tagListItem, s) }
        }
    }
}

/// Appends into memory sized in advance (the encoder computed every length first).
struct RawWriter {
    let base: UnsafeMutablePointer<UInt8>
    var position: Int

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 { base[position] = UInt8(v & 0x7f) | 0x80; position += 1; v >>= 7 }
        base[position] = UInt8(v); position += 1
    }

    mutating func bytes(_ string: String) {
        // Borrowed, not copied: `withUTF8` needs a `var`, and that copy is a retain and a
        // release of the string's storage, atomics that cost most when another thread built
        // the string (a bulk import encodes on its write-behind thread).
        let copied = string.utf8.withContiguousStorageIfAvailable { u -> Bool in
            guard let p = u.baseAddress, !u.isEmpty else { return true }
            (base + position).update(from: p, count: u.count)
            position += u.count
            return true
        }
        guard copied == nil else { return }
        var s = string
        s.withUTF8 { u in
            guard let p = u.baseAddress, !u.isEmpty else { return }
            (base + position).update(from: p, count: u.count)
            position += u.count
        }
    }

    mutating func stringField(_ tag: UInt64, _ s: String) {
        varint(tag); varint(UInt64(s.utf8.count)); bytes(s)
    }

    mutating func uintField(_ tag: UInt64, _ v: UInt64) {
        varint(tag); varint(UInt64(EventEncoder.varintSize(v))); varint(v)
    }

    mutating func fixed64Field(_ tag: UInt64, _ v: UInt64) {
        varint(tag); varint(8)
        withUnsafeBytes(of: v.littleEndian) { (base + position).update(from: $0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 8) }
        position += 8
    }
}
