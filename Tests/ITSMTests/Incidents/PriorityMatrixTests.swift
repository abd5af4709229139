import Foundation
import Testing
@testable import ITSM

@Suite struct PriorityMatrixTests {
    static let standardTable: [(Impact, Urgency, Priority)] = [
        (.enterprise, .high, .p1), (.enterprise, .medium, .p2), (.enterprise, .low, .p3),
        (.department, .high, .p2), (.department, .medium, .p3), (.department, .low, .p4),
        (.individual, .high, .p3), (.individual, .medium, .p4), (.individual, .low, .p5),
    ]

    @Test(arguments: standardTable)
    func standardMatrix(impact: Impact, urgency: Urgency, expected: Priority) {
        #expect(priority(impact: impact, urgency: urgency) == expected)
    }

    @Test func newIncidentsTakeTheirPriorityFromTheDesksMatrix() throws {
        var desk = try TestDesk.staffed()
        var matrix = PriorityMatrix.standard
        matrix[.department, .high] = .p1
        try desk.run(.setPriorityMatrix(matrix), as: "root")
        let id = try desk.open(impact: .department, urgency: .high)
        #expect(desk.incident(id).priority == .p1)
        #expect(desk.state.directory.settings.priorityMatrix == matrix)
    }

    @Test func onlyAdminsChangeTheMatrix() throws {
        var desk = try TestDesk.staffed()
        #expect(desk.refused(.setPriorityMatrix(.standard), as: "mia") == .needsRole(.admin, toDo: "changing the priority matrix"))
    }

    @Test func matrixSurvivesItsEncoding() {
        var m = PriorityMatrix.standard
        m[.individual, .low] = .p4
        #expect(PriorityMatrix(encoded: m.encoded) == m)
        #expect(PriorityMatrix(encoded: ["P1"]) == nil)
        #expect(PriorityMatrix(encoded: Array(repeating: "P9", count: 9)) == nil)
    }

    @Test func changingImpactOrUrgencyRecomputesPriority() throws {
        var desk = try TestDesk.staffed()
        let id = try desk.open(impact: .individual, urgency: .low)
        #expect(desk.incident(id).priority == .p5)
        let events = try desk.run(.editIncident(id, IncidentEdit(impact: .enterprise, urgency: .high)))
        #expect(desk.incident(id).priority == .p1)
        #expect(events[0].changes.contains(FieldChange("priority", from: .int(5), to: .int(1))))
    }

    @Test func aManualOverrideRecordsWhoAndWhyAndSticks() throws {
        var desk = try TestDesk.staffed()
        let id = try desk.open(impact: .individual, urgency: .low)
        let events = try desk.run(.overridePriority(id, .p2, reason: "CEO's laptop"), as: "mia")
        #expect(events[0].actor == "mia")
        #expect(events[0].changes.contains(FieldChange("priorityOverride", from: .none, to: .text("CEO's laptop"))))
        try desk.run(.editIncident(id, IncidentEdit(urgency: .medium)))
        #expect(desk.incident(id).priority == .p2, "an override is not undone by a matrix recomputation")
        try desk.run(.clearPriorityOverride(id), as: "mia")
        #expect(desk.incident(id).priority == .p4)
        #expect(desk.incident(id).priorityOverride == nil)
    }

    @Test func overridingNeedsAManagerAndAReason() throws {
        var desk = try TestDesk.staffed()
        let id = try desk.open()
        #expect(desk.refused(.overridePriority(id, .p1, reason: "x"), as: "alice")
                == .needsRole(.manager, toDo: "overriding an incident's priority"))
        #expect(desk.refused(.overridePriority(id, .p1, reason: "  "), as: "mia") == .invalid(field: "reason", reason: "must not be empty"))
    }
}
