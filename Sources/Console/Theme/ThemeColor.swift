import ITSM
import Terminal

/// How a theme file writes a colour: a name (`red`, `bright-blue`), an index 0–255, `#rrggbb`,
/// or `default` for the terminal's own. Turning that into what the terminal can show is the
/// backend's job; this only reads the spelling.
enum ThemeColor {
    /// The eight ANSI names, in palette order; `bright-NAME` is the same index plus 8.
    static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    static let expectation = "expected a name, 0–255, #rrggbb or default"

    /// The colour a string spells, or nil. Case and `-`/`_`/space between `bright` and the name
    /// do not matter (`bright-red`, `bright_red`, `BrightRed`); a decimal string is an index.
    static func parse(_ text: String) -> Color? {
        let spelled = text.trimmingWhiteSpace.lowercased()
        if spelled == "default" { return .default }
        if spelled.hasPrefix("#") { return parseHex(spelled.dropFirst()) }
        if let number = Int(spelled) { return parse(number) }
        var name = Substring(spelled)
        var offset: UInt8 = 0
        if name.hasPrefix("bright") {
            name = name.dropFirst("bright".count)
            if let first = name.first, "-_ ".contains(first) { name = name.dropFirst() }
            offset = 8
        }
        guard let base = names.firstIndex(of: String(name)) else { return nil }
        return .indexed(UInt8(base) + offset)
    }

    /// An index 0–255 as written in TOML (`fg = 208`), or nil when out of range.
    static func parse(_ number: Int) -> Color? {
        (0...255).contains(number) ? .indexed(UInt8(number)) : nil
    }

    private static func parseHex(_ digits: Substring) -> Color? {
        guard digits.count == 6, digits.allSatisfy(\.isHexDigit),
              let value = UInt32(digits, radix: 16) else { return nil }
        return .rgb(UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff))
    }
}

