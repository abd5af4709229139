import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The disk's limit for one-commit-one-sync: append 256 bytes, `fdatasync`, repeat.
enum DiskLimit {
    static func appendSyncRate(directory: String, seconds: Double) throws -> Double {
        let path = directory + "/bare-append.log"
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BenchError("open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd); unlink(path) }
        let frame = [UInt8](repeating: 0x5a, count: 256)
        let start = monotonicNanoseconds()
        let end = start + Int64(seconds * 1e9)
        var n = 0
        while monotonicNanoseconds() < end {
            let written = frame.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == frame.count, fdatasync(fd) == 0 else {
                throw BenchError("append+fdatasync failed: \(String(cString: strerror(errno)))")
            }
            n += 1
        }
        return Double(n) / (Double(monotonicNanoseconds() - start) / 1e9)
    }
}
