import Console
import DeskStore
import Foundation
import ITSM
import Terminal

/// The console up to its first frame, shared by the interactive console and
/// `opsdesk console --print-frame`, so the printed frame is the console's own.
///
/// With a current `queue-rows` image the incident queue's first frame comes from the image
/// alone (`Desk.firstLook`: a few milliseconds at a million incidents) and the store opens on
/// a background thread once the console starts (`opening.start()`; `--print-frame` needs no
/// store and never starts it); the pane switches to the live desk when it is there. Otherwise
/// the store is opened first, as before.
struct ConsoleStart {
    var state: AppState
    var link: DeskLink?
    /// The client still opening the store (nil when it was opened before the first frame).
    var opening: OpeningDeskClient?
    /// The store, once open (the About view's rescan counts from it).
    let store: StoreBox

    /// What the console can do before its configuration and theme are read: the first look
    /// at the store through the rows image, the acting user, and the queue pane over the image
    /// (its rows selected and the first page sorted). `ConsoleArguments` runs it on a second
    /// thread while the main thread reads config.toml and the theme. Nil when the image is not
    /// current (or there is no store): `init` then opens the store the long way.
    struct FirstLook: @unchecked Sendable {  // handed over once, after the thread is joined
        var pane: IncidentQueuePane?
        var link: DeskLink?
        var client: OpeningDeskClient?
        var user: String?
        var error: String?
        var hasIncidents = false

        init?(storePath: String, actAs: String?, queue: SavedQueue?) {
            guard FileManager.default.fileExists(atPath: storePath), let look = Desk.firstLook(at: storePath) else { return nil }
            do {
                let user = try ActingUser.resolve(as: actAs, isDeskAdmin: { look.directory.agents[$0]?.has(.admin) == true })
                let client = OpeningDeskClient(user: user.user) { try Desk.open(at: storePath, user: user) }
                let snapshot = QueueSnapshot(table: look.incidents, directory: look.directory, generation: look.lastSequence)
                let link = DeskLink(client: client)
                pane = ConsoleStart.queuePane(user: user.user, link: link, snapshot: snapshot, queue: queue)
                self.link = link
                self.client = client
                self.user = user.user
                hasIncidents = look.incidents.count > 0
            } catch {
                self.error = "Cannot open the store: \(error)"
            }
        }
    }

    /// `firstLook`: `FirstLook(storePath:actAs:queue:)` for this session's store, made on the
    /// other thread (nil: the image was not current, so the store is opened here).
    init(session: Session, actAs: String?, terminal: String?, queue: SavedQueue?, firstLook: FirstLook?) {
        let storePath = session.storePath
        var panes: [any Pane] = [AboutPane(), KeysPane(), MessagesPane()]
        var storeWarning: String?
        var openStore: EventStore?
        var actingUser: String?
        let box = StoreBox()
        if let look = firstLook {
            storeWarning = look.error
            if var pane = look.pane, let client = look.client {
                client.whenOpen { if case let .success(desk) = $0 { box.set(desk.store) } }
                link = look.link
                opening = client
                actingUser = look.user
                pane.bell = session.config.bell
                panes.insert(pane, at: look.hasIncidents ? 0 : 1)
            }
        } else if FileManager.default.fileExists(atPath: storePath) {
            do {
                let real = try Desk.open(at: storePath, user: ActingUser(user: try ActingUser.realUserName()))
                let user = try ActingUser.resolve(as: actAs, isDeskAdmin: { name in (try? real.directory.agents[name]?.has(.admin)) == true })
                let desk = user == real.user ? real : try Desk(store: real.store, user: user)
                let client = DeskClient(desk: desk)
                link = DeskLink(client: client)
                openStore = desk.store
                box.set(desk.store)
                actingUser = user.user
                // The rows are read already: the first frame shows them.
                let snapshot = try? client.snapshot()
                // The start view when the desk has incidents; after About otherwise.
                let hasIncidents = (snapshot?.table.count ?? 0) > 0
                var pane = Self.queuePane(user: user.user, link: link, snapshot: snapshot, queue: queue)
                pane.bell = session.config.bell
                panes.insert(pane, at: hasIncidents ? 0 : 1)
            } catch {
                storeWarning = "Cannot open the store: \(error)"
            }
        }
        // Counted from the desk's own store when it is open: the store is opened once. While
        // it opens in the background the counts come later (a `.store` message).
        var info = session.info(terminal: terminal, store: openStore, counting: opening == nil, listing: opening == nil)
        if let actingUser { info.user = actingUser }
        if let storeWarning { info.warnings.append(storeWarning) }
        state = AppState(size: Size(width: 80, height: 24), info: info,
                         theme: session.theme.theme, keyMap: session.keyMap, clock: Clock.text(),
                         themeNames: session.themeNames, panes: panes)
        store = box
    }

    /// The queue pane on `queue` (nil: its default), computed once: the queue is chosen before
    /// the rows arrive, so a million rows are selected and sorted for it alone.
    static func queuePane(user: String, link: DeskLink?, snapshot: QueueSnapshot?, queue: SavedQueue?) -> IncidentQueuePane {
        var pane = IncidentQueuePane(user: user, link: link)
        if let queue { _ = pane.show(queue) }
        if let snapshot { pane.receive(snapshot) }
        return pane
    }

    /// The first frame at `size`, exactly as the shell draws it when it starts.
    func firstFrame(size: Size) -> Canvas {
        var s = state
        s.size = size
        s.clock = Clock.text()
        return Render.frame(s).canvas
    }

    /// A frame as plain text: one line per row, trailing blanks dropped; the cells' text as
    /// the test backend reads it (continuation cells of wide glyphs skipped).
    static func text(of canvas: Canvas) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(canvas.size.width * canvas.size.height * 2)
        for y in 0..<canvas.size.height {
            let start = out.count
            for x in 0..<canvas.size.width {
                let cell = canvas[x, y]
                if cell.width != 0 { out.append(contentsOf: cell.text.utf8) }
            }
            while out.count > start && out.last == 32 { out.removeLast() }
            out.append(10)
        }
        return out
    }
}

/// The open store, set from whichever thread opened it.
final class StoreBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: EventStore?
    func set(_ store: EventStore) { lock.withLock { value = store } }
    var store: EventStore? { lock.withLock { value } }
}
