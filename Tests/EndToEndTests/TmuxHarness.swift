import Foundation
import Testing

/// Runs a program and waits for it, without Foundation's `Process` (whose exit-detection
/// descriptor a tmux server would inherit, hanging the wait): posix_spawn with an empty signal
/// mask, default signal actions, stdin from /dev/null, stdout and stderr to a file, and every
/// other inherited descriptor closed.
enum Spawn {
    struct Result {
        var status: Int32
        var output: String
    }

    static func run(_ argv: [String], environment: [String: String], outputFile: String, stdinPath: String = "/dev/null") -> Result {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        for fd in inheritedDescriptors() where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var cArgv: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnv: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in cArgv + cEnv { free(p) } }
        var pid: pid_t = 0
        let code = posix_spawnp(&pid, argv[0], &actions, &attributes, &cArgv, &cEnv)
        guard code == 0 else { return Result(status: -1, output: "spawn \(argv[0]) failed: \(code)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
        let exit: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exit, output: output)
    }

    /// This process's open descriptors, from /proc/self/fd.
    static func inheritedDescriptors() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
}

/// The built `opsdesk`: next to the test bundle in .build/debug (or $OPSDESK_BINARY).
enum Binary {
    static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["OPSDESK_BINARY"], !explicit.isEmpty { return explicit }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // The bundle may be a directory (…/OpsDeskPackageTests.xctest/…) on some layouts.
        while !dir.path.isEmpty, dir.path != "/" {
            let candidate = dir.appendingPathComponent("opsdesk").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        return "opsdesk"
    }
}

/// A private tmux server running `opsdesk` in a detached session of a given size, with its own
/// XDG_CONFIG_HOME, XDG_DATA_HOME and HOME in a temp folder. `close()` (always call it, e.g. in
/// `defer`) kills the server and removes the folder.
final class TmuxSession {
    let directory: String
    let socket: String
    let home: String
    let configHome: String
    let dataHome: String
    /// Added to the pane's environment (set before `start`).
    var extraEnvironment: [String: String] = [:]
    private var closed = false

    /// Makes the folders; call `start` to run the program.
    init() throws {
        var tmp = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        while tmp.count > 1, tmp.hasSuffix("/") { tmp.removeLast() }
        var template = Array((tmp + "/opsdesk-e2e-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw HarnessError(description: "mkdtemp failed: \(errno)")
        }
        directory = String(cString: made)
        socket = directory + "/tmux.sock"
        home = directory + "/home"
        configHome = directory + "/config"
        dataHome = directory + "/data"
        for dir in [home, configHome + "/opsdesk", dataHome] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
    }

    deinit { close() }

    /// The environment of the tmux client (the "outer terminal") and so of the pane.
    var environment: [String: String] {
        [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "TERM": "xterm-256color", "LANG": "C.UTF-8", "HOME": home,
            "XDG_CONFIG_HOME": configHome, "XDG_DATA_HOME": dataHome, "TMUX_TMPDIR": directory,
        ].merging(extraEnvironment) { $1 }
    }

    /// Runs a tmux command on this session's server.
    @discardableResult
    func tmux(_ args: [String]) -> Spawn.Result {
        Spawn.run(["tmux", "-S", socket, "-f", "/dev/null"] + args, environment: environment, outputFile: directory + "/tmux.out")
    }

    /// Starts `opsdesk ARGS` in a WIDTH×HEIGHT session. It runs under `sh`, which first prints
    /// `PRE-START` (to see it back after the console leaves the alternate screen) and then
    /// `exec`s the binary, so the pane's exit status is the console's.
    func start(width: Int = 80, height: Int = 24, arguments: [String] = []) throws {
        let quoted = ([Binary.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let script = "printf 'PRE-START\\n'; exec \(quoted)"
        var args = ["set", "-g", "default-terminal", "tmux-256color", ";", "set", "-g", "remain-on-exit", "on", ";",
                    "new-session", "-d", "-x", "\(width)", "-y", "\(height)"]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) where key != "TERM" { args += ["-e", "\(key)=\(value)"] }
        args += ["sh", "-c", script]
        let result = tmux(args)
        guard result.status == 0 else { throw HarnessError(description: "tmux new-session failed (\(result.status)): \(result.output)") }
    }

    func sendKeys(_ keys: String...) {
        tmux(["send-keys"] + keys)
    }

    /// Types `text` literally (no key-name lookup).
    func type(_ text: String) {
        tmux(["send-keys", "-l", text])
    }

    func resize(width: Int, height: Int) {
        tmux(["resize-window", "-x", "\(width)", "-y", "\(height)"])
    }

    /// The screen as text (`escapes`: with colours and attributes as SGR escapes; `history`:
    /// from the start of the scrollback).
    func capture(escapes: Bool = false, history: Bool = false) -> String {
        tmux(["capture-pane", "-p"] + (escapes ? ["-e"] : []) + (history ? ["-S", "-"] : [])).output
    }

    func lines() -> [String] {
        var lines = capture().components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    func display(_ format: String) -> String {
        tmux(["display-message", "-p", format]).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls the screen every 50 ms until `predicate` holds; fails with the last screen after
    /// `timeout` seconds.
    @discardableResult
    func waitUntil(_ what: String, timeout: Double = 10, escapes: Bool = false, _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < deadline {
            screen = capture(escapes: escapes)
            if predicate(screen) { return screen }
            usleep(50_000)
        }
        throw HarnessError(description: "timed out after \(timeout) s waiting for \(what); screen was:\n\(screen)")
    }

    @discardableResult
    func waitFor(_ text: String, timeout: Double = 10) throws -> String {
        try waitUntil("“\(text)”", timeout: timeout) { $0.contains(text) }
    }

    /// Waits for the program to exit and returns its status (128+N when killed by signal N).
    /// Nudges the server with SIGCHLD while waiting: this tmux sometimes misses it.
    func exitStatus(timeout: Double = 10) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = display("#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}")
            let parts = last.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 3, parts[0] == "1" {
                if let status = Int32(parts[1]) { return status }
                if let signal = Int32(parts[2]) { return 128 + signal }
            }
            if let pid = Int32(display("#{pid}")) { kill(pid, SIGCHLD) }
            usleep(50_000)
        }
        throw HarnessError(description: "program did not exit within \(timeout) s (pane: \(last)); screen:\n\(capture())")
    }

    /// Kills the server and removes the temp folder. Safe to call twice.
    func close() {
        guard !closed else { return }
        closed = true
        tmux(["kill-server"])
        try? FileManager.default.removeItem(atPath: directory)
    }
}
