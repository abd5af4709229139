#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Where one transaction's frame sits in the log, and the checksum stored in its trailer: enough
/// to tell, with three small reads, whether that frame is still the log's last one.
struct LogAnchor: Sendable, Hashable {
    var segment: UInt32
    var offset: UInt64
    /// The whole frame, header and trailer included.
    var length: UInt32
    /// The frame's stored (masked) CRC32C.
    var crc: UInt32
}

/// Reads the end of the log without opening the store: the `queue-rows` image records the frame
/// of the transaction it was built at, and a console checks that nothing follows it before it
/// draws its first frame from the image alone (the store's own open indexes every record).
enum LogTail {
    /// The frame of transaction `sequence`, found by walking the frame headers of the segment
    /// that holds it (only the found frame's checksum is verified). Nil if it is not there.
    static func anchor(of sequence: UInt64, in path: String) -> LogAnchor? {
        guard sequence > 0, let numbers = try? EventStore.segmentNumbers(in: path) else { return nil }
        for number in numbers.reversed() {
            guard let segment = try? Segment(directory: path, number: number, writable: false) else { return nil }
            guard segment.header.firstSequence <= sequence else { continue }
            return withMapped(segment) { (b: UnsafeRawBufferPointer) -> LogAnchor? in
                var o = StoreFormat.segmentHeaderSize
                while o + StoreFormat.frameHeaderSize <= b.count {
                    let length = Int(b.u32(at: o))
                    guard b[o + 4] == StoreFormat.frameTypeTransaction, length <= StoreFormat.maxPayload,
                          b.u64(at: o + 16) == segment.header.salt else { return nil }
                    let seq = b.u64(at: o + 8), total = StoreFormat.frameOverhead + length
                    if seq > sequence { return nil }
                    if seq == sequence {
                        guard case .success = Frame.check(b, at: o, salt: segment.header.salt, expectedSequence: sequence) else { return nil }
                        return LogAnchor(segment: number, offset: UInt64(o), length: UInt32(total), crc: b.u32(at: o + total - 4))
                    }
                    o += total
                }
                return nil
            }
        }
        return nil
    }

    /// True when `anchor` is still transaction `sequence`'s frame and the last frame of the log:
    /// it sits in the last segment, with the same header and trailer, and only free space (or
    /// the end of the file) follows. Anything else — a later frame, a torn write, another
    /// segment — is false, and the caller opens the store the long way.
    static func isLast(_ anchor: LogAnchor, sequence: UInt64, in path: String) -> Bool {
        guard let numbers = try? EventStore.segmentNumbers(in: path), numbers.last == anchor.segment,
              let segment = try? Segment(directory: path, number: anchor.segment, writable: false),
              anchor.length >= UInt32(StoreFormat.frameOverhead) else { return false }
        let start = Int64(anchor.offset), end = start + Int64(anchor.length)
        guard let head = try? Posix.read(segment.fd, at: start, count: StoreFormat.frameHeaderSize, path: segment.path),
              head.count == StoreFormat.frameHeaderSize,
              let trailer = try? Posix.read(segment.fd, at: end - 4, count: 4, path: segment.path), trailer.count == 4,
              let next = try? Posix.read(segment.fd, at: end, count: StoreFormat.frameHeaderSize, path: segment.path) else { return false }
        let same = head.withUnsafeBytes { h in
            h.u32(at: 0) == anchor.length - UInt32(StoreFormat.frameOverhead) && h[4] == StoreFormat.frameTypeTransaction
                && h.u64(at: 8) == sequence && h.u64(at: 16) == segment.header.salt
        } && trailer.withUnsafeBytes { $0.u32(at: 0) } == anchor.crc
        return same && next.allSatisfy { $0 == 0 }
    }

    private static func withMapped<T>(_ segment: Segment, _ body: (UnsafeRawBufferPointer) -> T?) -> T? {
        guard let size = try? Posix.size(segment.fd, path: segment.path), size > 0 else { return nil }
        guard let m = mmap(nil, Int(size), PROT_READ, MAP_SHARED, segment.fd, 0), m != MAP_FAILED else { return nil }
        defer { munmap(m, Int(size)) }
        return body(UnsafeRawBufferPointer(start: m, count: Int(size)))
    }
}
