import Terminal

/// The notices and errors of this session, newest last.
public struct MessagesPane: Pane {
    public static let bindings: [Binding] = [
        Binding(.clearMessages, ["X"], "clear", "Clear the message log", scope: .messages, dangerous: true),
    ]

    public var name: String { "messages" }
    public var title: String { "Messages" }
    public var scope: KeyScope { .messages }
    public var emptyText: String { "No messages yet this session." }
    public var table: TableState? = TableState(columns: [
        TableColumn("Time", minWidth: 5, maxWidth: 8, priority: 1),
        TableColumn("Kind", minWidth: 5, maxWidth: 8, priority: 0),
        TableColumn("Message", minWidth: 10, priority: 2),
    ])

    public init() {}

    public mutating func sync(_ context: PaneContext) {
        table?.setRows(context.messages.enumerated().map { i, m in
            TableRow(id: m.line.text, cells: [m.time, m.line.kind.rawValue, m.line.text],
                     role: m.line.kind == .error ? .error : m.line.kind == .warning ? .warning : nil)
        })
    }

    public mutating func perform(_ action: Action, context: PaneContext) -> [Effect] {
        action == .clearMessages ? [.clearMessages] : []
    }
}
