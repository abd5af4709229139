import CDeskStore
import Foundation
import Testing
import ITSM
@testable import DeskStore

@Suite struct CRC32CTests {
    func crc(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { opsdesk_crc32c(0, $0.baseAddress, $0.count) } }
    func soft(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { opsdesk_crc32c_software(0, $0.baseAddress, $0.count) } }

    @Test func matchesTheStandardTestVectors() {
        // RFC 3720 (iSCSI) appendix B.4 and the common "123456789" check value.
        #expect(crc(Array("123456789".utf8)) == 0xE306_9283)
        #expect(crc([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(crc([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(crc(Array(0..<32)) == 0x46DD_794E)
        #expect(crc(Array((0..<32).reversed())) == 0x113F_DB5C)
        #expect(crc([]) == 0)
        #expect(soft(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test func hardwareAndSoftwareAgreeAtEveryLengthAndAlignment() {
        var rng = SeededRandom(seed: 42)
        let data = (0..<1100).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for start in 0..<9 {
            for length in [0, 1, 3, 7, 8, 9, 15, 16, 63, 64, 65, 255, 1000] {
                let slice = Array(data[start..<(start + length)])
                #expect(crc(slice) == soft(slice), "start \(start) length \(length)")
            }
        }
        // Continuing a CRC equals the CRC of the concatenation.
        let a = Array(data[0..<100]), b = Array(data[100..<300])
        let joined = b.withUnsafeBytes { opsdesk_crc32c(crc(a), $0.baseAddress, $0.count) }
        #expect(joined == crc(a + b))
    }

    @Test func largeBuffersTakeTheThreeWayPathAndStillAgree() {
        var rng = SeededRandom(seed: 43)
        let data = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for (start, length) in [(0, 65_536), (1, 65_537), (3, 100_003), (7, 200_000), (5, 299_990), (0, 300_000)] {
            let slice = Array(data[start..<(start + length)])
            #expect(crc(slice) == soft(slice), "start \(start) length \(length)")
            // Continuing from a CRC, too.
            let head = Array(data[0..<37])
            let continued = slice.withUnsafeBytes { opsdesk_crc32c(crc(head), $0.baseAddress, $0.count) }
            #expect(continued == soft(head + slice))
        }
        let a = Array(data[0..<1000]), b = Array(data[1000..<5000])
        #expect(opsdesk_crc32c_combine(soft(a), soft(b), b.count) == soft(a + b))
    }

    @Test func maskingRoundTripsAndChangesTheValue() {
        for v: UInt32 in [0, 1, 0xE306_9283, .max] {
            #expect(CRC32C.unmask(CRC32C.mask(v)) == v)
            #expect(CRC32C.mask(v) != v)
        }
    }
}

@Suite struct PayloadEncodingTests {
    let sample = Event(record: RecordID(kind: .configurationItem, key: "db-payroll-01"), action: EventAction("ci.updated"),
                       actor: "alice", realUser: "root", at: Date(timeIntervalSinceReferenceDate: 123.456789), baseVersion: 41,
                       changes: [FieldChange("a", from: .none, to: .text("héllo ✓")),
                                 FieldChange("b", from: .int(-5), to: .int(.max)),
                                 FieldChange("c", to: .number(-0.125)), FieldChange("d", to: .bool(true)),
                                 FieldChange("e", to: .time(Date(timeIntervalSince1970: 1))), FieldChange("f", to: .list(["x", "", "z"])),
                                 FieldChange("g", from: .list([]), to: .none)])

    func decode(_ bytes: [UInt8]) throws -> [Event] {
        try bytes.withUnsafeBytes { try EventCoding.decode(transaction: $0) }
    }

    @Test func everyKindOfValueRoundTripsExactly() throws {
        let bytes = EventCoding.encode(transaction: [sample, created(inc(1))])
        #expect(try decode(bytes) == [sample, created(inc(1))])
    }

    @Test func unknownFieldsFromANewerWriterAreSkipped() throws {
        // A newer writer adds tag 99 to the event, tag 9 to a change, and tag 77 to the payload.
        var event = ByteWriter()
        event.raw(EventCoding.encode(created(inc(1))))
        event.field(99, string: "a field this build does not know")
        var change = ByteWriter()
        change.field(EventCoding.tagField, string: "priority")
        change.field(EventCoding.tagTo, EventCoding.encode(.int(2)))
        change.field(9, [1, 2, 3])
        event.field(EventCoding.tagChange, change.bytes)
        var payload = ByteWriter()
        payload.field(77, [0xde, 0xad])
        payload.field(EventCoding.tagEvent, event.bytes)
        let decoded = try decode(payload.bytes)
        var expected = created(inc(1))
        expected.changes.append(FieldChange("priority", to: .int(2)))
        #expect(decoded == [expected])
    }

    @Test func missingOptionalFieldsTakeTheirDefaults() throws {
        // An older writer with no realUser, no base version and no changes.
        var event = ByteWriter()
        event.field(EventCoding.tagKind, string: "INC")
        event.field(EventCoding.tagKey, string: "9")
        event.field(EventCoding.tagAction, string: "incident.note")
        event.field(EventCoding.tagActor, string: "carol")
        var payload = ByteWriter()
        payload.field(EventCoding.tagEvent, event.bytes)
        let e = try #require(try decode(payload.bytes).first)
        #expect(e.record == inc(9))
        #expect(e.realUser == nil)
        #expect(e.baseVersion == 0)
        #expect(e.changes.isEmpty)
        #expect(e.at == Date(timeIntervalSinceReferenceDate: 0))
    }

    @Test func truncatedOrOverlongPayloadsAreRejectedNotTrusted() {
        let bytes = EventCoding.encode(transaction: [sample])
        for cut in 1..<bytes.count {
            // Every strict prefix either fails to decode or decodes to something else; never crashes.
            let prefix = Array(bytes[0..<cut])
            if let d = try? decode(prefix) { #expect(d != [sample]) }
        }
        // A length claiming more than there is.
        #expect(throws: MalformedBytes.self) { try decode([1, 0xff, 0xff, 0xff, 0xff, 0x0f, 0]) }
        // A varint longer than 64 bits.
        #expect(throws: MalformedBytes.self) { try decode([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]) }
    }
}
