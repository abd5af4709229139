import Foundation
import ITSM

/// Writes a transaction's payload with a string table (`EventCoding.tagStrings`): the actions
/// and field names of its events once, and each event (`tagTableEvent`) naming them by a
/// one-byte index. A bulk import's frame of ten thousand incidents repeats the same action and
/// six field names in every event: about a fifth of its bytes, which every later step (CRC,
/// SHA-256, the copy into the page cache, the disk) pays for. Values stay inline: they are
/// what differs between records, and looking each one up would cost more than it saves.
///
/// Used only in segments with `StoreFormat.featureStringTables` (readers that do not know the
/// table refuse those segments instead of skipping the events). Packed (in segments with
/// `StoreFormat.featurePackedEvents` too), the kind is a table index as well, a base version
/// of 0 is left out (readers default it), and the changes of an event that only sets named
/// fields (a creation) go in one `tagPackedChanges` field: an imported incident's frame bytes
/// go from 264 to 226.
enum TableEncoder {
    /// The table and, in event order, each event's kind index (packed only), action index,
    /// then its changes' field indexes (`inline` for a name not in the table).
    struct Table: Sendable {
        var strings: [String]
        var refs: [UInt8]
        var packed: Bool
        /// The size of the `tagStrings` field's body (checksum and strings).
        var bodySize: Int
    }

    /// Indexes stay below 0x80 so each is one varint byte; further names are written inline.
    static let capacity = 0x7f
    static let inline: UInt8 = 0xff
    /// Length of an index field: tag, length 1, the index.
    private static let refFieldSize = 3

    /// The first pass: builds the table and sizes every event as it will be written.
    static func sizes(of events: [Event], packed: Bool = false) -> EventEncoder.Sizes {
        var strings: [String] = []
        var index: [String: UInt8] = [:]
        func intern(_ s: String) -> UInt8 {
            if let i = index[s] { return i }
            guard strings.count < capacity else { return inline }
            let i = UInt8(strings.count)
            strings.append(s)
            index[s] = i
            return i
        }
        // Consecutive events mostly name the same fields in the same order: compare with the
        // previous event's (a string comparison, equal storage at once) before hashing.
        var lastAction: String? = nil, lastActionRef = inline
        var lastKind: String? = nil, lastKindRef = inline
        var lastFields: [String] = [], lastFieldRefs: [UInt8] = []
        var refs: [UInt8] = []
        var bodies = [Int](repeating: 0, count: events.count)
        var payload = 0
        events.withUnsafeBufferPointer { list in
            for i in list.indices {
                let e = list[i]
                var n = 0
                if packed {
                    let kind = e.record.kind.rawValue
                    let k: UInt8
                    if let last = lastKind, last == kind { k = lastKindRef } else {
                        k = intern(kind); lastKind = kind; lastKindRef = k
                    }
                    refs.append(k)
                    n += k == inline ? EventEncoder.fieldSize(EventCoding.tagKind, kind.utf8.count) : refFieldSize
                } else {
                    n += EventEncoder.fieldSize(EventCoding.tagKind, e.record.kind.rawValue.utf8.count)
                }
                let action = e.action.rawValue
                let a: UInt8
                if let last = lastAction, last == action { a = lastActionRef } else {
                    a = intern(action); lastAction = action; lastActionRef = a
                }
                refs.append(a)
                n += EventEncoder.fieldSize(EventCoding.tagKey, e.record.key.utf8.count)
                    + (a == inline ? EventEncoder.fieldSize(EventCoding.tagAction, action.utf8.count) : refFieldSize)
                    + EventEncoder.fieldSize(EventCoding.tagActor, e.actor.utf8.count)
                    + EventEncoder.fieldSize(EventCoding.tagAt, 8)
                    + baseVersionSize(e.baseVersion, packed: packed)
                if let r = e.realUser { n += EventEncoder.fieldSize(EventCoding.tagRealUser, r.utf8.count) }
                let firstFieldRef = refs.count
                var changesSize = 0
                e.changes.withUnsafeBufferPointer { changes in
                    // Packed as long as every change can be (the plain sizes only if one cannot).
                    var packable = packed, packedBody = 0
                    for j in changes.indices {
                        let name = changes[j].field
                        let f: UInt8
                        if j < lastFields.count, lastFields[j] == name { f = lastFieldRefs[j] } else {
                            f = intern(name)
                            if j < lastFields.count { lastFields[j] = name; lastFieldRefs[j] = f } else { lastFields.append(name); lastFieldRefs.append(f) }
                        }
                        refs.append(f)
                        if packable {
                            if f == inline || !EventEncoder.isNone(changes[j].from) { packable = false } else {
                                packedBody += packedChangeSize(changes[j])
                            }
                        }
                    }
                    if packable {
                        changesSize = EventEncoder.fieldSize(EventCoding.tagPackedChanges, packedBody)
                    } else {
                        for j in changes.indices {
                            changesSize += EventEncoder.fieldSize(EventCoding.tagChange, changeSize(changes[j], ref: refs[firstFieldRef + j]))
                        }
                    }
                }
                n += changesSize
                bodies[i] = n
                payload += EventEncoder.fieldSize(EventCoding.tagTableEvent, n)
            }
        }
        let tableBody = 4 + strings.reduce(0) { $0 + EventEncoder.fieldSize(EventCoding.tagListItem, $1.utf8.count) }
        payload += EventEncoder.fieldSize(EventCoding.tagStrings, tableBody)
        return EventEncoder.Sizes(bodies: bodies, payload: payload,
                                  table: Table(strings: strings, refs: refs, packed: packed, bodySize: tableBody))
    }

    /// Packed, a base version of 0 (a creation's) is left out: readers default it to 0.
    private static func baseVersionSize(_ base: UInt64, packed: Bool) -> Int {
        packed && base == 0 ? 0 : EventEncoder.fieldSize(EventCoding.tagBaseVersion, EventEncoder.varintSize(base))
    }

    /// The `tagPackedChanges` body's size for these changes (with these field indexes), or nil
    /// if they cannot be packed: a change with an old value, or a name not in the table.
    private static func packedSize(_ changes: UnsafeBufferPointer<FieldChange>, refs: ArraySlice<UInt8>) -> Int? {
        var size = 0
        var r = refs.startIndex
        for j in changes.indices {
            guard refs[r] != inline, EventEncoder.isNone(changes[j].from) else { return nil }
            size += packedChangeSize(changes[j])
            r += 1
        }
        return size
    }

    /// One packed change: its field's index (one byte: indexes are below 0x80) and its value.
    private static func packedChangeSize(_ c: FieldChange) -> Int { 1 + EventEncoder.valueSize(c.to) }

    static func changeSize(_ c: FieldChange, ref: UInt8) -> Int {
        (ref == inline ? EventEncoder.fieldSize(EventCoding.tagField, c.field.utf8.count) : refFieldSize)
            + (EventEncoder.isNone(c.from) ? 0 : EventEncoder.fieldSize(EventCoding.tagFrom, EventEncoder.valueSize(c.from)))
            + (EventEncoder.isNone(c.to) ? 0 : EventEncoder.fieldSize(EventCoding.tagTo, EventEncoder.valueSize(c.to)))
    }

    /// The second pass (`EventEncoder.encode(transaction:sizes:head:tail:)` comes here when the
    /// sizes carry a table): the table first, then the events.
    static func encode(transaction events: [Event], sizes: EventEncoder.Sizes, table: Table,
                       head: Int, tail: Int) -> (bytes: [UInt8], bodies: [Range<Int>]) {
        var bodies: [Range<Int>] = []
        bodies.reserveCapacity(events.count)
        var r = 0
        let bytes = EventEncoder.payload(head: head, total: sizes.payload, tail: tail) { w in
            w.varint(EventCoding.tagStrings); w.varint(UInt64(table.bodySize))
            let checksumAt = w.position
            w.position += 4
            for s in table.strings { w.stringField(EventCoding.tagListItem, s) }
            let crc = CRC32C.mask(CRC32C.checksum(UnsafeRawBufferPointer(start: w.base + checksumAt + 4, count: w.position - checksumAt - 4)))
            UnsafeMutableRawPointer(w.base + checksumAt).storeBytes(of: crc.littleEndian, as: UInt32.self)
            events.withUnsafeBufferPointer { list in
                for i in list.indices {
                    w.varint(EventCoding.tagTableEvent); w.varint(UInt64(sizes.bodies[i]))
                    let start = w.position
                    writeEvent(list[i], refs: table.refs, at: &r, packed: table.packed, into: &w)
                    precondition(w.position - start == sizes.bodies[i], "TableEncoder: size computed and bytes written differ")
                    bodies.append(start..<w.position)
                }
            }
        }
        precondition(r == table.refs.count, "TableEncoder: names referred to and the table differ")
        return (bytes, bodies)
    }

    private static func writeEvent(_ e: Event, refs: [UInt8], at r: inout Int, packed: Bool, into w: inout RawWriter) {
        if packed {
            let k = refs[r]; r += 1
            if k == inline { w.stringField(EventCoding.tagKind, e.record.kind.rawValue) } else { w.uintField(EventCoding.tagKindRef, UInt64(k)) }
        } else {
            w.stringField(EventCoding.tagKind, e.record.kind.rawValue)
        }
        w.stringField(EventCoding.tagKey, e.record.key)
        let a = refs[r]; r += 1
        if a == inline { w.stringField(EventCoding.tagAction, e.action.rawValue) } else { w.uintField(EventCoding.tagActionRef, UInt64(a)) }
        w.stringField(EventCoding.tagActor, e.actor)
        if let u = e.realUser { w.stringField(EventCoding.tagRealUser, u) }
        w.fixed64Field(EventCoding.tagAt, e.at.timeIntervalSinceReferenceDate.bitPattern)
        if baseVersionSize(e.baseVersion, packed: packed) > 0 { w.uintField(EventCoding.tagBaseVersion, e.baseVersion) }
        e.changes.withUnsafeBufferPointer { changes in
            if packed, let size = packedSize(changes, refs: refs[r..<(r + changes.count)]) {
                w.varint(EventCoding.tagPackedChanges); w.varint(UInt64(size))
                for j in changes.indices {
                    w.varint(UInt64(refs[r])); r += 1
                    EventEncoder.writeValue(changes[j].to, into: &w)
                }
                return
            }
            for j in changes.indices {
                let c = changes[j]
                let f = refs[r]; r += 1
                w.varint(EventCoding.tagChange); w.varint(UInt64(changeSize(c, ref: f)))
                if f == inline { w.stringField(EventCoding.tagField, c.field) } else { w.uintField(EventCoding.tagFieldRef, UInt64(f)) }
                if !EventEncoder.isNone(c.from) { w.varint(EventCoding.tagFrom); w.varint(UInt64(EventEncoder.valueSize(c.from))); EventEncoder.writeValue(c.from, into: &w) }
                if !EventEncoder.isNone(c.to) { w.varint(EventCoding.tagTo); w.varint(UInt64(EventEncoder.valueSize(c.to))); EventEncoder.writeValue(c.to, into: &w) }
            }
        }
    }
}
