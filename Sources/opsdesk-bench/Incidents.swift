import Foundation

/// The same incident, field for field, for OpsDesk and for SQLite (about 200 bytes of text).
struct SampleIncident {
    let number: Int
    let title: String
    let state: String
    let priority: Int
    let group: String
    let caller: String
    let description: String

    private static let states = ["New", "In Progress", "On Hold", "Resolved", "Closed"]
    private static let groups = ["Service Desk", "Network", "Database", "Payroll Apps", "Desktop"]
    private static let callers = ["alice", "bob", "chandra", "dmitri", "eve", "farah", "gus", "hana"]
    private static let subjects = ["VPN drops every few minutes", "Printer on floor 3 offline",
                                   "Payroll export fails with timeout", "Mailbox over quota",
                                   "Laptop will not boot after update", "Slow response from CRM"]

    init(_ number: Int) {
        self.number = number
        let h = UInt64(truncatingIfNeeded: number) &* 0x9E37_79B9_7F4A_7C15
        title = "\(Self.subjects[Int(h >> 8) % Self.subjects.count]) (#\(number))"
        state = Self.states[Int(h >> 16) % Self.states.count]
        priority = Int(h >> 24) % 4 + 1
        group = Self.groups[Int(h >> 32) % Self.groups.count]
        caller = Self.callers[Int(h >> 40) % Self.callers.count]
        description = "Reported by \(caller) via phone; affects one user; steps taken: restarted, "
            + "cleared cache, checked logs. Ticket \(number)."
    }
}

extension Array where Element == SampleIncident {
    /// The incidents in transactions of `size` (the last one shorter), as both stores import them.
    func batches(of size: Int) -> some Sequence<ArraySlice<SampleIncident>> {
        stride(from: 0, to: count, by: size).lazy.map { self[$0..<Swift.min(count, $0 + size)] }
    }
}
