import Foundation
import ITSM

/// A little-endian byte writer for the store's formats.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func raw(_ b: some Sequence<UInt8>) { bytes.append(contentsOf: b) }

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 { bytes.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }

    // Tag-length-value fields: a reader skips tags it does not know.
    mutating func field(_ tag: UInt64, _ body: [UInt8]) { varint(tag); varint(UInt64(body.count)); raw(body) }
    mutating func field(_ tag: UInt64, string: String) { field(tag, Array(string.utf8)) }
    mutating func field(_ tag: UInt64, uint: UInt64) {
        var w = ByteWriter(capacity: 10); w.varint(uint); field(tag, w.bytes)
    }
    mutating func field(_ tag: UInt64, fixed64: UInt64) {
        var w = ByteWriter(capacity: 8); w.u64(fixed64); field(tag, w.bytes)
    }
}

/// Thrown by decoders for malformed input; callers turn it into a `StoreError` with a location.
struct MalformedBytes: Error {}

/// A bounds-checked reader over borrowed bytes. Never allocates from a length it has not checked.
struct ByteReader {
    let buffer: UnsafeRawBufferPointer
    var position: Int

    init(_ buffer: UnsafeRawBufferPointer, at position: Int = 0) {
        self.buffer = buffer
        self.position = position
    }

    var remaining: Int { buffer.count - position }
    var atEnd: Bool { position >= buffer.count }

    mutating func u8() throws(MalformedBytes) -> UInt8 {
        guard remaining >= 1 else { throw MalformedBytes() }
        defer { position += 1 }
        return buffer[position]
    }

    mutating func varint() throws(MalformedBytes) -> UInt64 {
        // Fast path: most tags and lengths are one byte.
        if position < buffer.count, buffer[position] < 0x80 {
            position += 1
            return UInt64(buffer[position - 1])
        }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < buffer.count {
            let b = buffer[position]
            position += 1
            if shift == 63 && b > 1 { throw MalformedBytes() }
            result |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { throw MalformedBytes() }
        }
        throw MalformedBytes()
    }

    /// The next TLV field: its tag and a reader over exactly its body.
    mutating func field() throws(MalformedBytes) -> (tag: UInt64, body: ByteReader) {
        let tag = try varint()
        let length = try varint()
        guard length <= UInt64(buffer.count - position) else { throw MalformedBytes() }
        let start = position
        position += Int(length)
        return (tag, ByteReader(UnsafeRawBufferPointer(rebasing: buffer[start..<position])))
    }

    var string: String { String(decoding: buffer, as: UTF8.self) }

    var uint: UInt64 {
        get throws(MalformedBytes) { var r = self; r.position = 0; return try r.varint() }
    }

    var fixed64: UInt64 {
        get throws(MalformedBytes) {
            guard buffer.count == 8 else { throw MalformedBytes() }
            return UInt64(littleEndian: buffer.loadUnaligned(as: UInt64.self))
        }
    }
}

extension UnsafeRawBufferPointer {
    func u16(at offset: Int) -> UInt16 { UInt16(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self)) }
    func u32(at offset: Int) -> UInt32 { UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    func u64(at offset: Int) -> UInt64 { UInt64(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
}

/// The evolvable encoding of events inside a frame's payload.
///
/// Every value is a tag-length-value field. Readers skip tags they do not know and give
/// missing fields their defaults, so a later OpsDesk can add fields without breaking older
/// stores or older readers. Tags are never reused.
///
/// A payload may start with a string table (`tagStrings`, written by bulk imports, in segments
/// with `StoreFormat.featureStringTables`): the frame's action and field names once, and its
/// events as `tagTableEvent`, whose `tagActionRef`/`tagFieldRef` give those names as indexes
/// into the table (a million imported incidents repeat the same six field names a million
/// times). The table carries its own checksum, so an event read alone through a snapshot's log
/// reference (`LogEventReader`) still checks every byte it depends on.
///
/// In segments with `StoreFormat.featurePackedEvents` an event may also name its kind by index
/// (`tagKindRef`) and pack its changes into one field (`tagPackedChanges`): per change its
/// field's index and its new value, the old one being none, as a creation's are. Per change
/// that is two bytes of overhead instead of nine; other changes keep `tagChange`.
enum EventCoding {
    // Payload (one transaction)
    static let tagEvent: UInt64 = 1
    /// The frame's string table: masked CRC32C (u32) of the rest, then `tagListItem` strings.
    static let tagStrings: UInt64 = 2
    /// An event that may name its action and fields by index into the frame's string table.
    static let tagTableEvent: UInt64 = 3
    // Event
    static let tagKind: UInt64 = 1, tagKey: UInt64 = 2, tagAction: UInt64 = 3, tagActor: UInt64 = 4
    static let tagRealUser: UInt64 = 5, tagAt: UInt64 = 6, tagBaseVersion: UInt64 = 7, tagChange: UInt64 = 8
    static let tagActionRef: UInt64 = 9
    /// The kind as an index into the frame's string table.
    static let tagKindRef: UInt64 = 10
    /// Changes, each a varint index of its field's name in the string table followed by one
    /// value field (its new value; the old value is none).
    static let tagPackedChanges: UInt64 = 11
    // Change
    static let tagField: UInt64 = 1, tagFrom: UInt64 = 2, tagTo: UInt64 = 3, tagFieldRef: UInt64 = 4
    // Value: the tag is the case.
    static let valNone: UInt64 = 1, valText: UInt64 = 2, valInt: UInt64 = 3, valNumber: UInt64 = 4
    static let valBool: UInt64 = 5, valTime: UInt64 = 6, valList: UInt64 = 7
    static let tagListItem: UInt64 = 1

    /// One transaction's payload (written by `EventEncoder`, without a buffer per field).
    static func encode(transaction events: [Event]) -> [UInt8] {
        EventEncoder.encode(transaction: events).payload
    }

    /// The reference encoder, field by field: `EventEncoder` must write exactly these bytes.
    static func referenceEncode(transaction events: [Event]) -> [UInt8] {
        var w = ByteWriter(capacity: 128 * events.count)
        for e in events { w.field(tagEvent, encode(e)) }
        return w.bytes
    }

    static func encode(_ e: Event) -> [UInt8] {
        var w = ByteWriter()
        w.field(tagKind, string: e.record.kind.rawValue)
        w.field(tagKey, string: e.record.key)
        w.field(tagAction, string: e.action.rawValue)
        w.field(tagActor, string: e.actor)
        if let r = e.realUser { w.field(tagRealUser, string: r) }
        w.field(tagAt, fixed64: e.at.timeIntervalSinceReferenceDate.bitPattern)
        w.field(tagBaseVersion, uint: e.baseVersion)
        for c in e.changes {
            var cw = ByteWriter()
            cw.field(tagField, string: c.field)
            // None is left out: a missing value reads as none (fewer bytes per change).
            if c.from != .none { cw.field(tagFrom, encode(c.from)) }
            if c.to != .none { cw.field(tagTo, encode(c.to)) }
            w.field(tagChange, cw.bytes)
        }
        return w.bytes
    }

    static func encode(_ v: FieldValue) -> [UInt8] {
        var w = ByteWriter(capacity: 16)
        switch v {
        case .none: w.field(valNone, [])
        case let .text(s): w.field(valText, string: s)
        case let .int(i): w.field(valInt, uint: UInt64(bitPattern: i))
        case let .number(d): w.field(valNumber, fixed64: d.bitPattern)
        case let .bool(b): w.field(valBool, uint: b ? 1 : 0)
        case let .time(t): w.field(valTime, fixed64: t.timeIntervalSinceReferenceDate.bitPattern)
        case let .list(items):
            var lw = ByteWriter()
            for s in items { lw.field(tagListItem, string: s) }
            w.field(valList, lw.bytes)
        }
        return w.bytes
    }

    static func decode(transaction bytes: UnsafeRawBufferPointer) throws(MalformedBytes) -> [Event] {
        var r = ByteReader(bytes)
        var events: [Event] = []
        var strings: [String] = []
        while !r.atEnd {
            let (tag, body) = try r.field()
            switch tag {
            case tagEvent: events.append(try decodeEvent(body))
            case tagStrings: strings = try decodeStrings(body)
            case tagTableEvent: events.append(try decodeEvent(body, strings: strings))
            default: break // a field from a newer OpsDesk: skipped
            }
        }
        return events
    }

    /// A string table's body, checked against its own checksum.
    static func decodeStrings(_ reader: ByteReader) throws(MalformedBytes) -> [String] {
        var r = reader
        guard r.remaining >= 4 else { throw MalformedBytes() }
        let stored = r.buffer.u32(at: r.position)
        r.position += 4
        let rest = UnsafeRawBufferPointer(rebasing: r.buffer[r.position...])
        guard CRC32C.unmask(stored) == CRC32C.checksum(rest) else { throw MalformedBytes() }
        var strings: [String] = []
        while !r.atEnd {
            let (t, b) = try r.field()
            if t == tagListItem { strings.append(b.string) }
        }
        return strings
    }

    /// One event's body; `strings` is its frame's string table (for a `tagTableEvent`). An
    /// index outside the table is malformed.
    static func decodeEvent(_ reader: ByteReader, strings: [String] = []) throws(MalformedBytes) -> Event {
        var r = reader
        var kind = "", key = "", action = "", actor = ""
        var realUser: String? = nil
        var at: Double = 0
        var base: UInt64 = 0
        var changes: [FieldChange] = []
        while !r.atEnd {
            let (tag, body) = try r.field()
            switch tag {
            case tagKind: kind = body.string
            case tagKindRef: kind = try lookUp(body, in: strings)
            case tagKey: key = body.string
            case tagAction: action = body.string
            case tagActionRef: action = try lookUp(body, in: strings)
            case tagActor: actor = body.string
            case tagRealUser: realUser = body.string
            case tagAt: at = Double(bitPattern: try body.fixed64)
            case tagBaseVersion: base = try body.uint
            case tagChange: changes.append(try decodeChange(body, strings: strings))
            case tagPackedChanges: try decodePackedChanges(body, strings: strings, into: &changes)
            default: break // a field from a newer OpsDesk: skipped
            }
        }
        return Event(record: RecordID(kind: RecordKind(rawValue: kind), key: key), action: EventAction(action),
                     actor: actor, realUser: realUser, at: Date(timeIntervalSinceReferenceDate: at),
                     baseVersion: base, changes: changes)
    }

    static func decodeChange(_ reader: ByteReader, strings: [String] = []) throws(MalformedBytes) -> FieldChange {
        var r = reader
        var field = ""
        var from = FieldValue.none, to = FieldValue.none
        while !r.atEnd {
            let (tag, body) = try r.field()
            switch tag {
            case tagField: field = body.string
            case tagFieldRef: field = try lookUp(body, in: strings)
            case tagFrom: from = try decodeValue(body)
            case tagTo: to = try decodeValue(body)
            default: break
            }
        }
        return FieldChange(field, from: from, to: to)
    }

    /// A `tagPackedChanges` body: (field index, value field) pairs.
    static func decodePackedChanges(_ reader: ByteReader, strings: [String], into changes: inout [FieldChange]) throws(MalformedBytes) {
        var r = reader
        while !r.atEnd {
            let i = try r.varint()
            guard i < UInt64(strings.count) else { throw MalformedBytes() }
            let (tag, body) = try r.field()
            changes.append(FieldChange(strings[Int(i)], from: .none, to: try value(tag, body) ?? .none))
        }
    }

    private static func lookUp(_ body: ByteReader, in strings: [String]) throws(MalformedBytes) -> String {
        let i = try body.uint
        guard i < UInt64(strings.count) else { throw MalformedBytes() }
        return strings[Int(i)]
    }

    static func decodeValue(_ reader: ByteReader) throws(MalformedBytes) -> FieldValue {
        var r = reader
        var value = FieldValue.none
        while !r.atEnd {
            let (tag, body) = try r.field()
            if let v = try Self.value(tag, body) { value = v }
        }
        return value
    }

    /// One value field; nil for a value kind from a newer OpsDesk (it reads as none).
    private static func value(_ tag: UInt64, _ body: ByteReader) throws(MalformedBytes) -> FieldValue? {
        switch tag {
        case valNone: return FieldValue.none
        case valText: return .text(body.string)
        case valInt: return .int(Int64(bitPattern: try body.uint))
        case valNumber: return .number(Double(bitPattern: try body.fixed64))
        case valBool: return .bool(try body.uint != 0)
        case valTime: return .time(Date(timeIntervalSinceReferenceDate: Double(bitPattern: try body.fixed64)))
        case valList:
            var lr = body
            var items: [String] = []
            while !lr.atEnd {
                let (t, b) = try lr.field()
                if t == tagListItem { items.append(b.string) }
            }
            return .list(items)
        default: return nil
        }
    }
}
