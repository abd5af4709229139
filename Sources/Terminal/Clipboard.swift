import CNcursesw
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Copying text to the user's clipboard in a way that works over SSH: the tmux buffer when
/// running inside tmux (and, with tmux ≥ 3.2, the outer terminal's clipboard through it), or an
/// OSC 52 sequence written straight to the terminal otherwise.
///
/// This and ncurses are the only ways escape sequences leave OpsDesk; the text itself is
/// base64-encoded inside the sequence, so nothing in it can act on the terminal.
public enum Clipboard {
    /// How the text will be copied, decided from the environment alone.
    public enum Method: Hashable, Sendable {
        /// `tmux load-buffer`: the tmux paste buffer (and the outer clipboard, with `-w`).
        case tmuxBuffer
        /// OSC 52 to `/dev/tty`; `screenPassthrough` wraps it for GNU screen.
        case osc52(screenPassthrough: Bool)
    }

    public enum CopyError: Error, CustomStringConvertible, Equatable {
        case tooLarge(bytes: Int)
        case noTerminal(errno: Int32)
        case tmuxFailed(status: Int32)
        case spawnFailed(errno: Int32)

        public var description: String {
            switch self {
            case let .tooLarge(bytes): "too large to copy through the terminal (\(bytes) bytes; at most \(Clipboard.maxBytes))"
            case let .noTerminal(e): "cannot write to /dev/tty: \(String(cString: strerror(e)))"
            case let .tmuxFailed(status): "tmux load-buffer failed (status \(status))"
            case let .spawnFailed(e): "cannot run tmux: \(String(cString: strerror(e)))"
            }
        }
    }

    /// Terminals cap OSC 52 (xterm at 100 000 bytes of base64): 74 994 bytes of text fit.
    public static let maxBytes = 74_994

    /// Copies `text`; on success, says how (for the message line), e.g. "copied to the tmux buffer".
    public static func copy(_ text: String, environment: [String: String]) -> Result<String, Error> {
        let bytes = Array(text.utf8)
        switch method(environment: environment) {
        case .tmuxBuffer:
            // -w also hands it to the outer terminal's clipboard (tmux ≥ 3.2); older tmux refuses
            // the flag, so fall back to the plain buffer.
            var status = runTmux(["load-buffer", "-w", "-"], input: bytes, environment: environment)
            if case .failure(CopyError.tmuxFailed) = status {
                status = runTmux(["load-buffer", "-"], input: bytes, environment: environment)
            }
            return status.map { "copied to the tmux buffer" }
        case let .osc52(screen):
            guard bytes.count <= maxBytes else { return .failure(CopyError.tooLarge(bytes: bytes.count)) }
            let sequence = osc52(bytes, screenPassthrough: screen)
            let fd = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC)
            guard fd >= 0 else { return .failure(CopyError.noTerminal(errno: errno)) }
            defer { close(fd) }
            var offset = 0
            while offset < sequence.count {
                let written = sequence[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if written < 0 {
                    if errno == EINTR { continue }
                    return .failure(CopyError.noTerminal(errno: errno))
                }
                offset += written
            }
            return .success("copied to the terminal clipboard (OSC 52)")
        }
    }

    /// tmux when `TMUX` is set; otherwise OSC 52, wrapped for GNU screen when `STY` is set.
    public static func method(environment: [String: String]) -> Method {
        if let tmux = environment["TMUX"], !tmux.isEmpty { return .tmuxBuffer }
        let screen = !(environment["STY"] ?? "").isEmpty
        return .osc52(screenPassthrough: screen)
    }

    /// `ESC ] 52 ; c ; <base64> BEL`, inside a DCS for screen.
    static func osc52(_ bytes: [UInt8], screenPassthrough: Bool) -> [UInt8] {
        let body = Array("\u{1B}]52;c;".utf8) + base64(bytes) + [0x07]
        guard screenPassthrough else { return body }
        return Array("\u{1B}P".utf8) + body + Array("\u{1B}\\".utf8)
    }

    static func base64(_ bytes: [UInt8]) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], 0x3D, 0x3D]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], 0x3D]
        }
        return out
    }

    private static func runTmux(_ arguments: [String], input: [UInt8], environment: [String: String]) -> Result<Void, Error> {
        switch Spawn.run(["tmux"] + arguments, environment: environment, input: input) {
        case let .failure(error): return .failure(error)
        case let .success(status): return status == 0 ? .success(()) : .failure(CopyError.tmuxFailed(status: status))
        }
    }
}

/// Running a short-lived helper (tmux) with `posix_spawn`, never Foundation's `Process` (whose
/// exit-detection descriptor a tmux server would inherit): empty signal mask, default signal
/// actions, every descriptor above 2 closed, stdout/stderr to /dev/null so nothing reaches the
/// screen, stdin fed from a socket (writes to it cannot raise SIGPIPE).
enum Spawn {
    /// Runs `arguments` (looked up in `PATH`), feeds `input` to its stdin, waits at most
    /// `timeout` seconds (then kills it); returns its exit status (128 + signal if killed).
    static func run(_ arguments: [String], environment: [String: String], input: [UInt8] = [],
                    timeout: Double = 5) -> Result<Int32, Error> {
        run(arguments, environment: environment, input: input, timeout: timeout, captureOutput: false).map(\.status)
    }

    /// As `run`, also returning what the helper wrote to stdout. Only for helpers that do not
    /// leave a daemon behind holding the descriptor (a tmux *client* command, not `new-session`).
    static func run(_ arguments: [String], environment: [String: String], input: [UInt8] = [],
                    timeout: Double = 5, captureOutput: Bool) -> Result<(status: Int32, output: [UInt8]), Error> {
        var outputs: [Int32] = [-1, -1]
        if captureOutput {
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &outputs) == 0 else {
                return .failure(Clipboard.CopyError.spawnFailed(errno: errno))
            }
        }
        defer { outputs.filter { $0 >= 0 }.forEach { close($0) } }
        var sockets: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &sockets) == 0 else {
            return .failure(Clipboard.CopyError.spawnFailed(errno: errno))
        }
        defer { if sockets[1] >= 0 { close(sockets[1]) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, sockets[0], 0)
        if captureOutput {
            posix_spawn_file_actions_adddup2(&actions, outputs[1], 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        for fd in openDescriptors() where fd > 2 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGWINCH, SIGCHLD, SIGTSTP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        close(sockets[0])
        if outputs[1] >= 0 { close(outputs[1]); outputs[1] = -1 }
        guard spawned == 0 else { return .failure(Clipboard.CopyError.spawnFailed(errno: spawned)) }

        var offset = 0
        while offset < input.count {
            let n = input[offset...].withUnsafeBytes { send(sockets[1], $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 { if errno == EINTR { continue } else { break } }
            offset += n
        }
        close(sockets[1])
        sockets[1] = -1

        var output: [UInt8] = []
        let deadline = monotonicSeconds() + timeout
        if captureOutput {
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                var pfd = pollfd(fd: outputs[0], events: Int16(POLLIN), revents: 0)
                let remaining = Int32(max(0, (deadline - monotonicSeconds()) * 1000))
                let ready = poll(&pfd, 1, remaining)
                if ready == 0 { kill(pid, SIGKILL); break }
                if ready < 0 { if errno == EINTR { continue } else { break } }
                let n = read(outputs[0], &chunk, chunk.count)
                if n > 0 { output += chunk[0..<n]; continue }
                if n < 0 && errno == EINTR { continue }
                break
            }
        }

        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { return .failure(Clipboard.CopyError.spawnFailed(errno: errno)) }
            if monotonicSeconds() > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                break
            }
            usleep(2_000)
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift cannot import (macros).
        let code = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return .success((code, output))
    }

    private static func openDescriptors() -> [Int32] {
        guard let dir = opendir("/proc/self/fd") else { return Array(3..<256) }
        defer { closedir(dir) }
        var fds: [Int32] = []
        let own = dirfd(dir)
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let fd = Int32(name), fd != own { fds.append(fd) }
        }
        return fds
    }

    private static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
