import CNcursesw
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Why the terminal could not be started.
public enum TerminalError: Error, CustomStringConvertible, Equatable {
    /// stdin or stdout is not a terminal (piped, redirected, or no tty at all).
    case notATerminal(stream: String)
    /// curses could not set up the terminal (unknown `TERM`, no terminfo entry).
    case cannotInitialize(term: String)
    /// The terminal cannot move the cursor (`TERM=dumb`): a full-screen console cannot run.
    case notCapable(term: String)

    public var description: String {
        switch self {
        case let .notATerminal(stream):
            "opsdesk needs a terminal: \(stream) is not a tty (run it in a terminal, or use a subcommand such as `opsdesk info`)"
        case let .cannotInitialize(term):
            "cannot start the terminal: TERM=\(term.isEmpty ? "(unset)" : term) is not known to terminfo"
        case let .notCapable(term):
            "cannot start the terminal: TERM=\(term) cannot address the cursor (set TERM to your terminal's type, e.g. xterm-256color)"
        }
    }
}

/// The real terminal, through ncursesw. Presents a `Canvas` by writing only the cells that
/// changed since the last frame, with one `doupdate` per frame; reads keys, mouse and resizes
/// without blocking; always leaves the terminal as it found it.
///
/// Use it from one thread (the console's UI thread). `init` touches nothing; `start()` takes
/// the terminal, `stop()` gives it back (and is safe to call twice). A loop looks like:
///
/// ```swift
/// let screen = CursesScreen()
/// try screen.start()
/// defer { screen.stop() }
/// while running {
///     // poll() on screen.inputDescriptor, the store's wake-up descriptor and a timer;
///     // readable input (keys, mouse, or a resize — SIGWINCH wakes it too) means:
///     for event in screen.readEvents() { … }       // .resize(size): lay out again
///     screen.present(render(state, size: screen.size), cursor: state.cursor)
/// }
/// ```
///
/// However the process ends — `stop()`, `exit`, SIGTERM/SIGHUP/SIGINT/SIGQUIT, a crash — the
/// terminal is put back (see `TerminalRestore`), and what went to stderr meanwhile is shown.
public final class CursesScreen: Backend {
    private var screen: OpaquePointer?
    private var window: UnsafeMutablePointer<WINDOW>?
    private var lastFrame: Canvas?
    private var pairs = ColorPairCache(limit: 0)
    private var colorCount = 0
    private var attributeTable: [attr_t] = []
    private var inputWake: Int32 = -1
    private var epollDescriptor: Int32 = -1
    private var cursorVisible = false
    private var asciiOnly = false

    public init() {}

    deinit { stop() }

    /// Whether the screen is started (`start()` succeeded and `stop()` has not been called).
    public var isActive: Bool { window != nil }

    // MARK: start and stop

    public func start() throws {
        guard screen == nil else { return }
        guard isatty(STDIN_FILENO) == 1 else { throw TerminalError.notATerminal(stream: "standard input") }
        guard isatty(STDOUT_FILENO) == 1 else { throw TerminalError.notATerminal(stream: "standard output") }

        // A parent that blocked signals (a test runner thread, some launchers) would silence
        // resize, Ctrl-C and kill; start from a clean mask.
        _ = opsdesk_clear_signal_mask()
        setlocale(LC_ALL, "")
        asciiOnly = opsdesk_locale_is_utf8() == 0

        var modes = termios()
        let haveModes = tcgetattr(STDIN_FILENO, &modes) == 0

        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        guard let screen = newterm(nil, opsdesk_stdout(), opsdesk_stdin()) else {
            throw TerminalError.cannotInitialize(term: term)
        }
        _ = set_term(screen)
        guard opsdesk_can_address_cursor() != 0 else {
            endwin()
            delscreen(screen)
            throw TerminalError.notCapable(term: term)
        }
        self.screen = screen
        let window = opsdesk_stdscr()!
        self.window = window
        // Armed before anything else changes the tty, so a signal from here on restores it.
        TerminalRestore.arm(savedModes: haveModes ? modes : nil)

        raw()            // Ctrl-C, Ctrl-Z, Ctrl-\ arrive as keys
        noecho()
        nonl()
        keypad(window, true)
        nodelay(window, true)
        intrflush(window, false)
        leaveok(window, false)
        if getenv("ESCDELAY") == nil { _ = opsdesk_set_ESCDELAY(25) }
        curs_set(0)
        cursorVisible = false
        Self.defineAlternateKeys()
        mousemask(opsdesk_ALL_MOUSE_EVENTS(), nil)
        mouseinterval(0)  // presses and releases as they come: no click-resolution delay

        colorCount = 0
        if has_colors() {
            start_color()
            use_default_colors()
            colorCount = Int(opsdesk_COLORS())
        }
        let pairLimit = max(0, min(Int(opsdesk_COLOR_PAIRS()) - 1, 32767))
        pairs = ColorPairCache(limit: colorCount >= 8 ? pairLimit : 0)
        attributeTable = Self.makeAttributeTable()
        lastFrame = nil
        setUpWakeDescriptor()
        // One refresh before reading keys, so a blank stdscr never paints over the first frame.
        wrefresh(window)
    }

    public func stop() {
        guard let screen else { return }
        // A TERM or HUP arriving now waits until the terminal is back, then ends us as usual.
        var mask = sigset_t()
        _ = opsdesk_block_exit_signals(&mask)
        defer { _ = opsdesk_set_signal_mask(&mask) }
        curs_set(1)
        endwin()
        TerminalRestore.disarm()
        delscreen(screen)
        self.screen = nil
        self.window = nil
        lastFrame = nil
        pairs.removeAll()
        tearDownWakeDescriptor()
    }

    // MARK: size and output

    public var size: Size {
        guard let window else { return Size(width: 0, height: 0) }
        var y: Int32 = 0, x: Int32 = 0
        opsdesk_getmaxyx(window, &y, &x)
        return Size(width: Int(x), height: Int(y))
    }

    public func present(_ canvas: Canvas, cursor: (x: Int, y: Int)?) {
        guard let window else { return }
        let screenSize = size
        var previous = lastFrame
        if previous?.size != canvas.size {
            previous = nil
        }
        if previous == nil {
            werase(window)
            clearok(window, true)
        }
        let rows = min(canvas.size.height, screenSize.height)
        let columns = min(canvas.size.width, screenSize.width)
        var buffer = [wchar_t](repeating: 0, count: CellRendition.maxScalars + 1)
        for y in 0..<rows {
            for x in 0..<columns {
                let cell = canvas[x, y]
                // A cell is redrawn when it, or the glyph it belongs to, changed.
                let changed = previous.map { old in
                    old[x, y] != cell
                        || (x > 0 && old[x - 1, y] != canvas[x - 1, y])
                        || (x + 1 < columns && old[x + 1, y] != canvas[x + 1, y])
                } ?? true
                guard changed else { continue }
                if cell.width == 0 {
                    // Drawn by its wide glyph; an orphan (its glyph overwritten) shows as a blank.
                    let ownedByLeft = x > 0 && canvas[x - 1, y].width == 2
                    if !ownedByLeft { put([" "], at: x, y, style: cell.style, buffer: &buffer, window: window) }
                    continue
                }
                // A wide glyph needs its continuation cell on screen, or it shows as one `�`.
                let fits = cell.width == 1 || (x + 1 < columns && canvas[x + 1, y].width == 0)
                let shown = fits ? cell : Cell(text: "\u{FFFD}", width: 1, style: cell.style)
                var column = x
                for piece in CellRendition.pieces(for: shown, asciiOnly: asciiOnly, wcwidth: Self.terminalWidth) {
                    put(piece.scalars, at: column, y, style: cell.style, buffer: &buffer, window: window)
                    column += piece.width
                }
            }
        }
        if let cursor, cursor.x >= 0, cursor.y >= 0, cursor.x < screenSize.width, cursor.y < screenSize.height {
            if !cursorVisible { curs_set(1); cursorVisible = true }
            wmove(window, Int32(cursor.y), Int32(cursor.x))
            leaveok(window, false)
        } else {
            if cursorVisible { curs_set(0); cursorVisible = false }
            leaveok(window, true)
        }
        wnoutrefresh(window)
        doupdate()
        lastFrame = canvas.size == screenSize ? canvas : nil
    }

    /// The next `present` repaints every cell (after the screen was disturbed from outside).
    public func forceFullRedraw() {
        lastFrame = nil
        if let window { clearok(window, true) }
    }

    public func bell() {
        guard window != nil else { return }
        beep()
    }

    private func put(_ scalars: [Unicode.Scalar], at x: Int, _ y: Int, style: Style,
                     buffer: inout [wchar_t], window: UnsafeMutablePointer<WINDOW>) {
        var count = 0
        for scalar in scalars.prefix(CellRendition.maxScalars) {
            buffer[count] = wchar_t(bitPattern: scalar.value)
            count += 1
        }
        buffer[count] = 0
        let (attrs, pair) = cursesStyle(style)
        // Writing the bottom-right cell returns ERR (the cursor cannot advance) but the cell is set.
        _ = buffer.withUnsafeBufferPointer { opsdesk_put_cell(window, Int32(y), Int32(x), $0.baseAddress, attrs, pair) }
    }

    private func cursesStyle(_ style: Style) -> (attr_t, Int32) {
        var attrs = attributeTable.isEmpty ? 0 : attributeTable[Int(style.attributes.rawValue & 0x1F)]
        var pair: Int32 = 0
        if colorCount >= 8 {
            let key = ColorPairCache.Key(
                foreground: ColorDegrade.cursesNumber(style.foreground, colors: colorCount),
                background: ColorDegrade.cursesNumber(style.background, colors: colorCount))
            pair = pairs.pair(for: key) { number, fg, bg in init_extended_pair(number, fg, bg) == OK }
        } else if style.background != .default {
            // No colour at all: a coloured background (header, selection, badge) shows reversed.
            attrs |= opsdesk_WA_REVERSE()
        }
        return (attrs, pair)
    }

    /// curses attributes for each combination of our five attribute bits.
    private static func makeAttributeTable() -> [attr_t] {
        (0..<32).map { bits in
            let a = Attributes(rawValue: UInt8(bits))
            var out: attr_t = 0
            if a.contains(.bold) { out |= opsdesk_WA_BOLD() }
            if a.contains(.underline) { out |= opsdesk_WA_UNDERLINE() }
            if a.contains(.reverse) { out |= opsdesk_WA_REVERSE() }
            if a.contains(.dim) { out |= opsdesk_WA_DIM() }
            if a.contains(.italic) { out |= opsdesk_WA_ITALIC() }
            return out
        }
    }

    private static func terminalWidth(_ scalar: Unicode.Scalar) -> Int {
        Int(opsdesk_wcwidth(scalar.value))
    }

    // MARK: input

    /// The descriptor a `poll()` loop waits on for input (keyboard, mouse, resize). Readable
    /// means: call `readEvents()`.
    public var inputDescriptor: Int32 {
        epollDescriptor >= 0 ? epollDescriptor : STDIN_FILENO
    }

    /// Every event pending now, decoded, without blocking (an `Esc` waits up to ESCDELAY for
    /// the rest of a possible escape sequence). Empty when nothing is pending.
    public func readEvents() -> [InputEvent] {
        guard let window else { return [] }
        drainWake()
        var raws: [RawInput] = []
        var value: wint_t = 0
        let codes = Self.keyCodes
        // A bound, so a flood of input (a huge paste) still lets a frame through.
        for _ in 0..<4096 {
            let status = wget_wch(window, &value)
            if status == OK {
                raws.append(.character(UInt32(value)))
            } else if status == KEY_CODE_YES {
                let code = Int32(bitPattern: UInt32(value))
                if code == codes.mouse {
                    // When reports arrive together, curses returns one KEY_MOUSE for all of them
                    // and getmouse hands them out newest first: take them all, oldest first.
                    var event = MEVENT()
                    var batch: [RawInput] = []
                    while getmouse(&event) == OK {
                        batch.append(.mouse(state: Self.mouseState(event.bstate), x: Int(event.x), y: Int(event.y)))
                        if batch.count >= 16 { break }
                    }
                    raws += batch.reversed()
                } else if code == codes.resize {
                    lastFrame = nil
                    raws.append(.resize(size))
                } else {
                    raws.append(.keyCode(code))
                }
            } else {
                break
            }
        }
        return InputDecoder.decode(raws, codes: codes)
    }

    /// Sequences terminals send for Home/End whatever `TERM` says (tmux sends `\e[1~`/`\e[4~`
    /// even to a program told it runs in an xterm; rxvt sends `\e[7~`/`\e[8~`): taught to
    /// curses so these keys work everywhere.
    private static func defineAlternateKeys() {
        let table: [(String, Int32)] = [
            ("\u{1B}[1~", KEY_HOME), ("\u{1B}[7~", KEY_HOME), ("\u{1B}[H", KEY_HOME), ("\u{1B}OH", KEY_HOME),
            ("\u{1B}[4~", KEY_END), ("\u{1B}[8~", KEY_END), ("\u{1B}[F", KEY_END), ("\u{1B}OF", KEY_END),
            ("\u{1B}[Z", KEY_BTAB),
        ]
        for (sequence, code) in table where key_defined(sequence) == 0 {
            define_key(sequence, code)
        }
    }

    private static let keyCodes: KeyCodes = {
        var c = KeyCodes()
        c.down = KEY_DOWN; c.up = KEY_UP; c.left = KEY_LEFT; c.right = KEY_RIGHT
        c.home = KEY_HOME; c.backspace = KEY_BACKSPACE; c.f0 = KEY_F0
        c.delete = KEY_DC; c.insert = KEY_IC; c.pageDown = KEY_NPAGE; c.pageUp = KEY_PPAGE
        c.enter = KEY_ENTER; c.a1 = KEY_A1; c.a3 = KEY_A3; c.b2 = KEY_B2; c.c1 = KEY_C1; c.c3 = KEY_C3
        c.backTab = KEY_BTAB; c.end = KEY_END; c.mouse = KEY_MOUSE; c.resize = KEY_RESIZE
        return c
    }()

    private static func mouseState(_ mask: mmask_t) -> MouseState {
        var state: MouseState = []
        let table: [(mmask_t, MouseState)] = [
            (opsdesk_BUTTON1_PRESSED(), .button1Pressed), (opsdesk_BUTTON1_RELEASED(), .button1Released),
            (opsdesk_BUTTON1_CLICKED(), .button1Clicked), (opsdesk_BUTTON1_DOUBLE_CLICKED(), .button1DoubleClicked),
            (opsdesk_BUTTON2_PRESSED(), .button2Pressed), (opsdesk_BUTTON2_RELEASED(), .button2Released),
            (opsdesk_BUTTON2_CLICKED(), .button2Clicked),
            (opsdesk_BUTTON3_PRESSED(), .button3Pressed), (opsdesk_BUTTON3_RELEASED(), .button3Released),
            (opsdesk_BUTTON3_CLICKED(), .button3Clicked),
            (opsdesk_BUTTON4_PRESSED(), .wheelUp), (opsdesk_BUTTON5_PRESSED(), .wheelDown),
        ]
        for (bit, flag) in table where mask & bit != 0 { state.insert(flag) }
        return state
    }

    // MARK: resize wake-up

    /// SIGWINCH may land on any thread, and may land just before the UI thread enters poll().
    /// So the descriptor the loop polls is an epoll set of stdin plus a pipe that a SIGWINCH
    /// handler writes to (before handing over to curses' own handler): a resize always wakes it.
    private func setUpWakeDescriptor() {
        epollDescriptor = -1
        inputWake = -1
        var readEnd: Int32 = -1, writeEnd: Int32 = -1
        guard opsdesk_wake_pipe(&readEnd, &writeEnd) == 0 else { return }
        let ep = opsdesk_epoll_pair(STDIN_FILENO, readEnd)
        guard ep >= 0 else { close(readEnd); close(writeEnd); return }
        epollDescriptor = ep
        inputWake = readEnd
        ResizeWake.install(writeEnd: writeEnd)
    }

    private func tearDownWakeDescriptor() {
        ResizeWake.uninstall()
        if epollDescriptor >= 0 { close(epollDescriptor) }
        if inputWake >= 0 { close(inputWake) }
        epollDescriptor = -1
        inputWake = -1
    }

    private func drainWake() {
        guard inputWake >= 0 else { return }
        var scratch = [UInt8](repeating: 0, count: 64)
        while read(inputWake, &scratch, scratch.count) > 0 {}
    }

    // MARK: suspend

    /// Leaves curses (normal screen, shell tty modes) while `body` runs — for `$EDITOR`, a
    /// pager, a shell — then takes the terminal back and repaints fully on the next `present`.
    /// Meanwhile SIGINT and SIGQUIT (Ctrl-C, Ctrl-\ typed in the editor) do not end OpsDesk.
    public func suspend<T>(_ body: () throws -> T) rethrows -> T {
        guard let window else { return try body() }
        def_prog_mode()
        curs_set(1)
        endwin()
        TerminalRestore.disarm()
        TerminalRestore.passInterruptsThrough()
        defer {
            // Armed first: a signal from here on finds curses' modes to undo (a second endwin
            // while already ended is harmless).
            TerminalRestore.arm(savedModes: nil)
            reset_prog_mode()
            curs_set(0)
            cursorVisible = false
            lastFrame = nil
            clearok(window, true)
            wrefresh(window)
        }
        return try body()
    }

    // MARK: capabilities

    public var capabilities: TerminalCapabilities {
        let environment = Self.environment(["TERM", "COLORTERM"])
        let name = environment["TERM"].flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"
        var colors: Int32 = 0, pairsCount: Int32 = 0, rgb: Int32 = 0, mouse: Int32 = 0
        let known = opsdesk_query_terminfo(nil, &colors, &pairsCount, &rgb, &mouse) == 0
        if !known { colors = 0; pairsCount = 0; rgb = 0; mouse = 0 }
        if window != nil {
            // What curses settled on (after start_color) beats the raw terminfo numbers.
            colors = has_colors() ? opsdesk_COLORS() : 0
            pairsCount = has_colors() ? opsdesk_COLOR_PAIRS() : 0
        }
        return TerminalCapabilities(
            name: name, colors: Int(max(0, colors)), colorPairs: Int(max(0, pairsCount)),
            truecolor: rgb != 0 || TerminalCapabilities.truecolorFromEnvironment(environment),
            mouse: mouse != 0, known: known)
    }

    private static func environment(_ names: [String]) -> [String: String] {
        var out: [String: String] = [:]
        for name in names { if let value = getenv(name) { out[name] = String(cString: value) } }
        return out
    }
}

/// The SIGWINCH half of the wake-up pipe: the handler writes one byte (async-signal-safe) and
/// then calls the handler curses installed, which records the resize for `get_wch`.
enum ResizeWake {
    static func install(writeEnd: Int32) {
        guard resizeWakeState.pointee.chained == 0 else { return }
        resizeWakeState.pointee.writeEnd = writeEnd
        if opsdesk_chain_sigwinch(resizeWakeHandler, &resizeWakeState.pointee.previous) == 0 {
            resizeWakeState.pointee.chained = 1
        }
    }

    static func uninstall() {
        if resizeWakeState.pointee.chained != 0 {
            _ = opsdesk_unchain_sigwinch(&resizeWakeState.pointee.previous)
            resizeWakeState.pointee.chained = 0
        }
        let end = resizeWakeState.pointee.writeEnd
        resizeWakeState.pointee.writeEnd = -1
        if end >= 0 { close(end) }
    }
}

private struct ResizeWakeState {
    var writeEnd: Int32 = -1
    var chained: sig_atomic_t = 0
    var previous = sigaction()
}

/// Heap storage, reached through a pointer: a signal handler must not go through Swift's
/// exclusivity checks on a global, which could trap if it interrupts an access in progress.
nonisolated(unsafe) private let resizeWakeState: UnsafeMutablePointer<ResizeWakeState> = {
    let pointer = UnsafeMutablePointer<ResizeWakeState>.allocate(capacity: 1)
    pointer.initialize(to: ResizeWakeState())
    return pointer
}()

private func resizeWakeHandler(_ signal: Int32) {
    let end = resizeWakeState.pointee.writeEnd
    if end >= 0 {
        var byte: UInt8 = 1
        _ = write(end, &byte, 1)
    }
    if resizeWakeState.pointee.chained != 0 {
        opsdesk_call_chained_sigwinch(signal, &resizeWakeState.pointee.previous)
    }
}
