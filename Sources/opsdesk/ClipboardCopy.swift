import Terminal

/// `y` in the console: the Terminal module's clipboard (the tmux buffer inside tmux, else OSC 52
/// to the terminal — both work over SSH).
enum ClipboardCopy {
    static func copy(_ text: String, environment: [String: String]) -> Result<String, any Error> {
        Clipboard.copy(text, environment: environment)
    }
}
