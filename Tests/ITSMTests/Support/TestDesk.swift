import Foundation
import Testing
@testable import ITSM

/// A desk under test: decides commands as someone at a time and folds the events, the way
/// the store does, keeping every event for history checks.
struct TestDesk {
    var state = DeskState()
    var log: [Event] = []
    var now = utc(2026, 3, 2, 9, 0)  // a Monday

    /// Decides and applies; returns the events.
    @discardableResult
    mutating func run(_ command: Command, as user: String = "alice", at time: Date? = nil) throws -> [Event] {
        let at = time ?? now
        let events = try decide(command, by: user, at: at, in: state)
        for e in events { state.apply(e) }
        log += events
        return events
    }

    /// Expects a refusal and returns it, so a test can check what it says.
    @discardableResult
    mutating func refused(_ command: Command, as user: String = "alice", at time: Date? = nil,
                          sourceLocation: SourceLocation = #_sourceLocation) -> Refusal? {
        do {
            try run(command, as: user, at: time)
            Issue.record("expected a refusal of \(command)", sourceLocation: sourceLocation)
            return nil
        } catch let refusal as Refusal {
            return refusal
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// Opens an incident and returns its ID.
    mutating func open(_ title: String = "Printer jammed", impact: Impact = .department, urgency: Urgency = .medium,
                       service: String? = nil, ci: String? = nil, group: String? = nil,
                       as user: String = "alice", at time: Date? = nil) throws -> RecordID {
        let events = try run(.openIncident(NewIncident(title: title, caller: "carol", impact: impact, urgency: urgency,
                                                       service: service, ci: ci, group: group)), as: user, at: time)
        return events[0].record
    }

    func incident(_ id: RecordID) -> Incident { state.incidents[id]! }

    /// A staffed desk: admin `root`, agents `alice` and `bob` (Service Desk), manager `mia`,
    /// `nora` who holds no agent role, a service, and a 24×7 calendar.
    static func staffed() throws -> TestDesk {
        var desk = TestDesk()
        try desk.run(.createAgent(user: "root", displayName: "Root", roles: [.admin], groups: []), as: "root")
        try desk.run(.defineGroup(name: "Service Desk", manager: nil), as: "root")
        try desk.run(.defineGroup(name: "Network", manager: nil), as: "root")
        try desk.run(.createAgent(user: "alice", displayName: "Alice", roles: [.agent], groups: ["Service Desk"]), as: "root")
        try desk.run(.createAgent(user: "bob", displayName: "Bob", roles: [.agent], groups: ["Service Desk", "Network"]), as: "root")
        try desk.run(.createAgent(user: "mia", displayName: "Mia", roles: [.manager], groups: ["Service Desk"]), as: "root")
        try desk.run(.createAgent(user: "nora", displayName: "Nora", roles: [.cabMember], groups: []), as: "root")
        try desk.run(.defineService(Service(name: "Payroll", owner: "mia", criticality: .high)), as: "root")
        try desk.run(.defineService(Service(name: "Mail", owner: "mia")), as: "root")
        try desk.run(.defineCalendar(.twentyFourSeven()), as: "root")
        return desk
    }
}

/// A UTC instant, for readable tables.
func utc(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0) -> Date {
    Date(timeIntervalSince1970: Double(CivilDate(y, mo, d).dayNumber) * 86_400 + Double(h) * 3600 + Double(mi) * 60)
}

/// A wall-clock instant in a zone.
func local(_ zone: String, _ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0) -> Date {
    var cal = Calendar(identifier: .gregorian)
    cal.timeZone = TimeZone(identifier: zone)!
    return cal.date(from: DateComponents(year: y, month: mo, day: d, hour: h, minute: mi))!
}

let hour: TimeInterval = 3600
let minute: TimeInterval = 60
let berlin = TimeZone(identifier: "Europe/Berlin")!
