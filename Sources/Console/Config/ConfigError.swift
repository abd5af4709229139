/// A mistake in a configuration or theme file, placed so a person can go straight to it:
/// `config.toml:7: keys.take: unknown action 'takee'`.
///
/// Loading never stops at these: the caller gets a usable value plus a list of them, and
/// decides how to show them (the console prints them at start; `opsdesk info` lists them).
public struct ConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file as it was found or given (not shortened), so the text can be pasted into an editor.
    public var file: String
    /// 1-based line, when the place is known (not for an unreadable file or a whole-file remark).
    public var line: Int?
    /// 1-based column; only TOML syntax errors know it.
    public var column: Int?
    /// The dotted key path, e.g. `styles.priority.p1.fg` or `keys.take`; nil for syntax errors.
    public var key: String?
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, key: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    /// `file:line: key: message`, leaving out what is unknown (`file:line:column: message` for syntax).
    public var description: String {
        var place = file
        if let line {
            place += ":\(line)"
            if let column { place += ":\(column)" }
        }
        if let key { return "\(place): \(key): \(message)" }
        return "\(place): \(message)"
    }
}
