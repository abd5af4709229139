import Foundation
import Synchronization

/// Something another thread hands the UI thread: the store side posts these when other
/// agents' transactions arrive or a commit finishes.
public enum ShellMessage: Sendable {
    case notice(String)
    case error(String)
    /// A fresh look at the store folder (and its record counts, once the store reports them).
    case store(StoreOverview)
    /// Any other change to the state, run on the UI thread.
    case update(@Sendable (inout AppState) -> Void)
    /// A change to the state that also asks the shell for effects (a bell, a notice).
    case act(@Sendable (inout AppState) -> [Effect])
}

/// The wake-up descriptor of the loop: any thread may `post`; the UI thread's `poll` wakes on
/// the pipe and drains the queue. Posting never blocks (the pipe is non-blocking; one byte
/// already waiting is enough to wake the loop).
public final class Mailbox: Sendable {
    private let readEnd: Int32
    private let writeEnd: Int32
    private let queue = Mutex<[ShellMessage]>([])

    public init() throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readEnd = fds[0]
        writeEnd = fds[1]
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    /// The descriptor the loop polls.
    public var descriptor: Int32 { readEnd }

    public func post(_ message: ShellMessage) {
        queue.withLock { $0.append(message) }
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Everything posted so far, oldest first.
    public func drain() -> [ShellMessage] {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(readEnd, &buffer, buffer.count) > 0 {}
        return queue.withLock { messages in
            defer { messages = [] }
            return messages
        }
    }
}
