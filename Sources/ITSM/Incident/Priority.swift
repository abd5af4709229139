/// How widely an incident hurts: 1 is the whole enterprise, 3 one person.
public enum Impact: Int, CaseIterable, Hashable, Sendable, Comparable, CustomStringConvertible {
    case enterprise = 1, department = 2, individual = 3

    public var description: String {
        switch self {
        case .enterprise: "1 enterprise"
        case .department: "2 department"
        case .individual: "3 individual"
        }
    }

    public static func < (a: Impact, b: Impact) -> Bool { a.rawValue < b.rawValue }
}

/// How soon it must be fixed: 1 is now, 3 can wait.
public enum Urgency: Int, CaseIterable, Hashable, Sendable, Comparable, CustomStringConvertible {
    case high = 1, medium = 2, low = 3

    public var description: String {
        switch self {
        case .high: "1 high"
        case .medium: "2 medium"
        case .low: "3 low"
        }
    }

    public static func < (a: Urgency, b: Urgency) -> Bool { a.rawValue < b.rawValue }
}

/// P1 (critical) … P5 (planning), as ITIL counts.
public enum Priority: Int, CaseIterable, Hashable, Sendable, Comparable, CustomStringConvertible {
    case p1 = 1, p2, p3, p4, p5

    public var description: String { "P\(rawValue)" }

    public init?(parsing text: String) {
        let digits = text.uppercased().hasPrefix("P") ? String(text.dropFirst()) : text
        guard let n = Int(digits), let p = Priority(rawValue: n) else { return nil }
        self = p
    }

    public static func < (a: Priority, b: Priority) -> Bool { a.rawValue < b.rawValue }
}

/// The desk's impact × urgency table. Data, not code: an admin may change it, and the change
/// is an event on the settings record.
public struct PriorityMatrix: Hashable, Sendable {
    /// Row-major: `cells[(impact-1)*3 + (urgency-1)]`.
    public private(set) var cells: [Priority]

    /// The common ITIL table: the diagonal sums impact and urgency.
    public static let standard = PriorityMatrix(cells: [
        .p1, .p2, .p3,
        .p2, .p3, .p4,
        .p3, .p4, .p5,
    ])!

    /// `nil` unless exactly nine cells are given.
    public init?(cells: [Priority]) {
        guard cells.count == 9 else { return nil }
        self.cells = cells
    }

    public subscript(impact: Impact, urgency: Urgency) -> Priority {
        get { cells[(impact.rawValue - 1) * 3 + (urgency.rawValue - 1)] }
        set { cells[(impact.rawValue - 1) * 3 + (urgency.rawValue - 1)] = newValue }
    }

    /// The form kept in events: `["P1","P2",…]`, readable in a record's history.
    public var encoded: [String] { cells.map(\.description) }

    public init?(encoded: [String]) {
        let parsed = encoded.compactMap(Priority.init(parsing:))
        guard parsed.count == encoded.count else { return nil }
        self.init(cells: parsed)
    }
}

/// Priority from impact and urgency, per the desk's matrix (ITIL: 1 = critical).
public func priority(impact: Impact, urgency: Urgency, matrix: PriorityMatrix = .standard) -> Priority {
    matrix[impact, urgency]
}
