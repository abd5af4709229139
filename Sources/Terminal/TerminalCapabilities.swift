/// What the terminal can do, as terminfo and the environment say: for `opsdesk info`, and for
/// choosing how colours are degraded.
public struct TerminalCapabilities: Hashable, Sendable, CustomStringConvertible {
    /// The terminal type (`$TERM`), or "unknown".
    public var name: String
    /// Colours the terminal can show (0 when it has none, or is unknown).
    public var colors: Int
    /// Colour pairs curses can define (0 when none).
    public var colorPairs: Int
    /// 24-bit colour: `COLORTERM=truecolor`/`24bit`, or terminfo's `RGB`/`Tc` flag.
    public var truecolor: Bool
    /// Whether the terminal reports mouse clicks (terminfo `kmous`).
    public var mouse: Bool
    /// Whether terminfo knows the terminal at all (an unknown `TERM` cannot run the console).
    public var known: Bool

    public init(name: String, colors: Int, colorPairs: Int, truecolor: Bool, mouse: Bool, known: Bool = true) {
        self.name = name
        self.colors = colors
        self.colorPairs = colorPairs
        self.truecolor = truecolor
        self.mouse = mouse
        self.known = known
    }

    /// One line, e.g. `xterm-256color: 256 colours, 65536 pairs, truecolor, mouse`.
    public var description: String {
        guard known else { return "\(name): not in terminfo" }
        var parts: [String] = []
        parts.append(colors > 0 ? "\(colors) colours" : "no colour")
        if colorPairs > 0 { parts.append("\(colorPairs) pairs") }
        if truecolor { parts.append("truecolor") }
        parts.append(mouse ? "mouse" : "no mouse")
        return "\(name): " + parts.joined(separator: ", ")
    }

    /// Whether `COLORTERM` promises 24-bit colour.
    static func truecolorFromEnvironment(_ environment: [String: String]) -> Bool {
        guard let value = environment["COLORTERM"]?.lowercased() else { return false }
        return value == "truecolor" || value == "24bit"
    }

}
