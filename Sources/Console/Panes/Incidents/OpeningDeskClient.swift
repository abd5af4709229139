import Foundation
import ITSM
import DeskStore

/// The desk behind the incident pane while the store is still opening: the console drew its
/// first frame from the `queue-rows` image alone (`Desk.firstLook`) and opens the store on a
/// thread of its own. Every call that needs the store waits for that open — they all run on
/// `DeskLink`'s work queue or the follower's thread, never on the UI thread — and `follow`
/// only records the callback until the desk is there.
public final class OpeningDeskClient: IncidentDeskClient, @unchecked Sendable {
    public let user: String
    private let condition = NSCondition()
    private var opened: Result<DeskClient, any Error>?     // guarded by condition
    private var followers: [@Sendable () -> Void] = []      // guarded by condition
    private var waiters: [@Sendable (Result<Desk, any Error>) -> Void] = []  // guarded by condition

    private let open: @Sendable () throws -> Desk
    private var started = false                              // guarded by condition

    /// A client whose desk `open` makes, once `start()` is called.
    public init(user: String, open: @escaping @Sendable () throws -> Desk) {
        self.user = user
        self.open = open
    }

    /// Runs `open` on a background thread (once; later calls do nothing). The console calls
    /// it right before its loop starts; `--print-frame` never does (it needs no store).
    public func start() {
        let first = condition.withLock { defer { started = true }; return !started }
        guard first else { return }
        let thread = Thread { [self] in finish(Result { DeskClient(desk: try open()) }) }
        thread.name = "opsdesk.store-open"
        thread.start()
    }

    private func finish(_ result: Result<DeskClient, any Error>) {
        condition.lock()
        opened = result
        let follow = followers, wait = waiters
        followers = []; waiters = []
        condition.broadcast()
        condition.unlock()
        if case let .success(client) = result { for f in follow { client.follow(f) } }
        let desk = result.map(\.desk)
        for w in wait { w(desk) }
    }

    /// True once the store's open has finished (well or not).
    public var isOpen: Bool { condition.withLock { opened != nil } }

    /// Runs `body` with the opened desk (or the error) once the open finishes; at once if it has.
    public func whenOpen(_ body: @escaping @Sendable (Result<Desk, any Error>) -> Void) {
        condition.lock()
        guard let opened else { waiters.append(body); condition.unlock(); return }
        condition.unlock()
        body(opened.map(\.desk))
    }

    /// Blocks the calling (store-side) thread until the desk is open.
    private func client() throws -> DeskClient {
        condition.lock()
        defer { condition.unlock() }
        while opened == nil { condition.wait() }
        return try opened!.get()
    }

    public func snapshot() throws -> QueueSnapshot { try client().snapshot() }

    public func perform(_ commands: [Command], expecting: [RecordID: UInt64]) throws {
        try client().perform(commands, expecting: expecting)
    }

    public func detail(of id: RecordID) throws -> IncidentDetail? { try client().detail(of: id) }

    public func follow(_ onChange: @escaping @Sendable () -> Void) {
        condition.lock()
        guard let opened else { followers.append(onChange); condition.unlock(); return }
        condition.unlock()
        if case let .success(client) = opened { client.follow(onChange) }
    }
}
