import Foundation
import Testing
@testable import DeskStore

@Suite struct SyncMarkerTests {
    let boot = BootID(high: 0x0123_4567_89ab_cdef, low: 0xfedc_ba98_7654_3210)

    func sample(lineage: UInt64 = 0x1111, sequence: UInt64 = 40, end: UInt64 = 9000) -> SyncMarker {
        SyncMarker(lineage: lineage, boot: boot, segment: 3, salt: 0xabcdef, sequence: sequence, end: end, hashPrefix: 0x77)
    }

    @Test func aMarkerRoundTripsThroughItsBytes() {
        let m = sample()
        let bytes = m.encoded()
        #expect(bytes.count == SyncMarker.size)
        #expect(bytes.withUnsafeBytes { SyncMarker.decode($0) } == m)
    }

    @Test func everyFlippedBitShortReadOrZeroSlotIsNoMarker() {
        let bytes = sample().encoded()
        for bit in 0..<(bytes.count * 8) {
            var damaged = bytes
            damaged[bit / 8] ^= 1 << (bit % 8)
            #expect(damaged.withUnsafeBytes { SyncMarker.decode($0) } == nil, "bit \(bit) flipped still decodes")
        }
        for length in 0..<bytes.count {
            #expect(Array(bytes[0..<length]).withUnsafeBytes { SyncMarker.decode($0) } == nil)
        }
        #expect([UInt8](repeating: 0, count: SyncMarker.size).withUnsafeBytes { SyncMarker.decode($0) } == nil)
        // A checksummed marker with lineage 0 is still no marker (0 is what a fresh file reads as).
        #expect(sample(lineage: 0).encoded().withUnsafeBytes { SyncMarker.decode($0) } == nil)
    }

    @Test func aDurableMarkerCoversOnlyFramesOfItsBootLineageAndFileUpToItsEnd() {
        let durable = sample(sequence: 40, end: 9000)
        #expect(durable.covers(sample(sequence: 40, end: 9000), boot: boot))
        #expect(durable.covers(sample(sequence: 12, end: 3000), boot: boot))
        #expect(!durable.covers(sample(sequence: 41, end: 9300), boot: boot), "a later frame")
        #expect(!durable.covers(sample(sequence: 40, end: 9001), boot: boot), "a frame ending after it")
        #expect(!durable.covers(sample(lineage: 0x2222, sequence: 12, end: 3000), boot: boot), "another lineage")
        var otherFile = sample(sequence: 12, end: 3000)
        otherFile.salt ^= 1
        #expect(!durable.covers(otherFile, boot: boot), "another segment salt")
        otherFile = sample(sequence: 12, end: 3000)
        otherFile.segment += 1
        #expect(!durable.covers(otherFile, boot: boot), "another segment")
        let now = BootID(high: 5, low: 6)
        #expect(!durable.covers(sample(sequence: 12, end: 3000), boot: now), "written in another boot")
    }

    @Test func aWriterContinuesALineageOnlyFromTheExactTail() {
        let tail = sample(sequence: 40, end: 9000)
        #expect(tail.isTail(segment: 3, salt: 0xabcdef, sequence: 40, end: 9000, hashPrefix: 0x77, boot: boot))
        #expect(!tail.isTail(segment: 3, salt: 0xabcdef, sequence: 39, end: 9000, hashPrefix: 0x77, boot: boot))
        #expect(!tail.isTail(segment: 3, salt: 0xabcdef, sequence: 40, end: 8999, hashPrefix: 0x77, boot: boot))
        #expect(!tail.isTail(segment: 3, salt: 0xabcdef, sequence: 40, end: 9000, hashPrefix: 0x78, boot: boot))
        #expect(!tail.isTail(segment: 3, salt: 0xabcde0, sequence: 40, end: 9000, hashPrefix: 0x77, boot: boot))
        #expect(!tail.isTail(segment: 4, salt: 0xabcdef, sequence: 40, end: 9000, hashPrefix: 0x77, boot: boot))
        #expect(!tail.isTail(segment: 3, salt: 0xabcdef, sequence: 40, end: 9000, hashPrefix: 0x77, boot: BootID(high: 1, low: 1)))
    }

    @Test func bootIDsParseFromTheKernelsTextOnly() {
        #expect(BootID.parse("56b9d0c3-289d-41c4-84db-8f739350c252\n") == BootID(high: 0x56b9_d0c3_289d_41c4, low: 0x84db_8f73_9350_c252))
        #expect(BootID.parse("") == nil)
        #expect(BootID.parse("56b9d0c3-289d-41c4-84db-8f739350c25") == nil)
        #expect(BootID.parse("zzb9d0c3-289d-41c4-84db-8f739350c252") == nil)
        #expect(BootID.parse("00000000-0000-0000-0000-000000000000") == nil)
        #expect(BootID.current != nil, "this machine's boot id should be readable")
    }
}
