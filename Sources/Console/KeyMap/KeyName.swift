import Terminal

/// Key names as users write them in config.toml and read them in the footer, help and README:
/// `q`, `?`, `Ctrl-C`, `F1`, `Up`, `PgDn`, `Tab`, `S-Tab`, `Enter`, `Esc`, `Space`.
public enum KeyName {
    private static let named: [(String, Key)] = [
        ("Up", .up), ("Down", .down), ("Left", .left), ("Right", .right),
        ("Home", .home), ("End", .end), ("PgUp", .pageUp), ("PgDn", .pageDown),
        ("Insert", .insert), ("Delete", .delete), ("Tab", .tab), ("S-Tab", .backTab),
        ("Enter", .enter), ("Backspace", .backspace), ("Esc", .escape), ("Space", .char(" ")),
    ]
    /// Other spellings accepted when reading (lowercased).
    private static let aliases: [String: Key] = [
        "pageup": .pageUp, "pagedown": .pageDown, "pgup": .pageUp, "pgdn": .pageDown,
        "backtab": .backTab, "shift-tab": .backTab, "s-tab": .backTab, "return": .enter,
        "escape": .escape, "esc": .escape, "del": .delete, "ins": .insert, "bs": .backspace,
        "space": .char(" "), "enter": .enter, "tab": .tab,
    ]

    /// The name of `key` as shown to users.
    public static func display(_ key: Key) -> String {
        if let hit = named.first(where: { $0.1 == key }) { return hit.0 }
        switch key {
        case let .char(c): return String(c)
        case let .ctrl(c): return "Ctrl-" + String(c).uppercased()
        case let .function(n): return "F\(n)"
        default: return "\(key)"
        }
    }

    /// The key `name` stands for, or nil when it names none.
    public static func parse(_ name: String) -> Key? {
        let trimmed = name.trimmingSpaces
        guard !trimmed.isEmpty else { return name == " " ? .char(" ") : nil }
        if trimmed.count == 1, let c = trimmed.first { return .char(c) }
        if let hit = named.first(where: { $0.0 == trimmed }) { return hit.1 }
        let lower = trimmed.lowercased()
        if let hit = aliases[lower] { return hit }
        for prefix in ["ctrl-", "ctrl+", "c-", "^"] where lower.hasPrefix(prefix) {
            let rest = lower.dropFirst(prefix.count)
            if rest.count == 1, let c = rest.first, c.isLetter, c.isASCII { return .ctrl(c) }
            return nil
        }
        if lower.hasPrefix("f"), let n = Int(lower.dropFirst()), (1...12).contains(n) { return .function(n) }
        return nil
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
