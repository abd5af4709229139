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
