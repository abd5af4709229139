import Foundation

/// Typed reads of a stored value. A fold must never crash on odd data from a newer or damaged
/// store, so every read answers `nil` when the value is not of the expected shape.
extension FieldValue {
    public var textValue: String? {
        if case let .text(s) = self { return s }
        return nil
    }

    public var intValue: Int? {
        switch self {
        case let .int(n): return Int(exactly: n)
        case let .number(d): return d.isFinite && d == d.rounded() && abs(d) < 9e15 ? Int(d) : nil
        default: return nil
        }
    }

    public var numberValue: Double? {
        switch self {
        case let .number(d): return d.isFinite ? d : nil
        case let .int(n): return Double(n)
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case let .bool(b) = self { return b }
        return nil
    }

    public var timeValue: Date? {
        if case let .time(d) = self { return d }
        return nil
    }

    public var listValue: [String]? {
        if case let .list(l) = self { return l }
        return nil
    }

    /// `true` for `.none` and for empty text: both mean "not set".
    public var isUnset: Bool {
        switch self {
        case .none: return true
        case let .text(s): return s.isEmpty
        default: return false
        }
    }
}
