import Foundation
import Testing
import ITSM
import DeskStore
import Terminal
@testable import Console

/// Golden screens of the incident queue (text and styles) at 80×24 and 132×40, from a desk
/// filled through the Desk at fixed times and drawn at a fixed now.
@Suite struct IncidentScreenTests {
    static let sizes = [(80, 24), (132, 40)]

    func check(_ name: String, _ make: (Int, Int) throws -> AppState, sourceLocation: SourceLocation = #_sourceLocation) rethrows {
        for (w, h) in Self.sizes {
            Golden.check(Fixtures.golden(try make(w, h)), named: "Incidents/\(name)-\(w)x\(h)", sourceLocation: sourceLocation)
        }
    }

    @Test func emptyQueueSaysHowToCreateOne() throws {
        let fixture = try IncidentFixture(incidents: false)
        try check("empty") { w, h in IncidentFixture.state(try fixture.pane(), width: w, height: h) }
    }

    @Test func allOpenSortedBySLA() throws {
        let fixture = try IncidentFixture()
        try check("all-open") { w, h in IncidentFixture.state(try fixture.pane(), width: w, height: h) }
    }

    @Test func filteredByTyping() throws {
        let fixture = try IncidentFixture()
        try check("filtered") { w, h in
            var state = IncidentFixture.state(try fixture.pane(), width: w, height: h)
            Fixtures.press("/", into: &state)
            Fixtures.type("ma", into: &state)
            return state
        }
    }

    @Test func detailSplitShowsTheIncidentInFull() throws {
        let fixture = try IncidentFixture()
        let client = DeskClient(desk: fixture.desk)
        try check("detail") { w, h in
            var state = IncidentFixture.state(try fixture.pane(), width: w, height: h)
            Fixtures.press("j", "Enter", into: &state)
            let id = state.incidentPane.selectedID!
            let detail = try client.detail(of: id)
            _ = state.updateIncidentQueue { $0.setDetail(detail); return [] }
            return state
        }
    }

    @Test func detailHistoryTab() throws {
        let fixture = try IncidentFixture()
        let client = DeskClient(desk: fixture.desk)
        try check("detail-history") { w, h in
            var state = IncidentFixture.state(try fixture.pane(), width: w, height: h)
            Fixtures.press("Enter", "Tab", "Tab", into: &state)
            let detail = try client.detail(of: state.incidentPane.selectedID!)
            _ = state.updateIncidentQueue { $0.setDetail(detail); return [] }
            return state
        }
    }

    @Test func markedRows() throws {
        let fixture = try IncidentFixture()
        try check("marked") { w, h in
            var state = IncidentFixture.state(try fixture.pane(), width: w, height: h)
            Fixtures.press("Space", "j", "Space", into: &state)
            return state
        }
    }

    @Test func holdReasonPickerOpen() throws {
        let fixture = try IncidentFixture()
        try check("dialog-hold") { w, h in
            var state = IncidentFixture.state(try fixture.pane(), width: w, height: h)
            Fixtures.press("s", "j", "Enter", into: &state)
            return state
        }
    }

    @Test func batchConfirmationForMarkedRows() throws {
        let fixture = try IncidentFixture()
        try check("dialog-confirm") { w, h in
            var state = IncidentFixture.state(try fixture.pane(), width: w, height: h)
            Fixtures.press("Space", "Space", "Space", "t", into: &state)
            return state
        }
    }

    @Test func newIncidentForm() throws {
        let fixture = try IncidentFixture()
        try check("dialog-new") { w, h in
            var state = IncidentFixture.state(try fixture.pane(), width: w, height: h)
            Fixtures.press("n", into: &state)
            Fixtures.type("Badge reader broken", into: &state)
            Fixtures.press("Tab", "Tab", "Left", "Tab", "Left", into: &state)
            return state
        }
    }

    @Test func everySizeFromTinyToWideDrawsWithinTheScreen() throws {
        let fixture = try IncidentFixture()
        let pane = try fixture.pane()
        for keys in [[], ["Enter"], ["Enter", "s"], ["n"], ["/", "m"]] {
            for width in stride(from: 1, through: 140, by: 7) {
                for height in [1, 2, 3, 5, 9, 24] {
                    var state = IncidentFixture.state(pane, width: width, height: height)
                    for k in keys { Fixtures.press(k, into: &state) }
                    let (canvas, cursor) = Render.frame(state)
                    #expect(canvas.size == Size(width: width, height: height))
                    if let cursor { #expect(cursor.x >= 0 && cursor.x < width && cursor.y >= 0 && cursor.y < height, "\(keys) at \(width)x\(height)") }
                }
            }
        }
    }
}
