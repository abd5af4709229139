import Foundation
@testable import ITSM

/// A staffed desk with an office calendar (Mon–Fri 09–17 UTC, Wednesday 4 March 2026 off)
/// and SLAs for Payroll: P1 30 min / 4 h, P3 4 h / 16 h (two business days).
enum SLADesk {
    static let office = BusinessCalendar.weekdays(name: "Office", timeZone: TimeZone(identifier: "UTC")!,
                                                  [TimeRange(9, 17)!], holidays: [Holiday(CivilDate(2026, 3, 4))])
    static let p1 = SLADefinition(name: "Payroll P1", services: ["Payroll"], priorities: [.p1],
                                  responseTarget: 30 * minute, resolutionTarget: 4 * hour, calendar: "Office")
    static let p3 = SLADefinition(name: "Payroll P3", services: ["Payroll"], priorities: [.p3],
                                  responseTarget: 4 * hour, resolutionTarget: 16 * hour, calendar: "Office")

    static func make() throws -> TestDesk {
        var desk = try TestDesk.staffed()
        try desk.run(.defineCalendar(office), as: "root")
        try desk.run(.defineSLA(p1), as: "root")
        try desk.run(.defineSLA(p3), as: "root")
        return desk
    }

    /// Monday 2 March 2026, hh:mm UTC; `day` 1 is Monday.
    static func mon(_ h: Int, _ m: Int = 0, day: Int = 1) -> Date { utc(2026, 3, 1 + day, h, m) }
}

extension TestDesk {
    /// A P3 Payroll incident opened at `at`, taken by alice at the same moment (response not met).
    mutating func openP3(at: Date) throws -> RecordID {
        let id = try open("Payslips empty", impact: .department, urgency: .medium, service: "Payroll", group: "Service Desk", at: at)
        try run(.takeIncident(id), at: at)
        return id
    }

    func clock(_ id: RecordID, _ target: SLATarget) -> SLAClock? {
        incident(id).slaClocks.first { $0.target == target }
    }
}
