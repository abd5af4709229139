import Foundation
import ITSM

/// One transaction's payload, kept as bytes: the events of other processes that a commit's
/// catch-up folds without decoding them (see `StoreView.apply(encoded:)`).
final class EncodedPayload: Sendable {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
}

/// An event still in its encoded form: a record's state decodes it when first read. The bytes
/// were checked (frame CRC, and the whole event's structure by `EventScan`) when it was folded,
/// so decoding it cannot fail.
struct EncodedEvent: Sendable {
    let payload: EncodedPayload
    /// The event's body (inside its `tagEvent` field) in the payload.
    let body: Range<Int>

    func decode() -> Event {
        payload.bytes.withUnsafeBytes { b in
            // `EventScan.event` accepted these bytes: the decoder reads them without error.
            try! EventCoding.decodeEvent(ByteReader(UnsafeRawBufferPointer(rebasing: b[body])))
        }
    }
}

/// What a commit's catch-up needs of another process's event without decoding it: which
/// record it changes and where its body is. The scan walks every field of a plain event and
/// refuses exactly what the decoder refuses there (a bad length or varint, a fixed-width field
/// of the wrong size); a field it does not know makes it give up (nil: the payload is decoded
/// whole), so an event it accepts decodes later without error, whatever the decoder learns
/// after it. It allocates nothing but the record's kind and key (short strings live inline).
///
/// This mirrors `EventCoding.decodeEvent` / `decodeChange` / `decodeValue` for the fields it
/// knows (`LazyFoldTests` hold them together).
enum EventScan {
    struct Scanned {
        var record: RecordID
        /// The event's body in the payload.
        var body: Range<Int>
    }

    /// The events of one transaction's payload, or `MalformedBytes` where the decoder would throw;
    /// nil when the payload holds anything but plain events whose every field the scan knows (a
    /// field of another kind at the top level — e.g. a frame-wide table the events refer to — or
    /// a tag the scan does not know inside an event, a change or a value): then the caller decodes
    /// it whole, with the decoder of the day, so a form added later is folded the slow way, never
    /// wrong, and an event folded encoded always decodes.
    static func transaction(_ bytes: UnsafeRawBufferPointer) throws(MalformedBytes) -> [Scanned]? {
        var r = ByteReader(bytes)
        var out: [Scanned] = []
        while !r.atEnd {
            let tag = try r.varint()
            let length = try r.varint()
            guard length <= UInt64(r.remaining) else { throw MalformedBytes() }
            let start = r.position
            r.position += Int(length)
            guard tag == EventCoding.tagEvent else { return nil }
            let body = start..<r.position
            guard let record = try event(ByteReader(UnsafeRawBufferPointer(rebasing: bytes[body]))) else { return nil }
            out.append(Scanned(record: record, body: body))
        }
        return out
    }

    /// The record an encoded event changes (nil: a field the scan does not know); throws where
    /// `EventCoding.decodeEvent` would.
    static func event(_ reader: ByteReader) throws(MalformedBytes) -> RecordID? {
        var r = reader
        var kind = "", key = ""
        while !r.atEnd {
            let (tag, body) = try r.field()
            switch tag {
            case EventCoding.tagKind: kind = body.string
            case EventCoding.tagKey: key = body.string
            case EventCoding.tagAction, EventCoding.tagActor, EventCoding.tagRealUser: break
            case EventCoding.tagAt: _ = try body.fixed64
            case EventCoding.tagBaseVersion: _ = try body.uint
            case EventCoding.tagChange: guard try change(body) else { return nil }
            default: return nil
            }
        }
        return RecordID(kind: RecordKind(rawValue: kind), key: key)
    }

    static func change(_ reader: ByteReader) throws(MalformedBytes) -> Bool {
        var r = reader
        while !r.atEnd {
            let (tag, body) = try r.field()
            switch tag {
            case EventCoding.tagField: break
            case EventCoding.tagFrom, EventCoding.tagTo: guard try value(body) else { return false }
            default: return false
            }
        }
        return true
    }

    static func value(_ reader: ByteReader) throws(MalformedBytes) -> Bool {
        var r = reader
        while !r.atEnd {
            let (tag, body) = try r.field()
            switch tag {
            case EventCoding.valNone, EventCoding.valText: break
            case EventCoding.valInt, EventCoding.valBool: _ = try body.uint
            case EventCoding.valNumber, EventCoding.valTime: _ = try body.fixed64
            case EventCoding.valList:
                var lr = body
                while !lr.atEnd {
                    let (t, _) = try lr.field()
                    guard t == EventCoding.tagListItem else { return false }
                }
            default: return false
            }
        }
        return true
    }
}
