/// The README's generated key table: between `<!-- keys:begin` and `<!-- keys:end -->`.
/// A test fails when README.md differs; `OPSDESK_UPDATE_README=1 swift test --filter
/// ReadmeKeyTable` or `opsdesk keys --markdown` gives the new text.
public enum ReadmeKeyTable {
    public static let beginMarker = "<!-- keys:begin"
    public static let endMarker = "<!-- keys:end -->"

    /// The table for the declared bindings (never the user's remaps), plus the `:` commands.
    public static func markdown(_ keyMap: KeyMap = KeyMap()) -> String {
        var out = keyMap.markdownTable()
        out += "\n### Commands (type `:` first; Tab completes, Up/Down recalls)\n\n| Command | What it does |\n|---|---|\n"
        for c in CommandSpec.all {
            let alias = c.aliases.isEmpty ? "" : " (or `:" + c.aliases.joined(separator: "`, `:") + "`)"
            out += "| `\(c.usage)`\(alias) | \(c.summary) |\n"
        }
        out += "\n### Text input (command line, filters)\n\n| Keys | What it does |\n|---|---|\n"
        for key in TextInput.editingKeys {
            let names: [String] = key.keys.split(separator: ",").map { String($0).trimmingSpaces }
            let keys = names.map { "`" + $0 + "`" }.joined(separator: ", ")
            out += "| \(keys) | \(key.description) |\n"
        }
        return out
    }

    /// `readme` with the part between the markers replaced by `table`; nil when the markers
    /// are missing.
    public static func replacing(in readme: String, with table: String = markdown()) -> String? {
        guard let begin = readme.range(of: beginMarker),
              let beginLineEnd = readme[begin.upperBound...].firstIndex(of: "\n"),
              let end = readme.range(of: endMarker, range: beginLineEnd..<readme.endIndex) else { return nil }
        return String(readme[...beginLineEnd]) + table + "\n" + String(readme[end.lowerBound...])
    }
}
