import Foundation
import ITSM
import Synchronization

/// The store side of the incident pane: every call that may touch the disk (commits, loading
/// a record, catching up with other processes) runs here, on its own serial queue and watcher
/// thread, and comes back to the UI thread as a plain value through the shell's mailbox.
public final class DeskLink: Sendable {
    public let client: any IncidentDeskClient
    private let work = DispatchQueue(label: "opsdesk.incidents.desk")
    private let mailbox = Mutex<Mailbox?>(nil)
    private let watching = Mutex(false)
    private let stop = Atomic<Bool>(false)
    /// Commits of our own still running: the pane shows "working…".
    private let inFlight = Atomic<Int>(0)

    public init(client: any IncidentDeskClient) {
        self.client = client
    }

    deinit { stop.store(true, ordering: .relaxed) }

    /// Where results go; also starts following other processes' commits.
    public func attach(_ mailbox: Mailbox) {
        self.mailbox.withLock { $0 = mailbox }
        let start = watching.withLock { started -> Bool in
            defer { started = true }
            return !started
        }
        if start { startWatching() }
    }

    public func detach() {
        stop.store(true, ordering: .relaxed)
        mailbox.withLock { $0 = nil }
    }

    var busy: Bool { inFlight.load(ordering: .relaxed) > 0 }

    private func post(_ change: @escaping @Sendable (inout IncidentQueuePane) -> [Effect]) {
        mailbox.withLock { $0 }?.post(.act { state in state.updateIncidentQueue(change) })
    }

    /// Commits `commands` one after another; stops at the first refusal and reports it in
    /// the store's words. `done` is the notice when all went through.
    func submit(_ commands: [Command], done: String) {
        inFlight.add(1, ordering: .relaxed)
        work.async { [client] in
            var failure: String?
            var committed = 0
            for command in commands {
                do {
                    try client.perform(command)
                    committed += 1
                } catch {
                    failure = "\(error)"
                    break
                }
            }
            let snapshot = client.snapshot()
            self.inFlight.subtract(1, ordering: .relaxed)
            let total = commands.count
            self.post { pane in
                pane.receive(snapshot)
                if let failure {
                    let prefix = total > 1 ? "\(committed) of \(total) done; then: " : ""
                    return [.error(prefix + failure)]
                }
                pane.marks = []
                return [.notice(done)]
            }
        }
    }

    /// Loads `id` in full for the detail split.
    func loadDetail(_ id: RecordID) {
        work.async { [client] in
            let result: Result<IncidentDetail?, any Error> = Result { try client.detail(of: id) }
            let detail = try? result.get()
            let message = (try? result.get()) == nil ? result.failureText : nil
            self.post { pane in
                pane.detailLoaded(id, detail ?? nil)
                return message.map { [.error("Could not load \(id): \($0)")] } ?? []
            }
        }
    }

    /// Takes a fresh snapshot (after opening, or when asked).
    func refresh() {
        work.async { [client] in
            let snapshot = client.snapshot()
            self.post { pane in pane.receive(snapshot) }
        }
    }

    /// A thread that waits on the store's wake-up descriptor (or ticks every 100 ms without
    /// one), catches up, and hands the new snapshot over.
    private func startWatching() {
        let thread = Thread { [self] in
            let fd = client.wakeDescriptor
            while !stop.load(ordering: .relaxed) {
                if let fd {
                    var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    _ = poll(&p, 1, 200)
                } else {
                    usleep(100_000)
                }
                if stop.load(ordering: .relaxed) { break }
                // Catching up runs on the work queue, so it never races our own commits.
                let changed = work.sync { client.catchUp() }
                if changed {
                    let snapshot = work.sync { client.snapshot() }
                    post { pane in pane.receive(snapshot) }
                }
            }
        }
        thread.name = "opsdesk.incidents.watch"
        thread.start()
    }
}

extension Result {
    var failureText: String? {
        if case let .failure(error) = self { return "\(error)" }
        return nil
    }
}

extension AppState {
    /// Runs `change` on the incident queue pane, if the console has one.
    mutating func updateIncidentQueue(_ change: (inout IncidentQueuePane) -> [Effect]) -> [Effect] {
        guard let i = panes.firstIndex(where: { $0 is IncidentQueuePane }), var pane = panes[i] as? IncidentQueuePane else { return [] }
        let ctx = context
        var effects = change(&pane)
        pane.sync(ctx)
        panes[i] = pane
        effects = apply(effects)
        return effects
    }
}
