import Foundation
import Terminal

/// A message kept for the Messages view.
public struct LoggedMessage: Hashable, Sendable {
    public var time: String
    public var line: MessageLine
    public init(time: String, line: MessageLine) {
        self.time = time
        self.line = line
    }
}

/// What panes may read: the session facts, the key map in force, the message log.
public struct PaneContext: Sendable {
    public var info: SessionInfo
    public var keyMap: KeyMap
    public var messages: [LoggedMessage]
    /// Lines the pane's area has (for page keys and scrolling of panes that own their rows).
    public var bodyHeight: Int = 21
    /// Columns the pane's area has.
    public var bodyWidth: Int = 80
}

/// What an action asks for beyond the pane's own state. The app state handles the first
/// group itself; the shell carries out the rest (terminal, clipboard, files).
public enum Effect: Hashable, Sendable {
    case notice(String)
    case error(String)
    case clearMessages
    case showView(String)
    // Carried out by the shell:
    case quit(status: Int32)
    case copy(String)
    case editConfig
    case rescanStore
    case loadTheme(String)
    case redraw
    /// The terminal bell (the incident queue rings it on a new P1 in my groups).
    case bell
    /// Long text in `$VISUAL`/`$EDITOR`; the result goes back to the current pane's `edited`.
    case editText(String)
}

/// A view of the console: state, a pure `render`, and key bindings declared once.
///
/// To add one (e.g. the incident queue):
/// 1. a `KeyScope` case for it, and `Action` cases for its keys (the raw value is the name
///    users remap in config.toml);
/// 2. `static let bindings: [Binding]` on the pane, added to `DeclaredBindings.all` — the key
///    map, footer, `?` help, Keys view and README table then follow (run the README test with
///    OPSDESK_UPDATE_README=1);
/// 3. a `view.NAME` action with a digit/F-key binding, mapped to `.showView("NAME")` in
///    `AppState.perform`; `:view NAME` and its completion work from `name` alone;
/// 4. list the pane in `AppState.init(panes:)`;
/// 5. data from the store arrives as values: the store side posts to `Shell.mailbox`
///    (`.update { state in … }` or `.store(overview)`) from any thread, which wakes the loop;
///    the pane rebuilds its rows in `sync`. Long work never runs in `perform` or `render`.
public protocol Pane: Sendable {
    /// The name `:view NAME` takes.
    var name: String { get }
    /// The title the header shows.
    var title: String { get }
    /// The scope of this pane's own bindings.
    var scope: KeyScope { get }
    /// The pane's list, when it has one: list keys (`j`/`k`, `/`, `y`…) then work on it.
    var table: TableState? { get set }
    /// Text shown when the list is empty.
    var emptyText: String { get }
    /// Rebuilds what the pane shows from the context (called after each batch of messages).
    mutating func sync(_ context: PaneContext)
    /// Does one of this pane's own actions.
    mutating func perform(_ action: Action, context: PaneContext) -> [Effect]
    /// Draws the pane into `rect`; returns where the cursor goes, if anywhere.
    func render(into canvas: inout Canvas, rect: Rect, theme: Theme, context: PaneContext) -> (x: Int, y: Int)?
    /// Where the pane draws its table within `body` (for mouse clicks); render uses the same.
    func tableRect(in body: Rect, context: PaneContext) -> Rect?

    // Hooks for a pane that keeps its own rows and modal input (the incident queue).
    /// True when the pane does the list keys (`j`/`k`, `/`, `y`…) itself instead of a `TableState`.
    var ownsListKeys: Bool { get }
    /// Offered every key first; the pane takes it (returns effects) while it is modal — a form,
    /// a picker, its own filter line — or returns nil to let the key map have it.
    mutating func capture(_ key: Key, context: PaneContext) -> [Effect]?
    /// Footer hints that replace the key map's while the pane is modal.
    var modalHints: [(key: String, label: String)]? { get }
    /// Runs one of the pane's own `:` commands (declared in `CommandSpec.all`).
    mutating func run(command: String, argument: String, context: PaneContext) -> [Effect]
    /// The text back from `$EDITOR` after an `.editText` effect (nil: the editor failed).
    mutating func edited(_ text: String?, context: PaneContext) -> [Effect]
    /// A click or wheel on a pane that owns its list (`body` is the pane's area).
    mutating func mouse(_ event: MouseEvent, body: Rect, context: PaneContext) -> [Effect]
}

extension Pane {
    public var ownsListKeys: Bool { false }
    public mutating func capture(_ key: Key, context: PaneContext) -> [Effect]? { nil }
    public var modalHints: [(key: String, label: String)]? { nil }
    public mutating func run(command: String, argument: String, context: PaneContext) -> [Effect] { [] }
    public mutating func edited(_ text: String?, context: PaneContext) -> [Effect] { [] }
    public mutating func mouse(_ event: MouseEvent, body: Rect, context: PaneContext) -> [Effect] { [] }
}

extension Pane {
    public var emptyText: String { "Nothing to show." }
    public mutating func perform(_ action: Action, context: PaneContext) -> [Effect] { [] }
    public func render(into canvas: inout Canvas, rect: Rect, theme: Theme, context: PaneContext) -> (x: Int, y: Int)? {
        guard let tableRect = tableRect(in: rect, context: context) else { return nil }
        return table?.render(into: &canvas, rect: tableRect, theme: theme, emptyText: emptyText)
    }

    public func tableRect(in body: Rect, context: PaneContext) -> Rect? {
        table == nil ? nil : Rect(x: body.x + 1, y: body.y, width: body.width - 2, height: body.height)
    }
}
