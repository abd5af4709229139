import Testing
import Foundation
import ITSM
@testable import DeskStore
@testable import DemoDesk
#if canImport(Glibc)
import Glibc
#endif

final class Scratch {
    let path: String
    init() {
        var template = Array((NSTemporaryDirectory() + "/demodesk-test-XXXXXX").utf8CString)
        let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = String(cString: p!)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func sub(_ name: String) -> String { path + "/" + name }
}

/// 2026-11-25 10:00 UTC, a Wednesday.
let demoNow = Date(timeIntervalSince1970: 1_795_600_800)

func allEvents(_ path: String) throws -> [Event] {
    let store = try EventStore.open(at: path, readOnly: true)
    var out: [Event] = []
    try FrameReader(path: path).forEachTransaction(upTo: store.view.lastSequence) { out.append(contentsOf: $0) }
    return out
}

@Suite struct DemoDeskTests {
    @Test func sameSeedSameDesk() throws {
        let dir = Scratch()
        let options = DemoOptions(incidents: 120, seed: 7, now: demoNow, batchIncidents: 50)
        _ = try DemoDesk.generate(at: dir.sub("a"), options: options)
        _ = try DemoDesk.generate(at: dir.sub("b"), options: options)
        let a = try allEvents(dir.sub("a")), b = try allEvents(dir.sub("b"))
        #expect(a.count > 600)
        #expect(a.count == b.count && a == b)
        var other = options
        other.seed = 8
        _ = try DemoDesk.generate(at: dir.sub("c"), options: other)
        #expect(try allEvents(dir.sub("c")) != a)
    }

    @Test func eventsAreExactlyWhatTheDomainDecidesInOneState() throws {
        let dir = Scratch()
        var options = DemoOptions(incidents: 260, seed: 11, now: demoNow, batchIncidents: 100)
        _ = try DemoDesk.generate(at: dir.sub("fast"), options: options)
        options.decideInOneState = true
        _ = try DemoDesk.generate(at: dir.sub("reference"), options: options)
        let fast = try allEvents(dir.sub("fast")), reference = try allEvents(dir.sub("reference"))
        #expect(fast.count == reference.count)
        let firstDifference = zip(fast, reference).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(firstDifference == nil, "first difference at event \(firstDifference ?? -1)")
        // And the fold of the log agrees with the rows the generator wrote.
        let desk = try Desk.open(at: dir.sub("fast"), user: ActingUser(user: "dana"), readOnly: true)
        #expect(desk.rowsSource == .image(rows: 260, patched: 0))
        let (rebuilt, _) = try Desk.rebuildTable(frames: desk.frames, view: desk.store.view, salt: desk.frames.logSalt())
        let mapped = try desk.snapshot.incidents
        #expect(mapped.count == rebuilt.count)
        for i in 0..<rebuilt.count { #expect(mapped[i] == rebuilt[i]) }
    }

    @Test func aLivingDesk() throws {
        let dir = Scratch()
        let summary = try DemoDesk.generate(at: dir.sub("demo"), options: DemoOptions(incidents: 400, seed: 2026, now: demoNow, operatorUser: "opsuser"))
        #expect(summary.incidents == 400)
        #expect(summary.problems == 8 && summary.knownErrors >= 4)
        let desk = try Desk.open(at: dir.sub("demo"), user: ActingUser(user: "opsuser"))
        let snap = try desk.snapshot
        let t = snap.incidents
        let rows = (0..<t.count).map { t[$0] }
        let states = Dictionary(grouping: rows, by: \.state).mapValues(\.count)
        for s in [IncidentState.new, .assigned, .inProgress, .onHold, .resolved, .closed] { #expect(states[s, default: 0] > 0, "no \(s) in \(states)") }
        #expect(rows.contains { $0.holdReason != nil })
        #expect(Set(rows.map(\.priority)).count >= 4)
        #expect(!t.rows(in: .breachingWithin(0), now: demoNow).isEmpty)
        #expect(Set(rows.compactMap(\.service)).count >= 15)
        #expect(rows.allSatisfy { $0.openedAt <= demoNow && $0.openedAt >= demoNow.addingTimeInterval(-91 * 86_400) })
        // The major incident and its children.
        let major = try #require(rows.first { $0.majorIncident == .accepted })
        #expect(major.childCount == 9 && major.priority == .p1)
        #expect(t.rows(in: .major, now: demoNow).count == 10)
        let child = try #require(try desk.incident(t.children(of: major.id)[0]))
        #expect(child.customerReplies.count == 1)
        // Problems, linked incidents, known errors.
        let problems = try desk.problems()
        #expect(problems.allSatisfy { $0.incidents.count >= 3 })
        #expect(problems.contains { $0.state == .resolved } && problems.contains { $0.knownError != nil })
        #expect(try desk.knownErrors().count == summary.knownErrors)
        // The calendar has holidays; the operator can work.
        #expect(snap.directory.calendars[DemoCatalogue.officeHours]?.holidays.isEmpty == false)
        #expect(snap.directory.agents.count == 28)
        let unassigned = try #require(rows.first { $0.state == .new && $0.group == "Service Desk" })
        try desk.perform(.takeIncident(unassigned.id))
        #expect(try desk.snapshot.incidents.row(unassigned.id)?.assignee == "opsuser")
        // Titles are the templates', filled.
        #expect(rows.allSatisfy { !$0.title.contains("{") })
    }
}
