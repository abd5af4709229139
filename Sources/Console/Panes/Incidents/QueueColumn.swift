import Foundation
import ITSM
import DeskStore

/// The queue's columns, declared once: heading, widths, which give way first on a
/// narrow screen, and the store column it sorts by.
public enum QueueColumn: String, CaseIterable, Hashable, Sendable {
    case id, priority, state, sla, assignee, group, ci, age, title

    public var heading: String {
        switch self {
        case .id: "ID"
        case .priority: "P"
        case .state: "State"
        case .sla: "SLA"
        case .assignee: "Assignee"
        case .group: "Group"
        case .ci: "CI/Service"
        case .age: "Age"
        case .title: "Title"
        }
    }

    /// Width when there is room (the ID column's depends on the largest number).
    func idealWidth(idWidth: Int) -> Int {
        switch self {
        case .id: idWidth
        case .priority: 2
        case .state: 11
        case .sla: 8
        case .assignee: 10
        case .group: 14
        case .ci: 16
        case .age: 4
        case .title: 20
        }
    }

    /// Never narrower than this: below it the column is dropped instead.
    func minWidth(idWidth: Int) -> Int {
        switch self {
        case .state: 8
        case .assignee: 7
        case .group: 8
        case .ci: 8
        default: idealWidth(idWidth: idWidth)
        }
    }

    /// The order in which columns give way when the screen is narrow: first shrunk to their
    /// minimum, then dropped. ID, priority, SLA and title always stay.
    static let givesWay: [QueueColumn] = [.ci, .group, .age, .assignee, .state]

    public var rightAligned: Bool { self == .age || self == .sla }

    /// The store's sort column for this one.
    public var sortColumn: IncidentColumn {
        switch self {
        case .id: .id
        case .priority: .priority
        case .state: .state
        case .sla: .sla
        case .assignee: .assignee
        case .group: .group
        case .ci: .ci
        case .age: .opened
        case .title: .title
        }
    }
}

/// Where each kept column goes, for one screen width.
public struct ColumnLayout: Hashable, Sendable {
    public struct Placed: Hashable, Sendable {
        public var column: QueueColumn
        public var x: Int
        public var width: Int
    }
    public var columns: [Placed]
    /// The mark gutter's width before the first column.
    public static let gutter = 2
    public static let gap = 1

    public func width(of column: QueueColumn) -> Int? { columns.first { $0.column == column }?.width }

    /// Ideal widths when they fit; otherwise columns shrink to their minimum, then drop, in
    /// `QueueColumn.givesWay` order; the title takes what is left.
    public static func make(width available: Int, idWidth: Int) -> ColumnLayout {
        var widths: [QueueColumn: Int] = [:]
        for c in QueueColumn.allCases { widths[c] = c.idealWidth(idWidth: idWidth) }
        func total() -> Int {
            let kept = QueueColumn.allCases.filter { widths[$0] != nil }
            return gutter + kept.reduce(0) { $0 + widths[$1]! } + (kept.count - 1) * gap
        }
        var shrinkable = QueueColumn.givesWay[...]
        var droppable = QueueColumn.givesWay[...]
        while total() > available {
            if let c = shrinkable.first {
                shrinkable = shrinkable.dropFirst()
                widths[c] = min(widths[c]!, c.minWidth(idWidth: idWidth))
            } else if let c = droppable.first {
                droppable = droppable.dropFirst()
                widths[c] = nil
            } else {
                break
            }
        }
        // Room left over goes to the title.
        widths[.title] = max(1, widths[.title]! + (available - total()))
        var x = gutter
        var placed: [Placed] = []
        for c in QueueColumn.allCases {
            guard let w = widths[c] else { continue }
            placed.append(Placed(column: c, x: x, width: w))
            x += w + gap
        }
        return ColumnLayout(columns: placed)
    }
}


/// How the queue is sorted: a column and a direction. The default is SLA due (soonest first,
/// paused and SLA-less last), then priority.
public struct QueueSort: Hashable, Sendable {
    public var column: QueueColumn
    public var descending: Bool

    public init(column: QueueColumn = .sla, descending: Bool = false) {
        self.column = column
        self.descending = descending
    }

    public var label: String { column.heading + (descending ? " ↓" : " ↑") }
}
