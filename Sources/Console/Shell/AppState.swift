import Terminal

/// Everything the console shows, and how input changes it. Pure: no terminal, no files, no
/// clock of its own; the shell feeds it events and carries out the effects it returns.
public struct AppState: Sendable {
    public var size: Size
    public var info: SessionInfo
    public var theme: Theme
    public private(set) var keyMap: KeyMap
    public var panes: [any Pane]
    public private(set) var current = 0
    public var help: HelpOverlay?
    public var commandLine = CommandLineState()
    public var commandActive = false
    public var confirm: ConfirmDialog?
    public var message: MessageLine?
    public private(set) var messageLog: [LoggedMessage] = []
    /// The header clock, e.g. `09:41`; the shell updates it on each tick.
    public var clock: String
    /// Theme names for `:theme` completion.
    public var themeNames: [String]

    public init(size: Size, info: SessionInfo, theme: Theme, keyMap: KeyMap, clock: String, themeNames: [String] = [],
                panes: [any Pane] = [AboutPane(), KeysPane(), MessagesPane()]) {
        self.size = size
        self.info = info
        self.theme = theme
        self.keyMap = keyMap
        self.clock = clock
        self.themeNames = themeNames
        self.panes = panes
        if !info.warnings.isEmpty {
            let n = info.warnings.count
            for w in info.warnings { log(MessageLine(w, kind: .warning)) }
            message = MessageLine(info.warnings[0] + (n > 1 ? "  (+\(n - 1) more: press 3)" : ""), kind: .warning)
        }
        syncPanes()
    }

    public var pane: any Pane { panes[current] }

    public var context: PaneContext { PaneContext(info: info, keyMap: keyMap, messages: messageLog, bodyHeight: bodyHeight, bodyWidth: size.width) }

    /// Key scopes in force, most specific first.
    public var scopes: [KeyScope] {
        [pane.scope] + (pane.table != nil || pane.ownsListKeys ? [.list] : []) + [.global]
    }

    public var viewNames: [String] { panes.map(\.name) }

    public mutating func setKeyMap(_ map: KeyMap) {
        keyMap = map
        syncPanes()
    }

    public mutating func syncPanes() {
        let ctx = context
        for i in panes.indices { panes[i].sync(ctx) }
    }

    mutating func log(_ line: MessageLine) {
        messageLog.append(LoggedMessage(time: clock, line: line))
        if messageLog.count > 500 { messageLog.removeFirst(messageLog.count - 500) }
    }

    /// Shows and logs a message.
    public mutating func say(_ text: String, kind: MessageLine.Kind) {
        let line = MessageLine(text, kind: kind)
        message = line
        log(line)
        syncPanes()
    }

    // MARK: Input

    /// Applies one input event; returns what the shell must do.
    public mutating func handle(_ event: InputEvent) -> [Effect] {
        switch event {
        case let .resize(newSize):
            size = newSize
            return []
        case let .mouse(mouse):
            return handleMouse(mouse)
        case let .key(key):
            if message?.kind == .notice { message = nil }
            let effects = handleKey(key)
            return apply(effects)
        }
    }

    private mutating func handleMouse(_ mouse: MouseEvent) -> [Effect] {
        guard help == nil, confirm == nil, !commandActive else { return [] }
        if panes[current].ownsListKeys {
            let ctx = context
            return panes[current].mouse(mouse, body: Rect(x: 0, y: 1, width: size.width, height: bodyHeight), context: ctx)
        }
        switch mouse.kind {
        case .wheelUp: panes[current].table?.move(by: -3)
        case .wheelDown: panes[current].table?.move(by: 3)
        case .press(button: 1):
            // A click on a row selects it.
            let body = Rect(x: 0, y: 1, width: size.width, height: bodyHeight)
            if let rect = pane.tableRect(in: body, context: context), rect.contains(x: mouse.x, y: mouse.y),
               let index = pane.table?.row(atLine: mouse.y, rect: rect) {
                panes[current].table?.select(index)
            }
        default: break
        }
        scrollToSelection()
        return []
    }

    var bodyHeight: Int { max(0, size.height - 3) }

    /// Lines the current pane's table is drawn in (as the pane lays it out).
    var tableHeight: Int {
        pane.tableRect(in: Rect(x: 0, y: 1, width: size.width, height: bodyHeight), context: context)?.height ?? bodyHeight
    }

    private mutating func scrollToSelection() {
        let height = tableHeight
        panes[current].table?.scrollToSelection(height: height)
    }

    private mutating func handleKey(_ key: Key) -> [Effect] {
        // Ctrl-C (interrupt) quits from anywhere: overlays, inputs and dialogs included.
        if keyMap.binding(for: key, in: [.global])?.action == .interrupt { return [.quit(status: 130)] }
        if let dialog = confirm {
            switch ConfirmDialog.answer(key) {
            case .yes: confirm = nil; return perform(dialog.action, confirmed: true)
            case .no: confirm = nil; return [.notice("Cancelled.")]
            case .undecided: return []
            }
        }
        if commandActive { return handleCommandKey(key) }
        if help != nil { return handleHelpKey(key) }
        let ctx = context
        if let taken = panes[current].capture(key, context: ctx) { return taken }
        if panes[current].table?.filtering == true, let handled = handleFilterKey(key) { return handled }
        guard let binding = keyMap.binding(for: key, in: scopes) else { return [] }
        return perform(binding.action, confirmed: false)
    }

    /// Keys while the `/` filter line has the keyboard; nil lets the key through to the key
    /// map (moving the selection while filtering).
    private mutating func handleFilterKey(_ key: Key) -> [Effect]? {
        switch key {
        case .enter, .tab: panes[current].table?.filtering = false
        case .escape: panes[current].table?.clearFilter()
        case .up, .down, .pageUp, .pageDown: return nil
        default: _ = panes[current].table?.editFilter(key)
        }
        return []
    }

    private mutating func handleCommandKey(_ key: Key) -> [Effect] {
        switch key {
        case .escape, .ctrl("g"):
            commandActive = false
            _ = commandLine.submit() // clear the line without running it
            return []
        case .tab:
            commandLine.complete(.init(views: viewNames, themes: themeNames))
            return []
        case .up: commandLine.resetCompletion(); commandLine.historyUp(); return []
        case .down: commandLine.resetCompletion(); commandLine.historyDown(); return []
        case .enter:
            let line = commandLine.submit()
            commandActive = false
            if line.isEmpty { return [] }
            return run(line)
        case .backspace where commandLine.input.isEmpty:
            commandActive = false
            return []
        default:
            commandLine.resetCompletion()
            commandLine.input.handle(key)
            return []
        }
    }

    /// Runs a command line (without the `:`).
    public mutating func run(_ line: String) -> [Effect] {
        switch CommandLineState.parse(line) {
        case let .failure(error): return [.error(error.description)]
        case let .success(command):
            switch command {
            case let .view(name): return [.showView(name)]
            case .help: help = HelpOverlay(); return []
            case .quit: return [.quit(status: 0)]
            case let .theme(name): return [.loadTheme(name)]
            case let .pane(name, argument):
                // A pane's own command: run by the pane that declares it, which comes to the front.
                guard let i = panes.firstIndex(where: { $0.scope == CommandSpec.scope(of: name) }) else {
                    return [.error(":\(name) needs a view that is not open")]
                }
                current = i
                help = nil
                let ctx = context
                return panes[i].run(command: name, argument: argument, context: ctx)
            }
        }
    }

    private mutating func handleHelpKey(_ key: Key) -> [Effect] {
        let lines = HelpOverlay.lines(keyMap: keyMap, scopes: scopes, filter: help!.filter.text).count
        let page = max(1, bodyHeight - 3)
        switch key {
        case .escape:
            if help!.filter.isEmpty { help = nil } else { help!.filter = TextInput(); help!.offset = 0 }
        case .enter: help = nil
        case .up: help!.offset = max(0, help!.offset - 1)
        case .down: help!.offset = max(0, min(lines - page, help!.offset + 1))
        case .pageUp: help!.offset = max(0, help!.offset - page)
        case .pageDown: help!.offset = max(0, min(lines - page, help!.offset + page))
        case .char("?") where help!.filter.isEmpty: help = nil
        default:
            if help!.filter.handle(key) { help!.offset = 0 }
        }
        return []
    }

    /// Does `action`; a dangerous one first opens the confirm dialog.
    public mutating func perform(_ action: Action, confirmed: Bool) -> [Effect] {
        if !confirmed, let binding = keyMap.binding(for: action), binding.dangerous {
            confirm = ConfirmDialog(title: "Are you sure?", question: binding.description + "?", action: action)
            return []
        }
        if panes[current].ownsListKeys, panes[current].table == nil, KeyMap.listActions.contains(action) {
            let ctx = context
            return panes[current].perform(action, context: ctx)
        }
        let page = max(1, (panes[current].table?.pageSize(height: tableHeight) ?? 1) - 1)
        switch action {
        case .quit: return [.quit(status: 0)]
        case .interrupt: return [.quit(status: 130)]
        case .help: help = HelpOverlay()
        case .command: commandActive = true
        case .redraw: return [.redraw]
        case .back:
            if panes[current].table?.filter.isEmpty == false { panes[current].table?.clearFilter() } else { message = nil }
        case .viewAbout: return [.showView("about")]
        case .viewKeys: return [.showView("keys")]
        case .viewMessages: return [.showView("messages")]
        case .viewIncidents: return [.showView("incidents")]
        case .cursorUp: panes[current].table?.move(by: -1)
        case .cursorDown: panes[current].table?.move(by: 1)
        case .cursorTop: panes[current].table?.moveToTop()
        case .cursorBottom: panes[current].table?.moveToBottom()
        case .pageUp: panes[current].table?.move(by: -page)
        case .pageDown: panes[current].table?.move(by: page)
        case .filter: panes[current].table?.filtering = true
        case .copy:
            guard let row = panes[current].table?.selectedRow else { return [.error("Nothing selected to copy")] }
            return [.copy(row.id)]
        default:
            let ctx = context
            return panes[current].perform(action, context: ctx)
        }
        scrollToSelection()
        return []
    }

    /// Hands text back from `$EDITOR` to the current pane.
    mutating func deliverEdited(_ text: String?) -> [Effect] {
        let ctx = context
        return apply(panes[current].edited(text, context: ctx))
    }

    /// Handles the effects the state can, and returns the ones for the shell.
    public mutating func apply(_ effects: [Effect]) -> [Effect] {
        var rest: [Effect] = []
        for effect in effects {
            switch effect {
            case let .notice(text): say(text, kind: .notice)
            case let .error(text): say(text, kind: .error)
            case .clearMessages:
                messageLog = []
                message = MessageLine("Message log cleared.", kind: .notice)
                syncPanes()
            case let .showView(name):
                let lower = name.lowercased()
                if let i = panes.firstIndex(where: { $0.name == lower }) ?? panes.firstIndex(where: { $0.name.hasPrefix(lower) }) {
                    current = i
                    help = nil
                } else {
                    say("No view named '\(name)' — views: \(viewNames.joined(separator: ", "))", kind: .error)
                }
            default: rest.append(effect)
            }
        }
        return rest
    }
}
