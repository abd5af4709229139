import Terminal

/// Every key binding in force, as a filterable table (the help overlay's long form).
public struct KeysPane: Pane {
    public static let bindings: [Binding] = []

    public var name: String { "keys" }
    public var title: String { "Keys" }
    public var scope: KeyScope { .keys }
    public var table: TableState? = TableState(columns: [
        TableColumn("Keys", minWidth: 6, maxWidth: 16, priority: 4),
        TableColumn("Action", minWidth: 8, maxWidth: 16, priority: 3),
        TableColumn("Where", minWidth: 6, maxWidth: 10, priority: 1),
        TableColumn("What it does", minWidth: 16, priority: 2),
    ])

    public init() {}

    public mutating func sync(_ context: PaneContext) {
        table?.setRows(context.keyMap.bindings.map { b in
            TableRow(id: b.action.rawValue,
                     cells: [b.keyNames, b.action.rawValue, b.scope.rawValue, b.description + (b.dangerous ? " (asks first)" : "")],
                     role: b.dangerous ? .warning : nil)
        })
    }
}
