import Foundation
import ITSM
import Synchronization

/// The store side of the incident pane: every call that may touch the disk (commits, loading
/// a record, following other processes) runs here, on a serial work queue or the desk's
/// follower thread, and comes back to the UI thread as a plain value through the shell's
/// mailbox (whose descriptor the UI loop polls).
public final class DeskLink: Sendable {
    public let client: any IncidentDeskClient
    private let work = DispatchQueue(label: "opsdesk.incidents.desk")
    private let mailbox = Mutex<Mailbox?>(nil)
    /// The newest snapshot not yet taken by the UI thread: a burst of commits becomes one
    /// redraw with the latest rows.
    private let latest = Mutex<QueueSnapshot?>(nil)

    public init(client: any IncidentDeskClient) {
        self.client = client
    }

    /// Where results go; starts following the desk and loads the first snapshot.
    public func attach(_ mailbox: Mailbox) {
        self.mailbox.withLock { $0 = mailbox }
        client.follow { [weak self] in self?.changed() }
        work.async { [weak self] in self?.changed() }
    }

    private func post(_ change: @escaping @Sendable (inout IncidentQueuePane) -> [Effect]) {
        mailbox.withLock { $0 }?.post(.act { state in state.updateIncidentQueue(change) })
    }

    /// The desk moved: hand the UI thread the newest snapshot (once per burst).
    private func changed() {
        let snapshot: QueueSnapshot
        do { snapshot = try client.snapshot() } catch {
            let text = "\(error)"
            post { _ in [.error("Could not read the desk: \(text)")] }
            return
        }
        let wasWaiting = latest.withLock { slot -> Bool in
            defer { slot = snapshot }
            return slot != nil
        }
        if wasWaiting { return }
        post { [weak self] pane in
            guard let newest = self?.latest.withLock({ slot -> QueueSnapshot? in
                defer { slot = nil }
                return slot
            }) else { return [] }
            return pane.receive(newest)
        }
    }

    /// While the store is still opening (the first frame came from the rows image), the work
    /// queue waits for it; the agent is told why nothing happens yet.
    private func sayIfOpening(_ what: String) {
        guard !client.isOpen else { return }
        mailbox.withLock { $0 }?.post(.notice("Opening the store… \(what) once it is open"))
    }

    /// Commits `commands` as one transaction; reports the store's refusal in its own words,
    /// or `done`.
    func submit(_ commands: [Command], expecting: [RecordID: UInt64], done: String, ids: Set<RecordID>) {
        sayIfOpening("the change is made")
        work.async { [weak self, client] in
            let failure: String?
            do { try client.perform(commands, expecting: expecting); failure = nil } catch { failure = "\(error)" }
            self?.changed()
            self?.post { pane in
                pane.busy = max(0, pane.busy - 1)
                pane.inFlight.subtract(ids)
                if let failure { return [.error(failure)] }
                pane.marks = []
                return [.notice(done)]
            }
        }
    }

    /// Loads `id` in full for the detail split.
    func loadDetail(_ id: RecordID) {
        sayIfOpening("the detail loads")
        work.async { [weak self, client] in
            let result: Result<IncidentDetail?, any Error> = Result { try client.detail(of: id) }
            self?.post { pane in
                switch result {
                case let .success(detail):
                    pane.detailLoaded(id, detail)
                    return []
                case let .failure(error):
                    pane.detailLoaded(id, nil)
                    return [.error("Could not load \(id): \(error)")]
                }
            }
        }
    }
}

extension AppState {
    /// Runs `change` on the incident queue pane, if the console has one.
    public mutating func updateIncidentQueue(_ change: (inout IncidentQueuePane) -> [Effect]) -> [Effect] {
        guard let i = panes.firstIndex(where: { $0 is IncidentQueuePane }), var pane = panes[i] as? IncidentQueuePane else { return [] }
        let effects = change(&pane)
        panes[i] = pane
        return apply(effects)
    }
}
