#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A running tail-follow of the store. Its `wakeFD` is readable whenever new transactions were
/// delivered, so a `poll()`-based UI loop can wait on it beside stdin; call `drainWake()` after.
/// `cancel()` stops the follower (also on deinit).
public final class FollowToken: @unchecked Sendable {
    /// Readable after transactions arrive. Owned by the token.
    public let wakeFD: Int32
    private let wakeWriteFD: Int32
    private let lock = NSLock()
    private var cancelled = false
    private var thread: Thread?
    private weak var store: EventStore?
    private var listenerID: UInt64 = 0

    init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
        } else {
            fds = [-1, -1]
        }
        wakeFD = fds[0]
        wakeWriteFD = fds[1]
    }

    deinit {
        cancel()
        if wakeFD >= 0 { close(wakeFD) }
        if wakeWriteFD >= 0 { close(wakeWriteFD) }
    }

    /// Stops following. Safe to call more than once.
    public func cancel() {
        let (store, id): (EventStore?, UInt64) = lock.withLock {
            cancelled = true
            return (self.store, listenerID)
        }
        store?.removeListener(id)
    }

    public var isCancelled: Bool { lock.withLock { cancelled } }

    /// Empties the wake-up pipe after the loop has woken.
    public func drainWake() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wakeFD, &buffer, buffer.count) > 0 {}
    }

    func signal() {
        var one: UInt8 = 1
        _ = write(wakeWriteFD, &one, 1)
    }

    func start(store: EventStore, listener: UInt64) {
        lock.withLock {
            self.store = store
            self.listenerID = listener
        }
        let directory = store.path
        let t = Thread { [weak self, weak store] in
            // inotify on the directory wakes us as soon as a segment changes; the 100 ms
            // timeout is the floor if inotify is unavailable (e.g. network file systems).
            let inotify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
            if inotify >= 0 {
                _ = inotify_add_watch(inotify, directory, UInt32(IN_MODIFY | IN_CREATE | IN_MOVED_TO))
            }
            defer { if inotify >= 0 { close(inotify) } }
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                // No strong reference to the token is held across the wait, so dropping the
                // token ends following.
                guard self?.isCancelled == false else { return }
                do {
                    guard let store else { return }
                    _ = store.catchUpQuietly()
                }
                if inotify >= 0 {
                    var p = pollfd(fd: inotify, events: Int16(POLLIN), revents: 0)
                    if poll(&p, 1, 100) > 0 { while read(inotify, &buffer, buffer.count) > 0 {} }
                } else {
                    usleep(100_000)
                }
            }
        }
        t.name = "opsdesk-store-follow"
        thread = t
        t.start()
    }
}

extension EventStore {
    /// The follower's catch-up: errors (a file briefly unreadable) are retried next round.
    func catchUpQuietly() -> Bool {
        (try? catchUp()).map { !$0.isEmpty } ?? false
    }
}
