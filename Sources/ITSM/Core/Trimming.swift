extension String {
    /// The text without leading and trailing white space and newlines. Native rather than
    /// Foundation's `trimmingCharacters`, which bridges through NSString: that was 5% of
    /// generating a large demo desk (every command's text passes through it) and its first
    /// use a tenth of a millisecond of the console's start.
    public var trimmingWhiteSpace: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        if first == startIndex && index(after: last) == endIndex { return self }
        return String(self[first...last])
    }
}
