/// The semantic roles a theme gives a style to. Panes ask for a role, never for a colour.
/// The raw value is the key in a theme file (`[styles]` table, e.g. `"priority.p1" = …`).
public enum ThemeRole: String, CaseIterable, Hashable, Sendable {
    case text, muted, accent, border, title
    case header, footer, footerKey = "footer.key"
    case selection, selectionInactive = "selection.inactive", marked
    case error, warning, success, notice
    case input, inputCursor = "input.cursor", dialog, dialogBorder = "dialog.border"
    case columnHeader = "column.header", match
    case priorityP1 = "priority.p1", priorityP2 = "priority.p2", priorityP3 = "priority.p3"
    case priorityP4 = "priority.p4", priorityP5 = "priority.p5"
    case slaOK = "sla.ok", slaWarning = "sla.warning", slaBreached = "sla.breached", slaPaused = "sla.paused"
    case stateNew = "state.new", stateActive = "state.active", stateOnHold = "state.onhold"
    case stateResolved = "state.resolved", stateClosed = "state.closed"
}
