/// Every binding of the console, each declared once. Panes own theirs (`AboutPane.bindings`…);
/// this list only gathers them, in the order the help overlay and README show them.
public enum DeclaredBindings {
    /// Keys that work everywhere.
    public static let global: [Binding] = [
        Binding(.help, ["?"], "help", "Show all keys (type to filter, Esc to close)", scope: .global),
        Binding(.command, [":"], "command", "Open the command line (Tab completes, Up/Down for history)", scope: .global),
        Binding(.viewAbout, ["1", "F1"], "about", "Switch to the About view", scope: .global, inFooter: false),
        Binding(.viewKeys, ["2", "F2"], "keys", "Switch to the Keys view", scope: .global, inFooter: false),
        Binding(.viewMessages, ["3", "F3"], "messages", "Switch to the Messages view", scope: .global, inFooter: false),
        Binding(.back, ["Esc"], "back", "Back out: close an overlay, clear a filter or a message", scope: .global, inFooter: false),
        Binding(.redraw, ["Ctrl-L"], "redraw", "Redraw the whole screen", scope: .global, inFooter: false),
        Binding(.quit, ["q"], "quit", "Quit OpsDesk (exit status 0)", scope: .global),
        Binding(.interrupt, ["Ctrl-C"], "interrupt", "Quit at once (exit status 130)", scope: .global, inFooter: false),
    ]

    /// Keys of any list or table.
    public static let list: [Binding] = [
        Binding(.cursorUp, ["k", "Up"], "up", "Move the selection up", scope: .list, inFooter: false),
        Binding(.cursorDown, ["j", "Down"], "down", "Move the selection down", scope: .list, inFooter: false),
        Binding(.cursorTop, ["g", "Home"], "top", "Go to the first row", scope: .list, inFooter: false),
        Binding(.cursorBottom, ["G", "End"], "bottom", "Go to the last row", scope: .list, inFooter: false),
        Binding(.pageUp, ["PgUp", "Ctrl-B"], "page up", "Scroll up one page", scope: .list, inFooter: false),
        Binding(.pageDown, ["PgDn", "Ctrl-F"], "page down", "Scroll down one page", scope: .list, inFooter: false),
        Binding(.filter, ["/"], "filter", "Filter rows as you type (terms AND-ed; capitals make it case-sensitive)", scope: .list),
        Binding(.copy, ["y"], "copy", "Copy the selected ID or value to the clipboard", scope: .list),
    ]

    /// All bindings: global first, then lists, then each view's.
    public static var all: [Binding] {
        global + list + AboutPane.bindings + KeysPane.bindings + MessagesPane.bindings + IncidentQueuePane.bindings
    }
}
