/// Where a store lives: `--store PATH`, else `$OPSDESK_STORE`, else `$XDG_DATA_HOME/opsdesk/`,
/// else `~/.local/share/opsdesk/`. One definition, used by the console and every CLI command.
public enum StoreLocation {
    public static func resolve(explicit: String?, environment: [String: String]) -> String {
        resolve(explicit: explicit) { environment[$0] }
    }

    /// The same, reading each variable through `variable` (the console's start reads them with
    /// getenv, before it has built a dictionary of the environment).
    public static func resolve(explicit: String?, variable: (String) -> String?) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnv = variable("OPSDESK_STORE"), !fromEnv.isEmpty { return fromEnv }
        return dataHome(variable: variable) + "/opsdesk"
    }

    /// `$XDG_DATA_HOME`, or `~/.local/share` when it is unset or not absolute (as the XDG spec says).
    public static func dataHome(environment: [String: String]) -> String {
        dataHome { environment[$0] }
    }

    static func dataHome(variable: (String) -> String?) -> String {
        if let xdg = variable("XDG_DATA_HOME"), xdg.hasPrefix("/") { return trimmed(xdg) }
        return trimmed(variable("HOME") ?? "/") + "/.local/share"
    }

    /// `$XDG_CONFIG_HOME`, or `~/.config`.
    public static func configHome(environment: [String: String]) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return trimmed(xdg) }
        return trimmed(environment["HOME"] ?? "/") + "/.config"
    }

    private static func trimmed(_ path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p == "/" ? "" : p
    }
}
