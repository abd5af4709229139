import Foundation

/// One reason a change's planned window is a problem, saying what and why.
public struct ChangeConflict: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// Another change on the calendar works on the same CI at an overlapping time.
        case sameCI(other: RecordID, ci: String)
        /// Another change works on a directly related CI at an overlapping time.
        case relatedCI(other: RecordID, ci: String, link: CILink)
        /// The window overlaps an opening of a freeze window.
        case freeze(name: String, opening: DateInterval)
        /// The CI has maintenance windows and the change does not fit inside one.
        case outsideMaintenance(ci: String)
        /// The assignee is booked on another change at an overlapping time.
        case assigneeBooked(assignee: String, other: RecordID)
    }

    public var kind: Kind
    public var description: String
}

/// Every conflict of `change`'s planned window, in a stable order: other changes on the
/// same CI, on a directly related CI (either direction in the CMDB), freeze windows, CIs'
/// maintenance windows, and the assignee's other bookings.
///
/// "Other changes" are those holding a calendar slot (`ChangeBook.onCalendar`: Authorize,
/// Scheduled, Implement). A change without a planned window has nothing to conflict with.
public func conflicts(of change: ChangeRecord, in book: ChangeBook, cmdb: CMDB,
                      windows: ChangeWindows) -> [ChangeConflict] {
    guard let window = change.plannedWindow else { return [] }
    var out: [ChangeConflict] = []
    let mine = Set(change.affectedCIs)
    let others = book.onCalendar.filter { $0.id != change.id && $0.plannedWindow.map { windowsOverlap($0, window) } == true }
    let stamp = { (other: ChangeRecord) in "\(other.id) (\(utcSpan(other.plannedWindow!)))" }

    for other in others {
        let theirs = Set(other.affectedCIs)
        let shared = mine.intersection(theirs).sorted()
        for ci in shared {
            out.append(ChangeConflict(kind: .sameCI(other: other.id, ci: ci),
                                      description: "\(stamp(other)) also changes \(ci) at the same time"))
        }
        for ci in mine.sorted() {
            for link in cmdb.neighbours(of: ci) where theirs.contains(link.other) && !shared.contains(link.other) && !mine.contains(link.other) {
                out.append(ChangeConflict(kind: .relatedCI(other: other.id, ci: ci, link: link),
                                          description: "\(stamp(other)) changes \(link.other), and \(ci) \(link)"))
            }
        }
    }

    for freeze in windows.freezes where freeze.covers(anyOf: change.affectedCIs) {
        for opening in freeze.recurrence.occurrences(overlapping: window) {
            out.append(ChangeConflict(kind: .freeze(name: freeze.name, opening: opening),
                                      description: "falls in freeze window \(freeze.name) (\(utcSpan(opening)))"))
        }
    }

    for ci in mine.sorted() {
        let defined = windows.maintenance.filter { $0.ci == ci }
        guard !defined.isEmpty else { continue }
        let openings = defined.flatMap { $0.recurrence.occurrences(overlapping: window) }
        if !windowCovered(window, by: openings) {
            let names = defined.map(\.name).joined(separator: ", ")
            out.append(ChangeConflict(kind: .outsideMaintenance(ci: ci),
                                      description: "\(ci) may only be changed in its maintenance window (\(names))"))
        }
    }

    if let assignee = change.assignee {
        for other in others where other.assignee == assignee {
            out.append(ChangeConflict(kind: .assigneeBooked(assignee: assignee, other: other.id),
                                      description: "\(assignee) is booked on \(stamp(other))"))
        }
    }
    return out
}

/// "2026-03-14 22:00Z–2026-03-15 02:00Z": UTC, since the people reading may sit in several zones.
func utcSpan(_ interval: DateInterval) -> String {
    let style = Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day().dateTimeSeparator(.space).time(includingFractionalSeconds: false)
    return "\(interval.start.formatted(style))–\(interval.end.formatted(style))"
}
