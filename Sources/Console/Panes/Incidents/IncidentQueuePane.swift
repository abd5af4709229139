import Foundation
import ITSM
import DeskStore
import Terminal

/// The incident queue: saved queues over every incident, sorted and filtered at a million
/// rows, a detail split, and the triage actions — each one key and one `:` command.
///
/// State only, and a pure `render` (IncidentQueueRender.swift); store work goes through
/// `DeskLink`, off the UI thread, and comes back as a new `QueueSnapshot` or `IncidentDetail`.
public struct IncidentQueuePane: Pane {
    // MARK: Declarations

    public static let bindings: [Binding] = [
        Binding(.viewIncidents, ["4", "F4"], "incidents", "Switch to the incident queue", scope: .global, inFooter: false),
        Binding(.queueNext, ["]"], "next queue", "Next saved queue (My incidents, Unassigned, All open, Breaching soon, Major, Resolved)", scope: .incidents, inFooter: false),
        Binding(.queuePrevious, ["["], "prev queue", "Previous saved queue", scope: .incidents, inFooter: false),
        Binding(.sortNext, ["o"], "sort", "Sort by another column (ID, P, State, SLA, …)", scope: .incidents, inFooter: false),
        Binding(.sortReverse, ["O"], "reverse", "Reverse the sort order", scope: .incidents, inFooter: false),
        Binding(.incidentDetail, ["Enter", "v"], "detail", "Show or hide the detail of the selected incident", scope: .incidents),
        Binding(.detailTab, ["Tab"], "tab", "Next tab of the detail: work notes, replies, history, links", scope: .incidents, inFooter: false),
        Binding(.detailScrollDown, ["Ctrl-D"], "scroll detail", "Scroll the detail's tab down half a page", scope: .incidents, inFooter: false),
        Binding(.detailScrollUp, ["Ctrl-U"], "scroll detail up", "Scroll the detail's tab up half a page", scope: .incidents, inFooter: false),
        Binding(.incidentMark, ["Space"], "mark", "Mark or unmark the row; actions apply to every marked row", scope: .incidents, inFooter: false),
        Binding(.incidentUnmarkAll, ["u"], "unmark", "Unmark every row", scope: .incidents, inFooter: false),
        Binding(.incidentNew, ["n"], "new", "Open a new incident (form; Tab between fields)", scope: .incidents),
        Binding(.incidentTake, ["t"], "take", "Take the incident: assign it to yourself", scope: .incidents),
        Binding(.incidentAssign, ["a"], "assign", "Assign to a group and an agent (pickers)", scope: .incidents, inFooter: false),
        Binding(.incidentState, ["s"], "state", "Change the state (with a reason where one is needed)", scope: .incidents),
        Binding(.incidentImpact, ["i"], "impact", "Set impact and urgency (shows the priority it gives)", scope: .incidents, inFooter: false),
        Binding(.incidentNote, ["w"], "note", "Add a work note (internal)", scope: .incidents),
        Binding(.incidentReply, ["r"], "reply", "Reply to the caller", scope: .incidents, inFooter: false),
        Binding(.incidentLinkProblem, ["p"], "problem", "Link to a problem", scope: .incidents, inFooter: false),
        Binding(.incidentMajor, ["M"], "major", "Propose as a major incident (or accept/reject a proposal)", scope: .incidents, dangerous: true, inFooter: false),
        Binding(.incidentAddChild, ["c"], "child of", "Make the incident (and marked ones) children of another", scope: .incidents, inFooter: false),
        Binding(.incidentResolve, ["R"], "resolve", "Resolve with a resolution code and a note", scope: .incidents),
        Binding(.incidentReopen, ["U"], "reopen", "Reopen a resolved or closed incident (asks why)", scope: .incidents, inFooter: false),
    ]

    /// The pane's `:` commands; each does what its key does (`:note TEXT` skips the prompt).
    public static let commands: [CommandSpec] = [
        CommandSpec(name: "queue", aliases: [], argument: .queue, summary: "Show a saved queue: mine, unassigned, open, breaching, major, resolved", scope: .incidents),
        CommandSpec(name: "sort", aliases: [], argument: .column, summary: "Sort by a column (id, p, state, sla, assignee, group, ci, age, title); again to reverse", scope: .incidents),
        CommandSpec(name: "new", aliases: [], argument: .optionalText, summary: "Open a new incident (the text is its title)", scope: .incidents),
        CommandSpec(name: "take", aliases: [], argument: nil, summary: "Take the selected (or marked) incidents", scope: .incidents),
        CommandSpec(name: "assign", aliases: [], argument: .optionalText, summary: "Assign: GROUP [AGENT], or pick", scope: .incidents),
        CommandSpec(name: "state", aliases: [], argument: nil, summary: "Change the state", scope: .incidents),
        CommandSpec(name: "hold", aliases: [], argument: nil, summary: "Put on hold (pick the reason)", scope: .incidents),
        CommandSpec(name: "impact", aliases: ["urgency"], argument: nil, summary: "Set impact and urgency", scope: .incidents),
        CommandSpec(name: "note", aliases: [], argument: .optionalText, summary: "Add a work note", scope: .incidents),
        CommandSpec(name: "reply", aliases: [], argument: .optionalText, summary: "Reply to the caller", scope: .incidents),
        CommandSpec(name: "link", aliases: [], argument: .optionalText, summary: "Link to a problem (PRB-N)", scope: .incidents),
        CommandSpec(name: "major", aliases: [], argument: .optionalText, summary: "Propose as a major incident (the text is the reason)", scope: .incidents),
        CommandSpec(name: "parent", aliases: [], argument: .optionalText, summary: "Make the selected (or marked) incidents children of INC-N", scope: .incidents),
        CommandSpec(name: "resolve", aliases: [], argument: nil, summary: "Resolve with a code and a note", scope: .incidents),
        CommandSpec(name: "reopen", aliases: [], argument: .optionalText, summary: "Reopen (the text is the reason)", scope: .incidents),
        CommandSpec(name: "open", aliases: ["goto"], argument: .record, summary: "Select an incident by ID and show its detail", scope: .incidents),
    ]

    /// Detail tabs.
    public enum DetailTab: Int, CaseIterable, Hashable, Sendable {
        case notes, replies, history, links
        var title: String {
            switch self {
            case .notes: "Work notes"
            case .replies: "Replies"
            case .history: "History"
            case .links: "Links"
            }
        }
    }

    // MARK: State

    public var name: String { "incidents" }
    public var title: String { "Incidents · " + queue.title }
    public var scope: KeyScope { .incidents }
    public var table: TableState? {
        get { nil }
        set {}
    }
    public var ownsListKeys: Bool { true }

    public private(set) var snapshot: QueueSnapshot?
    public private(set) var queue: SavedQueue = .allOpen
    public private(set) var sort = QueueSort()
    /// Rows of the queue, sorted (indices into the snapshot's table; the rows past the first
    /// page are sorted when first read).
    public private(set) var queueRows = QueueOrder()
    /// The rows shown: `queueRows` narrowed by the filter.
    public private(set) var rows = QueueOrder()
    public var filter = TextInput()
    public var filtering = false
    /// The filter text `rows` was computed for.
    private var appliedFilter = ""
    /// Index into `rows`.
    public private(set) var selected = 0
    public private(set) var offset = 0
    /// The incident the selection follows across refreshes.
    public private(set) var selectedID: RecordID?
    /// Marked incidents (by ID, so marks survive refreshes and re-sorts).
    public var marks: Set<RecordID> = []
    public var detailOpen = false
    public var detailTab: DetailTab = .notes {
        didSet { detailOffset = 0 }
    }
    /// Lines of the detail's tab scrolled away.
    public var detailOffset = 0
    public private(set) var detail: IncidentDetail?
    var loadingDetail: RecordID?
    var modal: Modal?
    /// Versions of the targets when the current action started (each action sets it anew).
    var actionVersions: [RecordID: UInt64]?
    /// Now, as of the last sync; SLA cells and ages count from it.
    public private(set) var now: Date
    public let user: String
    public var userGroups: Set<String> = []
    /// Ring the bell on a new P1 in my groups (config `bell`).
    public var bell: Bool
    /// P1s in my groups already seen, so only new ones ring.
    private var seenP1: Set<RecordID>?
    private var lastQueueMinute: Int = -1
    /// The pane's width as of the last key (the detail sits beside the table when wide).
    var bodyWidth = 80
    /// Commits handed to the store and not yet answered.
    public internal(set) var busy = 0
    /// Incidents with a commit of mine not yet answered.
    var inFlight: Set<RecordID> = []
    /// Commands handed over without a link (tests read them here).
    public internal(set) var outbox: [[Command]] = []

    let link: DeskLink?
    let clock: @Sendable () -> Date

    /// A pane over `link`'s desk (the app), or over `snapshot` alone (tests: no store work).
    public init(user: String, link: DeskLink?, snapshot: QueueSnapshot? = nil, bell: Bool = true,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.user = user
        self.link = link
        self.bell = bell
        self.clock = clock
        self.now = clock()
        if let snapshot { receive(snapshot) }
    }

    // MARK: Data

    /// A new look at the desk: the queue is recomputed; the selection stays on the same
    /// incident; a new P1 in my groups gives a notice (and the bell).
    @discardableResult
    public mutating func receive(_ snapshot: QueueSnapshot) -> [Effect] {
        if let old = self.snapshot, old.generation == snapshot.generation { return [] }
        self.snapshot = snapshot
        userGroups = snapshot.directory.agents[user]?.groups ?? []
        rebuild()
        var effects: [Effect] = []
        let p1s = newP1s(snapshot)
        if let seen = seenP1 {
            let fresh = p1s.subtracting(seen).sorted()
            if let first = fresh.first, let row = snapshot.table.row(first) {
                let more = fresh.count > 1 ? " (+\(fresh.count - 1) more)" : ""
                effects.append(.notice("New P1 in \(row.group ?? "your groups"): \(first) \(row.title)\(more)"))
                if bell { effects.append(.bell) }
            }
        }
        // Until the directory names my groups there is nothing to compare with.
        seenP1 = userGroups.isEmpty ? nil : p1s
        if detailOpen, let id = selectedID, detail?.incident.id != id || detailIsStale(snapshot) { requestDetail() }
        return effects
    }

    /// Open P1s in my groups.
    private func newP1s(_ snapshot: QueueSnapshot) -> Set<RecordID> {
        guard !userGroups.isEmpty else { return [] }
        let table = snapshot.table
        var out: Set<RecordID> = []
        for index in table.order(.inGroups(userGroups), sort: IncidentSort(.priority), now: now) {
            let row = table[Int(index)]
            guard row.priority == .p1 else { break }
            out.insert(row.id)
        }
        return out
    }

    private func detailIsStale(_ snapshot: QueueSnapshot) -> Bool {
        guard let detail, let row = snapshot.table.row(detail.incident.id) else { return false }
        return row.version != detail.version
    }

    /// Recomputes the queue (scope, sort) and the filter from the snapshot.
    mutating func rebuild() {
        guard let table = snapshot?.table else { queueRows = QueueOrder(); rows = QueueOrder(); return }
        let scope = queue.scope(user: user, groups: userGroups, now: now)
        let ascending = sort.column == .age ? sort.descending : !sort.descending
        queueRows = table.order(scope, sort: IncidentSort(sort.column.sortColumn, ascending: ascending), now: now)
        appliedFilter = ""
        applyFilter()
        lastQueueMinute = Int(now.timeIntervalSince1970 / 60)
    }

    /// Sets the `/` filter text as if typed (benchmarks and scripts; keys go through `capture`).
    public mutating func setFilter(_ text: String) {
        filter = TextInput(text)
        applyFilter()
    }

    /// Narrows `queueRows` by the filter text: from the last result when the text only grew.
    mutating func applyFilter() {
        guard let table = snapshot?.table else { return }
        let text = filter.text
        let matcher = FilterMatcher(text)
        let start = IncidentQueuePane.refines(text, appliedFilter) ? rows : queueRows
        guard !matcher.isEmpty else {
            rows = start
            appliedFilter = text
            return reselect()
        }
        // The store's filter ignores case; each term narrows (AND). With a capital letter the
        // shell's smart case applies: the few rows left are checked as typed.
        var result = start.all
        for term in matcher.terms { result = table.filter(result, text: term) }
        if matcher.caseSensitive {
            result = result.filter { i in
                let r = table[Int(i)]
                return matcher.matches(fields: [r.id.description, r.title, r.assignee ?? "", r.group ?? "", r.ci ?? "", r.service ?? ""])
            }
        }
        rows = QueueOrder(result)
        appliedFilter = text
        reselect()
    }

    /// True when every row matching `newer` also matches `older` (the query only grew).
    static func refines(_ newer: String, _ older: String) -> Bool {
        !older.isEmpty && newer.hasPrefix(older) && FilterMatcher(newer).caseSensitive == FilterMatcher(older).caseSensitive
    }

    /// Puts the selection back on `selectedID` when it is still shown; otherwise keeps the
    /// position.
    private mutating func reselect() {
        if let id = selectedID, let table = snapshot?.table, let index = table.index(of: id),
           let k = rows.firstIndex(of: Int32(index)) {
            selected = k
        }
        selected = max(0, min(selected, rows.count - 1))
        selectedID = selectedRow?.id
    }

    public var selectedRow: IncidentRow? {
        guard let table = snapshot?.table, rows.indices.contains(selected) else { return nil }
        return table[Int(rows[selected])]
    }

    /// The incidents an action applies to: the marked ones, else the selected one.
    var targets: [RecordID] {
        if !marks.isEmpty { return marks.sorted() }
        return selectedID.map { [$0] } ?? []
    }

    mutating func select(_ k: Int, height: Int) {
        selected = max(0, min(k, rows.count - 1))
        selectedID = selectedRow?.id
        offset = Self.offset(selected: selected, offset: offset, page: tablePage(height: height), count: rows.count)
        if detailOpen { requestDetail() }
    }

    static func offset(selected: Int, offset: Int, page: Int, count: Int) -> Int {
        var o = offset
        if selected < o { o = selected }
        if selected >= o + page { o = selected - page + 1 }
        return max(0, min(o, max(0, count - page)))
    }

    /// Rows the table shows in a body `height` lines tall (rule and header take two).
    func tablePage(height: Int) -> Int {
        let tableHeight = IncidentQueueRender.split(self, Rect(x: 0, y: 0, width: bodyWidth, height: height)).table.height
        return max(1, tableHeight - 2)
    }


    mutating func requestDetail() {
        guard let id = selectedID else { detail = nil; return }
        if detail?.incident.id != id { detail = nil; detailOffset = 0 }
        loadingDetail = id
        link?.loadDetail(id)
    }

    mutating func detailLoaded(_ id: RecordID, _ loaded: IncidentDetail?) {
        guard id == selectedID else { return }
        loadingDetail = nil
        detail = loaded
    }

    /// Tests hand the detail in directly.
    public mutating func setDetail(_ loaded: IncidentDetail?) {
        detail = loaded
        loadingDetail = nil
    }

    // MARK: Pane

    public mutating func sync(_ context: PaneContext) {
        now = clock()
        bodyWidth = context.bodyWidth
        // Queues that depend on the time are recomputed each minute.
        if queue == .breachingSoon || queue == .recentlyResolved, Int(now.timeIntervalSince1970 / 60) != lastQueueMinute {
            rebuild()
        }
    }

    public var emptyText: String { Self.emptyText(KeyMap()) }

    /// The empty queue's sentence, naming the key in force for a new incident.
    static func emptyText(_ map: KeyMap) -> String {
        let key = map.binding(for: .incidentNew)?.keys.first.map(KeyName.display) ?? ":new"
        return "No incidents in this queue — press \(key) to create one"
    }

    public var modalHints: [(key: String, label: String)]? {
        switch modal {
        case .input: return [("Enter", "ok"), ("Ctrl-E", "$EDITOR"), ("Esc", "cancel")]
        case .picker: return [("Up/Down", "choose"), ("Enter", "ok"), ("Esc", "cancel")]
        case .confirm: return [("y", "yes"), ("n", "no")]
        case .form: return [("Tab", "next field"), ("Left/Right", "choose"), ("Ctrl-E", "$EDITOR"), ("Enter", "open incident"), ("Esc", "cancel")]
        case nil:
            return filtering ? [("Enter", "keep filter"), ("Esc", "clear filter"), ("Up/Down", "move"), ("Ctrl-N/P", "next/prev")] : nil
        }
    }

    public mutating func capture(_ key: Key, context: PaneContext) -> [Effect]? {
        bodyWidth = context.bodyWidth
        if modal != nil { return handleModalKey(key, context: context) }
        guard filtering else { return nil }
        let height = context.bodyHeight
        switch key {
        case .enter, .tab: filtering = false
        case .escape: clearFilter()
        case .up, .ctrl("p"): select(selected - 1, height: height)
        case .down, .ctrl("n"): select(selected + 1, height: height)
        case .pageUp: select(selected - tablePage(height: height), height: height)
        case .pageDown: select(selected + tablePage(height: height), height: height)
        default:
            if filter.handle(key) {
                applyFilter()
                offset = Self.offset(selected: selected, offset: 0, page: tablePage(height: height), count: rows.count)
            }
        }
        return []
    }

    mutating func clearFilter() {
        filter = TextInput()
        filtering = false
        applyFilter()
    }

    public mutating func perform(_ action: Action, context: PaneContext) -> [Effect] {
        bodyWidth = context.bodyWidth
        let height = context.bodyHeight
        let page = max(1, tablePage(height: height) - 1)
        switch action {
        case .cursorUp: select(selected - 1, height: height)
        case .cursorDown: select(selected + 1, height: height)
        case .cursorTop: select(0, height: height)
        case .cursorBottom: select(rows.count - 1, height: height)
        case .pageUp: select(selected - page, height: height)
        case .pageDown: select(selected + page, height: height)
        case .filter: filtering = true
        case .copy:
            guard let id = selectedID else { return [.error("Nothing selected to copy")] }
            return [.copy(id.description)]
        case .queueNext: return switchQueue(queue.next(1))
        case .queuePrevious: return switchQueue(queue.next(-1))
        case .sortNext:
            let all = QueueColumn.allCases
            sort = QueueSort(column: all[(all.firstIndex(of: sort.column)! + 1) % all.count])
            rebuild()
            return [.notice("Sorted by \(sort.label)")]
        case .sortReverse:
            sort.descending.toggle()
            rebuild()
            return [.notice("Sorted by \(sort.label)")]
        case .incidentDetail:
            detailOpen.toggle()
            if detailOpen { requestDetail() }
            offset = Self.offset(selected: selected, offset: offset, page: tablePage(height: height), count: rows.count)
        case .detailTab:
            if !detailOpen { detailOpen = true; requestDetail() } else {
                detailTab = DetailTab(rawValue: (detailTab.rawValue + 1) % DetailTab.allCases.count)!
            }
        case .detailScrollDown:
            if !detailOpen { detailOpen = true; requestDetail() } else { detailOffset += max(1, height / 4) }
        case .detailScrollUp:
            detailOffset = max(0, detailOffset - max(1, height / 4))
        case .incidentMark:
            guard let id = selectedID else { return [] }
            if marks.contains(id) { marks.remove(id) } else { marks.insert(id) }
            select(selected + 1, height: height)
        case .incidentUnmarkAll:
            let n = marks.count
            marks = []
            return n == 0 ? [] : [.notice("Unmarked \(n) incident\(n == 1 ? "" : "s")")]
        default:
            return startAction(action, argument: nil)
        }
        return []
    }

    /// Shows saved queue `queue` from its top (`opsdesk console --queue`).
    public mutating func show(_ queue: SavedQueue) -> [Effect] { switchQueue(queue) }

    mutating func switchQueue(_ next: SavedQueue) -> [Effect] {
        queue = next
        selected = 0
        offset = 0
        selectedID = nil
        rebuild()
        return []
    }

    public mutating func run(command: String, argument: String, context: PaneContext) -> [Effect] {
        let arg = argument.trimmingCharacters(in: .whitespaces)
        switch command {
        case "queue":
            guard let q = SavedQueue(named: arg) else {
                return [.error("No queue named '\(arg)' — queues: " + SavedQueue.allCases.map(\.commandName).joined(separator: ", "))]
            }
            return switchQueue(q)
        case "sort":
            if arg.isEmpty { return perform(.sortNext, context: context) }
            guard let column = QueueColumn.allCases.first(where: { $0.rawValue == arg.lowercased() || $0.heading.lowercased() == arg.lowercased() || (arg.lowercased() == "p" && $0 == .priority) }) else {
                return [.error("No column '\(arg)' — columns: " + QueueColumn.allCases.map(\.rawValue).joined(separator: ", "))]
            }
            sort = sort.column == column ? QueueSort(column: column, descending: !sort.descending) : QueueSort(column: column)
            rebuild()
            return [.notice("Sorted by \(sort.label)")]
        case "open":
            guard let id = RecordID(parsing: arg.uppercased()) ?? Int(arg).map({ RecordID(.incident, $0) }) else {
                return [.error("'\(arg)' is not an incident ID (INC-N)")]
            }
            return goTo(id, height: context.bodyHeight)
        case "new": return startAction(.incidentNew, argument: arg)
        case "take": return startAction(.incidentTake, argument: nil)
        case "assign": return startAction(.incidentAssign, argument: arg)
        case "state": return startAction(.incidentState, argument: nil)
        case "hold": return startAction(.incidentState, argument: "hold")
        case "impact", "urgency": return startAction(.incidentImpact, argument: nil)
        case "note": return startAction(.incidentNote, argument: arg)
        case "reply": return startAction(.incidentReply, argument: arg)
        case "link": return startAction(.incidentLinkProblem, argument: arg)
        case "major": return startAction(.incidentMajor, argument: arg)
        case "parent": return startAction(.incidentAddChild, argument: arg)
        case "resolve": return startAction(.incidentResolve, argument: nil)
        case "reopen": return startAction(.incidentReopen, argument: arg)
        default: return []
        }
    }

    /// Selects `id`, switching to All open (then to no filter) if the queue does not show it.
    mutating func goTo(_ id: RecordID, height: Int) -> [Effect] {
        guard let table = snapshot?.table, let index = table.index(of: id) else { return [.error("No incident \(id)")] }
        func find() -> Int? { rows.firstIndex(of: Int32(index)) }
        if find() == nil, !filter.isEmpty { clearFilter() }
        if find() == nil {
            let row = table[index]
            queue = row.isOpen ? .allOpen : .recentlyResolved
            rebuild()
        }
        guard let k = find() else { return [.error("\(id) is in no saved queue (it is \(table[index].state))")] }
        select(k, height: height)
        detailOpen = true
        requestDetail()
        return []
    }

    /// The wheel moves the selection; a click on a row selects it (a second click on the
    /// selected row opens the detail).
    public mutating func mouse(_ event: MouseEvent, body: Rect, context: PaneContext) -> [Effect] {
        guard modal == nil else { return [] }
        let height = context.bodyHeight
        switch event.kind {
        case .wheelUp: select(selected - 3, height: height)
        case .wheelDown: select(selected + 3, height: height)
        case .press(button: 1):
            let table = IncidentQueueRender.tableRect(self, in: body)
            let top = table.y + 2, page = table.maxY - top
            guard table.contains(x: event.x, y: event.y), event.y >= top, page > 0 else { return [] }
            let first = Self.offset(selected: selected, offset: offset, page: page, count: rows.count)
            let k = first + event.y - top
            guard k < rows.count else { return [] }
            if k == selected, !detailOpen { return perform(.incidentDetail, context: context) }
            select(k, height: height)
        default: break
        }
        return []
    }

    public func render(into canvas: inout Canvas, rect: Rect, theme: Theme, context: PaneContext) -> (x: Int, y: Int)? {
        IncidentQueueRender.render(self, into: &canvas, rect: rect, theme: theme, context: context)
    }
}
