import Terminal

/// Something a key can do. The raw value is the name users write in config.toml `[keys]`
/// (`"cursor.down" = ["j", "Down"]`) and read in the help overlay and README.
public enum Action: String, CaseIterable, Hashable, Sendable {
    // Shell-wide.
    case quit, interrupt, help, command, back, redraw
    case viewAbout = "view.about", viewKeys = "view.keys", viewMessages = "view.messages"
    // Any list or table.
    case cursorUp = "cursor.up", cursorDown = "cursor.down"
    case cursorTop = "cursor.top", cursorBottom = "cursor.bottom"
    case pageUp = "page.up", pageDown = "page.down"
    case filter, copy
    // Panes.
    case editConfig = "config.edit", rescanStore = "store.rescan"
    case clearMessages = "messages.clear"
    // The incident queue (Panes/Incidents/IncidentQueuePane.swift declares their keys).
    case viewIncidents = "view.incidents"
    case queueNext = "queue.next", queuePrevious = "queue.previous"
    case sortNext = "sort.next", sortReverse = "sort.reverse"
    case incidentDetail = "incident.detail", detailTab = "incident.detail-tab"
    case detailScrollDown = "incident.detail-down", detailScrollUp = "incident.detail-up"
    case incidentMark = "incident.mark", incidentUnmarkAll = "incident.unmark-all"
    case incidentNew = "incident.new", incidentTake = "incident.take", incidentAssign = "incident.assign"
    case incidentState = "incident.state", incidentImpact = "incident.impact-urgency"
    case incidentNote = "incident.note", incidentReply = "incident.reply"
    case incidentLinkProblem = "incident.link-problem", incidentMajor = "incident.major"
    case incidentAddChild = "incident.add-child"
    case incidentResolve = "incident.resolve", incidentReopen = "incident.reopen"
}

/// Where a binding works. A view's scope and the list scope sit on top of `global`: a key
/// means one action per scope, and a view's key may not hide a global one.
public enum KeyScope: String, CaseIterable, Hashable, Sendable {
    case global
    /// Any pane that shows a list or table.
    case list
    case about
    case keys
    case messages
    case incidents

    public var title: String {
        switch self {
        case .global: "Everywhere"
        case .list: "Lists and tables"
        case .about: "About view"
        case .keys: "Keys view"
        case .messages: "Messages view"
        case .incidents: "Incident queue"
        }
    }
}

/// One key binding, declared once: it feeds the key map, the footer, the `?` help overlay
/// and the README key table.
public struct Binding: Hashable, Sendable {
    public var action: Action
    /// The keys, first one shown in the footer. Users may replace them in config.toml.
    public var keys: [Key]
    /// A word or two for the footer: `quit`, `filter`.
    public var label: String
    /// A sentence for the help overlay and README.
    public var description: String
    /// Destructive: the shell asks for confirmation before doing it.
    public var dangerous: Bool
    public var scope: KeyScope
    /// Shown in the footer (rarely used keys only in help).
    public var inFooter: Bool

    public init(_ action: Action, _ keys: [String], _ label: String, _ description: String,
                scope: KeyScope, dangerous: Bool = false, inFooter: Bool = true) {
        self.action = action
        self.keys = keys.map { name in
            guard let key = KeyName.parse(name) else { preconditionFailure("bad key name \(name) in declared binding") }
            return key
        }
        self.label = label
        self.description = description
        self.dangerous = dangerous
        self.scope = scope
        self.inFooter = inFooter
    }

    /// The keys as users read them: `j, Down`.
    public var keyNames: String { keys.map(KeyName.display).joined(separator: ", ") }
}
