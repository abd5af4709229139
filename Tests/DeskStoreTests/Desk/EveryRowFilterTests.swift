import Foundation
import Testing
import ITSM
@testable import DeskStore

/// The `/` filter over every row: the word-at-a-time scan of the search buffer, and the
/// matches read off its hit bits (names checked for the rows whose text missed), agree with a
/// plain substring test of each row's text and names.
@Suite struct EveryRowFilterTests {
    @Test func everyRowFilterAgreesWithASubstringTestOfEachRow() throws {
        let dir = TempDir()
        let clock = TestClock(t0)
        let desk = try smallDesk(dir, clock: clock)
        let words = ["Printer", "jams", "on", "floor", "ünïcode", "東京", "VPN", "drops", "a", "pp"]
        for k in 1...150 {
            let title = (0..<(k % 5 + 1)).map { words[($0 * 7 + k) % words.count] }.joined(separator: k % 3 == 0 ? " " : "")
            _ = try open(desk, "\(title) \(k % 11 == 0 ? "floor 2" : "")", group: k % 4 == 0 ? nil : "Service Desk")
        }
        try desk.writeRowsImage()
        let t = try Desk.open(at: dir.sub("store"), user: ActingUser(user: "bob"), clock: { clock.now }).snapshot.incidents
        let every = t.rows(in: .all, now: clock.now)
        // Some needles match names too: "desk" (the group), "mail" (the service), "e" (both).
        for needle in ["p", "pp", "printer", "jamsp", "r on", "floor 2", "inc-1", "inc-12", "ü", "東京", "zzz", "npp", "desk", "mail", "e"] {
            let expected = every.filter { i in
                let r = t.packed(Int(i))
                return r.searchText.contains(needle) || [r.assignee, r.group, r.service, r.ci].contains { $0?.lowercased().contains(needle) == true }
            }
            #expect(t.filter(every, text: needle, everyRow: true) == expected, "\(needle)")
            #expect(t.filter(every, text: needle) == expected, "\(needle)")
            #expect(t.page(.all, text: needle.uppercased(), sort: IncidentSort(.id), limit: 500, now: clock.now).count == expected.count)
        }
    }
}

/// The open scope read eight state bytes at a time agrees with each row's own state, for rows
/// from the image, rows replaced since, and a count that is not a multiple of eight.
@Suite struct OpenScopeTests {
    @Test func openScopeAgreesWithEachRowsState() throws {
        let dir = TempDir()
        let clock = TestClock(t0)
        let desk = try smallDesk(dir, clock: clock)
        var ids: [RecordID] = []
        for k in 1...43 { ids.append(try open(desk, "Incident \(k)")) }
        for (k, id) in ids.enumerated() {
            switch k % 5 {
            case 1: try desk.perform(.takeIncident(id))
            case 2: try desk.perform(.moveIncident(id, to: .resolved, resolution: .solvedPermanently, notes: "Done"))
            case 3: try desk.perform([.takeIncident(id), .moveIncident(id, to: .onHold, holdReason: .awaitingCaller)])
            default: break
            }
        }
        try desk.writeRowsImage()
        // Rows replaced after the image: one closes, one reopens work.
        try desk.perform(.moveIncident(ids[0], to: .resolved, resolution: .solvedPermanently, notes: "Done"))
        try desk.perform(.takeIncident(ids[5]))
        let t = try desk.snapshot.incidents
        let expected = (0..<t.count).filter { t[$0].isOpen }.map(Int32.init)
        #expect(t.rows(in: .open, now: clock.now) == expected)
        #expect(expected.count > 10 && expected.count < 43)
    }
}
