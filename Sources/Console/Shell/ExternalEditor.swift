import Foundation

/// Edits long text in the user's editor: `$VISUAL`, then `$EDITOR`, then `vi`, on a temporary
/// file. The editor is started with posix_spawn (through `/bin/sh -c`, so `EDITOR="code -w"`
/// works) and waited for with waitpid; the caller suspends the screen around `run`.
public struct ExternalEditor: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// The editor command in effect.
    public var command: String {
        for name in ["VISUAL", "EDITOR"] {
            if let value = environment[name]?.trimmingSpaces, !value.isEmpty { return value }
        }
        return "vi"
    }

    public enum Failure: Error, Hashable, Sendable, CustomStringConvertible {
        case tempFile(String)
        case spawn(command: String, code: Int32)
        case exited(command: String, status: Int32)
        case killed(command: String, signal: Int32)

        public var description: String {
            switch self {
            case let .tempFile(why): "Could not make a temporary file: \(why)"
            case let .spawn(command, code): "Could not start the editor '\(command)': \(String(cString: strerror(code)))"
            case let .exited(command, status):
                status == 127 ? "Editor '\(command)' not found (set $VISUAL or $EDITOR)"
                    : "Editor '\(command)' exited with status \(status); nothing was changed"
            case let .killed(command, signal): "Editor '\(command)' was killed by signal \(signal); nothing was changed"
            }
        }
    }

    /// Writes `text` to a temporary file, runs the editor on it inside `suspend` (which gives
    /// the editor the terminal), and returns the edited text. The file is always removed.
    public func edit(_ text: String, suffix: String = ".txt",
                     suspend: (() -> Result<Void, Failure>) -> Result<Void, Failure> = { $0() }) -> Result<String, Failure> {
        let dir = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((dir + "/opsdesk-edit-XXXXXX" + suffix).utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, Int32(suffix.utf8.count)) }
        guard fd >= 0 else { return .failure(.tempFile(String(cString: strerror(errno)))) }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(path) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else { return .failure(.tempFile("short write to \(path)")) }
        let result = suspend { run(on: path) }
        if case let .failure(failure) = result { return .failure(failure) }
        guard let data = FileManager.default.contents(atPath: path) else { return .failure(.tempFile("\(path) vanished")) }
        return .success(String(decoding: data, as: UTF8.self))
    }

    /// Runs the editor on `path` and waits for it.
    public func run(on path: String) -> Result<Void, Failure> {
        let command = self.command
        let argv = ["/bin/sh", "-c", command + " \"$1\"", "sh", path]
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGTSTP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let env = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let code = withCStrings(argv) { cArgv in
            withCStrings(env) { cEnv in
                posix_spawn(&pid, "/bin/sh", nil, &attributes, cArgv, cEnv)
            }
        }
        guard code == 0 else { return .failure(.spawn(command: command, code: code)) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return .failure(.spawn(command: command, code: errno)) }
        }
        let signal = status & 0x7f
        if signal != 0 { return .failure(.killed(command: command, signal: signal)) }
        let exit = (status >> 8) & 0xff
        return exit == 0 ? .success(()) : .failure(.exited(command: command, status: exit))
    }
}

/// Calls `body` with a NULL-terminated C array of `strings`.
func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for p in pointers { free(p) } }
    return body(pointers)
}
