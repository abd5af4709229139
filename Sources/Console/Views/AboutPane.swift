import Terminal

/// "About this store": where the store is, whether it exists, what is in it, who is acting,
/// which config and theme are in effect, and what went wrong at start. The console's first
/// view until the incident queue exists.
public struct AboutPane: Pane {
    public static let bindings: [Binding] = [
        Binding(.editConfig, ["e"], "edit config", "Edit config.toml in $VISUAL or $EDITOR; keys and theme are reloaded after", scope: .about),
        Binding(.rescanStore, ["r"], "rescan", "Look at the store folder again", scope: .about),
    ]

    public var name: String { "about" }
    public var title: String { "About" }
    public var scope: KeyScope { .about }
    public var table: TableState? = TableState(columns: [
        TableColumn("Field", minWidth: 6, maxWidth: 22, priority: 2),
        TableColumn("Value", minWidth: 10, priority: 1),
    ])

    public init() {}

    public mutating func sync(_ context: PaneContext) {
        table?.setRows(Self.rows(context))
    }

    public mutating func perform(_ action: Action, context: PaneContext) -> [Effect] {
        switch action {
        case .editConfig: [.editConfig]
        case .rescanStore: [.rescanStore]
        default: []
        }
    }

    /// The empty-state sentence when there is no store yet.
    public static func emptyState(_ store: StoreOverview) -> String? {
        if let problem = store.problem { return "Cannot use the store: \(problem)" }
        return store.exists ? nil : "No store at \(store.path) yet — run `opsdesk store init` to create one"
    }

    static func rows(_ context: PaneContext) -> [TableRow] {
        let info = context.info
        let store = info.store
        var rows: [TableRow] = []
        func row(_ field: String, _ value: String, id: String? = nil, role: ThemeRole? = nil) {
            rows.append(TableRow(id: id ?? value, cells: [field, value], role: role))
        }
        row("Store", store.path)
        if let problem = store.problem {
            row("Status", problem, role: .error)
        } else if !store.exists {
            row("Status", "not created yet", role: .warning)
        } else {
            let n = store.files.count
            row("Status", "exists · \(n) file\(n == 1 ? "" : "s") · \(humanBytes(store.totalBytes))")
            for file in store.files {
                row("  " + file.name, humanBytes(file.bytes), id: store.path + "/" + file.name)
            }
        }
        if let counts = store.recordCounts {
            for c in counts { row(c.kind, "\(c.count)", id: "\(c.count)") }
        }
        row("Acting user", info.user)
        row("Config", info.configPath + (info.configExists ? "" : " (none; defaults in effect)"), id: info.configPath)
        row("Theme", info.themeName + " (" + (info.themePath ?? "built in") + ")", id: info.themePath ?? info.themeName)
        if let terminal = info.terminal { row("Terminal", terminal) }
        row("Version", info.version)
        for warning in info.warnings { row("Warning", warning, role: .warning) }
        return rows
    }

    /// Rows above the table: the title, the empty-state sentence (up to two lines), a gap.
    func layout(_ rect: Rect, context: PaneContext) -> (emptyLines: [String], table: Rect, hintY: Int?) {
        let empty = Self.emptyState(context.info.store).map { Array(ConfirmDialog.wrap($0, width: max(1, rect.width - 2)).prefix(2)) } ?? []
        let top = rect.y + 1 + empty.count + 1
        let hintRows = rect.maxY - top >= 5 ? 2 : 0
        let table = Rect(x: rect.x + 1, y: min(top, rect.maxY), width: rect.width - 2, height: rect.maxY - top - hintRows)
        return (empty, table, hintRows > 0 ? rect.maxY - 1 : nil)
    }

    public func tableRect(in body: Rect, context: PaneContext) -> Rect? {
        layout(body, context: context).table
    }

    public func render(into canvas: inout Canvas, rect: Rect, theme: Theme, context: PaneContext) -> (x: Int, y: Int)? {
        guard rect.height > 0 else { return nil }
        let layout = layout(rect, context: context)
        canvas.draw("About this store", x: rect.x + 1, y: rect.y, maxWidth: rect.width - 1, style: theme.style(.title))
        let role: ThemeRole = context.info.store.problem == nil ? .warning : .error
        for (i, line) in layout.emptyLines.enumerated() where rect.y + 1 + i < rect.maxY {
            canvas.draw(line, x: rect.x + 1, y: rect.y + 1 + i, maxWidth: rect.width - 1, style: theme.style(role))
        }
        let cursor = table?.render(into: &canvas, rect: layout.table, theme: theme)
        if let hintY = layout.hintY {
            canvas.draw(Self.keyHint(context.keyMap), x: rect.x + 1, y: hintY, maxWidth: rect.width - 1, style: theme.style(.muted))
        }
        return cursor
    }

    /// "Press ? for every key…", with the keys in force (remaps included).
    static func keyHint(_ map: KeyMap) -> String {
        func key(_ action: Action) -> String {
            map.binding(for: action).flatMap { $0.keys.first }.map(KeyName.display) ?? "?"
        }
        return "Press \(key(.help)) for every key, \(key(.command)) for commands, \(key(.viewKeys)) for the Keys view, \(key(.quit)) to quit."
    }
}
