import CDeskStore
import Crypto
import Foundation

/// CRC32C, masked as LevelDB stores it (a CRC of data that contains CRCs is otherwise weak).
enum CRC32C {
    static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        opsdesk_crc32c(crc, bytes.baseAddress, bytes.count)
    }
    static func checksum(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { checksum($0) } }
    /// The checksum of A followed by B, from A's, B's and B's length (without reading either).
    static func combine(_ a: UInt32, _ b: UInt32, length: Int) -> UInt32 { opsdesk_crc32c_combine(a, b, length) }
    static func mask(_ crc: UInt32) -> UInt32 { ((crc >> 15) | (crc << 17)) &+ 0xa282_ead8 }
    static func unmask(_ masked: UInt32) -> UInt32 { let r = masked &- 0xa282_ead8; return (r >> 17) | (r << 15) }
}

/// The on-disk layout of the log. All integers little-endian.
///
/// Segment file `log-NNNNNNNN.seg`:
///
///     header (48 bytes)
///       0  magic "OPSDLOG\n"         8
///       8  format version  u16       (this build writes and reads 1)
///      10  reserved        u16       0
///      12  incompatible features u32 (a reader refuses any bit it does not know;
///                                bit 0: frames may carry a string table, `featureStringTables`;
///                                bit 1: events may be packed, `featurePackedEvents`)
///      16  compatible features   u32 (a reader ignores bits it does not know)
///      20  segment number  u32
///      24  salt            u64       random per segment; every frame repeats it
///      32  first sequence  u64       sequence number of the segment's first frame
///      40  header CRC      u32       masked CRC32C of bytes 0..<40
///      44  reserved        u32       0
///     frames…
///
/// Frame (one transaction):
///
///       0  payload length  u32       ≤ `maxPayload`
///       4  type            u8        1 = transaction; 0 is invalid (zeroed tails never validate)
///       5  flags           u8        0
///       6  reserved        u16       0
///       8  sequence        u64       previous frame's + 1, across segments
///      16  salt            u64       the segment's salt (frames of an older file never validate)
///      24  previous hash   32 bytes  SHA-256 of the previous frame's bytes (tamper-evident chain)
///      56  payload         length bytes: the transaction's events, `EventCoding`
///   56+len CRC             u32       masked CRC32C of bytes 0..<56+len
///
/// Free space: a writer pre-writes zeros ahead of the last frame (`EventStore` pre-allocates
/// in chunks, real zero writes, so a commit's fdatasync overwrites allocated blocks instead of
/// growing the file). Bytes after the last valid frame that are *all zero to the end of the
/// file* are that free space: the log ends cleanly there. A zero frame header never validates
/// (type 0 is invalid), so readers still stop at the
/// first invalid frame. Anything non-zero after the last valid frame is a torn tail (cut under
/// the lock, quarantined) or, if a valid later frame follows, damage. Closed (non-last)
/// segments are cut back to their last frame when the writer moves on.
enum StoreFormat {
    static let version: UInt16 = 1
    /// Frames in this segment may carry a string table (`EventCoding.tagStrings`). A reader
    /// that does not know it would skip those frames' events: it must refuse the segment.
    static let featureStringTables: UInt32 = 1
    /// Events in this segment's frames may name their kind by table index and pack their
    /// changes (`EventCoding.tagKindRef`, `tagPackedChanges`). A reader that does not know them
    /// would skip those fields (records without kind or fields): it must refuse the segment.
    static let featurePackedEvents: UInt32 = 2
    static let knownIncompatibleFeatures: UInt32 = featureStringTables | featurePackedEvents
    /// What a new store's and an import's segments are marked with: all of the above.
    static let importFeatures: UInt32 = featureStringTables | featurePackedEvents
    static let segmentMagic: [UInt8] = Array("OPSDLOG\n".utf8)
    static let segmentHeaderSize = 48
    static let frameHeaderSize = 56
    static let frameOverhead = frameHeaderSize + 4
    static let maxPayload = 16 << 20
    static let frameTypeTransaction: UInt8 = 1
    static let defaultSegmentCap = 64 << 20

    /// Whether every byte of `b` from `offset` on is zero.
    static func isZero(_ b: UnsafeRawBufferPointer, from offset: Int) -> Bool {
        guard offset < b.count else { return true }
        return opsdesk_all_zero(b.baseAddress! + offset, b.count - offset) != 0
    }

    /// Whether the bytes at `offset` look like the start of free space: the frame header (or
    /// what is left of the buffer) all zero. Only a hint: free space is all zero to the end.
    static func startsFreeSpace(_ b: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard offset < b.count else { return true }
        return opsdesk_all_zero(b.baseAddress! + offset, min(b.count - offset, frameHeaderSize)) != 0
    }

    static func segmentName(_ number: UInt32) -> String {
        let digits = String(number)
        return "log-" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits + ".seg"
    }

    static func segmentNumber(fromName name: String) -> UInt32? {
        guard name.hasPrefix("log-"), name.hasSuffix(".seg") else { return nil }
        return UInt32(name.dropFirst(4).dropLast(4))
    }

    static func randomSalt() -> UInt64 {
        var g = SystemRandomNumberGenerator()
        var s: UInt64 = 0
        while s == 0 { s = g.next() }
        return s
    }
}

struct SegmentHeader: Equatable {
    var number: UInt32
    var salt: UInt64
    var firstSequence: UInt64
    var version: UInt16 = StoreFormat.version
    var incompatibleFeatures: UInt32 = 0
    var compatibleFeatures: UInt32 = 0

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: StoreFormat.segmentHeaderSize)
        w.raw(StoreFormat.segmentMagic)
        w.u16(version); w.u16(0)
        w.u32(incompatibleFeatures); w.u32(compatibleFeatures)
        w.u32(number); w.u64(salt); w.u64(firstSequence)
        w.u32(CRC32C.mask(CRC32C.checksum(w.bytes)))
        w.u32(0)
        return w.bytes
    }

    /// Parses and checks a header; `file` names it in errors.
    static func parse(_ b: UnsafeRawBufferPointer, file: String) throws(StoreError) -> SegmentHeader {
        guard b.count >= StoreFormat.segmentHeaderSize else {
            throw .notAStoreFile(file: file, reason: "shorter than a segment header")
        }
        guard Array(b[0..<8]) == StoreFormat.segmentMagic else {
            throw .notAStoreFile(file: file, reason: "wrong magic number")
        }
        guard CRC32C.unmask(b.u32(at: 40)) == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: b[0..<40])) else {
            throw .notAStoreFile(file: file, reason: "header checksum mismatch")
        }
        let version = b.u16(at: 8)
        let incompatible = b.u32(at: 12)
        if version > StoreFormat.version { throw .newerFormat(file: file, version: version, features: 0) }
        if incompatible & ~StoreFormat.knownIncompatibleFeatures != 0 {
            throw .newerFormat(file: file, version: version, features: incompatible)
        }
        return SegmentHeader(number: b.u32(at: 20), salt: b.u64(at: 24), firstSequence: b.u64(at: 32),
                             version: version, incompatibleFeatures: incompatible, compatibleFeatures: b.u32(at: 16))
    }
}

typealias Digest32 = [UInt8]
let zeroDigest: Digest32 = Array(repeating: 0, count: 32)

func sha256(_ bytes: UnsafeRawBufferPointer) -> Digest32 { Array(SHA256.hash(data: bytes)) }

enum Frame {
    static func encode(sequence: UInt64, salt: UInt64, previousHash: Digest32, payload: [UInt8]) -> [UInt8] {
        var w = ByteWriter(capacity: StoreFormat.frameOverhead + payload.count)
        w.u32(UInt32(payload.count))
        w.u8(StoreFormat.frameTypeTransaction); w.u8(0); w.u16(0)
        w.u64(sequence); w.u64(salt)
        w.raw(previousHash)
        w.raw(payload)
        w.u32(CRC32C.mask(CRC32C.checksum(w.bytes)))
        return w.bytes
    }

    /// Fills in the frame around a payload already in place (`bytes[frameHeaderSize..<count - 4]`,
    /// as `EventEncoder` leaves it): the same bytes `encode` writes, without copying the payload.
    static func seal(_ bytes: inout [UInt8], sequence: UInt64, salt: UInt64, previousHash: Digest32) {
        precondition(bytes.count >= StoreFormat.frameOverhead && previousHash.count == 32)
        bytes.withUnsafeMutableBytes { b in
            let length = b.count - StoreFormat.frameOverhead
            b.storeBytes(of: UInt32(length).littleEndian, toByteOffset: 0, as: UInt32.self)
            b[4] = StoreFormat.frameTypeTransaction; b[5] = 0; b[6] = 0; b[7] = 0
            b.storeBytes(of: sequence.littleEndian, toByteOffset: 8, as: UInt64.self)
            b.storeBytes(of: salt.littleEndian, toByteOffset: 16, as: UInt64.self)
            for i in 0..<32 { b[24 + i] = previousHash[i] }
            let crc = CRC32C.mask(CRC32C.checksum(UnsafeRawBufferPointer(rebasing: b[0..<(b.count - 4)])))
            b.storeBytes(of: crc.littleEndian, toByteOffset: b.count - 4, as: UInt32.self)
        }
    }

    /// Why bytes at some offset are not the next valid frame.
    enum Invalid: Error, Equatable, CustomStringConvertible {
        case truncated, zeroType, badLength, wrongSalt, sequenceGap(expected: UInt64, found: UInt64), badChecksum
        var description: String {
            switch self {
            case .truncated: "incomplete frame"
            case .zeroType: "invalid frame type"
            case .badLength: "impossible frame length"
            case .wrongSalt: "frame from another log file"
            case let .sequenceGap(e, f): "sequence \(f) where \(e) was expected"
            case .badChecksum: "checksum mismatch"
            }
        }
    }

    /// A frame found valid in a buffer: positions are relative to the buffer.
    struct Found {
        var sequence: UInt64
        var start: Int
        var length: Int            // whole frame
        var previousHash: UnsafeRawBufferPointer
        var payload: UnsafeRawBufferPointer
    }

    /// Checks the frame at `offset` of `b`. With `expectedSequence` nil any sequence is accepted
    /// (used when looking for valid frames after damage).
    static func check(_ b: UnsafeRawBufferPointer, at offset: Int, salt: UInt64,
                      expectedSequence: UInt64?) -> Result<Found, Invalid> {
        let avail = b.count - offset
        guard avail >= StoreFormat.frameHeaderSize else { return .failure(.truncated) }
        let length = Int(b.u32(at: offset))
        let type = b[offset + 4]
        guard type != 0 else { return .failure(.zeroType) }
        guard length <= StoreFormat.maxPayload, type == StoreFormat.frameTypeTransaction else { return .failure(.badLength) }
        guard b.u64(at: offset + 16) == salt else { return .failure(.wrongSalt) }
        let total = StoreFormat.frameOverhead + length
        guard avail >= total else { return .failure(.truncated) }
        let body = UnsafeRawBufferPointer(rebasing: b[offset..<(offset + total - 4)])
        guard CRC32C.unmask(b.u32(at: offset + total - 4)) == CRC32C.checksum(body) else { return .failure(.badChecksum) }
        let seq = b.u64(at: offset + 8)
        if let e = expectedSequence, seq != e { return .failure(.sequenceGap(expected: e, found: seq)) }
        return .success(Found(
            sequence: seq, start: offset, length: total,
            previousHash: UnsafeRawBufferPointer(rebasing: b[(offset + 24)..<(offset + 56)]),
            payload: UnsafeRawBufferPointer(rebasing: b[(offset + 56)..<(offset + 56 + length)])))
    }

    /// The first offset at or after `from` where a whole, checksummed frame of this salt starts
    /// with a sequence of at least `minSequence`: used to tell a torn tail (none) from damage in
    /// the middle (some). Older sequences are stale copies, not lost transactions.
    static func findValid(in b: UnsafeRawBufferPointer, from: Int, salt: UInt64, minSequence: UInt64 = 0) -> Int? {
        var o = from
        let saltBytes = withUnsafeBytes(of: salt.littleEndian) { Array($0) }
        while o + StoreFormat.frameOverhead <= b.count {
            // Cheap filter first: the salt sits at +16.
            if b[o + 16] == saltBytes[0] && b.u64(at: o + 16) == salt,
               case let .success(f) = check(b, at: o, salt: salt, expectedSequence: nil), f.sequence >= minSequence {
                return o
            }
            o += 1
        }
        return nil
    }
}
