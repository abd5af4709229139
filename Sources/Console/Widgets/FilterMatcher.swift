/// The `/` filter's rule: space-separated terms, all of which must occur (AND); case-insensitive
/// unless the query has a capital letter (smart case, as in vim and ripgrep).
public struct FilterMatcher: Hashable, Sendable {
    public let terms: [String]
    public let caseSensitive: Bool

    public init(_ query: String) {
        caseSensitive = query.contains { $0.isUppercase }
        let split = query.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        terms = caseSensitive ? split : split.map { $0.lowercased() }
    }

    /// True for an empty query.
    public var isEmpty: Bool { terms.isEmpty }

    public func matches(_ text: String) -> Bool {
        if terms.isEmpty { return true }
        let haystack = caseSensitive ? text : text.lowercased()
        return terms.allSatisfy { haystack.contains($0) }
    }

    /// True when every term occurs in at least one of `fields`.
    public func matches(fields: [String]) -> Bool {
        matches(fields.joined(separator: "\u{1F}"))
    }
}
