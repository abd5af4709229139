import Foundation
#if canImport(Glibc)
import Glibc
#endif

@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func queueSpawnAddCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32

struct QueueBenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Wall-clock seconds (CLOCK_MONOTONIC).
func queueNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// CLOCK_REALTIME in nanoseconds: comparable across processes.
func queueRealtimeNanos() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}

/// A child process started with posix_spawn: stdin and stdout are pipes (or /dev/null).
final class QueueProcess {
    let pid: pid_t
    private(set) var stdinFD: Int32
    let stdoutFD: Int32
    private var buffer: [UInt8] = []

    /// Starts `executable` with `arguments`. With `pipes` false, stdin/stdout are /dev/null.
    init(_ executable: String, _ arguments: [String], pipes: Bool = true, stdoutPath: String? = nil) throws {
        var inFDs: [Int32] = [-1, -1], outFDs: [Int32] = [-1, -1]
        if pipes {
            guard pipe(&inFDs) == 0, pipe(&outFDs) == 0 else { throw QueueBenchError("pipe failed") }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if pipes {
            posix_spawn_file_actions_adddup2(&actions, inFDs[0], 0)
            posix_spawn_file_actions_adddup2(&actions, outFDs[1], 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, stdoutPath ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        }
        _ = queueSpawnAddCloseFrom(&actions, 3)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, executable, &actions, nil, argv, environ)
        if pipes { close(inFDs[0]); close(outFDs[1]) }
        guard rc == 0 else { throw QueueBenchError("cannot start \(executable): \(String(cString: strerror(rc)))") }
        self.pid = pid
        self.stdinFD = pipes ? inFDs[1] : -1
        self.stdoutFD = pipes ? outFDs[0] : -1
    }

    /// This benchmark program, started again.
    static func selfExecutable() throws -> String {
        try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    }

    /// The next line the child printed (nil at end of output).
    func readLine() -> String? {
        while true {
            if let nl = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<nl], as: UTF8.self)
                buffer.removeSubrange(...nl)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { read(stdoutFD, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                if buffer.isEmpty { return nil }
                let line = String(decoding: buffer, as: UTF8.self)
                buffer.removeAll()
                return line
            }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    /// Closes the child's stdin (its signal to finish).
    func closeStdin() {
        if stdinFD >= 0 { close(stdinFD); stdinFD = -1 }
    }

    /// Waits for the exit; the status.
    @discardableResult
    func wait() -> Int32 {
        closeStdin()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if stdoutFD >= 0 { close(stdoutFD) }
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Private_Clean + Private_Dirty (and Pss, Rss) of the process, in bytes.
    func memory() -> (privateBytes: Int, rss: Int, pss: Int) {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8) else { return (0, 0, 0) }
        var values: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, let kb = Int(parts[1]) { values[String(parts[0].dropLast())] = kb * 1024 }
        }
        return ((values["Private_Clean"] ?? 0) + (values["Private_Dirty"] ?? 0), values["Rss"] ?? 0, values["Pss"] ?? 0)
    }
}

/// Seconds from start to exit of a command (process start included), stdout to /dev/null.
func queueTimeCommand(_ executable: String, _ arguments: [String], stdoutPath: String? = nil) throws -> (seconds: Double, status: Int32) {
    let start = queueNow()
    let p = try QueueProcess(executable, arguments, pipes: false, stdoutPath: stdoutPath)
    let status = p.wait()
    return (queueNow() - start, status)
}

/// Median and 99th percentile.
func queueStats(_ values: [Double]) -> (median: Double, p99: Double) {
    guard !values.isEmpty else { return (0, 0) }
    let s = values.sorted()
    let p99Index = min(s.count - 1, Int((Double(s.count) * 0.99).rounded(.up)) - 1)
    return (s[s.count / 2], s[max(0, p99Index)])
}
