import Foundation
import Testing
import ITSM
@testable import DeskStore

/// The rows image's open-rows index (the start view's order, written beside the columns): read
/// back, it is exactly the order `select` computes — running, paused, breached clocks, ties on
/// SLA and priority, closed rows left out; once a commit patches the table the index is not
/// used; a damaged index is ignored and the image still serves.
@Suite struct OpenIndexTests {
    static func busyDesk(_ dir: TempDir, clock: TestClock) throws -> (Desk, [RecordID]) {
        let desk = try smallDesk(dir, clock: clock)
        var ids: [RecordID] = []
        for k in 1...48 {
            // Some opened in the same second: equal SLA due, ties broken by priority then row.
            if k % 3 != 0 { clock.advance(Double((k * 7919) % 900)) }
            ids.append(try open(desk, "Item \(k)", group: k % 5 == 0 ? nil : "Service Desk"))
        }
        for (k, id) in ids.enumerated() {
            switch k % 6 {
            case 1: try desk.perform(.takeIncident(id))
            case 2: try desk.perform(.moveIncident(id, to: .onHold, holdReason: .awaitingCaller))
            case 3: try desk.perform(.moveIncident(id, to: .resolved, resolution: ResolutionCode.solvedPermanently, notes: "Done."))
            case 4: try desk.perform(.moveIncident(id, to: .cancelled, notes: "Duplicate."))
            default: break
            }
        }
        clock.advance(9 * 3600)  // some resolution clocks have breached by now
        try desk.perform(.takeIncident(ids[0]))
        return (desk, ids)
    }

    @Test func indexIsTheOrderSelectComputes() throws {
        let dir = TempDir()
        let clock = TestClock(t0)
        let (desk, ids) = try Self.busyDesk(dir, clock: clock)
        try desk.compact()
        let t = try Desk.open(at: dir.sub("store"), user: ActingUser(user: "bob"), clock: { clock.now }).snapshot.incidents
        let index = try #require(t.image.openBySLA)
        let selected = t.select(.open, now: clock.now)
        #expect(index.map { Int32($0) } == selected)
        #expect(selected.count == ids.count - ids.count / 6 * 2)
        #expect(t.order(.open, now: clock.now) == QueueOrder(selected))
        // Other sorts and scopes never read it.
        #expect(Array(t.order(.open, sort: IncidentSort(.sla, ascending: false), now: clock.now)) == t.select(.open, sort: IncidentSort(.sla, ascending: false), now: clock.now))
        // A later commit patches the table: the order is computed, and still right.
        try desk.perform(.moveIncident(ids[1], to: .resolved, resolution: ResolutionCode.solvedPermanently, notes: "Done."))
        let patched = try Desk.open(at: dir.sub("store"), user: ActingUser(user: "bob"), clock: { clock.now }).snapshot.incidents
        #expect(!patched.overlay.isEmpty)
        #expect(Array(patched.order(.open, now: clock.now)) == patched.select(.open, now: clock.now))
        #expect(patched.order(.open, now: clock.now).count == selected.count - 1)
    }

    @Test func aDamagedIndexIsIgnoredAndTheImageStillServes() throws {
        let dir = TempDir()
        let clock = TestClock(t0)
        let (desk, _) = try Self.busyDesk(dir, clock: clock)
        try desk.compact()
        let path = dir.sub("store") + "/" + RowImage.fileName
        let good = try #require(FileManager.default.contents(atPath: path)).map { $0 }
        let expected = try #require(RowImage(bytes: good).openBySLA).map { $0 }
        // Every byte of the index and its trailer, flipped in turn.
        let trailer = good.count - 24
        let start = Int(good.withUnsafeBytes { $0.u64(at: trailer + 8) })
        for k in stride(from: start, to: good.count, by: 1) {
            var bad = good
            bad[k] ^= 0x5A
            let image = try RowImage(bytes: bad)
            #expect(image.openBySLA == nil || image.openBySLA.map { Array($0) } == expected, "byte \(k)")
            #expect(image.count == 48)
        }
        // A trailer that does not add up (here: its magic) leaves the image without the index.
        var noTrailer = good
        noTrailer[trailer] ^= 0xFF
        let table = IncidentTable(image: try RowImage(bytes: noTrailer))
        #expect(table.image.openBySLA == nil)
        #expect(table.order(.open, now: clock.now).all.map { UInt32($0) } == expected)
    }
}
