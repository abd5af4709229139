import Terminal

/// A resolved theme: a style for every role. Loading from Themes/*.toml, colour degradation
/// and NO_COLOR live beside this type; panes only call `style(_:)`.
public struct Theme: Sendable {
    public var name: String
    public var styles: [ThemeRole: Style]

    public init(name: String, styles: [ThemeRole: Style]) {
        self.name = name
        self.styles = styles
    }

    /// The style for `role`; a role a theme leaves out falls back to `text`.
    public func style(_ role: ThemeRole) -> Style {
        styles[role] ?? styles[.text] ?? .plain
    }
}
